"""Issue 16, item 9: dangerous admin actions need a confirming tick that says what will happen
(no JavaScript needed), reissuing a revoked certificate says it makes a new valid one, and
every admin action lands in one audit log with filters."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.accounts.models import User
from course.certificates.models import Certificate
from course.extensions import db
from tests.conftest import Auth, csrf_token
from tests.integration.certificates.helpers import issue_directly


@pytest.fixture
def admin(app, make_admin):
    client = app.test_client()
    Auth(client).login(make_admin().email)
    return client


def _user(app, user_id: int) -> tuple:
    with app.app_context():
        user = db.session.get(User, user_id)
        values = (user.role, user.is_active)
        db.session.rollback()
        return values


def _post(client, url: str, page: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def test_account_actions_without_the_tick_change_nothing_and_say_why(app, make_learner, admin):
    learner = make_learner()
    page = f"/admin/users/{learner.id}"
    detail = admin.get(page).get_data(as_text=True)
    assert "Я розумію: цю людину буде зараз виведено з усіх сеансів" in detail
    assert "Я розумію: адміністратор бачить дані всіх слухачів" in detail
    assert "будь-хто з цим посиланням може протягом години встановити пароль" in detail
    assert len(re.findall(r'<input[^>]*name="confirm"[^>]*required', detail)) >= 3
    for url, data in ((f"{page}/active", {}), (f"{page}/role", {"role": "admin"}), (f"{page}/reset-link", {})):
        refused = _post(admin, url, page, **data)
        assert refused.status_code == 303, url
        assert "поставте позначку" in admin.get(page).get_data(as_text=True), url
    assert _user(app, learner.id) == ("learner", True)
    assert "/reset/" not in _post(admin, f"{page}/reset-link", page).get_data(as_text=True)
    _post(admin, f"{page}/active", page, confirm="y")
    assert _user(app, learner.id) == ("learner", False)


def test_revoke_and_reissue_need_the_tick_and_a_revoked_reissue_says_it_gives_a_valid_one(app, make_learner, admin):
    learner = make_learner()
    certificate_id, _code = issue_directly(app, learner.id)
    page = f"/admin/certificates/{certificate_id}"
    _post(admin, f"{page}/revoke", page, reason="Помилка в імені")
    with app.app_context():
        assert db.session.get(Certificate, certificate_id).revoked_at is None
    _post(admin, f"{page}/revoke", page, reason="Помилка в імені", confirm="y")
    detail = admin.get(page).get_data(as_text=True)
    assert "Повторна видача дасть власникові новий, ЧИННИЙ сертифікат" in detail
    assert "Видати новий чинний сертифікат" in detail
    _post(admin, f"{page}/reissue", page)
    with app.app_context():
        assert db.session.scalar(select(Certificate).where(Certificate.id != certificate_id)) is None
    done = _post(admin, f"{page}/reissue", page, confirm="y")
    assert done.status_code in (302, 303)
    assert "Власникові видано новий чинний сертифікат" in admin.get(done.headers["Location"]).get_data(as_text=True)


def test_every_admin_action_is_in_one_audit_log_with_filters(app, make_learner, admin):
    learner = make_learner(full_name="Мар\u2019яна Коваль", email="maryana@example.org")
    other = make_learner(full_name="Олена Петренко", email="olena@example.org")
    certificate_id, _code = issue_directly(app, other.id)
    page = f"/admin/users/{learner.id}"
    _post(admin, f"{page}/role", page, role="admin", confirm="y")
    _post(admin, f"{page}/role", page, role="learner", confirm="y")
    _post(admin, f"{page}/reset-link", page, confirm="y")
    _post(admin, f"{page}/active", page, confirm="y")
    cert_page = f"/admin/certificates/{certificate_id}"
    _post(admin, f"{cert_page}/revoke", cert_page, reason="Помилка", confirm="y")
    log = admin.get("/admin/certificates/audit").get_data(as_text=True)
    actions = re.findall(r'data-action="([a-z_]+)"', log)
    for action in ("admin_role_change", "admin_reset_link", "admin_activation", "revoked", "issued"):
        assert action in actions, action
    only = admin.get("/admin/certificates/audit", query_string={"action": "admin_activation"}).get_data(as_text=True)
    assert re.findall(r'data-action="([a-z_]+)"', only) == ["admin_activation"]
    hers = admin.get("/admin/certificates/audit", query_string={"target": "мар'яна"}).get_data(as_text=True)
    expected = {"admin_role_change", "admin_reset_link", "admin_activation"}
    assert set(re.findall(r'data-action="([a-z_]+)"', hers)) == expected
    by_actor = admin.get("/admin/certificates/audit", query_string={"actor": "admin@"}).get_data(as_text=True)
    assert "issued" not in re.findall(r'data-action="([a-z_]+)"', by_actor)  # automatic: no actor
    future = admin.get("/admin/certificates/audit", query_string={"since": "2027-01-01"}).get_data(as_text=True)
    assert re.findall(r'data-action="([a-z_]+)"', future) == []
