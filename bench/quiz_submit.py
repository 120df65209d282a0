"""Graded quiz submits per second at 50 concurrent learners, on SQLite (WAL) and PostgreSQL.

Each request submits the last page of a different 10-question attempt (the first page's
answers are already saved, as they would be), so every 303 is one graded attempt. wrk drives
gunicorn from 127.0.0.1 with a Lua script; the bare Flask page is measured in the same run.
Afterwards the database is read back: `lost` counts submits answered 303 whose attempt is not
graded, `duplicated` counts attempts graded more than once, `errors` any other response.
Grading leaves the reports' rows for later (course/quizzes/answer_store.py), so the run then
writes them with `flask reports refresh`, timed (`..._rows_per_s`: graded attempts counted a
second), and `rows_missing` counts graded attempts that still have no rows.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench.harness import (
    CONNECTIONS,
    DURATION,
    app_env,
    bare_page,
    figure,
    gunicorn,
    temporary_instance,
    wrk,
)

THREADS = 2
# Enough attempts that the run never runs out: about 5,000 submits/s for the whole duration.
ATTEMPTS = int(os.environ.get("BENCH_QUIZ_ATTEMPTS", "0")) or 5000 * int(DURATION.rstrip("s")) // 2
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$bench$bench"  # never used to log in

LUA = r"""
local threads = {}
local counter, sent = 0, 0
local requests, statuses, ids = {}, {}, {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  for line in io.lines(args[1] .. tid) do requests[#requests + 1] = line end
  answered, other = 0, 0
  seen = io.open(os.getenv("BENCH_QUIZ_OUT") .. ".ids" .. tid, "w")
  seen:setvbuf("line")
end
function request()
  counter = counter + 1
  local item = requests[counter] or requests[#requests]
  local cookie, path, body = item:match("([^\t]*)\t([^\t]*)\t(.*)")
  return wrk.format("POST", path, {["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
function response(status, headers, body)
  if status == 303 and headers["Location"] and headers["Location"]:find("/result") then
    answered = answered + 1
    seen:write(headers["Location"]:match("/attempts/([^/]+)/result") .. "\n")
  else
    other = other + 1
  end
end
function done(summary, latency, requests)
  local file = io.open(os.getenv("BENCH_QUIZ_OUT"), "w")
  for _, thread in ipairs(threads) do
    file:write("answered " .. thread:get("answered") .. "\n")
    file:write("other " .. thread:get("other") .. "\n")
  end
  file:close()
end
"""


def prepare(env: dict[str, str], count: int) -> list[str]:
    """Migrate, create learners and open attempts; return one wrk request line per attempt."""
    os.environ.update(env)
    from flask import g, session
    from flask_login import login_user
    from flask_migrate import upgrade
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import insert, select

    from course import create_app
    from course.accounts.models import User
    from course.accounts.session_user import SessionUser
    from course.content.access import current_catalog
    from course.extensions import db
    from course.quizzes.drawing import draw_attempt
    from course.quizzes.forms import answer_field, choice_token, match_field
    from course.quizzes.models import QuizAttempt
    from course.quizzes.services import new_public_id, snapshot_of, store_content
    from course.quizzes.snapshot import responses_to_json
    from course.quizzes.types import Response
    from course.security import start_session

    app = create_app()
    now = datetime.now(UTC)
    lines: list[str] = []
    with app.app_context():
        upgrade()
        quizzes = {k: q for k, q in current_catalog().quizzes.items() if q.module_id}
        per_user = len(quizzes)
        users = -(-count // per_user)
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"bench{i}@example.org",
                    "full_name": f"Олена Петренко {i}",
                    "password_hash": PASSWORD_HASH,
                    "org_type": "police",
                    "region": "lviv",
                    "role": "learner",
                    "locale": "uk",
                    "session_epoch": 0,
                    "is_active": True,
                    "created_at": now,
                }
                for i in range(users)
            ],
        )
        for quiz in quizzes.values():
            store_content(db.session, quiz, quizzes, now)
        rows, bodies = [], []
        user_ids = db.session.scalars(select(User.id).order_by(User.id)).all()
        for user_id in user_ids:
            for quiz in quizzes.values():
                drawn = draw_attempt(quiz, quizzes, secrets.randbits(32))
                first, last = drawn[:5], drawn[5:]
                saved = {d.question.id: _right(d, Response) for d in first}
                public_id = new_public_id()
                rows.append(
                    {
                        "public_id": public_id,
                        "user_id": user_id,
                        "quiz_id": quiz.id,
                        "content_hash": quiz.content_hash,
                        "is_practice": False,
                        "attempt_no": 1,
                        "status": "in_progress",
                        "version": 0,
                        "snapshot": snapshot_of(drawn, quiz.settings),
                        "answers": responses_to_json(saved),
                        "started_at": now,
                        "updated_at": now,
                    }
                )
                fields = _fields(last, answer_field, match_field, choice_token)
                bodies.append((user_id, public_id, fields))
        db.session.execute(insert(QuizAttempt), rows[:count])
        db.session.commit()
        cookies = {}
        for user_id in user_ids:
            user = db.session.get(User, user_id)
            with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                login_user(SessionUser.of(user))
                start_session(now)
                g.pop("csrf_token", None)  # Flask-WTF caches the token per app context
                token = generate_csrf()
                serializer = app.session_interface.get_signing_serializer(app)
                cookies[user_id] = (f"session={serializer.dumps(dict(session))}", token)
        db.session.remove()
        db.engine.dispose()
    for user_id, public_id, fields in bodies[:count]:
        cookie, token = cookies[user_id]
        body = urlencode([("csrf_token", token), ("version", "0"), ("page", "1"), ("action", "submit"), *fields])
        lines.append(f"{cookie}\t/attempts/{public_id}\t{body}")
    return lines


def _right(drawn, response_type):
    question = drawn.question
    if question.kind == "matching":
        return response_type.of(matches={p.id: p.id for p in question.prompts})
    return response_type.of(question.correct_ids)


def _fields(page, answer_field, match_field, choice_token) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for drawn in page:
        question = drawn.question
        if question.kind == "matching":
            tokens = {o: choice_token(i) for i, o in enumerate(drawn.option_order)}
            fields += [(match_field(question.id, p.id), tokens[p.id]) for p in question.prompts]
        else:
            fields += [(answer_field(question.id), o) for o in sorted(question.correct_ids)]
    return fields


def measure(env: dict[str, str]) -> dict[str, float]:
    lines = prepare(env, ATTEMPTS)
    work = Path(tempfile.mkdtemp(prefix="frontline-quiz-bench-"))
    try:
        for index in range(THREADS):
            share = lines[index::THREADS]
            (work / f"requests{index}").write_text("\n".join(share) + "\n", encoding="utf-8")
        (work / "submit.lua").write_text(LUA, encoding="utf-8")
        out = work / "out.txt"
        with gunicorn("wsgi:app", env) as url:
            started = time.monotonic()
            output = subprocess.run(
                [
                    "wrk",
                    f"-t{THREADS}",
                    f"-c{CONNECTIONS}",
                    f"-d{DURATION}",
                    "-s",
                    str(work / "submit.lua"),
                    url,
                    "--",
                    str(work / "requests"),
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=300,
                env={**os.environ, "BENCH_QUIZ_OUT": str(out)},
            ).stdout
            elapsed = time.monotonic() - started
            time.sleep(1)  # let requests still in flight when wrk stopped finish
        text = out.read_text(encoding="utf-8")
        for index in range(THREADS):
            ids = Path(f"{out}.ids{index}")
            text += ids.read_text(encoding="utf-8") if ids.exists() else ""
        return _read_back(env, text, output, elapsed) | _write_report_rows(env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read_back(env: dict[str, str], out: str, output: str, elapsed: float) -> dict:
    from sqlalchemy import create_engine, text

    answered = sum(int(n) for n in re.findall(r"^answered (\d+)$", out, re.M))
    other = sum(int(n) for n in re.findall(r"^other (\d+)$", out, re.M))
    ids = set(re.findall(r"^([A-Za-z0-9_-]{20,})$", out, re.M))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = other + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0)
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        finished = dict(
            connection.execute(text("SELECT public_id, version FROM quiz_attempt WHERE status = 'finished'")).all()
        )
    engine.dispose()
    lost = sum(1 for public_id in ids if public_id not in finished)
    duplicated = sum(1 for version in finished.values() if version != 1) + max(0, answered - len(ids))
    return {
        "rate": len(finished) / elapsed,
        "answered": answered,
        "errors": errors,
        "lost": lost,
        "duplicated": duplicated,
        "exhausted": int(len(finished) >= ATTEMPTS),
    }


def _write_report_rows(env: dict[str, str]) -> dict:
    """What grading left for later, written as cron would: `flask reports refresh`, timed."""
    os.environ.update(env)
    from sqlalchemy import text

    from course import create_app
    from course.extensions import db

    app = create_app()
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["reports", "refresh"])
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"reports refresh failed: {result.output}")
    counted = int(result.output.rsplit(":", 1)[1])
    with app.app_context():
        missing = db.session.scalar(
            text(
                "SELECT count(*) FROM quiz_attempt a WHERE a.status = 'finished' AND NOT a.is_practice"
                " AND NOT EXISTS (SELECT 1 FROM quiz_answer r WHERE r.attempt_id = a.id)"
            )
        )
        db.session.remove()
        db.engine.dispose()
    return {"rows_per_s": counted / seconds, "rows_missing": missing}


def _postgres_url() -> tuple[object, str]:
    from tests.pg import Cluster

    cluster = Cluster().start()
    return cluster, cluster.create_database("frontline_bench")


def _bare_rps() -> float:
    """The bare Flask page right after each database's run, so both see the same machine load."""
    with bare_page(400) as bare_url:
        return wrk(bare_url + "/").rps


def run() -> dict[str, float]:
    with temporary_instance() as instance:
        sqlite = measure(app_env(instance))
    sqlite_bare = _bare_rps()
    cluster, url = _postgres_url()
    try:
        with temporary_instance() as instance:
            postgres = measure(app_env(instance, url))
    finally:
        cluster.stop()  # type: ignore[attr-defined]
    postgres_bare = _bare_rps()
    results = {
        "quiz_submit_sqlite_per_s": sqlite["rate"],
        "quiz_submit_postgres_per_s": postgres["rate"],
        "quiz_submit_bare_page_rps": (sqlite_bare + postgres_bare) / 2,
        "quiz_submit_sqlite_ratio": sqlite["rate"] / sqlite_bare,
        "quiz_submit_postgres_ratio": postgres["rate"] / postgres_bare,
        "quiz_submit_errors": sqlite["errors"] + postgres["errors"],
        "quiz_submit_lost": sqlite["lost"] + postgres["lost"],
        "quiz_submit_duplicated": sqlite["duplicated"] + postgres["duplicated"],
        "quiz_submit_attempts_exhausted": sqlite["exhausted"] + postgres["exhausted"],
        "quiz_submit_sqlite_rows_per_s": sqlite["rows_per_s"],
        "quiz_submit_postgres_rows_per_s": postgres["rows_per_s"],
        "quiz_submit_rows_missing": sqlite["rows_missing"] + postgres["rows_missing"],
    }
    for name, value in results.items():
        figure(name, value)
    return results
