"""Passwords: storage (AUTH-1), policy on change (AUTH-2), throttling under concurrency (AUTH-3),
no enumeration by content or timing (AUTH-4), change and one-time reset links (AUTH-5)."""

from __future__ import annotations

import hashlib
import re
import statistics
import threading
import time

import pytest
from sqlalchemy import func, select

from course.accounts.models import LoginFailure, PasswordReset, User
from course.accounts.passwords import verify_password
from course.accounts.services import account_key
from course.extensions import db
from tests.conftest import PASSWORD, Auth, csrf_token
from tests.security.helpers import dump_database, logged_in

NEW_PASSWORD = "a new and rather long passphrase"
RESET_LINK = re.compile(r'value="(http://127\.0\.0\.1:5000/reset/([A-Za-z0-9_-]+))"')


def change_password(client, current: str, new: str):
    token = csrf_token(client, "/account/password")
    return client.post(
        "/account/password", data={"current_password": current, "new_password": new, "csrf_token": token}
    )


def test_no_plaintext_password_in_the_database_dump_AUTH_1(app, make_learner, make_admin):
    make_admin()
    make_learner(password="пароль, який ніхто не вгадає 42")
    dump = dump_database(app)
    assert "$argon2id$" in dump
    assert PASSWORD not in dump and "пароль, який ніхто не вгадає 42" not in dump


@pytest.mark.parametrize(
    ("new", "accepted"),
    [
        ("a" * 11, False),
        ("abcdefghijk1", True),
        ("x" * 64, True),
        ("y" * 128, True),
        ("z" * 129, False),
        ("тридцять дев'ять символів кирилицею тут!", True),
        ("password123", False),
        ("EMAIL", False),  # the learner's own e-mail
    ],
)
def test_password_change_follows_the_policy_AUTH_2(app, make_learner, new, accepted):
    learner = make_learner()
    client = logged_in(app, learner.email)
    new = learner.email if new == "EMAIL" else new
    response = change_password(client, PASSWORD, new)
    assert (response.status_code == 302) is accepted
    assert Auth(app.test_client()).login(learner.email, new).status_code == (302 if accepted else 401)


def test_twenty_parallel_wrong_guesses_are_all_counted_AUTH_3(app, make_learner):
    """Moodle CVE-2022-30600: each of 20 simultaneous guesses is either recorded as a failure or
    refused by the throttle; no more than the limit ever reach the password check."""
    learner = make_learner()
    clients = [app.test_client() for _ in range(20)]
    tokens = [csrf_token(client) for client in clients]
    barrier, statuses = threading.Barrier(20), []

    def guess(client, token):
        barrier.wait()
        data = {"email": learner.email, "password": "wrong password guess", "csrf_token": token}
        statuses.append(client.post("/login", data=data).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with app.app_context():
        failures = db.session.scalar(select(func.count()).where(LoginFailure.key == account_key(learner.email)))
    assert sorted(statuses) == [401] * 5 + [429] * 15
    assert failures == 5
    assert Auth(app.test_client()).login(learner.email).status_code == 429


@pytest.mark.real_argon2
def test_unknown_and_known_accounts_take_the_same_time_AUTH_4(make_app, clock):
    """The median of 5 logins each, wrong password vs. no such user: within 0.5-2x (an
    unknown address that skipped the hash would be about fifty times faster)."""
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT=10**6, LOGIN_FAILURES_PER_IP=10**6)
    with app.app_context():
        from course.accounts.services import Registration, register

        register(
            db.session,
            Registration("known@example.org", "Відомий Користувач", PASSWORD, "police", "lviv", None, "uk"),
            clock(),
        )
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client)

    def median(email: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            client.post("/login", data={"email": email, "password": "wrong password guess", "csrf_token": token})
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = median("known@example.org"), median("nobody@example.org")
    assert 0.5 <= known / unknown <= 2, (known, unknown)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.real_argon2
def test_the_hash_checked_for_unknown_addresses_costs_what_a_real_one_does_AUTH_4():
    """The dummy hash is a constant: its parameters must be the ones passwords are hashed with,
    or a login for an unknown address would take a different time from a wrong password."""
    from course.accounts.passwords import DUMMY_HASH, hasher

    assert not hasher.check_needs_rehash(DUMMY_HASH)
    assert not verify_password(DUMMY_HASH, PASSWORD)


def make_reset_link(app, admin_client, learner) -> tuple[str, str]:
    token = csrf_token(admin_client, f"/admin/users/{learner.id}")
    response = admin_client.post(f"/admin/users/{learner.id}/reset-link", data={"confirm": "y", "csrf_token": token})
    assert response.status_code == 200
    match = RESET_LINK.search(response.get_data(as_text=True))
    assert match, "the page shows the link, built from BASE_URL"
    return match.group(1), match.group(2)


def use_reset_link(client, link: str, new: str = NEW_PASSWORD):
    opened = client.get(link.removeprefix("http://127.0.0.1:5000"))
    if opened.status_code != 303:
        return opened
    assert opened.headers["Location"] == "/reset"  # the token leaves the address bar at once
    return client.post("/reset", data={"new_password": new, "csrf_token": csrf_token(client, "/reset")})


def test_reset_link_sets_a_new_password_and_the_admin_never_sees_one_AUTH_5(app, make_learner, admin_client):
    learner = make_learner()
    link, token = make_reset_link(app, admin_client, learner)
    page = admin_client.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert PASSWORD not in page and "argon2" not in page
    assert len(token) >= 22  # at least 128 bits, url-safe
    response = use_reset_link(app.test_client(), link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert Auth(app.test_client()).login(learner.email, PASSWORD).status_code == 401
    assert Auth(app.test_client()).login(learner.email, NEW_PASSWORD).status_code == 302


def test_reset_token_is_stored_only_as_a_hash_AUTH_5(app, make_learner, admin_client):
    learner = make_learner()
    _, token = make_reset_link(app, admin_client, learner)
    with app.app_context():
        stored = db.session.scalar(select(PasswordReset.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in dump_database(app)


def test_reset_link_works_once_AUTH_5(app, make_learner, admin_client):
    learner = make_learner()
    link, _ = make_reset_link(app, admin_client, learner)
    assert use_reset_link(app.test_client(), link).status_code == 302
    again = use_reset_link(app.test_client(), link, "yet another long passphrase")
    assert again.status_code == 404
    assert Auth(app.test_client()).login(learner.email, NEW_PASSWORD).status_code == 302


def test_reset_link_expires_after_an_hour_AUTH_5(app, make_learner, admin_client, clock):
    learner = make_learner()
    link, _ = make_reset_link(app, admin_client, learner)
    clock.advance(minutes=61)
    assert use_reset_link(app.test_client(), link).status_code == 404
    assert Auth(app.test_client()).login(learner.email, PASSWORD).status_code == 302


def test_a_new_reset_link_cancels_the_old_one_AUTH_5(app, make_learner, admin_client):
    learner = make_learner()
    old, _ = make_reset_link(app, admin_client, learner)
    new, _ = make_reset_link(app, admin_client, learner)
    assert use_reset_link(app.test_client(), old).status_code == 404
    assert use_reset_link(app.test_client(), new).status_code == 302


def test_refused_reset_links_all_look_the_same_AUTH_4_AUTH_5(app, make_learner, admin_client, clock):
    learner = make_learner()
    used, _ = make_reset_link(app, admin_client, learner)
    use_reset_link(app.test_client(), used)
    expired, _ = make_reset_link(app, admin_client, learner)
    clock.advance(hours=2)
    bodies = set()
    for path in (used, expired, "/reset/unknown-token-of-the-right-length-123", "/reset/%00", "/reset/" + "a" * 5000):
        response = app.test_client().get(path.removeprefix("http://127.0.0.1:5000"))
        assert response.status_code == 404
        assert response.headers["Referrer-Policy"] == "no-referrer"
        # The language switch returns to the page it is on; everything else must be identical.
        bodies.add(re.sub(r'name="(csrf_token|next)" [^>]*>', "", response.get_data(as_text=True)))
    assert len(bodies) == 1
    assert app.test_client().get("/reset").status_code == 404  # no token in the session


def test_reset_ends_every_other_session_AUTH_5(app, make_learner, admin_client):
    learner = make_learner()
    old_session = logged_in(app, learner.email)
    assert old_session.get("/dashboard").status_code == 200
    link, _ = make_reset_link(app, admin_client, learner)
    use_reset_link(app.test_client(), link)
    assert old_session.get("/dashboard").status_code == 302


def test_password_change_needs_the_current_password_AUTH_5(app, make_learner):
    learner = make_learner()
    client = logged_in(app, learner.email)
    assert change_password(client, "not my password at all", NEW_PASSWORD).status_code == 400
    with app.app_context():
        stored = db.session.get(User, learner.id).password_hash
    assert stored == learner.password_hash


def test_password_change_ends_other_sessions_but_not_this_one_AUTH_5(app, make_learner):
    learner = make_learner()
    other_browser = logged_in(app, learner.email)
    client = logged_in(app, learner.email)
    captured = client.get_cookie("session").value
    assert change_password(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other_browser.get("/dashboard").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", captured)
    assert replay.get("/dashboard").status_code == 302


def test_reset_is_refused_for_an_erased_account_AUTH_5(app, make_learner, admin_client):
    learner = make_learner()
    link, _ = make_reset_link(app, admin_client, learner)
    token = csrf_token(admin_client, f"/admin/users/{learner.id}")
    admin_client.post(f"/admin/users/{learner.id}/erase", data={"confirm": "y", "csrf_token": token})
    assert use_reset_link(app.test_client(), link).status_code == 404


@pytest.mark.parametrize("hops", [0, 1])
def test_a_spoofed_forwarded_for_does_not_escape_the_ip_throttle_AUTH_3(make_app, hops):
    """(b) §6: the throttle keys on the peer address, or on the address the known proxy saw;
    a client cannot pick a fresh X-Forwarded-For for each guess."""
    app = make_app(PROXY_HOPS=hops)
    client = app.test_client()
    token = csrf_token(client)
    for number in range(11):
        # Behind one proxy the proxy appends the real peer; the client controls only what precedes it.
        forwarded = f"10.0.0.{number}, 203.0.113.7" if hops else f"10.0.0.{number}"
        response = client.post(
            "/login",
            headers={"X-Forwarded-For": forwarded},
            data={"email": f"guess{number}@example.org", "password": "wrong password guess", "csrf_token": token},
        )
    assert response.status_code == 429
    with app.app_context():
        keys = set(db.session.scalars(select(LoginFailure.key).where(LoginFailure.key.like("ip:%"))))
        db.session.remove()
        db.engine.dispose()
    assert keys == {"ip:203.0.113.7" if hops else "ip:127.0.0.1"}
