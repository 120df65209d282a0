"""The trainer scope (AC-2, AC-3): a trainer sees only the learners of their unarchived cohorts and
their region scopes. Every admin URL is tried, found by walking `app.url_map`, as a trainer, with
the ids of learners, cohorts and batches outside the scope and through every filter and search
parameter; nothing of theirs comes back, and nothing changes."""

from __future__ import annotations

import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from course.access import staff_may_open  # noqa: F401 - the one check under test
from course.accounts.models import User
from course.admin.reports import SORTS
from course.cohorts import imports, services
from course.cohorts.models import CohortMember
from course.cohorts.settings import import_settings
from course.extensions import db
from tests.conftest import csrf_token
from tests.security.helpers import logged_in, methods_of, snapshot

SYSTEM = SimpleNamespace(id=None, role="admin")


def _cohort(name: str, archived: bool = False) -> int:
    cohort = services.create_cohort(db.session, services.CohortData(name, None, None, date(2026, 11, 1), None), _now())
    cohort.is_archived = archived
    return cohort.id


def _now():
    from course.clock import utcnow

    return utcnow()


def _join(cohort_id: int, user_id: int) -> None:
    db.session.add(CohortMember(cohort_id=cohort_id, user_id=user_id, added_at=_now()))


@pytest.fixture
def world(app, make_learner, make_admin):
    """A trainer with cohort A, an archived cohort C and a Kharkiv police scope; learners inside
    and outside; another trainer; an import by the admin that names an outsider."""
    admin = make_admin()
    trainer = make_learner(email="trainer@example.org", full_name="Тренерка Оксана")
    other_trainer = make_learner(email="hidden.trainer@example.org", full_name="Hiddentrainer Marko")
    inside = make_learner(email="inside@example.org", full_name="Insider Ivanka")
    regional = make_learner(email="regional@example.org", full_name="Regional Petro", region="kharkiv")
    outsider = make_learner(email="zzyzx@example.org", full_name="Zzyzx Outsider", region="odesa", org_type="social")
    wrong_org = make_learner(
        email="qwerty@example.org", full_name="Qwerty Socialworker", region="kharkiv", org_type="social"
    )
    archived = make_learner(email="archy@example.org", full_name="Archy Archived", region="odesa")
    with app.app_context():
        db.session.execute(update(User).where(User.id.in_([trainer.id, other_trainer.id])).values(role="trainer"))
        a, b, c = _cohort("Cohort A"), _cohort("Cohort B secret"), _cohort("Cohort C archived", archived=True)
        for cohort_id, user in ((a, inside), (b, outsider), (b, wrong_org), (c, archived), (b, other_trainer)):
            _join(cohort_id, user.id)
        trainer_row = db.session.get(User, trainer.id)
        for cohort_id in (a, c):
            services.add_trainer(db.session, _cohort_obj(cohort_id), trainer_row)
        services.add_region_scope(db.session, trainer_row, "kharkiv", "police")
        data = b"email,full_name,org_type,region\nzzyzx@example.org,Zzyzx Outsider,social,odesa\n"
        batch = imports.store_upload(db.session, SYSTEM, None, "secret.csv", data, True, _now())
        db.session.commit()
        batch_id = batch.id
    hidden = [outsider, wrong_org, archived, other_trainer, admin]
    return SimpleNamespace(
        admin=admin,
        trainer=trainer,
        inside=inside,
        regional=regional,
        hidden=hidden,
        cohorts=(a, b, c),
        batch_id=batch_id,
    )


def _cohort_obj(cohort_id):
    from course.cohorts.models import Cohort

    return db.session.get(Cohort, cohort_id)


def _secrets(world) -> list[str]:
    names = [user.full_name for user in world.hidden if user is not world.admin]  # "admin" is in every URL
    return [user.email for user in world.hidden] + names + ["Cohort B secret", "secret.csv"]


def _param_sets(world) -> list[dict]:
    a, b, c = world.cohorts
    sets: list[dict] = [{}, {"archived": "1"}, {"page": "2"}, {"q": "%"}, {"q": "_"}, {"q": "@"}]
    sets += [{"q": user.email} for user in world.hidden] + [{"q": user.full_name.split()[0]} for user in world.hidden]
    sets += [{"role": role} for role in ("learner", "trainer", "admin", "any")]
    sets += [{"cohort": str(cohort)} for cohort in (a, b, c)]
    sets += [{"cohort": str(b), "role": "any", "q": "@", "sort": sort} for sort in SORTS]
    return sets


def _id_choices(world, name: str) -> list[int]:
    a, b, c = world.cohorts
    return {
        "user_id": [user.id for user in world.hidden],
        "cohort_id": [b, c],
        "batch_id": [world.batch_id],
    }.get(name, [1, 2, 3])


def _urls(app, world, rule) -> list[str]:
    urls = []
    names = sorted(rule.arguments)
    choices = [_id_choices(world, name) for name in names]
    for index in range(max((len(c) for c in choices), default=1)):
        values = {name: options[index % len(options)] for name, options in zip(names, choices, strict=True)}
        urls.append(rule.build(values, append_unknown=False)[1])
    return urls


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]


def test_trainer_sees_nothing_outside_their_scope_on_any_admin_url_AC_3(app, world):
    client = logged_in(app, world.trainer.email)
    secrets, leaks, opened = _secrets(world), [], set()
    for rule in admin_rules(app):
        if "GET" not in methods_of(rule):
            continue
        scoped = getattr(app.view_functions[rule.endpoint], "trainer_allowed", False)
        for url in _urls(app, world, rule):
            for params in _param_sets(world) if scoped else [{}]:
                response = client.get(url, query_string=params)
                assert response.status_code < 500, (url, params)
                body = response.get_data().decode("utf-8", "replace")
                # The search box and the page's own links echo what the trainer typed: theirs, not a leak.
                body = body.replace(f'value="{params.get("q", "")}"', "")
                body = re.sub(r'href="[^"]*"|name="next" value="[^"]*"', "", body)
                leaks += [(url, params, secret) for secret in secrets if secret in body]
                if response.status_code == 200:
                    opened.add(rule.endpoint)
    assert leaks == []
    # The test can fail: the trainer does reach these pages, and sees their own learners there.
    assert {"admin.learners", "admin.learners_csv", "cohorts.cohorts", "cohorts.import_form"} <= opened
    page = client.get("/admin/", query_string={"role": "any"}).get_data(as_text=True)
    assert world.inside.email in page and world.regional.email in page


def test_trainer_opens_only_views_that_go_through_the_scope_and_changes_nothing_AC_2(app, world):
    """Every GET and POST of every admin route: admin-only views answer 403; scoped ones 4xx for
    things outside the scope; the database is unchanged."""
    client = logged_in(app, world.trainer.email)
    token = csrf_token(client, "/admin/cohorts/import")
    before = snapshot(app)
    wrong = []
    for rule in admin_rules(app):
        view = app.view_functions[rule.endpoint]
        scoped = getattr(view, "trainer_allowed", False)
        for method in methods_of(rule):
            for url in _urls(app, world, rule):
                data = {
                    "csrf_token": token,
                    "role": "admin",
                    "confirm": "y",
                    "trainer": str(world.trainer.id),
                    "region": "odesa",
                    "action": "resend",
                    "reason": "x",
                }
                status = client.open(url, method=method, data=None if method == "GET" else data).status_code
                if not scoped and status != 403:
                    wrong.append((method, url, status))
                if scoped and method == "POST" and status not in (400, 404):
                    wrong.append((method, url, status))
    assert wrong == []
    assert snapshot(app) == before


def test_trainer_learner_page_opens_for_their_learner_and_404s_for_others_AC_3(app, world):
    client = logged_in(app, world.trainer.email)
    page = client.get(f"/admin/users/{world.inside.id}")
    assert page.status_code == 200 and "Insider Ivanka" in page.get_data(as_text=True)
    assert "/role" not in page.get_data(as_text=True)  # no account actions for trainers
    for user in world.hidden:
        assert client.get(f"/admin/users/{user.id}").status_code == 404


def test_trainer_cannot_pull_an_outsider_into_their_cohort_by_importing_their_email_AC_3(app, world):
    client = logged_in(app, world.trainer.email)
    a = world.cohorts[0]
    data = b"email,full_name,org_type,region\nzzyzx@example.org,Zzyzx Outsider,social,odesa\n"
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client, "/admin/cohorts/import"),
            "cohort": str(a),
            "file": FileStorage(io.BytesIO(data), "mine.csv"),
        }
    )
    response = client.post(
        "/admin/cohorts/import?lang=en", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "outside your cohorts" in page
    with app.app_context():
        assert (
            db.session.scalar(
                select(CohortMember.id).where(CohortMember.cohort_id == a, CohortMember.user_id == world.hidden[0].id)
            )
            is None
        )
        assert imports.check_file(db.session, SYSTEM, None, data, import_settings(app.config)).problems == []


def test_trainer_cannot_import_into_a_cohort_that_is_not_theirs_AC_3(app, world):
    client = logged_in(app, world.trainer.email)
    data = b"email,full_name,org_type,region\nnew@example.org,New Person,police,lviv\n"
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client, "/admin/cohorts/import"),
            "cohort": str(world.cohorts[1]),
            "file": FileStorage(io.BytesIO(data), "mine.csv"),
        }
    )
    response = client.post("/admin/cohorts/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@example.org")) is None
