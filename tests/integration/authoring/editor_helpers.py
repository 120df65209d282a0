"""Helpers for the editor's tests: a seeded store, the edit form read back as a browser sends it."""

from __future__ import annotations

import html
import re

from course.authoring import services
from course.content.files import read_course_files
from course.extensions import db
from tests.conftest import TEST_COURSE, Auth, csrf_token

MODULE_URL = "/admin/authoring/files/module/01-basics"
QUIZ_URL = "/admin/authoring/files/quiz/basics"
_TEXTAREA = r'<textarea id="{field}" name="{field}"[^>]*>\n(.*?)</textarea>'
_HIDDEN = r'name="{field}" type="hidden" value="([^"]*)"'


def seed(app, clock) -> None:
    """The test course as release 1, as `flask content seed` makes it."""
    with app.app_context():
        services.seed_release(db.session, read_course_files(TEST_COURSE, TEST_COURSE / "quizzes"), now=clock())
        db.session.commit()


def textarea(page: str, field: str) -> str:
    match = re.search(_TEXTAREA.format(field=field), page, re.S)
    assert match, f"no textarea {field}"
    return html.unescape(match.group(1))


def hidden(page: str, field: str) -> str:
    match = re.search(_HIDDEN.format(field=field), page)
    assert match, f"no hidden field {field}"
    return html.unescape(match.group(1))


def edit_form(client, url: str) -> dict[str, str]:
    """The edit form's fields exactly as the page holds them."""
    page = client.get(url).get_data(as_text=True)
    fields = {name: textarea(page, name) for name in ("text_uk", "text_en")}
    fields |= {name: hidden(page, name) for name in ("base_uk", "base_en")}
    return fields | {"csrf_token": csrf_token(client, url), "message": ""}


def save(client, url: str, form: dict[str, str], **changes: str):
    return client.post(url, data={**form, **changes})


def revisions(app, path: str) -> int:
    with app.app_context():
        count = len(services.history(db.session, path))
        db.session.rollback()
        return count


def learner_client(app, make_learner):
    """A client logged in as a new learner."""
    client = app.test_client()
    assert Auth(client).login(make_learner().email).status_code == 302
    return client
