"""Bulk enrolment through the admin pages, on SQLite and PostgreSQL: the whole-file dry run on a
corpus of bad files (nothing written), the clean import and its idempotence, undo, the change guard,
and the set-password links shown when no SMTP server is configured."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from course.accounts.models import User
from course.cohorts.models import Cohort, CohortMember, ImportBatch
from course.cohorts.services import CohortData, create_cohort
from course.extensions import db
from course.progress.models import LessonRead
from tests.conftest import PASSWORD, csrf_token
from tests.integration.enrolment_helpers import DATA, apply, batch_page, upload
from tests.security.helpers import logged_in

BAD_FILES = {
    "empty.csv": "The file is empty.",
    "header_only.csv": "The file has a header but no learners.",
    "wrong_columns.csv": "Unknown columns: e-mail, name, organisation, phone.",
    "duplicate_emails.csv": "This e-mail is already on line 2.",
    "invalid_utf8.csv": "The file is not in UTF-8 (line 3)",
    "formula_name.csv": "which a spreadsheet runs as a formula",
    "long_name.csv": "Use at most 100 characters.",
    "bad_values.csv": "is not in the list",
}


def make_cohort(app, clock, name="Lviv oblast police, spring 2027", due=None) -> int:
    with app.app_context():
        cohort = create_cohort(db.session, CohortData(name, "lviv", "police", date(2026, 11, 1), due), clock())
        db.session.commit()
        return cohort.id


def counts(app) -> tuple[int, int]:
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
        members = db.session.scalar(select(func.count()).select_from(CohortMember))
        db.session.rollback()
        return users, members


@pytest.fixture
def admin_client(app, make_admin):
    admin = make_admin()
    return logged_in(app, admin.email)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_dry_run_lists_the_problem_and_writes_nothing(app, clock, admin_client, name):
    cohort_id = make_cohort(app, clock)
    before = counts(app)
    batch_id, page = batch_page(admin_client, upload(admin_client, (DATA / name).read_bytes(), cohort_id))
    assert 'data-state="problems"' in page and BAD_FILES[name] in page
    assert f'action="/admin/cohorts/imports/{batch_id}/apply"' not in page
    assert counts(app) == before
    assert apply(admin_client, batch_id).status_code == 303  # refused with a message, not applied
    assert counts(app) == before


def test_errors_csv_lists_every_bad_row_by_line_and_column_in_the_admins_language(app, clock, admin_client):
    batch_id, _page = batch_page(admin_client, upload(admin_client, (DATA / "bad_values.csv").read_bytes(), None))
    body = admin_client.get(f"/admin/cohorts/imports/{batch_id}/errors.csv?lang=uk").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["Рядок", "Стовпець", "Значення", "Проблема"]
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("2", "Електронна пошта"),
        ("3", "Прізвище та ім'я"),
        ("3", "Тип організації"),
        ("3", "Регіон"),
        ("3", "Мова (необов'язково)"),
    ]
    assert rows[4][2] == "Марс"


def test_duplicate_against_the_database_an_admin_account_cannot_be_enrolled(app, clock, admin_client):
    data = b"email,full_name,org_type,region\nADMIN@example.org ,Someone,police,lviv\n"
    _batch_id, page = batch_page(admin_client, upload(admin_client, data, None))
    assert "belongs to an administrator, a trainer or an erased account" in page
    with app.app_context():
        assert db.session.scalar(select(User.full_name).where(User.email == "admin@example.org")) != "Someone"


def test_file_over_the_size_limit_is_refused_with_the_limit_named(app, clock, admin_client):
    """A 5 MB file: refused before it is read, with a message, and nothing stored."""
    data = b"email,full_name,org_type,region\n" + b"someone@example.org,Name Surname,police,lviv\n" * 120_000
    assert len(data) > 5 * 1024 * 1024
    response = upload(admin_client, data, None)
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/cohorts/import")
    page = admin_client.get("/admin/cohorts/import?lang=en").get_data(as_text=True)
    assert "The file is larger than 2 MB" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_clean_import_creates_accounts_then_is_idempotent(app, clock, admin_client, make_learner):
    cohort_id = make_cohort(app, clock)
    existing = make_learner(email="taras@example.org", full_name="Тарас Шевчук")
    batch_id, page = batch_page(admin_client, upload(admin_client, (DATA / "good_comma.csv").read_bytes(), cohort_id))
    assert 'data-state="clean"' in page and "New accounts to create: 1" in page
    assert counts(app)[1] == 0  # the dry run wrote nothing
    response = apply(admin_client, batch_id)
    assert response.status_code == 200 and "ivan@example.org" in response.get_data(as_text=True)
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.counts == {"rows": 2, "created": 1, "existed": 1, "updated": 0, "added": 2}
        assert batch.source is None
        members = db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)).all()
        assert existing.id in members and len(members) == 2
    again, page = batch_page(admin_client, upload(admin_client, (DATA / "good_comma.csv").read_bytes(), cohort_id))
    assert "New accounts to create: 0" in page and "To add to the cohort: 0" in page
    apply(admin_client, again)
    assert counts(app) == (3, 2)


def test_import_updates_existing_details_and_undo_restores_them(app, clock, admin_client, make_learner):
    cohort_id = make_cohort(app, clock)
    learner = make_learner(email="ivan@example.org", full_name="Іван Старий", org_type="police")
    batch_id, _page = batch_page(admin_client, upload(admin_client, (DATA / "good_comma.csv").read_bytes(), cohort_id))
    apply(admin_client, batch_id)
    with app.app_context():
        user = db.session.get(User, learner.id)
        assert (user.full_name, user.org_type) == ("Іван Франко", "ngo")
    token = csrf_token(admin_client, f"/admin/cohorts/imports/{batch_id}")
    assert admin_client.post(f"/admin/cohorts/imports/{batch_id}/undo", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        user = db.session.get(User, learner.id)
        assert (user.full_name, user.org_type) == ("Іван Старий", "police")
        assert db.session.scalar(select(User).where(User.email == "taras@example.org")) is None
        assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0


def test_undo_is_refused_once_a_learner_of_the_batch_has_started(app, clock, admin_client):
    cohort_id = make_cohort(app, clock)
    batch_id, _page = batch_page(admin_client, upload(admin_client, (DATA / "good_comma.csv").read_bytes(), cohort_id))
    apply(admin_client, batch_id)
    with app.app_context():
        taras = db.session.scalar(select(User).where(User.email == "taras@example.org"))
        db.session.add(LessonRead(user_id=taras.id, module_id="m", lesson_id="l", content_hash="h", read_at=clock()))
        db.session.commit()
    page = admin_client.get(f"/admin/cohorts/imports/{batch_id}?lang=en").get_data(as_text=True)
    assert "have already started the course" in page
    token = csrf_token(admin_client, "/admin/cohorts/import")
    admin_client.post(f"/admin/cohorts/imports/{batch_id}/undo", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "taras@example.org")) is not None
        assert db.session.get(ImportBatch, batch_id).status == "applied"


def test_change_guard_refuses_a_file_that_would_rename_too_many_accounts(app, clock, admin_client, make_learner):
    for number in range(12):
        make_learner(email=f"l{number}@example.org", full_name=f"Learner {number}")
    rows = "".join(f"l{number}@example.org,Renamed {number},police,lviv\n" for number in range(12))
    data = ("email,full_name,org_type,region\n" + rows).encode()
    batch_id, page = batch_page(admin_client, upload(admin_client, data, None))
    assert 'data-state="refused"' in page and "would change 12 of the 12 existing learner accounts" in page
    apply(admin_client, batch_id)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.full_name.like("Renamed%"))) == 0


def test_set_password_link_shown_without_smtp_works_once(app, clock, admin_client):
    batch_id, _page = batch_page(admin_client, upload(admin_client, (DATA / "good_excel_uk.csv").read_bytes(), None))
    page = apply(admin_client, batch_id).get_data(as_text=True)
    assert "E-mail is not set up on this server" in page
    links = re.findall(r'value="http://127\.0\.0\.1:5000(/reset/[^"]+)"', page)
    assert len(links) == 3
    visitor = app.test_client()
    assert visitor.get(links[0]).status_code == 303
    token = csrf_token(visitor, "/reset")
    visitor.post("/reset", data={"csrf_token": token, "new_password": PASSWORD})
    assert logged_in(app, "maryana@example.org").get("/dashboard").status_code == 200
    assert app.test_client().get(links[0]).status_code == 404


def test_cohort_filter_and_page_show_the_imported_learners(app, clock, admin_client):
    cohort_id = make_cohort(app, clock)
    other = make_cohort(app, clock, name="Odesa social workers")
    batch_id, _page = batch_page(admin_client, upload(admin_client, (DATA / "good_comma.csv").read_bytes(), cohort_id))
    apply(admin_client, batch_id)
    assert "ivan@example.org" in admin_client.get(f"/admin/?cohort={cohort_id}").get_data(as_text=True)
    assert "ivan@example.org" not in admin_client.get(f"/admin/?cohort={other}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).name == "Lviv oblast police, spring 2027"


def test_cli_dry_run_reports_every_problem_and_import_writes_once(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["cohorts", "create", "Kharkiv NGO", "--starts", "2026-11-01", "--region", "kharkiv"])
    assert created.exit_code == 0, created.output
    bad = runner.invoke(args=["cohorts", "import", str(DATA / "bad_values.csv"), "--cohort", "Kharkiv NGO"])
    assert bad.exit_code == 1 and "bad_values.csv:3: region:" in bad.output
    dry = runner.invoke(
        args=["cohorts", "import", str(DATA / "good_comma.csv"), "--dry-run", "--cohort", "Kharkiv NGO"]
    )
    assert dry.exit_code == 0 and "created 2" in dry.output and counts(app) == (0, 0)
    done = runner.invoke(args=["cohorts", "import", str(DATA / "good_comma.csv"), "--cohort", "Kharkiv NGO"])
    assert done.exit_code == 0 and "/reset/" in done.output  # no SMTP: the links are printed
    assert counts(app) == (2, 2)
