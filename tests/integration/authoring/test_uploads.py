"""Lesson images uploaded in the browser (OUT-8), on SQLite and PostgreSQL: checked by their
content, saved as draft revisions of `content/images/<name>`, served from the database by any
app instance with their real type, nosniff (HDR-2) and a year-long cache on a content-addressed
URL; admins only (AC-1, AC-2); a body over the limit is a friendly 413 (OUT-7)."""

from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from course.authoring import services as store
from course.authoring.models import ContentRevision
from course.content.images import image_problems, image_urls
from course.extensions import db
from course.security import CSP
from tests.conftest import csrf_token, make_test_app
from tests.security.helpers import logged_in

POLYGLOT_SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
MEDIA = re.compile(r"/media/[0-9a-f]{64}\.(?:png|jpg|webp)")


def sample(fmt: str, size: tuple[int, int] = (40, 30), noise: bool = False) -> bytes:
    out = io.BytesIO()
    if noise:  # incompressible: the file is about as large as its pixels
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, fmt)
    else:
        Image.new("RGB", size, (30, 90, 160)).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def admin_client(app, make_admin):
    return logged_in(app, make_admin().email)


def upload(client, data: bytes, filename: str, **fields):
    token = csrf_token(client, "/admin/content/images")
    form = {"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename), **fields}
    return post_multipart(client, "/admin/content/images?lang=en", form)


def post_multipart(client, url: str, form: dict):
    """Encoded in memory: the test client would spool a large body to a temporary file it never closes."""
    boundary, body = encode_multipart(form)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def follow(client, response) -> str:
    """The page a redirect leads to, in English."""
    return client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)


def revisions(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(ContentRevision))
        db.session.rollback()
        return count or 0


def media_url_of(app, name: str) -> str:
    with app.app_context():
        url = image_urls(store.draft_files(db.session))[name]
        db.session.rollback()
        return url


@pytest.mark.parametrize(
    ("fmt", "mime", "ext"), [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg"), ("WEBP", "image/webp", "webp")]
)
def test_a_valid_image_is_saved_as_a_draft_and_served_with_its_type_OUT_8_HDR_2(app, admin_client, fmt, mime, ext):
    data = sample(fmt)
    response = upload(admin_client, data, f"Мапа регіонів.{fmt.lower()}")
    assert response.status_code == 303
    page = follow(admin_client, response)
    assert f"mapa-rehioniv.{ext}" in page and f"../images/mapa-rehioniv.{ext}" in page
    url = media_url_of(app, f"mapa-rehioniv.{ext}")
    served = app.test_client().get(url)  # anonymous: the public preview shows images too
    assert served.status_code == 200 and served.data == data
    assert served.headers["Content-Type"] == mime
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == f'inline; filename="mapa-rehioniv.{ext}"'
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # a logged-in browser gets the same long cache (HDR-3's no-store is for pages, not images)
    assert admin_client.get(url).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = app.test_client().get(url, headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304


def test_the_csp_lets_pages_show_images_from_the_site_itself_OUT_8_HDR_1():
    assert "'self'" in CSP["img-src"].split()


def test_a_polyglot_svg_named_png_is_refused_and_nothing_is_saved_OUT_8(app, admin_client):
    response = upload(admin_client, POLYGLOT_SVG, "logo.png")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "SVG drawings are not accepted: they can contain scripts" in page
    token = csrf_token(admin_client, "/admin/content/images")
    form = {"csrf_token": token, "file": (io.BytesIO(POLYGLOT_SVG), "logo.png")}
    in_ukrainian = admin_client.post("/admin/content/images?lang=uk", data=form, content_type="multipart/form-data")
    assert "SVG" in in_ukrainian.get_data(as_text=True) and "scripts" not in in_ukrainian.get_data(as_text=True)
    assert revisions(app) == 0


def test_a_png_named_html_is_stored_and_served_as_a_png_OUT_8(app, admin_client):
    data = sample("PNG")
    assert upload(admin_client, data, "index.html").status_code == 303
    served = app.test_client().get(media_url_of(app, "index.png"))
    assert served.headers["Content-Type"] == "image/png" and "html" not in served.headers["Content-Type"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_truncated_png_is_refused_as_incomplete_OUT_8(app, admin_client):
    data = sample("PNG")
    response = upload(admin_client, data[: len(data) // 2], "cut.png")
    assert response.status_code == 400 and "incomplete" in response.get_data(as_text=True)
    assert revisions(app) == 0


def test_a_20_mb_file_gets_a_friendly_413_and_nothing_is_saved_OUT_7_OUT_8(app, admin_client):
    big = sample("PNG") + b"\x00" * (20 * 1024 * 1024)
    response = upload(admin_client, big, "huge.png")
    assert response.status_code == 303
    page = follow(admin_client, response)
    assert "larger than 2 MB" in page
    assert revisions(app) == 0


@pytest.mark.parametrize("app_overrides", [{"IMAGE_MAX_BYTES": 500}])
def test_the_size_limit_is_the_setting_OUT_8(app, admin_client):
    data = sample("PNG", (40, 30), noise=True)
    assert len(data) > 500
    response = upload(admin_client, data, "photo.png")
    assert response.status_code == 400 and "larger than" in response.get_data(as_text=True)
    assert revisions(app) == 0


def test_the_same_name_needs_replace_and_a_new_version_gets_a_new_url_OUT_8(app, admin_client):
    first, second = sample("PNG", (40, 30)), sample("PNG", (41, 30))
    assert upload(admin_client, first, "map.png").status_code == 303
    old_url = media_url_of(app, "map.png")
    refused = upload(admin_client, second, "map.png")
    assert refused.status_code == 409 and "Replace" in refused.get_data(as_text=True)
    assert upload(admin_client, first, "map.png").status_code == 303  # the same bytes: nothing to do
    assert revisions(app) == 1
    assert upload(admin_client, second, "map.png", replace="y").status_code == 303
    new_url = media_url_of(app, "map.png")
    assert new_url != old_url and revisions(app) == 2


def test_a_second_app_instance_on_the_same_database_serves_the_image_OUT_8(
    app, admin_client, database_url, tmp_path, clock
):
    """No shared disk: the image is a row, so every app host serves it."""
    data = sample("WEBP")
    assert upload(admin_client, data, "photo.webp").status_code == 303
    second = make_test_app(database_url, tmp_path / "second", clock)
    try:
        served = second.test_client().get(media_url_of(app, "photo.webp"))
        assert served.status_code == 200 and served.data == data
        assert served.headers["Content-Type"] == "image/webp"
    finally:
        with second.app_context():
            db.session.remove()
            db.engine.dispose()


def test_learners_get_403_and_visitors_the_login_page_AC_1_AC_2(app, make_learner):
    learner_client = logged_in(app, make_learner().email)
    token = csrf_token(learner_client, "/dashboard")
    form = {"csrf_token": token, "file": (io.BytesIO(sample("PNG")), "x.png")}
    assert learner_client.get("/admin/content/images").status_code == 403
    response = learner_client.post("/admin/content/images", data=form, content_type="multipart/form-data")
    assert response.status_code == 403
    visitor = app.test_client()
    refused = visitor.get("/admin/content/images")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    form = {"csrf_token": csrf_token(visitor, "/login"), "file": (io.BytesIO(sample("PNG")), "x.png")}
    posted = visitor.post("/admin/content/images", data=form, content_type="multipart/form-data")
    assert posted.status_code == 302 and posted.headers["Location"].startswith("/login")
    assert revisions(app) == 0


def test_an_unknown_or_malformed_media_url_is_404(app):
    client = app.test_client()
    assert client.get("/media/" + "0" * 64 + ".png").status_code == 404
    assert client.get("/media/../../etc/passwd").status_code == 404
    assert client.get("/media/abc.svg").status_code == 404


def test_a_lesson_refers_to_an_image_that_resolves_or_is_a_problem_at_its_line_OUT_8(app, admin_client):
    assert upload(admin_client, sample("PNG"), "map.png").status_code == 303
    with app.app_context():
        urls = image_urls(store.draft_files(db.session))
        db.session.rollback()
    text = "Intro\n![Map of the regions](../images/map.png)\n![](../images/map.png)\n![Gone](../images/gone.png)\n"
    problems = image_problems("content/modules/01-basics.uk.md", text, urls)
    assert [(p.line, p.params) for p in problems] == [(3, {"src": "../images/map.png"}), (4, {"name": "gone.png"})]
    assert MEDIA.fullmatch(urls["map.png"])


def _add_image_to_first_lesson(session, line: bytes) -> None:
    for lang in ("uk", "en"):
        path = f"content/modules/01-basics.{lang}.md"
        current = store.head(session, path)
        assert current is not None
        data = current.data.replace(b"{#first}\n", b"{#first}\n\n" + line + b"\n", 1)
        assert data != current.data
        store.save_revision(session, path, data, author_id=None, base_revision_id=current.id)


@pytest.mark.parametrize("app_overrides", [{"CONTENT_CHECK_SECONDS": 0}])
def test_a_published_lesson_shows_the_image_at_its_content_addressed_url_OUT_8(app, admin_client, clock):
    from course.content.files import read_course_files
    from tests.conftest import TEST_COURSE

    with app.app_context():
        store.seed_release(db.session, read_course_files(TEST_COURSE, TEST_COURSE / "quizzes"), now=clock())
        db.session.commit()
    data = sample("PNG")
    assert upload(admin_client, data, "map.png").status_code == 303
    with app.app_context():
        _add_image_to_first_lesson(db.session, b"![Map of the regions](../images/map.png)")
        store.publish(db.session, author_id=None, now=clock())
        db.session.commit()
    page = app.test_client().get("/modules/basics/first").get_data(as_text=True)
    [url] = MEDIA.findall(page)
    assert f'<img alt="Map of the regions" src="{url}">' in page
    assert app.test_client().get(url).data == data


def test_publish_is_refused_for_a_missing_image_or_one_without_alt_text_OUT_8(app, clock):
    from course.content.files import read_course_files
    from tests.conftest import TEST_COURSE

    with app.app_context():
        store.seed_release(db.session, read_course_files(TEST_COURSE, TEST_COURSE / "quizzes"), now=clock())
        _add_image_to_first_lesson(db.session, b"![](../images/nowhere.png)")
        with pytest.raises(store.PublishRefused) as refused:
            store.publish(db.session, author_id=None, now=clock())
        shown = {str(problem) for problem in refused.value.problems}
        db.session.rollback()
    for lang in ("uk", "en"):
        path = f"content/modules/01-basics.{lang}.md"
        assert any(s.startswith(f"{path}:") and "has no description" in s for s in shown), shown
        assert any(s.startswith(f"{path}:") and "'nowhere.png' does not exist" in s for s in shown), shown
