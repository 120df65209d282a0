"""Reports for a trainer (AC-2, AC-3, OUT-5): every report page and CSV, through every filter,
counts only the learners in the trainer's scope (course/reports/population.py starts from
`visible_learners`); a cohort outside it gets the same 400 as an unknown one; and the cohort
filter narrows the admin's reports, on the screen and in the CSV alike."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from course.accounts.models import User
from course.cohorts import services
from course.cohorts.models import Cohort, CohortMember
from course.extensions import db
from course.reports.filters import BREAKDOWNS, LANGUAGES, PERIOD_BASES
from course.reports.items import POLICIES
from tests.integration.reports.conftest import BASE, Population, csv_tables, page_tables
from tests.security.helpers import logged_in

REPORTS = ["funnel", "quizzes", "certificates", "items"]
IN_SCOPE, IN_COHORT_A = 13, 6
EVERYONE = 35


def _cohort(name: str, member_ids: list[int], now, archived: bool = False) -> int:
    cohort = services.create_cohort(db.session, services.CohortData(name, None, None, date(2026, 11, 1), None), now)
    cohort.is_archived = archived
    db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=uid, added_at=now) for uid in member_ids)
    return cohort.id


@pytest.fixture
def scoped(app, clock, make_learner, make_admin):
    """A trainer with cohort A (6 Lviv police, certified), archived cohort C (5 Odesa) and a
    Kharkiv police scope (7); outside: cohort B (9 Kharkiv social services, certified) and 8 Lviv
    police in no cohort (certified), who differ from cohort A only by not being in it."""
    admin = make_admin()
    trainer = make_learner(email="trainer@example.org", full_name="Тренерка Оксана")
    people = Population(app)
    inside = people.learners(6, region="lviv", read=2, passed=True)
    people.learners(7, region="kharkiv", read=1, passed=False)
    secret = people.learners(9, region="kharkiv", org_type="social", locale="en", read=2, passed=True)
    archived = people.learners(5, region="odesa", read=2, passed=True)
    loose = people.learners(8, region="lviv", read=2, passed=True)
    for ids in (inside, secret, loose):
        people.certificates(ids, BASE + timedelta(days=2))
    with app.app_context():
        now = clock()
        db.session.execute(update(User).where(User.id == trainer.id).values(role="trainer"))
        a = _cohort("Cohort A", inside, now)
        b = _cohort("Cohort B secret", secret, now)
        c = _cohort("Cohort C archived", archived, now, archived=True)
        trainer_row = db.session.get(User, trainer.id)
        for cohort_id in (a, c):
            services.add_trainer(db.session, db.session.get(Cohort, cohort_id), trainer_row)
        services.add_region_scope(db.session, trainer_row, "kharkiv", "police")
        db.session.commit()
    return SimpleNamespace(admin=admin, trainer=trainer, a=a, b=b, c=c)


ONLY = {"by": "funnel", "policy": "items"}  # parameters one report takes; the others refuse them


def _param_sets(report: str, world) -> list[dict]:
    sets: list[dict] = [
        {},
        {"cohort": str(world.a)},
        {"period": "activity"},
        {"from": "2026-01-01", "to": "2026-12-31"},
    ]
    sets += [{"by": by, "cohort": str(world.a)} for by in BREAKDOWNS] + [{"policy": policy} for policy in POLICIES]
    sets += [{"region": region} for region in ("lviv", "kharkiv", "odesa")] + [{"org_type": "social"}]
    sets += [{"language": lang} for lang in LANGUAGES] + [{"period": p, "cohort": str(world.a)} for p in PERIOD_BASES]
    return [params for params in sets if all(ONLY.get(name, report) == report for name in params)]


def _csv_sections(client, name: str, query: dict | None = None) -> list:
    response = client.get(f"/admin/reports/{name}.csv", query_string=query or {})
    assert response.status_code == 200, (name, query)
    return [(header, rows) for _title, header, rows in csv_tables(response.data)[1]]


def _page_sections(client, name: str, query: dict | None = None) -> list:
    response = client.get(f"/admin/reports/{name}", query_string=query or {})
    assert response.status_code == 200, (name, query)
    return [(header, rows) for _key, header, rows in page_tables(response.get_data(as_text=True))]


def _registered(sections) -> str:
    _header, rows = sections[0]
    assert rows[0][0] == "Зареєстровано"
    return rows[0][1]


def _counts(sections) -> list[int]:
    """Every whole-number cell (counts; percentages are printed with a decimal point)."""
    return [int(cell) for _header, rows in sections for row in rows for cell in row[1:] if cell.isdigit()]


@pytest.mark.parametrize("csv", [False, True], ids=["page", "csv"])
def test_trainer_funnel_counts_exactly_the_learners_in_scope_AC_3(app, scoped, csv):
    client = logged_in(app, scoped.trainer.email)
    sections = _csv_sections if csv else _page_sections
    assert _registered(sections(client, "funnel")) == str(IN_SCOPE)
    assert _registered(sections(client, "funnel", {"cohort": str(scoped.a)})) == str(IN_COHORT_A)
    assert _registered(sections(client, "funnel", {"region": "lviv"})) == str(IN_COHORT_A)  # not the 8 loose ones
    assert _registered(sections(client, "funnel", {"org_type": "social"})) == "0"  # cohort B: social services
    assert _registered(sections(client, "funnel", {"region": "odesa"})) == "0"  # cohort C is archived
    assert _registered(sections(client, "funnel", {"language": "en"})) == "0"  # only cohort B is English
    (quiz_header, quiz_rows), *_rest = sections(client, "quizzes")
    assert [row[1:4] for row in quiz_rows] == [["13", "13", "6"]]  # graded attempts, took it, passed
    (_header, months), *_rest = sections(client, "certificates")
    assert [row[1] for row in months] == ["6"]  # cohort A's; not cohort B's 9 nor the 8 loose ones


def test_every_report_and_csv_as_a_trainer_through_every_filter_counts_no_outsider_AC_3(app, scoped):
    client = logged_in(app, scoped.trainer.email)
    for name in REPORTS:
        for params in _param_sets(name, scoped):
            for sections in (_page_sections(client, name, params), _csv_sections(client, name, params)):
                # Everyone would be 35, cohort B alone 9 with 9 certificates: no count passes the 13 in scope.
                assert all(n <= IN_SCOPE for n in _counts(sections)), (name, params)
        for url in (f"/admin/reports/{name}", f"/admin/reports/{name}.csv"):
            for cohort in (scoped.b, scoped.c, 999_999):  # another's, their own archived one, none at all
                response = client.get(url, query_string={"cohort": str(cohort)})
                assert response.status_code == 400, (url, cohort)
                body = response.get_data(as_text=True)
                assert "не є одним із дозволених значень" in body and "cohort" in body
                assert "Cohort B secret" not in body and "Traceback" not in body


def test_trainer_is_offered_only_their_visible_cohorts_and_sees_a_reports_link_AC_3(app, scoped):
    client = logged_in(app, scoped.trainer.email)
    page = client.get("/admin/reports/funnel").get_data(as_text=True)
    assert f'<option value="{scoped.a}"' in page and "Cohort A" in page
    assert f'<option value="{scoped.b}"' not in page and "Cohort B secret" not in page
    assert "Cohort C archived" not in page
    assert "/admin/reports/" in client.get("/admin/").get_data(as_text=True)


def test_admin_cohort_filter_narrows_the_funnel_and_its_csv_identically(app, scoped):
    client = logged_in(app, "admin@example.org")
    assert _registered(_page_sections(client, "funnel")) == str(EVERYONE)
    for cohort, members in ((scoped.a, "6"), (scoped.b, "9"), (scoped.c, "5")):  # an admin sees archived ones
        query = {"cohort": str(cohort), "by": "region"}
        page, csv = _page_sections(client, "funnel", query), _csv_sections(client, "funnel", query)
        assert page == csv
        assert _registered(page) == members
    head = client.get("/admin/reports/funnel.csv", query_string={"cohort": str(scoped.b)}).get_data(as_text=True)
    assert f"cohort,{scoped.b}" in head  # the CSV says which cohort it counts
    assert client.get("/admin/reports/funnel", query_string={"cohort": "999999"}).status_code == 400
