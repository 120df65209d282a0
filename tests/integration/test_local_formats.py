"""Issue 16, items 3 and 14: times in local time with the zone named, and numbers, dates and
plurals in the locale's form, the same for learners and admins, on SQLite and PostgreSQL.

The clock stands at 2 November 2026, 09:00 UTC: 11:00 in Kyiv (UTC+2 in winter).
"""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from course.i18n import local_day, local_time, number, percent
from tests.conftest import Auth, make_test_app
from tests.integration.certificates.helpers import issue_directly, learner_client
from tests.integration.quizzes.helpers import answers, post, row, start


def _plain(page: str) -> str:
    """Babel separates "2026 р." and "11:00 AM" with no-break spaces; compare with plain ones."""
    return page.replace("\xa0", " ").replace("\u202f", " ")


def _take(app, client, right):
    public_id = start(client)
    post(client, public_id, answers(app, public_id, right), action="submit", app=app)
    return public_id


def test_a_learner_who_passed_then_failed_a_retake_sees_when_to_try_again_in_kyiv_time(app, make_learner, clock):
    _user, client = learner_client(app, make_learner)
    _take(app, client, right=True)
    clock.advance(minutes=5)
    _take(app, client, right=False)  # 09:05 UTC; the 30-minute cooldown ends at 09:35 UTC
    for url in ("/quizzes/basics-quiz", "/dashboard"):
        page = _plain(client.get(url).get_data(as_text=True))
        assert "Тест складено" in page, url
        assert "наступна спроба можлива з 2 лист. 2026 р., 11:35 (Київ, UTC+2)" in page, url
        assert "09:35" not in page
    assert "Пройти тест знову" not in client.get("/quizzes/basics-quiz").get_data(as_text=True)


def test_admins_see_attempt_times_in_local_time_with_the_zone(app, make_learner, make_admin, clock):
    user, client = learner_client(app, make_learner)
    _take(app, client, right=True)
    admin = app.test_client()
    Auth(admin).login(make_admin().email)
    page = _plain(admin.get(f"/admin/users/{user.id}").get_data(as_text=True))
    assert "11:00 (Київ, UTC+2)" in page
    assert "(UTC)" not in page


def test_the_time_zone_is_a_setting(database_url, tmp_path, clock):
    app = make_test_app(database_url, tmp_path, clock, TIMEZONE="Europe/Berlin")
    with app.test_request_context(), force_locale("en"):
        assert _plain(local_time(clock())) == "Nov 2, 2026, 10:00 (Berlin, UTC+1)"
    with pytest.raises(Exception, match="TIMEZONE"):
        make_test_app(database_url, tmp_path, clock, TIMEZONE="Mars/Olympus")


def test_numbers_use_the_locales_decimal_sign_and_one_rounding(app, clock):
    with app.test_request_context():
        with force_locale("uk"):
            assert (percent(61.5), percent(61.54), percent(100), number(1.5)) == ("61,5%", "61,5%", "100%", "1,5")
            assert _plain(local_day(clock())) == "2 лист. 2026 р."
        with force_locale("en"):
            assert (percent(61.5), percent(62.0), number(1.5)) == ("61.5%", "62%", "1.5")
            assert _plain(local_day(clock())) == "Nov 2, 2026"  # never the US "11/2/26"


def test_learner_and_admin_pages_show_the_same_percent_and_plural_points(app, make_learner, make_admin):
    user, client = learner_client(app, make_learner)
    public_id = _take(app, client, right={"q-elements": False})
    stored = row(app, public_id)
    with app.test_request_context(), force_locale("uk"):
        shown = percent(stored["percent"])
    result = client.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert f"Результат: {shown}" in result
    score, most = int(stored["score"]), stored["max_score"]
    form = "бал із" if score % 10 == 1 and score % 100 != 11 else "бали з" if 2 <= score % 10 <= 4 else "балів із"
    assert f"{score} {form} {most}" in result
    quiz_page = client.get("/quizzes/basics-quiz").get_data(as_text=True)
    assert shown in quiz_page
    assert re.search(r"<th[^>]*>Оцінка</th><th[^>]*>Зараховано\?</th>", quiz_page)  # two distinct headings
    admin = app.test_client()
    Auth(admin).login(make_admin().email)
    assert shown in admin.get(f"/admin/users/{user.id}").get_data(as_text=True)


def test_the_english_admin_counts_certificates_with_plurals_and_locale_dates(app, make_learner, make_admin):
    from course.accounts.models import User
    from course.extensions import db

    issue_directly(app, make_learner().id)
    admin_user = make_admin()
    with app.app_context():
        db.session.get(User, admin_user.id).locale = "en"
        db.session.commit()
    admin = app.test_client()
    Auth(admin).login(admin_user.email)
    page = _plain(admin.get("/admin/certificates").get_data(as_text=True))
    assert "1 certificate ·" in page and "1 certificates" not in page
    assert "Nov 2, 2026" in page and "11/2/26" not in page
