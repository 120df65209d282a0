"""`flask dev seed`: realistic data graded by the real scorer, refused in production."""

from __future__ import annotations

from sqlalchemy import func, select

from course.accounts.models import User
from course.certificates.models import Certificate
from course.extensions import db
from course.progress.models import LessonRead
from course.quizzes.models import QuizAttempt
from course.quizzes.scoring import grade_attempt
from course.quizzes.services import attempt_questions, attempt_settings, stored_responses
from tests.conftest import make_test_app


def test_seed_fills_learners_reading_and_graded_attempts(app):
    result = app.test_cli_runner().invoke(args=["dev", "seed", "--learners", "60", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "seeded 60 learners" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 60
        assert db.session.scalar(select(func.count()).select_from(LessonRead)) > 60
        attempts = db.session.scalars(select(QuizAttempt).limit(20)).all()
        assert attempts
        for attempt in attempts:  # what the seed stored is what the real scorer gives
            questions = [d.question for d in attempt_questions(db.session, attempt)]
            graded = grade_attempt(questions, stored_responses(attempt), attempt_settings(attempt).pass_mark)
            assert graded.percent == attempt.percent and graded.is_passed == attempt.is_passed
            assert attempt.lang in ("uk", "en")
        regions = db.session.scalar(select(func.count(User.region.distinct())))
        assert regions > 5
        db.session.scalar(select(func.count()).select_from(Certificate))  # the table is readable


def test_seed_refuses_to_run_in_production(database_url, tmp_path, clock):
    """It stops before touching the database: no table is even needed."""
    app = make_test_app(database_url, tmp_path, clock, ENV_NAME="production", BASE_URL="https://example.org")
    result = app.test_cli_runner().invoke(args=["dev", "seed", "--learners", "5"])
    assert result.exit_code == 1
    assert "must never run in production" in result.output
    with app.app_context():
        db.engine.dispose()
