"""gzip for text responses when no proxy compresses them (the COMPRESS_RESPONSES setting).

Pages are 5-20 KB of HTML; over a slow office link gzip makes them a quarter of that. A proxy
in front (nginx, docs/deploy.md) compresses better and off the workers, so behind one the
middleware is not installed at all and the hot paths pay nothing. The response is compressed
after everything else, so the kept pages (course/pagecache.py) stay plain in memory.
"""

from __future__ import annotations

import gzip

COMPRESSIBLE: tuple[str, ...] = ("text/html", "text/css", "text/csv", "text/plain", "application/javascript")
COMPRESSIBLE += ("application/json", "image/svg+xml", "text/javascript")
MIN_SIZE = 512  # below this gzip's header and the CPU cost more than they save


def wanted(setting: str, proxy_hops: int) -> bool:
    """`on`, `off`, or `auto` (the default): on unless a proxy is in front."""
    value = setting.strip().lower()
    if value in ("on", "1", "true", "yes"):
        return True
    if value in ("off", "0", "false", "no"):
        return False
    return proxy_hops == 0


def _accepts_gzip(environ) -> bool:
    accepted = environ.get("HTTP_ACCEPT_ENCODING", "")
    return any(part.split(";")[0].strip().lower() in ("gzip", "*") for part in accepted.split(","))


class Compress:
    """WSGI middleware: gzip a whole (buffered) text response the client accepts gzip for."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if not _accepts_gzip(environ) or environ.get("REQUEST_METHOD") == "HEAD":
            return self.wsgi_app(environ, start_response)
        held: list = []

        def hold(status, headers, exc_info=None):
            held[:] = [status, headers, exc_info]
            return lambda data: body.append(data)  # the legacy write() callable

        body: list[bytes] = []
        result = self.wsgi_app(environ, hold)
        try:
            body.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers, exc_info = held
        data = b"".join(body)
        if _compressible(status, headers, data):
            data = gzip.compress(data, compresslevel=6, mtime=0)
            headers = _compressed_headers(headers, len(data))
        start_response(status, headers, exc_info)
        return [data]


def _compressible(status: str, headers: list[tuple[str, str]], data: bytes) -> bool:
    if len(data) < MIN_SIZE or not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    if "content-encoding" in names:
        return False
    return names.get("content-type", "").split(";")[0].strip().lower() in COMPRESSIBLE


def _compressed_headers(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    kept = [(n, v) for n, v in headers if n.lower() not in ("content-length", "etag", "vary")]
    vary = [v for n, v in headers if n.lower() == "vary"]
    etag = [v for n, v in headers if n.lower() == "etag"]
    kept += [("Content-Encoding", "gzip"), ("Content-Length", str(length))]
    kept.append(("Vary", ", ".join([*vary, "Accept-Encoding"])))
    if etag:  # the gzipped bytes differ from the plain ones: the tag may only be weak
        kept.append(("ETag", etag[0] if etag[0].startswith("W/") else "W/" + etag[0]))
    return kept
