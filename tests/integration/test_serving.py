"""`make run` serves on PORT and prints QR codes and links for that same port (issue 16, item 2).

These start the real thing: `make run` with gunicorn, and gunicorn with a BASE_URL that points
elsewhere, then read the start-up log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from course.serving import base_url_problem
from tests.pg import free_port

ROOT = Path(__file__).parents[2]


def _start_and_read_log(command: list[str], env: dict[str, str], until: str, timeout: float = 90) -> str:
    """Run `command` in its own process group until its output contains `until`; return it."""
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    output: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if until in line:
                time.sleep(0.5)  # the warning, if any, follows the listening line
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        rest = process.communicate(timeout=30)[0]
    return "".join(output) + (rest or "")


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "PORT", "PROXY_HOPS")}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), **extra)
    return env


def test_make_run_derives_base_url_from_port_and_logs_it(tmp_path: Path):
    port = free_port()
    log = _start_and_read_log(
        ["make", "--no-print-directory", "run", f"PORT={port}"], _environment(tmp_path), "Frontline listens on"
    )
    assert f"BASE_URL (QR codes, links) is http://127.0.0.1:{port}" in log, log
    assert "does not match" not in log


def test_start_up_warns_when_base_url_points_at_another_port(tmp_path: Path):
    port = free_port()
    env = _environment(tmp_path, BASE_URL="http://127.0.0.1:5000")
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "python:course.serving", "--bind", f"127.0.0.1:{port}"]
    # "Booting worker" comes after the when_ready hook, so its warning is in the log by then
    log = _start_and_read_log([*command, "--workers", "1", "wsgi:app"], env, "Booting worker")
    assert f"BASE_URL http://127.0.0.1:5000 does not match where the app listens (port {port})" in log, log


def test_a_public_base_url_or_a_proxy_is_not_a_mismatch():
    assert base_url_problem("https://learn.example.org", "127.0.0.1", 8000, proxied=False) is None
    assert base_url_problem("http://127.0.0.1:5000", "127.0.0.1", 8000, proxied=True) is None
    assert base_url_problem("http://localhost:8000", "127.0.0.1", 8000, proxied=False) is None
    assert base_url_problem("http://localhost", "127.0.0.1", 8000, proxied=False)
