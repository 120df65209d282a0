"""Report timings on seeded data, on SQLite and PostgreSQL, and the CSV export's memory.

Each database is migrated, seeded with `course.reports.seed` (the code behind `flask dev seed`)
and analysed (ANALYZE / VACUUM ANALYZE, as autovacuum would after a bulk load); then each report
is requested through the app (test client, in process, logged in as an admin) BENCH_REPORT_RUNS
times after one warm-up, and the median is printed:

- report_funnel_ms: the funnel broken down by region; report_quiz_ms: the quiz results;
  report_items_ms: the item analysis of the module quiz with the most attempts (first attempts);
  report_csv_ms: that item analysis as CSV, read to the end; report_certificates_ms as well.
- report_baseline_ms: the first page of the learners list (/admin/) on the same data in the
  same run, and each report's ratio to it (`*_ratio`), so figures compare across machines.
- report_csv_peak_mb: the peak of Python allocations (tracemalloc) while a fresh process serves
  and reads the items CSV; compared between 10,000 and 100,000 learners on PostgreSQL.

Suffixes: none for SQLite at BENCH_REPORT_LEARNERS (10,000), `_pg` for PostgreSQL at the same
size, `_pg_100k` for PostgreSQL at BENCH_REPORT_LEARNERS_BIG (100,000; 0 skips it).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench.harness import ROOT, SECRET, figure, temporary_instance

LEARNERS = int(os.environ.get("BENCH_REPORT_LEARNERS", "10000"))
BIG = int(os.environ.get("BENCH_REPORT_LEARNERS_BIG", "100000"))
RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "5"))
ADMIN = "bench-admin@example.org"
PASSWORD = "bench admin password long enough"
QUIZ = "what-is-trafficking-quiz"
PAGES = {
    "funnel": "/admin/reports/funnel?by=region",
    "quiz": "/admin/reports/quizzes",
    "items": f"/admin/reports/items?quiz={QUIZ}",
    "csv": f"/admin/reports/items.csv?quiz={QUIZ}",
    "certificates": "/admin/reports/certificates",
    "baseline": "/admin/",
}


def _app(url: str, instance):
    from course import create_app

    os.environ["INSTANCE_PATH"] = str(instance)
    config = {"DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"}
    return create_app({**config, "TESTING": True, "SESSION_COOKIE_SECURE": False})


def prepare(url: str, instance, learners: int) -> float:
    """Migrate, seed, analyse, add the admin; return the seeding time in seconds."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from course.accounts.services import create_admin
    from course.content.access import current_catalog
    from course.extensions import db
    from course.reports.seed import seed

    app = _app(url, instance)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        catalog = current_catalog()
        seed(db.session, catalog.modules, catalog.quizzes, learners, datetime.now(UTC), seed_value=13)
        create_admin(db.session, ADMIN, PASSWORD, datetime.now(UTC))
        db.session.commit()
        seconds = time.perf_counter() - started
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
        db.engine.dispose()
    return seconds


def _client(url: str, instance):
    from tests.conftest import Auth

    app = _app(url, instance)
    client = app.test_client()
    response = Auth(client).login(ADMIN, PASSWORD)
    assert response.status_code == 302, response.status_code
    return app, client


def timings(url: str, instance) -> dict[str, float]:
    """Median milliseconds per page, each page warmed once first."""
    app, client = _client(url, instance)
    results = {}
    for name, path in PAGES.items():
        assert client.get(path).status_code == 200, path
        runs = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(path)
            body = response.get_data()  # streamed responses are read to the end
            runs.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and body
        results[name] = statistics.median(runs)
    with app.app_context():
        from course.extensions import db

        db.engine.dispose()
    return results


PEAK_SCRIPT = """
import sys, tracemalloc
from pathlib import Path
from bench.reports import _client, PAGES
app, client = _client(sys.argv[1], Path(sys.argv[2]))
client.get(PAGES["csv"]).get_data()
tracemalloc.start()
response = client.get(PAGES["csv"])
size = sum(len(chunk) for chunk in response.response)
peak = tracemalloc.get_traced_memory()[1]
print(peak / 1e6, size)
"""


def csv_peak_mb(url: str, instance) -> float:
    """tracemalloc's peak while a fresh process serves the items CSV (after one warm-up)."""
    output = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, url, str(instance)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(output[0])


def _report(suffix: str, seeded: float, times: dict[str, float], peak: float | None) -> None:
    figure(f"report_seed_s{suffix}", seeded)
    for name in ("funnel", "quiz", "items", "csv", "certificates"):
        figure(f"report_{name}_ms{suffix}", times[name])
    figure(f"report_baseline_ms{suffix}", times["baseline"])
    for name in ("funnel", "quiz", "items", "csv"):
        figure(f"report_{name}_ratio{suffix}", times[name] / times["baseline"])
    if peak is not None:
        figure(f"report_csv_peak_mb{suffix}", peak)


def _measure(url: str, learners: int, suffix: str, peak: bool) -> float | None:
    with temporary_instance() as instance:
        seeded = prepare(url, instance, learners)
        times = timings(url, instance)
        peak_mb = csv_peak_mb(url, instance) if peak else None
        _report(suffix, seeded, times, peak_mb)
    return peak_mb


def run() -> None:
    from tests.pg import Cluster

    with temporary_instance() as instance:
        _measure(f"sqlite:///{instance / 'reports.db'}", LEARNERS, "", True)
    cluster = Cluster().start()
    try:
        small = _measure(cluster.create_database("reports_small"), LEARNERS, "_pg", True)
        if BIG:
            big = _measure(cluster.create_database("reports_big"), BIG, "_pg_100k", True)
            if small and big:
                figure("report_csv_peak_ratio_100k", big / small)
    finally:
        cluster.stop()


if __name__ == "__main__":
    run()
