"""Grading leaves the reports' rows pending (issue 11); a batch writes them, oldest first, as
grading one attempt at a time would have, and two writers at once count each attempt once.
On both engines."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from course.content.access import EXTENSION_KEY
from course.extensions import db
from course.quizzes.answer_store import pending_count, write_pending_report_rows
from course.quizzes.answers import learner_rows
from course.quizzes.models import QuizAnswer, QuizAttempt, QuizLearner
from course.quizzes.services import store_content
from tests.integration.reports.conftest import BASE, _attempt, csv_tables

# (learner, passed) in the order the attempts were started.
PLAN = [(0, False), (1, True), (0, True), (0, False), (1, False)]


def pending_attempts(app, population) -> tuple[list[int], list[dict]]:
    """PLAN's attempts, graded and pending as grading leaves them; their ids and rows."""
    uids = population.learners(2)
    with app.app_context():
        quiz = app.extensions[EXTENSION_KEY].quizzes["basics-quiz"]
        store_content(db.session, quiz, app.extensions[EXTENSION_KEY].quizzes, BASE)
        attempts, numbers = [], {0: 0, 1: 0}
        for n, (who, passed) in enumerate(PLAN):
            numbers[who] += 1
            attempt = _attempt(uids[who], quiz, passed, "uk", BASE + timedelta(hours=n))
            attempts.append(attempt | {"public_id": f"a{n}", "attempt_no": numbers[who], "report_rows_pending": True})
        table = QuizAttempt.__table__
        returning = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        ids = list(db.session.execute(returning, attempts).scalars())
        db.session.commit()
    return ids, attempts


def summaries() -> list[tuple]:
    q = QuizLearner
    rows = db.session.execute(select(q.user_id, q.attempts, q.tries_to_pass, q.passed_at).order_by(q.user_id))
    return [(user_id, attempts, tries, passed_at is not None) for user_id, attempts, tries, passed_at in rows]


def test_batches_write_oldest_first_what_grading_one_at_a_time_would(app, population):
    ids, attempts = pending_attempts(app, population)
    with app.app_context():
        assert pending_count(db.session) == len(PLAN)
        assert write_pending_report_rows(db.session, 2) == 2
        still = db.session.scalars(select(QuizAttempt.id).where(QuizAttempt.report_rows_pending)).all()
        assert sorted(still) == ids[2:]
        while write_pending_report_rows(db.session, 2):
            pass
        db.session.commit()
        rows = learner_rows(attempts)
        at_once = [(r["user_id"], r["attempts"], r["tries_to_pass"], bool(r["passed_at"])) for r in rows]
        # learner 0: failed, passed (its second), failed, over two batches; learner 1: passed first
        first, second = attempts[0]["user_id"], attempts[1]["user_id"]
        assert summaries() == sorted(at_once) == [(first, 3, 2, True), (second, 2, 1, True)]
        questions = len(app.extensions[EXTENSION_KEY].quizzes["basics-quiz"].questions)
        numbers = db.session.execute(select(QuizAnswer.attempt_id, QuizAnswer.attempt_no).distinct()).all()
        assert sorted(numbers) == [(i, a["attempt_no"]) for i, a in zip(ids, attempts, strict=True)]
        assert db.session.scalar(select(func.count()).select_from(QuizAnswer)) == questions * len(PLAN)
        assert pending_count(db.session) == 0 and write_pending_report_rows(db.session) == 0


def test_two_writers_at_once_count_each_attempt_once(app, population):
    """The first claims every attempt and holds its transaction open; the second, started
    meanwhile, waits for it (PostgreSQL: the claimed rows; SQLite: the write lock) and then
    finds nothing left to write."""
    pending_attempts(app, population)
    claimed, release, written = threading.Event(), threading.Event(), {}

    def writer(name: str, hold: bool) -> None:
        with app.app_context():
            written[name] = write_pending_report_rows(db.session)
            if hold:
                claimed.set()
                release.wait(10)
            db.session.commit()

    first = threading.Thread(target=writer, args=("first", True))
    first.start()
    assert claimed.wait(10)
    second = threading.Thread(target=writer, args=("second", False))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second writer did not wait for the first"
    release.set()
    first.join(10)
    second.join(10)
    assert written == {"first": len(PLAN), "second": 0}
    with app.app_context():
        assert sum(attempts for _user, attempts, _tries, _passed in summaries()) == len(PLAN)


def test_the_refresh_command_writes_every_pending_attempt(app, population, monkeypatch):
    pending_attempts(app, population)
    monkeypatch.setattr("course.reports.cli.BATCH", 2)  # three batches, each committed
    result = app.test_cli_runner().invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"graded attempts counted in the reports: {len(PLAN)}"
    with app.app_context():
        assert pending_count(db.session) == 0
        assert [attempts for _user, attempts, _tries, _passed in summaries()] == [3, 2]
    again = app.test_cli_runner().invoke(args=["reports", "refresh"])
    assert again.output.strip() == "graded attempts counted in the reports: 0"


def test_a_report_says_how_many_graded_attempts_it_has_not_counted_yet(app, population, admin_client, monkeypatch):
    """A backlog longer than one look (no `reports refresh` running, say) is written a look at
    a time, and the page and the CSV say how much is left, in the viewer's language."""
    pending_attempts(app, population)
    monkeypatch.setattr("course.reports.views.ROWS_PER_LOOK", 2)
    body = admin_client.get("/admin/reports/quizzes").get_data(as_text=True)
    assert "3 оцінені спроби ще не враховано тут" in body
    head, _sections = csv_tables(admin_client.get("/admin/reports/items.csv").data)
    assert ["graded_attempts_not_yet_counted", "1"] in head
    body = admin_client.get("/admin/reports/funnel?lang=en").get_data(as_text=True)
    assert "not counted here yet" not in body and "не враховано" not in body
    with app.app_context():
        assert pending_count(db.session) == 0
    head, _sections = csv_tables(admin_client.get("/admin/reports/items.csv").data)
    assert not [row for row in head if row[0] == "graded_attempts_not_yet_counted"]
