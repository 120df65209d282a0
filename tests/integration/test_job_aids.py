"""Job aids in the running app, on the bundled course: access, links, the page and the PDF read back.

`app` is overridden here to serve content/ and quizzes/ (the real course), on SQLite and
PostgreSQL like every integration test; `client`, `auth` and `make_learner` use it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.accounts.models import User
from course.accounts.services import Registration, register
from course.content.access import current_catalog
from course.extensions import db
from course.progress.services import mark_read
from tests.conftest import PASSWORD, Auth, csrf_token, make_test_app, reset_database
from tests.unit.certificates.pdfcheck import pdf_pages, pdf_text, write_pdf

ROOT = Path(__file__).parents[2]
BASE_URL = "https://frontline.example.org"
HOTLINE = "527"  # IOM Ukraine's counter-trafficking hotline: on every job aid (brief 5.1)


@pytest.fixture
def app_overrides():
    """The bundled course, not the small test course."""
    return {"CONTENT_DIR": str(ROOT / "content"), "QUIZZES_DIR": str(ROOT / "quizzes"), "BASE_URL": BASE_URL}


@pytest.fixture
def catalog(app):
    with app.app_context():
        return current_catalog()


def switch_language(client, lang: str) -> None:
    client.post("/language", data={"lang": lang, "next": "/", "csrf_token": csrf_token(client, "/dashboard")})


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_job_aid_is_public_so_the_printed_link_opens_for_anyone_AC_1(client, suffix):
    """Issue 16, item 13: the public preview includes the job aids (docs/authoring.md)."""
    response = client.get(f"/modules/first-contact/job-aid{suffix}")
    assert response.status_code == 200


def test_every_module_has_a_one_page_pdf_job_aid_in_both_languages(app, catalog, make_learner, auth, client, tmp_path):
    auth.login(make_learner().email)
    for lang, module_word in (("uk", "Модуль"), ("en", "Module")):
        switch_language(client, lang)
        for number, module in enumerate(catalog.modules, start=1):
            aid = catalog.job_aids[module.id]
            response = client.get(f"/modules/{module.id}/job-aid.pdf")
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            assert response.headers["Content-Disposition"] == (
                f"attachment; filename=frontline-{module.id}-job-aid-{lang}.pdf"
            )
            assert response.headers["Cache-Control"] == "no-store"
            path = write_pdf(tmp_path, response.data, f"{module.id}.{lang}.pdf")
            assert pdf_pages(path) == 1, f"{module.id} ({lang}) does not fit on one page"
            text = pdf_text(path).replace("\u00a0", " ")
            assert aid.title[lang] in text and HOTLINE in text
            assert f"{module_word} {number}".upper() in text.upper()
            assert f"{BASE_URL}/modules/{module.id}/job-aid" in text and aid.content_hash[:12] in text


def test_job_aid_page_shows_the_same_sheet_with_a_print_stylesheet(app, catalog, make_learner, auth, client):
    auth.login(make_learner(locale="en").email)
    page = client.get("/modules/first-contact/job-aid").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/job-aid.css">' in page
    assert '<article class="job-aid" lang="en">' in page
    assert '<li class="check">' in page and "[ ]" not in page
    assert 'href="/modules/first-contact/job-aid.pdf"' in page
    stylesheet = client.get("/static/job-aid.css")
    stylesheet.close()
    assert stylesheet.status_code == 200 and stylesheet.mimetype == "text/css"


def test_module_page_links_its_quiz_and_job_aid(app, catalog, make_learner, auth, client):
    auth.login(make_learner().email)
    for module in catalog.modules:
        page = client.get(f"/modules/{module.id}").get_data(as_text=True)
        quiz = next(q for q in catalog.quizzes.values() if q.module_id == module.id)
        assert f'href="/quizzes/{quiz.id}"' in page
        assert f'href="/modules/{module.id}/job-aid"' in page and f'href="/modules/{module.id}/job-aid.pdf"' in page


def test_job_aids_stay_on_the_dashboard_after_the_course_is_complete(app, catalog, make_learner, auth, client, clock):
    learner = make_learner()
    with app.app_context():
        user = db.session.get(User, learner.id)
        for module in catalog.modules:
            for lesson in module.lessons:
                mark_read(db.session, user, module, lesson.id, clock())
        db.session.commit()
    auth.login(learner.email)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Ви прочитали всі уроки." in dashboard
    links = set(re.findall(r'href="/modules/([a-z0-9-]+)/job-aid"', dashboard))
    assert links == {m.id for m in catalog.modules}
    assert 'href="/pages/glossary"' in dashboard
    for module in catalog.modules:
        assert client.get(f"/modules/{module.id}/job-aid").status_code == 200


def test_admin_can_open_a_job_aid(app, make_admin, auth, client):
    auth.login(make_admin().email)
    assert client.get("/modules/referral-nrm/job-aid").status_code == 200
    assert client.get("/modules/referral-nrm/job-aid.pdf").status_code == 200


@pytest.mark.parametrize("url", ["/modules/no-such-module/job-aid", "/modules/no-such-module/job-aid.pdf"])
def test_unknown_module_has_no_job_aid(app, make_learner, auth, client, url):
    auth.login(make_learner().email)
    assert client.get(url).status_code == 404


def test_module_without_a_job_aid_file_has_no_job_aid_page(database_url, tmp_path, clock):
    """The sample course in tests/data has no content/job-aids: its module pages still work."""
    app = make_test_app(database_url, tmp_path, clock)
    with app.app_context():
        reset_database()
        learner = Registration(
            email="l@example.org",
            full_name="Олена Петренко",
            password=PASSWORD,
            org_type="police",
            region="lviv",
            position=None,
            locale="uk",
        )
        register(db.session, learner, clock())
        db.session.commit()
    client = app.test_client()
    Auth(client).login("l@example.org")
    try:
        assert client.get("/modules/basics/job-aid").status_code == 404
        assert client.get("/modules/basics/job-aid.pdf").status_code == 404
        page = client.get("/modules/basics").get_data(as_text=True)
        assert "/job-aid" not in page
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # reads files, no database
def test_content_check_on_the_bundled_course_is_clean(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"ok: 7 modules, \d+ lessons, 8 quizzes, \d+ questions, languages uk en\n", result.output)
