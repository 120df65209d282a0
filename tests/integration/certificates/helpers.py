"""Helpers for certificate integration tests: complete the course through the real forms."""

from __future__ import annotations

import re

from sqlalchemy import select

from course.certificates.models import Certificate
from course.extensions import db
from course.unit_of_work import writes
from tests.conftest import csrf_token
from tests.integration.quizzes.helpers import answers, post, start

# The test course (tests/data/course): two modules, three lessons, one module quiz.
LESSONS = [("basics", "first"), ("basics", "second"), ("next-steps", "only")]
QUIZ = "basics-quiz"
CODE_IN_PAGE = re.compile(r"([0-9A-Z]{4}(?:-[0-9A-Z]{4}){6})")


def read_lesson(client, module_id: str, lesson_id: str):
    url = f"/modules/{module_id}/{lesson_id}"
    return client.post(url + "/read", data={"csrf_token": csrf_token(client, url)})


def pass_quiz(app, client, quiz_id: str = QUIZ, right: bool = True):
    public_id = start(client, quiz_id)
    return post(client, public_id, answers(app, public_id, right), action="submit", app=app)


def complete_course(app, client, last: str = "lesson"):
    """Do everything the default rule asks; the last step is a lesson or the quiz. Returns
    the response of the request that completed the course."""
    if last == "lesson":
        for module_id, lesson_id in LESSONS[:-1]:
            read_lesson(client, module_id, lesson_id)
        pass_quiz(app, client)
        return read_lesson(client, *LESSONS[-1])
    for module_id, lesson_id in LESSONS:
        read_lesson(client, module_id, lesson_id)
    return pass_quiz(app, client)


def certificates(app, user_id: int | None = None) -> list[Certificate]:
    with app.app_context():
        query = select(Certificate).order_by(Certificate.id)
        if user_id is not None:
            query = query.where(Certificate.user_id == user_id)
        rows = list(db.session.scalars(query))
        for row in rows:
            _ = row.pdf  # load the deferred column before the session closes
            db.session.expunge(row)
        db.session.rollback()
        return rows


def learner_client(app, make_learner, **overrides):
    """A fresh client logged in as a new learner: (user, client)."""
    from tests.conftest import Auth

    user = make_learner(**overrides)
    client = app.test_client()
    Auth(client).login(user.email)
    return user, client


def issue_directly(app, user_id: int, expires_at=None):
    """Issue through the service (as a completing view does), skipping the course: (id, code)."""
    with app.app_context():
        return _issue(app, user_id, expires_at)


@writes  # a unit of work of its own, also when called inside a request context
def _issue(app, user_id: int, expires_at):
    from course.accounts.models import User
    from course.certificates.issuing import issue
    from course.certificates.records import requirements_for
    from course.certificates.views import current_settings
    from course.content.access import current_catalog

    settings = current_settings()
    course = requirements_for(current_catalog(), settings)
    learner = db.session.get(User, user_id)
    certificate = issue(
        db.session,
        learner,
        course.content_hash,
        course.module_hashes,
        settings,
        app.config["CLOCK"](),
        expires_at=expires_at,
    )
    db.session.commit()
    return certificate.id, certificate.code
