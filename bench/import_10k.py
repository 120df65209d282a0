"""Bulk enrolment of 10,000 learners from one CSV (the issue asks for <= 60 s).

- import_10k_s: wall time of the whole import of a 10,000-row file into a cohort, on a migrated
  SQLite database that already holds 1,000 learners (so the file meets existing accounts): the
  whole-file dry run, storing the upload, then the go-ahead (the check again, accounts, cohort
  memberships, batch items and 10,000 invitations in the outbox), committed. The same service calls
  the admin pages make; HTTP adds one upload and two page renders.
- import_10k_dry_run_s: the dry run alone (what the admin waits for after choosing the file).
- import_bulk_insert_s: a plain bulk INSERT of the same 10,000 user rows in the same run, the
  floor any import must pay; import_10k_ratio = import_10k_s / import_bulk_insert_s.
"""

from __future__ import annotations

import os
import time
from datetime import date
from types import SimpleNamespace

from bench.harness import app_env, figure, temporary_instance

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
EXISTING = 1000
REGIONS = ("lviv", "kharkiv", "odesa", "kyiv-city")


def csv_file(rows: int) -> bytes:
    """Excel-style: BOM, `;`, CRLF, Ukrainian headers and labels, apostrophes in names."""
    lines = ["\ufeffел_пошта;ім'я;тип_організації;регіон;посада;мова"]
    for number in range(rows):
        region = REGIONS[number % len(REGIONS)]
        lines.append(f"Learner.{number}@Example.org;Мар’яна Петренко {number};Поліція;{region};Інспекторка;uk")
    return ("\r\n".join(lines) + "\r\n").encode()


def _app(instance):
    os.environ.update({**app_env(instance), "SMTP_HOST": "127.0.0.1"})
    from flask_migrate import upgrade

    from course import create_app

    app = create_app()
    with app.app_context():
        upgrade()
    return app


def _existing(db, now) -> None:
    from sqlalchemy import insert

    from course.accounts.models import User

    # The same details as their file rows: met as "already existed", unchanged (the guard stays quiet).
    rows = [
        {**_user_row(f"learner.{n}@example.org", f"Мар’яна Петренко {n}", now), "region": REGIONS[n % len(REGIONS)]}
        for n in range(EXISTING)
    ]
    db.session.execute(insert(User), rows)
    db.session.commit()


def _user_row(email: str, name: str, now) -> dict:
    return {
        "email": email,
        "full_name": name,
        "password_hash": "",
        "org_type": "police",
        "region": "lviv",
        "position": "Інспекторка",
        "role": "learner",
        "locale": "uk",
        "session_epoch": 0,
        "is_active": True,
        "reminders_opt_out": False,
        "created_at": now,
    }


def import_once(app) -> tuple[float, float, dict]:
    from course.clock import utcnow
    from course.cohorts import imports, services
    from course.cohorts.settings import import_settings
    from course.extensions import db

    actor = SimpleNamespace(id=None, role="admin")
    data = csv_file(ROWS)
    with app.app_context():
        now = utcnow()
        _existing(db, now)
        cohort = services.create_cohort(db.session, services.CohortData("Bench", None, None, date.today(), None), now)
        db.session.commit()
        settings = import_settings(app.config)
        start = time.perf_counter()
        check = imports.check_file(db.session, actor, cohort, data, settings)
        dry_run = time.perf_counter() - start
        assert check.ok, check.problems[:3]
        batch = imports.store_upload(db.session, actor, cohort, "bench.csv", data, True, now)
        db.session.commit()
        applied, _links = imports.apply_batch(db.session, actor, batch, settings, now)
        db.session.commit()
        total = time.perf_counter() - start
        return total, dry_run, applied.counts()


def bulk_insert_once(app) -> float:
    from sqlalchemy import insert

    from course.accounts.models import User
    from course.clock import utcnow
    from course.extensions import db

    with app.app_context():
        now = utcnow()
        rows = [_user_row(f"plain.{n}@example.org", f"Мар’яна Петренко {n}", now) for n in range(ROWS)]
        start = time.perf_counter()
        db.session.execute(insert(User), rows)
        db.session.commit()
        return time.perf_counter() - start


def run() -> dict[str, float]:
    with temporary_instance() as instance:
        app = _app(instance)
        total, dry_run, counts = import_once(app)
        bulk = bulk_insert_once(app)
        with app.app_context():
            from course.extensions import db

            db.engine.dispose()
    assert counts["created"] == ROWS - EXISTING and counts["existed"] == EXISTING, counts
    results = {
        "import_10k_s": total,
        "import_10k_dry_run_s": dry_run,
        "import_bulk_insert_s": bulk,
        "import_10k_ratio": total / bulk,
    }
    for name, value in results.items():
        figure(name, value)
    return results


if __name__ == "__main__":
    run()
