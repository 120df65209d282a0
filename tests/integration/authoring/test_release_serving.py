"""The app serves the current release, and a new one without a restart (issue 12).

- with an empty store the files under CONTENT_DIR are served; once they are release 1 the
  process adopts it without rebuilding anything;
- a draft (even a broken one) is never served; a publish is served on the next look, with the
  lesson pages kept from the old release dropped;
- the look is one small read of the release number, at most every CONTENT_CHECK_SECONDS.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from course.authoring import services, serving
from course.content.access import EXTENSION_KEY
from course.content.files import read_course_files
from course.extensions import db
from tests.conftest import TEST_COURSE, make_test_app

LESSON = "/modules/basics/first"
PATH = "content/modules/01-basics.uk.md"
OLD, NEW = "Текст першого уроку.", "Текст першого уроку, змінений."


@pytest.fixture
def app_overrides() -> dict:
    return {"CONTENT_CHECK_SECONDS": 0}


def seed(app, clock) -> None:
    with app.app_context():
        services.seed_release(db.session, read_course_files(TEST_COURSE, TEST_COURSE / "quizzes"), now=clock())
        db.session.commit()


def change(app, old: str, new: str) -> None:
    with app.app_context():
        current = services.head(db.session, PATH)
        data = current.data.replace(old.encode(), new.encode())
        services.save_revision(db.session, PATH, data, author_id=None, base_revision_id=current.id)
        db.session.commit()


def publish(app, clock) -> int:
    with app.app_context():
        release = services.publish(db.session, author_id=None, now=clock())
        db.session.commit()
        return release.id


def page(client) -> str:
    return client.get(LESSON).get_data(as_text=True)


def test_the_files_are_served_until_release_1_which_is_adopted_as_it_is(app, client, clock):
    started = app.extensions[EXTENSION_KEY]
    assert OLD in page(client)
    assert serving.served(app).release_id is None
    seed(app, clock)
    assert OLD in page(client)
    assert serving.served(app).release_id == 1
    assert app.extensions[EXTENSION_KEY] is started  # the same files: nothing rebuilt


def test_a_draft_is_never_served_and_a_publish_is_served_on_the_next_request(app, client, clock):
    seed(app, clock)
    assert OLD in page(client)  # kept in the page cache from here on
    change(app, "order: 1", "order: one")  # a broken draft
    change(app, OLD, NEW)
    assert OLD in page(client)
    with pytest.raises(services.PublishRefused):
        publish(app, clock)
    assert OLD in page(client)
    change(app, "order: one", "order: 1")
    assert publish(app, clock) == 2
    text = page(client)
    assert NEW in text and OLD not in text
    assert serving.served(app).release_id == 2


def test_a_second_app_on_the_same_database_serves_the_release_without_a_restart(app, database_url, tmp_path, clock):
    seed(app, clock)
    second = make_test_app(database_url, tmp_path / "other", clock, CONTENT_CHECK_SECONDS=0)
    first_client, second_client = app.test_client(), second.test_client()
    assert OLD in page(first_client) and OLD in page(second_client)
    change(app, OLD, NEW)
    publish(app, clock)
    assert NEW in page(second_client) and NEW in page(first_client)
    with second.app_context():
        db.engine.dispose()


def test_the_release_number_is_read_at_most_every_content_check_seconds(app, client, clock):
    app.config["CONTENT_CHECK_SECONDS"] = 3600
    seed(app, clock)
    statements: list[str] = []

    def count(_conn, _cursor, statement: str, *_args) -> None:
        if "content_release" in statement:
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            page(client)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert len([s for s in statements if "max(" in s.lower()]) == 1
    assert len(statements) <= 2  # the look, and once the release row to compare its hash
    change(app, OLD, NEW)
    publish(app, clock)
    assert OLD in page(client)  # not looked again within the hour


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_a_content_check_interval_that_is_not_seconds_is_refused(value):
    from pathlib import Path

    from course.config import ConfigError, resolve

    with pytest.raises(ConfigError, match="CONTENT_CHECK_SECONDS"):
        resolve({"SECRET_KEY": "x" * 40}, Path("/nonexistent"), {"CONTENT_CHECK_SECONDS": value})


def test_the_content_check_interval_defaults_to_2_seconds_and_may_be_0(tmp_path):
    from course.config import resolve

    config: dict = {"SECRET_KEY": "x" * 40}
    resolve(config, tmp_path, {})
    assert config["CONTENT_CHECK_SECONDS"] == 2.0
    explicit: dict = {"SECRET_KEY": "x" * 40, "CONTENT_CHECK_SECONDS": 0}
    resolve(explicit, tmp_path, {"CONTENT_CHECK_SECONDS": "5"})
    assert explicit["CONTENT_CHECK_SECONDS"] == 0.0
