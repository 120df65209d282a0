"""Short-answer and numerical questions through the web, on SQLite and PostgreSQL.

The app gets its own copy of the test course with the typed-answer quiz added (tests/data/
quizzes/typed), so the page does not depend on any catalog or cache another test left behind.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from course.quizzes.models import FINISHED, IN_PROGRESS
from tests.conftest import PASSWORD, TEST_COURSE, csrf_token

from .helpers import post, row, start

TYPED = Path(__file__).resolve().parents[2] / "data" / "quizzes" / "typed"
QUIZ = "typed-quiz"
WRONG = {"q.q-protocol": ["Варшавська конвенція"], "q.q-name": ["Марина"], "q.q-year": ["1999"], "q.q-half": ["4"]}
RIGHT = {"q.q-protocol": ["палермо"], "q.q-name": ["мар'яна"], "q.q-year": ["2 000"], "q.q-half": ["3,5"]}


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict:
    course = tmp_path / "typed-course"
    shutil.copytree(TEST_COURSE, course)
    for path in TYPED.iterdir():
        shutil.copy(path, course / "quizzes" / path.name)
    return {"CONTENT_DIR": str(course), "QUIZZES_DIR": str(course / "quizzes")}


@pytest.fixture
def learner(make_learner, auth):
    user = make_learner()
    auth.login(user.email)
    return user


def _field(page: str, question_id: str) -> str:
    match = re.search(rf'<input type="text"[^>]*name="q\.{re.escape(question_id)}"[^>]*>', page)
    assert match, f"no typed-answer field for {question_id}"
    return match.group(0)


def test_the_attempt_page_shows_a_field_for_each_typed_question(app, learner, client):
    public_id = start(client, QUIZ)
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert 'maxlength="200"' in _field(page, "q-protocol") and 'maxlength="200"' in _field(page, "q-name")
    assert 'inputmode="decimal"' in _field(page, "q-year") and 'maxlength="40"' in _field(page, "q-half")
    assert "3,5, і 3.5" in page  # the hint names both decimal marks, in the learner's language
    assert "Палермо" not in page  # QUIZ-1: no accepted answer on the attempt page


def test_wrong_then_right_with_feedback_and_a_retake(app, learner, client):
    public_id = start(client, QUIZ)
    assert post(client, public_id, WRONG, action="submit", app=app).status_code == 303
    stored = row(app, public_id)
    assert stored["status"] == FINISHED and stored["percent"] == 0.0
    assert stored["answers"]["q-protocol"] == {"chosen": [], "matches": [], "text": "Варшавська конвенція"}
    review = html.unescape(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    assert "Варшавська конвенція" in review  # the learner's own text, shown back
    assert "Не зовсім: це Палермський протокол" in review  # the feedback for any other answer
    assert "Палермський протокол" in review and "Протокол Палермо" in review  # revealed (review: full)
    again = start(client, QUIZ)  # cooldown 0: a retake at once
    assert again != public_id
    fresh = client.get(f"/attempts/{again}").get_data(as_text=True)
    assert 'value=""' in _field(fresh, "q-protocol")  # a retake starts empty
    post(client, again, RIGHT, action="submit", app=app)
    stored = row(app, again)
    assert stored["percent"] == 100.0 and stored["is_passed"] is True
    assert stored["answers"]["q-name"]["text"] == "мар'яна"
    review = html.unescape(client.get(f"/attempts/{again}/result").get_data(as_text=True))
    assert "Правильно: Палермський протокол, ст. 3" in review  # the feedback of the answer matched


def test_a_typed_number_that_is_not_one_is_refused_and_kept(app, make_learner, auth, client):
    user = make_learner(locale="en")
    auth.login(user.email)
    public_id = start(client, QUIZ)
    response = post(client, public_id, {**RIGHT, "q.q-half": ["three and a half"]}, action="submit", app=app)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/attempts/{public_id}?page=0")
    stored = row(app, public_id)
    assert stored["status"] == IN_PROGRESS  # not graded: a typo costs no mark
    assert stored["answers"]["q-half"]["text"] == "three and a half"  # and nothing typed is lost
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Question 4: This is not a number." in page
    field = _field(page, "q-half")
    assert 'value="three and a half"' in field and 'aria-invalid="true"' in field


def test_the_not_a_number_message_is_in_ukrainian_for_a_ukrainian_learner(app, learner, client):
    public_id = start(client, QUIZ)
    post(client, public_id, {"q.q-year": ["дві тисячі"]}, action="submit", app=app)
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert "Це не число." in page and "Запитання 3" in page
    assert 'value="дві тисячі"' in _field(page, "q-year")


def test_saved_typed_text_is_shown_again_and_double_submit_gives_one_result(app, learner, client):
    public_id = start(client, QUIZ)
    assert post(client, public_id, {"q.q-name": ["Мар’яна"]}, app=app).status_code == 303
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert 'value="Мар’яна"' in _field(page, "q-name")
    version = row(app, public_id)["version"]
    token = csrf_token(client, f"/attempts/{public_id}")  # one page, two clicks
    first = post(client, public_id, RIGHT, action="submit", version=version, token=token)
    second = post(client, public_id, RIGHT, action="submit", version=version, token=token)
    assert first.status_code == 303 and second.status_code == 303
    assert second.headers["Location"].endswith(f"/attempts/{public_id}/result")
    assert row(app, public_id)["percent"] == 100.0


def test_a_stale_tab_does_not_overwrite_newer_typed_text_QUIZ_6(app, learner, client):
    public_id = start(client, QUIZ)
    post(client, public_id, {"q.q-year": ["2000"]}, version=0)
    stale = post(client, public_id, {"q.q-year": ["1999"]}, version=0)
    assert stale.status_code == 409
    assert row(app, public_id)["answers"]["q-year"]["text"] == "2000"
    assert 'value="2000"' in _field(stale.get_data(as_text=True), "q-year")


def test_typed_text_longer_than_the_field_is_refused_QUIZ_2(app, learner, client):
    public_id = start(client, QUIZ)
    before = row(app, public_id)
    response = post(client, public_id, {"q.q-protocol": ["П" * 201]}, app=app)
    assert response.status_code == 400
    assert row(app, public_id) == before
    assert post(client, public_id, {"q.q-protocol": ["П" * 200]}, app=app).status_code == 303


def test_typed_text_posted_after_the_session_expired_comes_back_REL_2e(app, learner, auth, client, clock):
    public_id = start(client, QUIZ)
    token = csrf_token(client, f"/attempts/{public_id}")
    clock.advance(minutes=61)
    late = post(client, public_id, {"q.q-name": ["мар'яна"], "q.q-half": ["3,5"]}, version=0, token=token)
    assert late.status_code == 302 and "/login" in late.headers["Location"]
    assert row(app, public_id)["answers"] == {}  # set aside, not saved or graded
    auth.login(learner.email, PASSWORD, next_url=f"/attempts/{public_id}")
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert 'value="мар&#39;яна"' in _field(page, "q-name") and 'value="3,5"' in _field(page, "q-half")


def test_the_login_form_carries_typed_text_back_to_the_attempt(app, learner, auth, client):
    public_id = start(client, QUIZ)
    auth.logout()  # the session is gone: the next post reaches the login form instead
    form = {"version": "0", "page": "0", "action": "save", "csrf_token": "stale", **RIGHT}
    refused = client.post(f"/attempts/{public_id}", data=form)
    assert refused.status_code == 401
    login = refused.get_data(as_text=True)
    carried = html.unescape(re.search(r'name="carried"[^>]*value="([^"]*)"', login).group(1))
    assert "палермо" in carried and "3,5" in carried
    next_url = html.unescape(re.search(r'name="next"[^>]*value="([^"]*)"', login).group(1))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', login).group(1)
    data = {"email": learner.email, "password": PASSWORD, "next": next_url, "carried": carried, "csrf_token": token}
    assert client.post("/login", data=data).status_code in (302, 303)
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert 'value="палермо"' in _field(page, "q-protocol") and 'value="2 000"' in _field(page, "q-year")
