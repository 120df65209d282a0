"""REL-2(d) load: the learner's journey under locust, SQLite against PostgreSQL (`make bench-load`).

Opt-in (`python -m bench load`), not in `make bench`: it takes about three minutes. Each virtual
user (bench/load/locustfile.py) logs in as a learner who has done all the course but one module,
reads that module, passes its quiz (the submit issues the certificate), opens "My certificates",
downloads the PDF and logs out; its next loop is the next learner. Sizes follow Moodle
tool_generator's test plan (1, 30, 100 users; 5 loops; ramp-up 1, 6 and 40 s), scaled to a
2-core box: the 40 s ramp-up of 100 users is cut to 10 s and every run stops after
BENCH_LOAD_SECONDS, so the larger sizes end before their fifth loop. gunicorn serves the app
from .venv; locust runs from its own .venv-load (docs/security.md: it pins Flask-family packages);
both on 127.0.0.1 only.

Figures per database and size: p50 and p95 over every request (ms, as locust rounds them),
the error rate (failed / all requests), requests per second, and the certificates issued, read
back from the database (a submit still in flight when locust stops counts there, not in locust's).
Other work on the box moves these figures a lot: compare runs made on a quiet machine.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections import defaultdict
from pathlib import Path

from bench.harness import ROOT, app_env, figure, gunicorn, temporary_instance

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
USERS = [int(n) for n in os.environ.get("BENCH_LOAD_USERS", "1,30,100").split(",")]
RAMP_UP_SECONDS = {1: 1, 30: 6, 100: 10}  # Moodle's are 1, 6, 40: see the docstring
LOOPS = 5  # Moodle's test plan: 5 loops for 1, 30 and 100 users
THINK_SECONDS = (0.25, 0.75)  # between two pages of one learner: a loop takes about 12 s
LOCUST = Path(os.environ.get("LOCUST", ROOT / ".venv-load" / "bin" / "locust"))
LOCUSTFILE = Path(__file__).with_name("load") / "locustfile.py"
PASSWORD = "correct horse battery staple"  # noqa: S105 - throwaway learners of a temporary database


def prepare(env: dict[str, str], count: int) -> dict:
    """Migrate and create `count` learners, each with all but one module done; return the plan."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from course import create_app
    from course.content.access import current_catalog
    from course.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        catalog = current_catalog()
        quizzes = {q.module_id: q for q in catalog.quizzes.values() if q.module_id and not q.is_final}
        modules = [m for m in catalog.modules if m.id in quizzes]
        ids = _insert_learners(db.session, count)
        templates = ids[: len(modules)]
        for user_id, module in zip(templates, modules, strict=False):
            _complete_all_but(db.session, user_id, module, catalog, quizzes)
        _copy_progress(db.session, templates, ids[len(templates) :])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {
        "password": PASSWORD,
        "loops": LOOPS,
        "think": THINK_SECONDS,
        "learners": [(_email(i), modules[i % len(modules)].id) for i in range(count)],
        "answers": {q.id: _answer_key(q) for q in quizzes.values()},
    }


def _email(index: int) -> str:
    return f"load{index}@example.org"


def _insert_learners(session, count: int) -> list[int]:
    from sqlalchemy import insert, select

    from course.accounts.models import User
    from course.accounts.passwords import hash_password
    from course.clock import utcnow

    password_hash, now = hash_password(PASSWORD), utcnow()
    session.execute(
        insert(User),
        [
            {
                "email": _email(i),
                "full_name": f"Олена Петренко {i}",
                "password_hash": password_hash,
                "org_type": "police",
                "region": "lviv",
                "role": "learner",
                "locale": "uk",
                "session_epoch": 0,
                "is_active": True,
                "created_at": now,
            }
            for i in range(count)
        ],
    )
    ids = dict(session.execute(select(User.email, User.id)).tuples().all())
    return [ids[_email(i)] for i in range(count)]


def _complete_all_but(session, user_id: int, left: object, catalog, quizzes: dict) -> None:
    """Through the services, as the e2e certificate test does: read every lesson, pass every quiz."""
    from course.accounts.models import User
    from course.clock import utcnow
    from course.progress.services import mark_read
    from course.quizzes import services
    from course.quizzes.types import MATCHING, Response

    learner, now = session.get(User, user_id), utcnow()
    for module in catalog.modules:
        if module is left:
            continue
        for lesson in module.lessons:
            mark_read(session, learner, module, lesson.id, now)
        if module.id in quizzes:
            attempt = services.start_attempt(session, learner, quizzes[module.id], catalog.quizzes, now)
            right = {}
            for drawn in services.attempt_questions(session, attempt):
                q = drawn.question
                right[q.id] = (
                    Response.of(matches={p.id: p.id for p in q.prompts})
                    if q.kind == MATCHING
                    else Response.of(chosen=q.correct_ids)
                )
            services.submit_attempt(session, attempt, right, attempt.version, now)
    session.flush()


def _copy_progress(session, templates: list[int], others: list[int]) -> None:
    """Give learner n the lesson reads and passed attempts of template n mod 6, in two inserts."""
    from sqlalchemy import insert, select

    from course.progress.models import LessonRead
    from course.quizzes.models import QuizAttempt
    from course.quizzes.services import new_public_id

    reads, attempts = LessonRead.__table__, QuizAttempt.__table__
    by_user: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for slot, table in enumerate((reads, attempts)):
        for row in session.execute(select(table)).mappings():
            by_user[row["user_id"]][slot].append({k: v for k, v in row.items() if k != "id"})
    read_rows, attempt_rows = [], []
    for index, user_id in enumerate(others):
        done_reads, done_attempts = by_user[templates[index % len(templates)]]
        read_rows += [{**r, "user_id": user_id} for r in done_reads]
        attempt_rows += [{**a, "user_id": user_id, "public_id": new_public_id()} for a in done_attempts]
    for table, rows in ((reads, read_rows), (attempts, attempt_rows)):
        if rows:
            session.execute(insert(table), rows)


def _answer_key(quiz) -> dict[str, dict]:
    """Right option ids; for matching, the text of each prompt's right answer as its <option> shows it."""
    from markupsafe import Markup

    from course.quizzes.types import MATCHING

    key: dict[str, dict] = {}
    for q in quiz.questions:
        if q.kind != MATCHING:
            key[q.id] = {"choose": sorted(q.correct_ids)}
            continue
        html = {o.id: o.html for o in q.options}
        key[q.id] = {"match": {p.id: sorted({Markup(t).striptags() for t in html[p.id].values()}) for p in q.prompts}}
    return key


def measure(env: dict[str, str], instance: Path, users: int) -> dict[str, float]:
    """One locust run of `users` virtual users, bounded by SECONDS; figures from its CSV."""
    plan = instance / "plan.json"
    plan.write_text(json.dumps(prepare(env, users * LOOPS), ensure_ascii=False), encoding="utf-8")
    prefix = instance / "locust"
    ramp = RAMP_UP_SECONDS.get(users, max(1, users // 10))
    with gunicorn("wsgi:app", env) as url:
        command = [
            str(LOCUST),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            url,
            "-u",
            str(users),
            "-r",
            f"{users / ramp:g}",
            "-t",
            f"{SECONDS}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=SECONDS + 120,
            env={**os.environ, "FRONTLINE_LOAD_PLAN": str(plan)},
        )
    stats = prefix.with_name("locust_stats.csv")
    if done.returncode != 0 or not stats.exists():
        raise RuntimeError(f"locust failed ({done.returncode}): {done.stderr[-3000:]}")
    with stats.open(encoding="utf-8") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    return {
        "p50_ms": _number(total["50%"]),
        "p95_ms": _number(total["95%"]),
        "error_rate": int(total["Failure Count"]) / requests if requests else 1.0,
        "rps": _number(total["Requests/s"]),
        "certificates": _certificates(env["DATABASE_URL"]),
        "failures": _failures(prefix.with_name("locust_failures.csv")),
    }


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else float("nan")


def _certificates(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM certificate WHERE pdf IS NOT NULL")).scalar_one()
    engine.dispose()
    return int(count)


def _failures(path: Path) -> list[str]:
    """locust's failure table, one line per kind, for a comment under the figures."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [f"{r['Method']} {r['Name']}: {r['Error']} x{r['Occurrences']}" for r in csv.DictReader(handle)]


def _report(database: str, users: int, result: dict) -> None:
    for name in ("p50_ms", "p95_ms", "error_rate", "rps", "certificates"):
        figure(f"load_{database}_{users}u_{name}", result[name])
    for line in result["failures"][:5]:
        print(f"# load_{database}_{users}u failure: {line}", flush=True)


def run() -> dict[str, dict]:
    from tests.pg import Cluster

    if not LOCUST.exists():
        raise RuntimeError(f"{LOCUST} is missing: run `make bench-load`, which creates .venv-load")
    results: dict[str, dict] = {}
    for users in USERS:
        with temporary_instance() as instance:
            results[f"sqlite_{users}u"] = result = measure(app_env(instance), instance, users)
        _report("sqlite", users, result)
    cluster = Cluster().start()
    try:
        for users in USERS:
            url = cluster.create_database(f"frontline_load_{users}")
            with temporary_instance() as instance:
                results[f"postgres_{users}u"] = result = measure(app_env(instance, url), instance, users)
            _report("postgres", users, result)
    finally:
        cluster.stop()
    return results
