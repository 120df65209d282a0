"""A Moodle GIFT file imported in the browser, on SQLite and PostgreSQL: the dry run lists every
question that cannot be converted, by line, shows the quiz file and saves nothing; the signed
confirmation saves exactly that preview as a draft, never a release; bad files get clear
errors (OUT-7 for the size); admins only (AC-2)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from course.authoring import services as store
from course.authoring.models import ContentRelease, ContentRevision
from course.extensions import db
from tests.conftest import csrf_token
from tests.security.helpers import logged_in

GIFT = """// screening questions from Moodle
$CATEGORY: $course$/screening

::Q1:: Which is a sign of forced labour? {
=The employer keeps the worker's passport#Right: that is control.
~The worker has a written contract#A contract alone is no sign.
}

::TF:: A victim can consent to being exploited. {FALSE#No: consent is irrelevant.#Right.}

::Essay:: Describe what you would do. {}

::Broken:: This question has no closing brace {
=yes
"""
PATH = "quizzes/screening-quiz.en.md"
TOKEN = re.compile(r'name="token" type="hidden" value="([^"]+)"')


@pytest.fixture
def admin_client(app, make_admin):
    return logged_in(app, make_admin().email)


def check(client, data: bytes, filename: str = "screening.gift", **fields):
    form = {
        "csrf_token": csrf_token(client, "/admin/content/gift"),
        "file": FileStorage(io.BytesIO(data), filename),
        "quiz_id": "screening-quiz",
        "lang": "en",
        "module": "basics",
        "title": "",
        **fields,
    }
    boundary, body = encode_multipart(form)  # in memory: a spooled body would be a file never closed
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post("/admin/content/gift?lang=en", data=body, content_type=content_type)


def follow(client, response) -> str:
    """The page a redirect leads to, in English."""
    return client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)


def confirm(client, token: str):
    return client.post(
        "/admin/content/gift/confirm?lang=en",
        data={"csrf_token": csrf_token(client, "/admin/content/gift"), "token": token},
    )


def counts(app) -> tuple[int, int]:
    with app.app_context():
        revisions = db.session.scalar(select(func.count()).select_from(ContentRevision)) or 0
        releases = db.session.scalar(select(func.count()).select_from(ContentRelease)) or 0
        db.session.rollback()
        return revisions, releases


def test_the_dry_run_lists_unconvertible_questions_by_line_previews_and_saves_nothing(app, admin_client):
    response = check(admin_client, GIFT.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td></tr>", page)
    assert ("11", "essay questions cannot be converted: they need a person to mark them") in rows
    assert ("13", "the braces { } around the answers do not match") in rows
    assert "2 questions converted." in page
    assert "## Which is a sign of forced labour? {#q1 type=single}" in page  # the preview
    assert "Saving creates quizzes/screening-quiz.en.md." in page
    assert counts(app) == (0, 0)


def test_the_browser_lists_what_the_cli_prints_from_the_same_converter(app, admin_client, tmp_path):
    source = tmp_path / "screening.gift"
    source.write_text(GIFT, encoding="utf-8")
    printed = app.test_cli_runner().invoke(
        args=[
            "quizzes",
            "import-gift",
            str(source),
            "--out",
            str(tmp_path / "screening-quiz.en.md"),
            "--module",
            "basics",
        ]
    )
    page = check(admin_client, GIFT.encode()).get_data(as_text=True)
    assert printed.stderr.strip()
    for line in printed.stderr.splitlines():
        if line.endswith("(warning)"):
            continue
        number, message = re.search(r":(\d+)(?::\d+)?: (.*)$", line).groups()
        assert f"<tr><td>{number}</td><td>{message}</td></tr>" in page
    written = (tmp_path / "screening-quiz.en.md").read_text(encoding="utf-8")
    token = TOKEN.search(page)
    assert token and confirm(admin_client, token.group(1)).status_code == 303
    with app.app_context():
        head = store.head(db.session, PATH)
        assert head is not None and head.data.decode("utf-8") == written
        db.session.rollback()


def test_confirming_saves_the_preview_as_a_draft_not_a_release(app, admin_client, make_admin):
    page = check(admin_client, GIFT.encode()).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = confirm(admin_client, token)
    assert response.status_code == 303
    assert "Saved as a draft of quizzes/screening-quiz.en.md" in follow(admin_client, response)
    with app.app_context():
        head = store.head(db.session, PATH)
        assert head is not None and head.data.startswith(b"---\nid: screening-quiz\nmodule: basics\ntitle: screening\n")
        assert PATH not in store.release_files(db.session)
        db.session.rollback()
    assert counts(app) == (1, 0)
    # the token is this admin's: another admin cannot replay it, and a tampered one is refused
    other = logged_in(app, make_admin(email="other@example.org").email)
    assert confirm(other, token).status_code == 400
    assert confirm(admin_client, token[:-4] + "AAAA").status_code == 400
    assert counts(app) == (1, 0)


def test_a_file_saved_since_the_dry_run_is_not_overwritten(app, admin_client):
    token = TOKEN.search(check(admin_client, GIFT.encode()).get_data(as_text=True)).group(1)
    with app.app_context():
        store.save_revision(db.session, PATH, b"someone else's quiz", author_id=None, base_revision_id=None)
        db.session.commit()
    response = confirm(admin_client, token)
    assert response.status_code == 303
    page = follow(admin_client, response)
    assert "was changed since you checked the file" in page
    with app.app_context():
        assert store.head(db.session, PATH).data == b"someone else's quiz"
        db.session.rollback()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Питання {=так ~ні}".encode("cp1251"), "the file is not saved as UTF-8 (invalid byte)"),
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf \n\n", "the file is empty"),
        (b"// only a comment\n", "the file holds no question"),
    ],
)
def test_bad_encodings_and_empty_files_get_a_clear_error_and_no_save_button(app, admin_client, data, message):
    response = check(admin_client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert "Save as a draft" not in page and not TOKEN.search(page)
    assert counts(app) == (0, 0)


def test_a_huge_file_gets_a_friendly_413_OUT_7(app, admin_client):
    response = check(admin_client, b"x" * (6 * 1024 * 1024))
    assert response.status_code == 303
    assert "larger than 5 MB" in follow(admin_client, response)
    assert counts(app) == (0, 0)


def test_a_bad_quiz_id_is_refused_with_the_form_kept(app, admin_client):
    response = check(admin_client, GIFT.encode(), quiz_id="Screening Quiz")
    assert response.status_code == 400
    assert "lower-case Latin letters" in response.get_data(as_text=True)


def test_learners_cannot_import_AC_2(app, make_learner):
    client = logged_in(app, make_learner().email)
    assert client.get("/admin/content/gift").status_code == 403
    token = csrf_token(client, "/dashboard")
    form = {"csrf_token": token, "file": (io.BytesIO(GIFT.encode()), "x.gift"), "quiz_id": "x", "lang": "en"}
    assert client.post("/admin/content/gift", data=form, content_type="multipart/form-data").status_code == 403
    assert client.post("/admin/content/gift/confirm", data={"csrf_token": token, "token": "x"}).status_code == 403
    assert counts(app) == (0, 0)
