"""Registration, login, logout and throttling through the real forms, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from course.accounts.models import LoginFailure, User
from course.extensions import db
from tests.conftest import PASSWORD, csrf_token


def register_form(client, **overrides):
    data = {
        "full_name": "Мар'яна О'Коннор",
        "email": "maryana@example.org",
        "password": PASSWORD,
        "org_type": "social",
        "region": "kyiv-city",
        "position": "",
        "csrf_token": csrf_token(client, "/register"),
    }
    data.update(overrides)
    return client.post("/register", data=data)


CSRF_VALUE = re.compile(r'name="csrf_token"[^>]*>')  # signed with a timestamp: differs per render


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_registration_keeps_cyrillic_and_apostrophes_as_typed(app, client):
    response = register_form(client, full_name="Мар’яна О'Коннор-Ґудзь")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.full_name == "Мар’яна О'Коннор-Ґудзь"
        assert user.role == "learner"


def test_double_submitted_registration_creates_one_account_and_answers_the_same(app, client):
    """AUTH-4: a second registration with the same e-mail looks exactly like the first."""
    first = register_form(client)
    second = register_form(client, email="MARYANA@example.org", password="another long passphrase")
    assert (first.status_code, first.headers["Location"]) == (second.status_code, second.headers["Location"])
    assert count_users(app) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Заповніть, будь ласка, це поле."),
        ("full_name", "О" * 101, "Використайте не більше 100 символів."),
        ("full_name", "Олена\u202eПетренко", "невидимі або керівні символи"),
        ("email", "not-an-email", "Введіть адресу електронної пошти"),
        ("password", "short", "щонайменше 12 символів"),
    ],
)
def test_bad_registration_input_gets_a_clear_ukrainian_message_and_stores_nothing(app, client, field, value, message):
    """OUT-3: names are validated; the form is re-rendered in the user's language."""
    response = register_form(client, **{field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_users(app) == 0


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("a" * 11, False),
        ("abcdefghijk1", True),
        ("x" * 64, True),
        ("y" * 128, True),
        ("z" * 129, False),
        ("тридцять дев'ять символів кирилицею тут", True),
        ("password123", False),
        ("password1234", False),
        ("maryana@example.org", False),
        ("q" * 10_000, False),
    ],
)
def test_password_policy_AUTH_2(app, client, password, accepted):
    """AUTH-2: 12..128 code points after NFKC, a blocklist, not the e-mail."""
    response = register_form(client, password=password)
    assert (response.status_code == 302) is accepted
    assert count_users(app) == (1 if accepted else 0)


@pytest.mark.real_argon2
def test_password_hash_is_argon2id_with_strong_parameters_AUTH_1(app, make_learner):
    user = make_learner()
    assert user.password_hash.startswith("$argon2id$")
    params = dict(part.split("=") for part in user.password_hash.split("$")[3].split(","))
    assert int(params["t"]) >= 3 and int(params["m"]) >= 12288
    assert PASSWORD not in user.password_hash


@pytest.mark.real_argon2
def test_old_parameter_hash_is_rewritten_on_login_AUTH_1(app, make_learner, auth):
    from argon2 import PasswordHasher

    user = make_learner()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with app.app_context():
        db.session.get(User, user.id).password_hash = weak
        db.session.commit()
    assert auth.login(user.email).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).password_hash != weak


def test_nfd_password_logs_in_when_typed_as_nfc_AUTH_2(app, make_learner, auth):
    nfd = "пароль для входу й".replace("й", "и\u0306") + " довгий"
    user = make_learner(password=nfd)
    assert auth.login(user.email, "пароль для входу й довгий").status_code == 302


def test_login_then_dashboard_then_logout(app, make_learner, auth, client):
    user = make_learner()
    response = auth.login(user.email)
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert auth.logout().headers["Location"] == "/login"
    assert client.get("/dashboard").status_code == 302


def test_replayed_cookie_after_logout_is_anonymous_SESS_2(app, make_learner, auth, client):
    user = make_learner()
    before = client.get_cookie("session")
    auth.login(user.email)
    captured = client.get_cookie("session").value
    assert before is None or before.value != captured  # a new session on login
    auth.logout()
    client.set_cookie("session", captured)
    assert client.get("/dashboard").status_code == 302


def test_get_logout_is_not_allowed_CSRF_1(app, make_learner, auth, client):
    auth.login(make_learner().email)
    assert client.get("/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_no_account_enumeration_on_login_AUTH_4(app, make_learner, client):
    user = make_learner()
    responses = []
    for email in (user.email, "nobody@example.org"):
        response = client.post(
            "/login", data={"email": email, "password": "wrong password here", "csrf_token": csrf_token(client)}
        )
        body = CSRF_VALUE.sub("", response.get_data(as_text=True).replace(email, ""))
        responses.append((response.status_code, body))
    assert responses[0] == responses[1]


def test_sixth_wrong_password_is_throttled_and_the_right_one_refused_AUTH_3(app, make_learner, auth, clock):
    user = make_learner()
    statuses = [auth.login(user.email, "wrong password guess").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert auth.login(user.email).status_code == 429
    clock.advance(minutes=16)
    assert auth.login(user.email).status_code == 302


def test_wrong_passwords_across_usernames_throttle_the_ip_AUTH_3(app, make_learner, auth):
    user = make_learner()
    for number in range(10):
        assert auth.login(f"guess{number}@example.org", "wrong password guess").status_code == 401
    assert auth.login(user.email).status_code == 429


def test_throttle_is_stored_in_the_database_AUTH_3(app, auth):
    auth.login("someone@example.org", "wrong password guess")
    with app.app_context():
        keys = db.session.scalars(select(LoginFailure.key)).all()
    assert len(keys) == 2 and all("someone" not in key for key in keys)


def test_extra_fields_are_ignored_on_registration_AC_4(app, client):
    register_form(client, role="admin", is_admin="1", user_id="7", score="100")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.role == "learner" and user.id != 7


def test_create_admin_cli_refuses_a_blocklisted_password_AUTH_6(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["accounts", "create-admin", "--email", "a@example.org", "--password-stdin"], input="password1234\n"
    )
    assert result.exit_code == 1
    assert count_users(app) == 0
    result = runner.invoke(
        args=["accounts", "create-admin", "--email", "a@example.org", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(User)).role == "admin"


def test_fresh_database_has_no_users_AUTH_6(app):
    assert count_users(app) == 0


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%09/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        "https:/evil.example",
        "/" + "a" * 10_000,
    ],
)
def test_next_redirect_stays_on_site_CSRF_3(app, make_learner, auth, target):
    user = make_learner()
    response = auth.login(user.email, next_url=target)
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location


def test_registration_preselects_no_organisation_type_or_region_and_requires_both(app, client):
    """Issue 16, item 5: a learner who does not choose is not counted as "Police, Vinnytsia"."""
    page = client.get("/register").get_data(as_text=True)
    for name in ("org_type", "region"):
        select_html = page[page.index(f'name="{name}"') : page.index("</select>", page.index(f'name="{name}"'))]
        assert re.findall(r"<option[^>]*selected[^>]*>", select_html) == ['<option selected value="">']
    response = register_form(client, org_type="", region="")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert body.count("Виберіть, будь ласка, один варіант.") == 4  # beside each field and in the summary
    assert 'value="maryana@example.org"' in body  # what was typed is kept
    assert count_users(app) == 0


def test_registering_logs_the_new_learner_in(app, client):
    """Issue 16, item 5: after registering the learner is on their dashboard, not a login form."""
    response = register_form(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Мар&#39;яна О&#39;Коннор" in dashboard.get_data(as_text=True)
    assert "ви вже увійшли" in dashboard.get_data(as_text=True)


def test_registering_a_taken_address_answers_the_same_but_logs_nobody_in(app, client, make_learner):
    """AUTH-4: same status and Location as a new registration; the other account stays closed."""
    make_learner(email="maryana@example.org")
    response = register_form(client, password="another long passphrase")
    assert (response.status_code, response.headers["Location"].endswith("/dashboard")) == (302, True)
    assert client.get("/dashboard").status_code == 302  # to the login form
