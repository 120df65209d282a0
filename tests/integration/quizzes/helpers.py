"""Helpers for quiz integration tests: start attempts, build answer forms, read rows back."""

from __future__ import annotations

import re

from sqlalchemy import select

from course.extensions import db
from course.quizzes import services
from course.quizzes.forms import answer_field, choice_token, match_field
from course.quizzes.models import QuizAttempt
from tests.conftest import csrf_token

QUIZ = "basics-quiz"
ATTEMPT_URL = re.compile(r"/attempts/([A-Za-z0-9_-]+)")


def start(client, quiz_id: str = QUIZ) -> str:
    token = csrf_token(client, f"/quizzes/{quiz_id}")
    response = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return ATTEMPT_URL.search(response.headers["Location"]).group(1)


def row(app, public_id: str) -> dict:
    """Every column of the attempt, as stored: compared before and after refused requests."""
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.public_id == public_id))
        values = {c.name: getattr(attempt, c.name) for c in QuizAttempt.__table__.columns}
        db.session.rollback()
        return values


def answers(app, public_id: str, right: bool | dict = True) -> dict[str, list[str]]:
    """Form fields answering every question right (or wrong); `right` may map id -> bool."""
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.public_id == public_id))
        drawn = services.attempt_questions(db.session, attempt)
        db.session.rollback()
    data: dict[str, list[str]] = {}
    for item in drawn:
        q = item.question
        ok = right.get(q.id, True) if isinstance(right, dict) else right
        if q.kind == "matching":
            tokens = {option_id: choice_token(i) for i, option_id in enumerate(item.option_order)}
            prompts = [p.id for p in q.prompts]
            for index, prompt in enumerate(prompts):
                target = prompt if ok else prompts[(index + 1) % len(prompts)]
                data[match_field(q.id, prompt)] = [tokens[target]]
        elif ok:
            data[answer_field(q.id)] = sorted(q.correct_ids)
        else:
            data[answer_field(q.id)] = [next(o.id for o in q.options if not o.is_correct)]
    return data


def post(
    client,
    public_id: str,
    data: dict,
    action: str = "save",
    page: int = 0,
    version: int | None = None,
    token: str | None = None,
    app=None,
):
    if version is None:
        version = row(app, public_id)["version"]
    form = {
        "version": str(version),
        "page": str(page),
        "action": action,
        "csrf_token": token or csrf_token(client, f"/attempts/{public_id}"),
        **data,
    }
    return client.post(f"/attempts/{public_id}", data=form)
