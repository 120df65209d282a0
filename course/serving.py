"""gunicorn settings for `make run` (`-c python:course.serving`): say where the app is served.

QR codes, printed verification links and reset links are built from BASE_URL, never from the
request, and a certificate is frozen at issue; a BASE_URL that points at another port than the
one the app listens on prints dead links into every PDF. So the start-up log names both and
warns when they cannot be the same address (a proxy in front, PROXY_HOPS > 0, is trusted to
map one onto the other).
"""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit

log = logging.getLogger("frontline.serving")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"}  # noqa: S104 - names compared, nothing bound


def base_url_problem(base_url: str, host: str, port: int, proxied: bool) -> str | None:
    """Why `base_url` cannot reach an app listening on host:port directly, or None."""
    parts = urlsplit(base_url)
    if proxied or parts.hostname not in LOOPBACK | {host}:
        return None  # a public name: a proxy or DNS maps it onto the listening address
    default = {"http": 80, "https": 443}.get(parts.scheme, 0)
    if (parts.port or default) != port:
        return (
            f"BASE_URL {base_url} does not match where the app listens (port {port}): QR codes and "
            f"links will point elsewhere. Set BASE_URL=http://{host}:{port} or leave it unset."
        )
    return None


def when_ready(server) -> None:  # gunicorn hook, in the master, once the sockets are bound
    from course.config import SETTINGS

    base_url = (os.environ.get("BASE_URL") or SETTINGS["BASE_URL"][0] or "").rstrip("/")
    proxied = os.environ.get("PROXY_HOPS", "0").strip() not in ("", "0")
    for listener in server.LISTENERS:
        address = listener.sock.getsockname()
        if not isinstance(address, tuple):  # a unix socket: only a proxy can reach it
            continue
        host, port = str(address[0]), int(address[1])
        server.log.info("Frontline listens on http://%s:%s; BASE_URL (QR codes, links) is %s", host, port, base_url)
        problem = base_url_problem(base_url, host, port, proxied)
        if problem:
            server.log.warning("%s", problem)
