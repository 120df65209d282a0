"""Reports on both engines: access, parameters, filters, suppression, and CSV = screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.reports.conftest import BASE, csv_tables, page_tables
from tests.security.helpers import logged_in

REPORTS = ["funnel", "quizzes", "certificates", "items"]
URLS = [f"/admin/reports/{name}" for name in REPORTS] + [f"/admin/reports/{name}.csv" for name in REPORTS]
URLS.append("/admin/reports/")


@pytest.fixture
def admin_client(app, make_admin):
    make_admin()
    return logged_in(app, "admin@example.org")


@pytest.fixture
def mixed(population):
    """12 learners in Lviv (8 read both lessons and passed), 3 in Sumy, 6 in Kharkiv social services."""
    passers = population.learners(8, region="lviv", read=2, passed=True)
    population.certificates(passers, BASE + timedelta(days=2), revoked=1)
    population.learners(4, region="lviv", read=1, passed=False)
    population.learners(3, region="sumy", read=2, passed=True)
    population.learners(6, region="kharkiv", org_type="social", locale="en", read=0, created=BASE + timedelta(days=40))
    return population


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitor_is_sent_to_login_from_every_report_AC_1(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", URLS)
def test_learner_gets_403_on_every_report_AC_2(app, make_learner, url):
    learner = make_learner()
    response = logged_in(app, learner.email).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("region=atlantis", "atlantis"),
        ("by=shoe_size", "shoe_size"),
        ("from=yesterday", "РРРР-ММ-ДД"),
        ("from=2026-05-02&to=2026-05-01", ""),
        ("colour=red", "colour"),
    ],
)
def test_parameters_outside_their_allow_lists_get_a_clear_400_OUT_5(admin_client, query, words):
    response = admin_client.get(f"/admin/reports/funnel?{query}")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert words in body
    assert "Traceback" not in body


def test_a_400_is_written_in_the_users_language(app, admin_client):
    uk = admin_client.get("/admin/reports/items?policy=best").get_data(as_text=True)
    assert "не є одним із дозволених значень" in uk
    with app.app_context():
        from course.accounts.models import User
        from course.extensions import db

        admin = db.session.query(User).filter_by(email="admin@example.org").one()
        admin.locale = "en"
        db.session.commit()
    en = logged_in(app, "admin@example.org").get("/admin/reports/items?policy=best").get_data(as_text=True)
    assert "is not one of the values allowed for" in en and "best" in en


def funnel_rows(client, query: str = "") -> dict[str, list[str]]:
    tables = page_tables(client.get(f"/admin/reports/funnel?{query}").get_data(as_text=True))
    (key, _header, rows), *_rest = tables
    assert key == "funnel"
    return {row[0]: row[1:] for row in rows}


def test_funnel_counts_each_stage_with_its_denominator(mixed, admin_client):
    rows = funnel_rows(admin_client)
    assert rows["Зареєстровано"] == ["21", "100.0", "100.0"]
    assert rows["Почали (прочитали урок або пройшли тест)"][0] == "15"
    completed = next(v for k, v in rows.items() if k.startswith("Завершили модуль"))  # basics comes first
    assert completed[0] == "11"  # 8 + 3 read both lessons
    assert completed[1] == str(round(100 * 11 / 21, 1))


def test_region_filter_counts_only_that_region(mixed, admin_client):
    rows = funnel_rows(admin_client, "region=lviv")
    assert rows["Зареєстровано"][0] == "12"


def test_registration_period_filter(mixed, admin_client):
    later = (BASE + timedelta(days=30)).date().isoformat()
    rows = funnel_rows(admin_client, f"period=registration&from={later}")
    assert rows["Зареєстровано"][0] == "6"


def test_small_counts_are_suppressed_on_screen_and_in_the_csv(mixed, admin_client):
    tables = page_tables(admin_client.get("/admin/reports/funnel?by=region").get_data(as_text=True))
    by_group = {row[0]: row[1:] for row in tables[1][2]}
    sumy = next(v for k, v in by_group.items() if "Сум" in k)
    assert sumy[0] == "< 5"
    assert sumy[-1] == "—"  # a percentage built on a suppressed count
    _head, sections = csv_tables(admin_client.get("/admin/reports/funnel.csv?by=region").data)
    csv_sumy = next(row for row in sections[1][2] if "Сум" in row[0])
    assert csv_sumy[1] == "< 5"
    assert all("3" != cell for cell in csv_sumy[1:])


@pytest.mark.parametrize(
    "report", ["funnel?by=region", "funnel?by=lang", "quizzes", "certificates", "items?policy=all", "items"]
)
def test_csv_and_screen_agree_cell_by_cell(mixed, admin_client, report):
    path, _sep, query = report.partition("?")
    page = page_tables(admin_client.get(f"/admin/reports/{path}?{query}").get_data(as_text=True))
    head, sections = csv_tables(admin_client.get(f"/admin/reports/{path}.csv?{query}").data)
    assert head[0][0].startswith("Звіт")
    assert head[1][0] == "exported_at"
    assert len(page) == len(sections) > 0
    for (_key, header, rows), (_title, csv_header, csv_rows) in zip(page, sections, strict=True):
        assert header == csv_header
        assert rows == csv_rows


def test_csv_numbers_are_numbers_and_filters_are_in_the_first_rows(mixed, admin_client):
    response = admin_client.get("/admin/reports/funnel.csv?region=lviv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "frontline-funnel-" in response.headers["Content-Disposition"]
    head, sections = csv_tables(response.data)
    assert ["region", "lviv"] in head
    assert ["suppressed_below", "5"] in head
    registered = sections[0][2][0]
    assert registered[1:3] == ["12", "100.0"]  # no "%" sign: a spreadsheet reads a number


def test_item_analysis_says_not_enough_answers_below_the_minimum(mixed, admin_client):
    body = admin_client.get("/admin/reports/items").get_data(as_text=True)
    assert "Замало відповідей" in body
    assert "Кожна перша спроба учасника" in body or "перша спроба" in body


@pytest.mark.parametrize("app_overrides", [{"REPORT_MIN_N": 5, "REPORT_SUPPRESS_BELOW": 3}])
def test_item_analysis_flags_link_to_the_question_text(mixed, admin_client):
    body = admin_client.get("/admin/reports/items?language=uk").get_data(as_text=True)
    tables = {key: rows for key, _header, rows in page_tables(body)}
    assert tables["questions"], "every question of the version has a row"
    assert 'href="#q-' in body and 'id="q-' in body
    assert "Замало відповідей" not in body


@pytest.mark.parametrize(
    ("query", "registered"),
    [
        (f"period=activity&from={BASE.date().isoformat()}&to={BASE.date().isoformat()}", "15"),
        ("org_type=social", "6"),
        ("language=en", "6"),
        ("region=kharkiv&org_type=police", "0"),
    ],
)
def test_activity_period_organisation_and_language_filters(mixed, admin_client, query, registered):
    assert funnel_rows(admin_client, query)["Зареєстровано"][0] == registered


def test_lang_still_switches_the_interface_on_a_report(mixed, admin_client):
    body = admin_client.get("/admin/reports/funnel?lang=en").get_data(as_text=True)
    assert "Registered" in body and "<h1>Funnel</h1>" in body


def test_certificates_by_month_and_region(mixed, admin_client):
    tables = {
        key: rows
        for key, _h, rows in page_tables(admin_client.get("/admin/reports/certificates").get_data(as_text=True))
    }
    assert tables["certificates_by_month"] == [["2026-06", "8", "0", "< 5", "0"]]  # issued, renewed, revoked, expired
    (lviv,) = tables["certificates_by_region"]
    assert lviv[1:] == ["8", "0", "< 5", "0"]
