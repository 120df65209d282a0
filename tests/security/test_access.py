"""Access control: deny by default (AC-1), the role matrix (AC-2), no IDOR (AC-3), no mass
assignment (AC-4), fail closed (AC-5). Every route is found by walking `app.url_map`, so a new
route is checked the day it appears."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from course.access import public
from course.accounts.models import User
from course.accounts.session_user import SessionUser
from course.extensions import db, login_manager
from tests.conftest import PASSWORD, csrf_token, make_test_app
from tests.security.helpers import fill_row, logged_in, methods_of, snapshot, url_of

# AC-1: the only views a visitor may open without logging in. Adding a @public view means
# adding it here, in review.
ALLOWLIST = {
    "content.overview",  # the course's front page: module titles and summaries, nothing personal
    # The public preview (issue 16, item 13; course/content/access.py): a module's page, its
    # first lesson (the others redirect a visitor to log in), its job aid, and the glossary.
    "content.module",
    "content.lesson",
    "content.page",
    "content.job_aid",
    "content.job_aid_pdf",
    "accounts.login",
    "accounts.register_view",
    "accounts.reset_start",
    "accounts.reset_password_view",
    "certificates.verify_form",
    "certificates.verify_code",
    "health.healthz",
    "health.readyz",
    "i18n.switch_language",
    # Course images at /media/<sha256>.<ext> (OUT-8): the public preview shows them too; the URL
    # is the hash of the bytes, and only a draft image or one of the current release is served.
    "media.image",
    "static",
}
# AC-3: routes whose URL names something a learner owns. Each must answer 404 (or 403) to
# anyone else; the test below proves it with real objects.
OWNER_ONLY = {
    "quizzes.attempt",
    "quizzes.save",
    "quizzes.autosave",
    "quizzes.result",
    "quizzes.practice",
    "certificates.download",
}
# Routes whose URL arguments name shared course content, the same for every learner.
SHARED_CONTENT = {
    "content.module",
    "content.lesson",
    "content.mark_lesson_read",
    "content.page",
    "content.job_aid",
    "content.job_aid_pdf",
    "quizzes.show",
    "quizzes.start",
}


def _refused_anonymously(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def test_public_views_are_exactly_the_allowlist_AC_1(app):
    from course.access import public_endpoints

    unexpected = public_endpoints(app) - ALLOWLIST
    assert not unexpected, f"new public views need a decision in ALLOWLIST: {unexpected}"


def test_every_other_route_refuses_anonymous_visitors_AC_1(app):
    """Every method of every rule outside the allowlist: a redirect to login, 401 or 403."""
    client = app.test_client()
    token = csrf_token(client, "/login")  # so a refusal is the login check, not CSRF
    offenders = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ALLOWLIST:
            continue
        for method in methods_of(rule):
            data = None if method == "GET" else {"csrf_token": token}
            response = client.open(url_of(app, rule), method=method, data=data)
            if not _refused_anonymously(response):
                offenders.append((method, rule.rule, response.status_code))
    assert offenders == []


def test_public_routes_never_fail_for_a_visitor_AC_1(app):
    client = app.test_client()
    token = csrf_token(client, "/login")
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in ALLOWLIST or rule.endpoint == "static":
            continue
        for method in methods_of(rule):
            response = client.open(url_of(app, rule), method=method, data={"csrf_token": token})
            assert response.status_code < 500 or rule.endpoint == "health.readyz", (method, rule.rule)


def test_the_preview_is_each_modules_first_lesson_and_the_job_aids_the_rest_needs_a_login_AC_1(app):
    """Issue 16, item 13: what a visitor may open, and what stays behind the login."""
    client = app.test_client()
    with app.app_context():
        from course.content.access import current_catalog

        catalog = current_catalog()
    for module in catalog.modules:
        assert client.get(f"/modules/{module.id}").status_code == 200
        first = client.get(f"/modules/{module.id}/{module.lesson_ids[0]}")
        assert first.status_code == 200 and module.lessons[0].text("title", "uk") in first.get_data(as_text=True)
        assert "content.mark_lesson_read" not in first.get_data(as_text=True)
        assert f"/modules/{module.id}/{module.lesson_ids[0]}/read" not in first.get_data(as_text=True)
        for lesson_id in module.lesson_ids[1:]:
            refused = client.get(f"/modules/{module.id}/{lesson_id}")
            assert _refused_anonymously(refused), lesson_id
            assert f"next=/modules/{module.id}/{lesson_id}" in refused.headers["Location"].replace("%2F", "/")
    for quiz_id in catalog.quizzes:
        assert _refused_anonymously(client.get(f"/quizzes/{quiz_id}"))
    token = csrf_token(client, "/login")
    module = catalog.modules[0]
    marked = client.post(f"/modules/{module.id}/{module.lesson_ids[0]}/read", data={"csrf_token": token})
    assert _refused_anonymously(marked)
    assert client.get("/pages/glossary").status_code == 200


def test_the_inventory_catches_a_new_unmarked_or_public_route_AC_1(database_url, tmp_path, clock):
    """The mechanism itself: an unmarked view is behind login; a @public one shows up."""
    app = make_test_app(database_url, tmp_path, clock)
    app.add_url_rule("/leak", "leak", lambda: "secret")
    app.add_url_rule("/open", "open", public(lambda: "open"))
    client = app.test_client()
    assert _refused_anonymously(client.get("/leak"))
    from course.access import public_endpoints

    assert public_endpoints(app) - ALLOWLIST == {"open"}
    with app.app_context():
        db.engine.dispose()


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]


def test_learner_gets_403_on_every_admin_route_and_nothing_changes_AC_2(app, make_learner, make_admin):
    admin, learner = make_admin(), make_learner()
    client = logged_in(app, learner.email)
    token = csrf_token(client, "/dashboard")
    before = snapshot(app)
    seen = []
    for rule in admin_rules(app):
        for method in methods_of(rule):
            data = {"csrf_token": token, "role": "admin", "confirm": "y", "reason": "x"}
            response = client.open(url_of(app, rule, user_id=admin.id), method=method, data=data)
            assert response.status_code == 403, (method, rule.rule, response.status_code)
            seen.append(rule.endpoint)
    assert snapshot(app) == before
    assert {"admin.learners", "admin.user_role", "admin.user_erase", "admin.learners_csv"} <= set(seen)


def test_admin_reaches_every_admin_page_AC_2(app, make_learner, make_admin):
    learner, admin = make_learner(), make_admin()
    client = logged_in(app, admin.email)
    for rule in admin_rules(app):
        if "GET" in methods_of(rule):
            response = client.get(url_of(app, rule, user_id=learner.id))
            assert response.status_code not in (401, 403) and response.status_code < 500, rule.rule


def test_admin_role_is_checked_on_the_server_not_the_menu_AC_2(app, make_learner, make_admin):
    """The learner is promoted: the old session ends; after logging in again the admin pages open."""
    admin, learner = make_admin(), make_learner()
    learner_client = logged_in(app, learner.email)
    assert learner_client.get("/admin/").status_code == 403
    admin_client = logged_in(app, admin.email)
    token = csrf_token(admin_client, f"/admin/users/{learner.id}")
    data = {"role": "admin", "confirm": "y", "csrf_token": token}
    response = admin_client.post(f"/admin/users/{learner.id}/role", data=data)
    assert response.status_code == 303
    assert learner_client.get("/admin/").status_code == 302  # the role change ended that session
    assert logged_in(app, learner.email).get("/admin/").status_code == 200


def test_every_route_naming_an_object_is_classified_AC_3(app):
    """A new route with an id in its URL must be put in OWNER_ONLY (and tested) or SHARED_CONTENT."""
    unclassified = (
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if rule.arguments and not rule.rule.startswith("/admin") and rule.endpoint not in ALLOWLIST
        }
        - OWNER_ONLY
        - SHARED_CONTENT
    )
    assert not unclassified


def _owned_objects(app, owner_client, owner: User) -> dict[str, dict]:
    """URL values naming the owner's objects, per owner-only endpoint present in this build."""
    values: dict[str, dict] = {}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    if "quizzes.attempt" in endpoints:
        from tests.integration.quizzes.helpers import start

        public_id = start(owner_client)
        for endpoint in ("quizzes.attempt", "quizzes.save", "quizzes.autosave", "quizzes.result", "quizzes.practice"):
            values[endpoint] = {"public_id": public_id}
    if "certificates.download" in endpoints:
        from course.certificates.models import Certificate

        code = secrets.token_hex(8)
        with app.app_context():
            db.session.add(fill_row(Certificate, code=code, user_id=owner.id, holder_name=owner.full_name))
            db.session.commit()
        values["certificates.download"] = {"code": code}
    return values


def test_another_learner_gets_404_for_every_owned_object_and_it_is_unchanged_AC_3(app, make_learner):
    owner, other = make_learner(), make_learner()
    owner_client = logged_in(app, owner.email)
    objects = _owned_objects(app, owner_client, owner)
    assert set(objects) == OWNER_ONLY & {rule.endpoint for rule in app.url_map.iter_rules()}
    intruder = logged_in(app, other.email)
    token = csrf_token(intruder, "/dashboard")
    before = snapshot(app)
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in objects:
            continue
        for method in methods_of(rule):
            data = {"csrf_token": token, "version": "0", "page": "0", "action": "submit"}
            response = intruder.open(url_of(app, rule, **objects[rule.endpoint]), method=method, data=data)
            assert response.status_code in (403, 404), (method, rule.rule, response.status_code)
    assert snapshot(app) == before


def test_progress_is_only_ever_the_learners_own_AC_3(app, make_learner):
    owner, other = make_learner(), make_learner()
    owner_client = logged_in(app, owner.email)
    url = "/modules/basics/first"
    owner_client.post(url + "/read", data={"csrf_token": csrf_token(owner_client, url)})
    assert "Прочитано 1 з 3" in owner_client.get("/dashboard").get_data(as_text=True)
    assert "Прочитано 0 з 3" in logged_in(app, other.email).get("/dashboard").get_data(as_text=True)


def test_password_change_ignores_fields_it_does_not_declare_AC_4(app, make_learner):
    learner = make_learner()
    client = logged_in(app, learner.email)
    form = {
        "current_password": PASSWORD,
        "new_password": "a brand new long passphrase",
        "role": "admin",
        "is_admin": "1",
        "email": "x@evil.example",
        "user_id": "1",
        "session_epoch": "0",
        "is_active": "1",
        "csrf_token": csrf_token(client, "/account/password"),
    }
    assert client.post("/account/password", data=form).status_code == 302
    with app.app_context():
        user = db.session.get(User, learner.id)
        assert (user.role, user.email) == ("learner", learner.email)


def test_role_form_changes_only_the_user_in_the_url_AC_4(app, make_learner, make_admin):
    first, second, admin = make_learner(), make_learner(), make_admin()
    client = logged_in(app, admin.email)
    form = {
        "role": "admin",
        "confirm": "y",
        "user_id": str(second.id),
        "email": "x@evil.example",
        "csrf_token": csrf_token(client, f"/admin/users/{first.id}"),
    }
    client.post(f"/admin/users/{first.id}/role", data=form)
    with app.app_context():
        roles = {u.id: (u.role, u.email) for u in db.session.scalars(select(User))}
    assert roles[first.id] == ("admin", first.email) and roles[second.id] == ("learner", second.email)


def test_an_error_while_checking_the_role_never_grants_access_AC_5(app, make_admin, monkeypatch, caplog):
    admin = make_admin()
    client = logged_in(app, admin.email)

    def broken(self):
        raise RuntimeError("role store unavailable")

    monkeypatch.setattr(SessionUser, "is_admin", property(broken))  # what current_user is
    response = client.get("/admin/")
    body = response.get_data(as_text=True)
    assert response.status_code in (403, 500)
    assert admin.email not in body and "Traceback" not in body and "role store" not in body
    assert any(getattr(r, "event", None) == "error" and r.exc_info for r in caplog.records)


def test_an_error_while_loading_the_user_never_grants_access_AC_5(app, make_learner, monkeypatch, caplog):
    learner = make_learner()
    client = logged_in(app, learner.email)

    def broken(*args, **kwargs):
        raise RuntimeError("user store unavailable")

    monkeypatch.setattr(login_manager, "_user_callback", broken)
    response = client.get("/dashboard")
    assert response.status_code in (302, 403, 500)
    assert "Прочитано" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/", "/admin/users/1", "/admin/learners.csv"])
def test_access_denied_is_logged_LOG_1_AC_2(app, make_learner, make_admin, caplog, path):
    make_admin()
    client = logged_in(app, make_learner().email)
    caplog.clear()
    assert client.get(path).status_code == 403
    denied = [r for r in caplog.records if getattr(r, "event", None) == "access_denied"]
    assert len(denied) == 1 and denied[0].path == path


def test_a_printed_job_aids_current_version_link_opens_without_a_login_AC_1(database_url, tmp_path, clock):
    """Issue 16, item 13: the footer link on a printed job aid, and its PDF, are public."""
    from pathlib import Path

    from tests.conftest import reset_database

    root = Path(__file__).parents[2]
    app = make_test_app(
        database_url, tmp_path, clock, CONTENT_DIR=str(root / "content"), QUIZZES_DIR=str(root / "quizzes")
    )
    with app.app_context():
        reset_database()
        from course.content.access import current_catalog

        module_id = next(iter(current_catalog().job_aids))
    client = app.test_client()
    page = client.get(f"/modules/{module_id}/job-aid")
    assert page.status_code == 200 and f"/modules/{module_id}/job-aid" in page.get_data(as_text=True)
    pdf = client.get(f"/modules/{module_id}/job-aid.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with app.app_context():
        db.engine.dispose()
