"""The attempt lifecycle on SQLite and PostgreSQL: start, save, submit, result, review, practice."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from course.extensions import db
from course.quizzes.models import FINISHED, QuizAttempt
from tests.conftest import csrf_token

from .helpers import QUIZ, answers, post, row, start


def test_attempt_lifecycle_pass_and_review(app, make_learner, auth, client):
    learner = make_learner()
    auth.login(learner.email)
    public_id = start(client)
    page = client.get(f"/attempts/{public_id}")
    assert page.status_code == 200
    response = post(client, public_id, answers(app, public_id), action="submit", app=app)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/attempts/{public_id}/result")
    stored = row(app, public_id)
    assert stored["status"] == FINISHED and stored["is_passed"] is True
    assert stored["percent"] == 100.0 and stored["max_score"] == 5
    result = client.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "Результат: 100%" in result and "5 балів із 5" in result
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "(100%)" in dashboard


def test_answers_are_saved_per_page_and_shown_again(app, make_learner, auth, client):
    learner = make_learner()
    auth.login(learner.email)
    public_id = start(client)
    data = answers(app, public_id)
    one = {k: v for k, v in data.items() if k.startswith("q.q-consent")}
    assert post(client, public_id, one, app=app).status_code == 303
    assert row(app, public_id)["answers"] == {"q-consent": {"chosen": ["no"], "matches": []}}
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert 'value="no" checked' in page


def test_failed_attempt_review_practice_and_cooldown(app, make_learner, auth, client, clock):
    """QUIZ-7: cooldown with the injected clock; practice never counts."""
    learner = make_learner()
    auth.login(learner.email)
    public_id = start(client)
    wrong = answers(app, public_id, right={"q-elements": False, "q-match": False})
    post(client, public_id, wrong, action="submit", app=app)
    stored = row(app, public_id)
    assert stored["is_passed"] is False and stored["percent"] == 40.0
    result = client.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "Show the right answer" in result or "Показати правильну" in result
    # practise what you missed
    token = csrf_token(client, f"/attempts/{public_id}/result")
    response = client.post(f"/attempts/{public_id}/practice", data={"csrf_token": token})
    practice_id = response.headers["Location"].rsplit("/", 1)[1]
    practice = row(app, practice_id)
    assert practice["is_practice"] and practice["practice_of_id"] == stored["id"]
    asked = [q["id"] for q in practice["snapshot"]["questions"]]
    assert sorted(asked) == ["q-elements", "q-match"]
    post(client, practice_id, answers(app, practice_id), action="submit", app=app)
    assert row(app, practice_id)["is_passed"] is True
    # the practice round did not count, and the cooldown still holds
    token = csrf_token(client, f"/quizzes/{QUIZ}")
    refused = client.post(f"/quizzes/{QUIZ}/start", data={"csrf_token": token})
    assert refused.status_code == 403
    clock.advance(minutes=31)
    token = csrf_token(client, f"/quizzes/{QUIZ}")
    again = client.post(f"/quizzes/{QUIZ}/start", data={"csrf_token": token})
    assert again.status_code == 303


def test_start_twice_resumes_the_same_attempt(app, make_learner, auth, client):
    learner = make_learner()
    auth.login(learner.email)
    assert start(client) == start(client)
    with app.app_context():
        assert db.session.query(QuizAttempt).count() == 1


def test_quiz_status_shows_next_attempt_time(app, make_learner, auth, client, clock):
    learner = make_learner()
    auth.login(learner.email)
    public_id = start(client)
    post(client, public_id, answers(app, public_id, right=False), action="submit", app=app)
    page = client.get(f"/quizzes/{QUIZ}").get_data(as_text=True)
    ready = (clock.now + timedelta(minutes=30)).astimezone(ZoneInfo("Europe/Kyiv")).strftime("%H:%M")
    assert f"{ready} (Київ, UTC+2)" in page  # local time, the zone named (issue 16, item 3)


def test_module_page_links_to_its_quiz(app, make_learner, auth, client):
    auth.login(make_learner().email)
    page = client.get("/modules/basics").get_data(as_text=True)
    assert f'href="/quizzes/{QUIZ}"' in page
    assert "/quizzes/" not in client.get("/modules/next-steps").get_data(as_text=True)
