"""Shared benchmark machinery: gunicorn servers, wrk load from 127.0.0.1, figures on stdout.

Each benchmark measures its page and the bare Flask page in the same run, under the same
gunicorn settings, and reports the ratio, so figures compare across machines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
DURATION = os.environ.get("BENCH_DURATION", "8s")
SECRET = "bench-secret-key-" + "0" * 32


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def figure(name: str, value: float | int) -> None:
    """One figure per line, `name: value`, for scripts to read."""
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text}", flush=True)


@dataclass
class WrkResult:
    rps: float
    p99_ms: float
    errors: int


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str] | None = None, cwd: Path = ROOT):
    """Serve `app_spec` with gunicorn sync workers on a free port; yield the base URL."""
    port = free_port()
    environment = {**os.environ, **(env or {})}
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            app_spec,
        ],
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def wrk(
    url: str, headers: dict[str, str] | None = None, duration: str = DURATION, connections: int = CONNECTIONS
) -> WrkResult:
    """Load `url` from 127.0.0.1 with wrk; bounded by `duration`."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: run `make bench`, which installs it")
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}", "--latency", url]
    for name, value in (headers or {}).items():
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = _latency_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1))
    errors = 0
    socket_errors = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", socket_errors):
        match = re.search(pattern, output)
        if match:
            errors += sum(int(g) for g in match.groups())
    return WrkResult(rps, p99, errors)


def interleaved(
    page_url: str, page_headers: Callable[[], dict[str, str]], bare_url: str, rounds: int
) -> tuple[list[WrkResult], list[WrkResult]]:
    """wrk rounds on the page and on the bare page, taken in turn, so that a change in the
    machine's load during the run falls on both sides of the ratio alike. `page_headers` is
    asked before each round (a fresh login, say)."""
    page, bare = [], []
    for _ in range(rounds):
        page.append(wrk(page_url, page_headers()))
        bare.append(wrk(bare_url))
    return page, bare


def _latency_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


@contextmanager
def bare_page(page_bytes: int):
    with gunicorn("bench.bare_app:app", {"BARE_PAGE_BYTES": str(page_bytes)}) as url:
        yield url


@contextmanager
def temporary_instance():
    path = Path(tempfile.mkdtemp(prefix="frontline-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def app_env(instance: Path, database_url: str | None = None) -> dict[str, str]:
    return {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url or f"sqlite:///{instance / 'bench.db'}",
        "LOG_LEVEL": "WARNING",
    }
