"""E-mail through the outbox, against a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite and
PostgreSQL: delivery in the recipient's language, the server down then back, a permanent refusal,
a worker killed mid-send (never resent by itself), claims that never overlap, weekly reminders."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from course.accounts.models import PasswordReset, User
from course.cohorts.models import CohortMember
from course.cohorts.services import CohortData, create_cohort
from course.extensions import db
from course.mail import outbox
from course.mail.models import OutboxMessage
from course.progress.models import LessonRead
from tests.conftest import PASSWORD, TEST_COURSE, csrf_token
from tests.pg import free_port
from tests.security.helpers import logged_in
from tests.smtp import Collector, smtp_server

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "imports"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_overrides(smtp_port):
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_SECURITY": "none", "MAIL_TIMEOUT_SECONDS": 10}


def send(app):
    return app.test_cli_runner().invoke(args=["mail", "send"])


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        found = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in found:
            db.session.expunge(row)
        db.session.rollback()
        return found


def request_reset(app, admin, learner):
    client = logged_in(app, admin.email)
    token = csrf_token(client, f"/admin/users/{learner.id}")
    response = client.post(f"/admin/users/{learner.id}/reset-link?lang=en", data={"csrf_token": token})
    assert response.status_code == 303
    return client


def link_in(message) -> str:
    return re.search(r"http://127\.0\.0\.1:5000(/reset/\S+)", message.get_content()).group(1)


def set_password_with(app, path: str) -> None:
    visitor = app.test_client()
    assert visitor.get(path).status_code == 303
    token = csrf_token(visitor, "/reset")
    assert visitor.post("/reset", data={"csrf_token": token, "new_password": PASSWORD}).status_code == 302


def test_reset_link_is_mailed_in_the_recipients_language_and_works(app, make_admin, make_learner, smtp_port):
    admin, learner = make_admin(), make_learner(locale="en")
    request_reset(app, admin, learner)
    with app.app_context():  # the outbox holds no usable link: it is made when the message is sent
        assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 0
    with smtp_server(smtp_port, Collector()) as server:
        result = send(app)
    assert result.exit_code == 0 and "sent 1" in result.output
    [message] = server.messages
    assert message["To"] == learner.email and message["Subject"] == "Set a new password for the Frontline course"
    assert rows(app)[0].status == "sent"
    set_password_with(app, link_in(message))
    assert logged_in(app, learner.email).get("/dashboard").status_code == 200


def test_server_down_then_back_retries_with_back_off_and_sends_once(app, clock, make_admin, make_learner, smtp_port):
    admin, learner = make_admin(), make_learner()
    request_reset(app, admin, learner)
    result = send(app)  # nothing listens on the port
    assert result.exit_code == 0 and "to retry 1" in result.output
    [row] = rows(app)
    assert (row.status, row.attempts) == ("pending", 1) and "connect" in row.last_error
    with smtp_server(smtp_port, Collector()) as server:
        assert "sent 0" in send(app).output  # backing off: not due yet
        clock.advance(minutes=2)
        assert "sent 1" in send(app).output
        assert "sent 0" in send(app).output
    assert len(server.messages) == 1
    assert server.messages[0]["Subject"] == "Установіть новий пароль для курсу Frontline"  # the learner's uk
    assert (rows(app)[0].status, rows(app)[0].attempts) == ("sent", 2)


def test_permanent_refusal_marks_the_message_failed(app, make_admin, make_learner, smtp_port):
    admin, learner = make_admin(), make_learner()
    request_reset(app, admin, learner)
    collector = Collector()
    collector.refuse_rcpt = True
    with smtp_server(smtp_port, collector):
        result = send(app)
    assert result.exit_code == 2 and "failed 1" in result.output
    assert rows(app)[0].status == "failed" and "550" in rows(app)[0].last_error


def test_import_invitations_go_out_in_each_learners_language(app, make_admin, smtp_port):
    client = logged_in(app, make_admin().email)
    data = (DATA / "good_excel_uk.csv").read_bytes()
    token = csrf_token(client, "/admin/cohorts/import")
    boundary, body = encode_multipart(
        {"csrf_token": token, "cohort": "", "file": FileStorage(io.BytesIO(data), "a.csv")}
    )
    response = client.post("/admin/cohorts/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    batch = response.headers["Location"].rsplit("/", 1)[1]
    token = csrf_token(client, f"/admin/cohorts/imports/{batch}")
    applied = client.post(f"/admin/cohorts/imports/{batch}/apply", data={"csrf_token": token})
    assert applied.status_code == 303  # with e-mail set up, no links are shown
    assert [row.kind for row in rows(app)] == ["invitation"] * 3
    with smtp_server(smtp_port, Collector()) as server:
        assert "sent 3" in send(app).output
    subjects = {message["To"]: message["Subject"] for message in server.messages}
    assert subjects["olesya@example.org"] == "Your account for the Frontline course"
    assert subjects["maryana@example.org"] == "Ваш обліковий запис на курсі Frontline"
    maryana = next(m for m in server.messages if m["To"] == "maryana@example.org")
    assert "Мар'яна Коваль" in maryana.get_content()
    set_password_with(app, link_in(maryana))
    assert logged_in(app, "maryana@example.org").get("/dashboard").status_code == 200


def _worker_env(app, smtp_port: int, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "CONTENT_DIR": str(TEST_COURSE),
        "QUIZZES_DIR": str(TEST_COURSE / "quizzes"),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_SECURITY": "none",
        "INSTANCE_PATH": str(tmp_path / "worker-instance"),
    }


def test_worker_killed_mid_send_never_resends_by_itself(app, clock, make_admin, make_learner, smtp_port, tmp_path):
    """The server has the message but the worker dies before marking it sent: the row stays
    "sending", no later run sends it again, and after a while it is flagged for the admin."""
    clock.now = datetime.now(UTC)  # the worker subprocess runs on the real clock
    admin, learner = make_admin(), make_learner()
    request_reset(app, admin, learner)
    collector = Collector()
    collector.stall_seconds = 60
    with smtp_server(smtp_port, collector):
        flask = Path(sys.executable).parent / "flask"
        worker = subprocess.Popen(
            [str(flask), "--app", "wsgi", "mail", "send"],
            cwd=ROOT,
            env=_worker_env(app, smtp_port, tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not collector.messages and time.monotonic() < deadline:
                time.sleep(0.1)
            assert collector.messages, "the worker never delivered"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        [row] = rows(app)
        assert (row.status, row.attempts) == ("sending", 1)
        collector.stall_seconds = 0
        assert "sent 0" in send(app).output
        clock.advance(minutes=16)
        result = send(app)
        assert "flagged stale 1" in result.output and len(collector.messages) == 1
        assert rows(app)[0].status == "unconfirmed"
        client = logged_in(app, admin.email)
        page = client.get("/admin/mail?lang=en").get_data(as_text=True)
        assert learner.email in page and "Unconfirmed" in page
        token = csrf_token(client, "/admin/mail")
        client.post(f"/admin/mail/{row.id}/decide", data={"csrf_token": token, "action": "resend"})
        assert "sent 1" in send(app).output  # only because the admin said so
    assert len(collector.messages) == 2


def test_two_workers_never_claim_the_same_message(app, make_learner, clock):
    learners = [make_learner(), make_learner()]
    with app.app_context():
        for learner in learners:
            outbox.enqueue(db.session, "reset", db.session.get(User, learner.id), clock())
        db.session.commit()
        first, second = Session(db.engine), Session(db.engine)
        try:
            claimed_first = outbox.claim_next(first, "host-a", clock())
            first_id = claimed_first.id if claimed_first else None
            if db.engine.dialect.name == "sqlite":
                first.commit()  # SQLite serialises writers; PostgreSQL skips the locked row instead
            claimed_second = outbox.claim_next(second, "host-b", clock())
            second_id = claimed_second.id if claimed_second else None
            second.commit()
            first.commit()
            assert None not in (first_id, second_id) and first_id != second_id
            assert outbox.claim_next(second, "host-b", clock()) is None
        finally:
            first.close()
            second.close()


def test_weekly_reminder_reaches_stalled_learners_only_and_respects_opt_out(app, clock, make_learner, smtp_port):
    stalled, opted_out, reading = make_learner(locale="en"), make_learner(), make_learner()
    outside = make_learner()
    client = logged_in(app, opted_out.email)
    client.post("/account/reminders", data={"csrf_token": csrf_token(client, "/account")})
    with app.app_context():
        due = CohortData("Lviv police, spring", None, None, date(2026, 10, 1), date(2026, 12, 15))
        cohort = create_cohort(db.session, due, clock())
        for learner in (stalled, opted_out, reading):
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=learner.id, added_at=clock()))
        db.session.commit()
    clock.advance(days=10)
    with app.app_context():
        db.session.add(LessonRead(user_id=reading.id, module_id="m", lesson_id="l", content_hash="h", read_at=clock()))
        db.session.commit()
    runner = app.test_cli_runner()
    assert "reminders queued: 1" in runner.invoke(args=["mail", "remind"]).output
    assert "reminders queued: 0" in runner.invoke(args=["mail", "remind"]).output  # once a week
    assert [(row.user_id, row.kind) for row in rows(app)] == [(stalled.id, "reminder")]
    assert outside.id not in [row.user_id for row in rows(app)]
    with smtp_server(smtp_port, Collector()) as server:
        assert "sent 1" in send(app).output
    body = server.messages[0].get_content()
    assert "Lviv police, spring" in body and "2026-12-15" in body and "0% of the lessons" in body
    clock.advance(days=7)  # a week on: reminded again, and the reader has now stalled too
    assert "reminders queued: 2" in runner.invoke(args=["mail", "remind"]).output


def test_dashboard_shows_the_due_date_of_the_learners_cohort(app, clock, make_learner):
    learner = make_learner()
    with app.app_context():
        cohort = create_cohort(
            db.session, CohortData("Odesa NGO", None, None, date(2026, 11, 1), date(2026, 11, 12)), clock()
        )
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=learner.id, added_at=clock()))
        db.session.commit()
        cohort_id = cohort.id
    page = logged_in(app, learner.email).get("/dashboard?lang=en").get_data(as_text=True)
    assert f'data-due="{cohort_id}"' in page and "by 2026-11-12: 10 days left" in page
    clock.advance(days=11)
    page = logged_in(app, learner.email).get("/dashboard?lang=en").get_data(as_text=True)
    assert "was to finish the course by 2026-11-12" in page


def test_without_smtp_the_worker_refuses_to_run(app):
    app.config["SMTP_HOST"] = ""
    result = send(app)
    assert result.exit_code == 1 and "SMTP_HOST is not set" in result.output
