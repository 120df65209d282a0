"""What the per-process caches may keep, on SQLite and PostgreSQL.

- the session user is one frozen value, whatever the engine, the unit of work, cached or not;
- the lesson page cache's key holds everything the page depends on (two learners, read and
  unread, and an admin: identical within a variant up to the CSRF token, different across);
  a flashed message bypasses it;
- erasing a learner (DATA-2) clears every cache that holds their name, in every app instance
  sharing the database, not only the one that erased.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from course import caches
from course.accounts.models import User
from course.accounts.session_user import SessionUser
from course.certificates.codes import format_code
from course.extensions import db
from course.privacy.services import erase_user
from course.unit_of_work import reads, writes
from tests.conftest import Auth, make_test_app
from tests.integration.certificates.helpers import issue_directly
from tests.integration.test_learning import read_lesson

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="[^"]+"')
LESSON = "/modules/basics/first"


@pytest.mark.fresh_app
def test_the_session_user_is_one_frozen_value_in_every_unit_of_work(app, make_learner):
    seen: list[tuple[str, object]] = []

    def look(kind: str):
        def view():
            from flask_login import current_user

            user = current_user._get_current_object()
            with pytest.raises(dataclasses.FrozenInstanceError):
                user.locale = "en"
            seen.append((kind, user))
            return "ok"

        return view

    app.add_url_rule("/_look/reads", "look_reads", reads(look("reads")), methods=["GET", "POST"])
    app.add_url_rule("/_look/writes", "look_writes", writes(look("writes")), methods=["GET", "POST"])
    user = make_learner(full_name="Ірина Коваль")
    client = app.test_client()
    Auth(client).login(user.email)
    app.config["WTF_CSRF_ENABLED"] = False
    for url in ("/_look/reads", "/_look/reads", "/_look/writes"):  # the second from the read cache on SQLite
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 200
    expected = SessionUser(user.id, user.session_epoch, "learner", "uk", "Ірина Коваль", user.email, True)
    assert [value for _kind, value in seen] == [expected] * 6
    assert {type(value) for _kind, value in seen} == {SessionUser}


def _page(client, url: str = LESSON) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub('name="csrf_token" value="TOKEN"', response.get_data(as_text=True))


def test_lesson_pages_are_the_same_within_a_variant_and_differ_across(app, make_learner, make_admin):
    """Each viewer's page rendered afresh (caches cleared) equals the page kept from another
    viewer of the same variant: the key holds everything base.html and lesson.html read."""
    clients = {}
    for name in ("read_1", "read_2", "unread_1", "unread_2"):
        clients[name] = app.test_client()
        Auth(clients[name]).login(make_learner().email)
    clients["admin"] = app.test_client()
    Auth(clients["admin"]).login(make_admin().email)
    for name in ("read_1", "read_2"):
        read_lesson(clients[name], "basics", "first")

    pages = {}
    for first, second in (("read_1", "read_2"), ("unread_1", "unread_2")):
        caches.clear()
        pages[first] = _page(clients[first])  # rendered for this viewer
        pages[second] = _page(clients[second])  # kept from the first
        caches.clear()
        assert _page(clients[second]) == pages[second] == pages[first]
    caches.clear()
    pages["admin"] = _page(clients["admin"])
    assert len({pages["read_1"], pages["unread_1"], pages["admin"]}) == 3
    switched = clients["unread_1"]
    with switched.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this response only")]
    flashed = _page(switched)
    assert "A message for this response only" in flashed and flashed != pages["unread_1"]
    assert _page(switched) == pages["unread_1"]  # the next page is the kept one again
    assert "A message for this response only" not in _page(clients["unread_2"])


def _holds(value, text: str) -> bool:
    if isinstance(value, bytes):
        return text.encode() in value
    if isinstance(value, str):
        return text in value
    if isinstance(value, tuple | list):
        return any(_holds(item, text) for item in value)
    if isinstance(value, dict):
        return any(_holds(item, text) for item in (*value.keys(), *value.values()))
    return text in repr(value)


def _caches_holding(text: str) -> list:
    return [cache for cache in caches.every_cache() if any(_holds(value, text) for value in cache.values())]


def test_erasing_a_learner_in_one_instance_clears_their_name_from_every_instance_DATA_2(
    app, database_url, tmp_path, clock, make_learner
):
    """Two app instances on one database stand in for two workers: the erasure commits in the
    first (outside any request, so nothing clears there), and the second clears its caches on
    its very next request."""
    app.config["CACHE_CHECK_SECONDS"] = 0
    other = make_test_app(database_url, tmp_path / "other", clock, CACHE_CHECK_SECONDS=0)
    try:
        _erase_in_one_see_it_cleared_in_the_other(app, other, clock, make_learner)
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _erase_in_one_see_it_cleared_in_the_other(app, other, clock, make_learner) -> None:
    user = make_learner(full_name="Оксана Приходько")
    _id, code = issue_directly(app, user.id)
    url = f"/verify/{format_code(code)}"
    visitor = other.test_client()
    assert visitor.get("/").status_code == 200  # the generation as it stands
    assert visitor.get(url).status_code == 200
    page = visitor.post(url, data={"surname": "Приходько", "csrf_token": _token(visitor, url + "?confirm=name")})
    assert "Оксана Приходько" in page.get_data(as_text=True)
    assert _caches_holding("Приходько"), "the page should have kept the name somewhere"

    with app.app_context():
        erase_user(db.session, db.session.get(User, user.id), clock())
        db.session.commit()
    assert _caches_holding("Приходько")  # nothing has cleared them yet
    assert visitor.get("/").status_code == 200  # any request: the other instance looks
    assert _caches_holding("Приходько") == []


def _token(client, url: str) -> str:
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match
    return match.group(0).rsplit('"', 2)[1]
