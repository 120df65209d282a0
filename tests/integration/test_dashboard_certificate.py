"""Issue 16, item 7: the dashboard says what earns the certificate and where the learner
stands, says when one was issued, marks the final assessment optional when the rule does not
ask for it, and names each quiz in its link."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DATA, Auth, make_test_app, reset_database
from tests.integration.certificates.helpers import complete_course, learner_client, read_lesson

GOOD_QUIZZES = str(DATA / "quizzes" / "good")  # the module quiz and a final assessment


def _plain(page: str) -> str:
    return page.replace("\xa0", " ").replace("\u202f", " ")


def _app(database_url, tmp_path, clock, rule):
    app = make_test_app(database_url, tmp_path, clock, QUIZZES_DIR=GOOD_QUIZZES, CERTIFICATE_ELIGIBILITY=rule)
    with app.app_context():
        reset_database()
    return app


@pytest.mark.parametrize("rule", ["lessons+quizzes", "lessons+quizzes+final"])
def test_the_dashboard_states_the_rule_and_the_learners_standing(database_url, tmp_path, clock, make_learner, rule):
    app = _app(database_url, tmp_path, clock, rule)
    client = app.test_client()
    from course.accounts.services import Registration, register
    from course.extensions import db

    with app.app_context():
        data = Registration("d@example.org", "Олена Петренко", "x" * 14, "ngo", "lviv", None, "uk")
        register(db.session, data, clock())
        db.session.commit()
    Auth(client).login("d@example.org", "x" * 14)
    read_lesson(client, "basics", "first")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Сертифікат видається автоматично, щойно ви:" in page
    assert "прочитали всі уроки: 1 з 3" in page
    assert "склали тести всіх модулів: 0 з 1" in page
    final_required = rule.endswith("final")
    assert ("склали підсумкове тестування" in page) is final_required
    assert ("Необов’язково: для сертифіката підсумкове тестування не потрібне." in page) is not final_required
    links = re.findall(r'<a href="/quizzes/[^"]+">([^<]+)</a>', page)
    assert len(links) == 2 and len(set(links)) == 2
    assert links[0] == "Пройти тест: Основи"  # the module named, not seven identical links
    with app.app_context():
        db.engine.dispose()


def test_the_dashboard_says_the_certificate_was_issued(app, make_learner):
    _user, client = learner_client(app, make_learner)
    complete_course(app, client)
    page = _plain(client.get("/dashboard").get_data(as_text=True))
    assert "Ваш сертифікат видано (2 лист. 2026 р.)." in page
    assert "Сертифікат видається автоматично" not in page
