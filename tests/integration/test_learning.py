"""The learner's journey through the test client: overview, language, lessons, progress, admin."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import csrf_token, make_test_app


def read_lesson(client, module_id: str, lesson_id: str):
    url = f"/modules/{module_id}/{lesson_id}"
    return client.post(url + "/read", data={"csrf_token": csrf_token(client, url)})


def switch_language(client, lang: str, next_url: str = "/"):
    return client.post("/language", data={"lang": lang, "next": next_url, "csrf_token": csrf_token(client, "/")})


def test_visitor_sees_the_overview_in_ukrainian_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="uk">' in page
    assert "Основи" in page and "Наступні кроки" in page


def test_visitor_language_choice_sticks_in_a_cookie(client):
    response = switch_language(client, "en")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Basics" in page


def test_learner_language_choice_is_stored_on_the_account(app, make_learner, auth, client):
    user = make_learner()
    auth.login(user.email)
    switch_language(client, "en", "/dashboard")
    client.delete_cookie("lang")
    auth.logout()
    auth.login(user.email)
    assert "My learning" in client.get("/dashboard").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    switch_language(client, "../../etc")
    assert '<html lang="uk">' in client.get("/").get_data(as_text=True)


def test_reading_lessons_moves_progress_and_continue_link(app, make_learner, auth, client):
    auth.login(make_learner().email)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "0%" in dashboard and "/modules/basics/first" in dashboard
    response = read_lesson(client, "basics", "first")
    assert response.headers["Location"] == "/modules/basics/second"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Прочитано 1 з 3 уроків" in dashboard
    assert 'href="/modules/basics/second">Продовжити' in dashboard.replace("\n", "")


def test_double_click_on_mark_read_records_one_read(app, make_learner, auth, client):
    auth.login(make_learner().email)
    token = csrf_token(client, "/modules/basics/first")
    for _ in range(2):
        client.post("/modules/basics/first/read", data={"csrf_token": token})
    assert "Прочитано 1 з 3 уроків" in client.get("/dashboard").get_data(as_text=True)


def test_progress_is_the_same_in_both_languages(app, make_learner, auth, client):
    auth.login(make_learner().email)
    read_lesson(client, "basics", "first")
    switch_language(client, "en", "/modules/basics")
    page = client.get("/modules/basics").get_data(as_text=True)
    assert "✓ read" in page and "First lesson" in page


def test_last_lesson_returns_to_module_page_showing_all_read(app, make_learner, auth, client):
    auth.login(make_learner().email)
    assert read_lesson(client, "next-steps", "only").headers["Location"] == "/modules/next-steps"
    page = client.get("/modules/next-steps").get_data(as_text=True)
    assert "Тестове попередження" in page and "✓ прочитано" in page


def test_unknown_module_or_lesson_is_a_friendly_404(app, make_learner, auth, client):
    auth.login(make_learner().email)
    for url in ("/modules/nope", "/modules/basics/nope", "/pages/nope"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Цієї сторінки не існує" in response.get_data(as_text=True)


def test_admin_sees_learners_with_progress_and_learner_is_refused_AC_2(app, make_learner, make_admin, auth, client):
    learner = make_learner(full_name="Мар'яна <script>x</script>")
    auth.login(learner.email)
    read_lesson(client, "basics", "first")
    assert client.get("/admin/").status_code == 403
    auth.logout()
    admin = make_admin()
    auth.login(admin.email)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Мар&#39;яна &lt;script&gt;x&lt;/script&gt;" in page
    assert "<td>1 з 3</td>" in page  # lessons read, in a column of their own (issue 16, item 4)


def test_glossary_page_renders_definition_list(app, make_learner, auth, client):
    auth.login(make_learner().email)
    page = client.get("/pages/glossary").get_data(as_text=True)
    assert "<dt>торгівля людьми</dt>" in page


def test_broken_module_is_hidden_but_the_site_works_OUT_6(database_url, tmp_path, clock, caplog):
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parents[1] / "data" / "course", content)
    for path in (content / "modules").glob("02-*.md"):
        path.unlink()
    (content / "modules" / "02-bad.uk.md").write_text("no front matter here\n")
    (content / "modules" / "02-bad.en.md").write_text("---\nid: bad\n---\n")
    app = make_test_app(database_url, tmp_path, clock, CONTENT_DIR=str(content))
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert "Основи" in client.get("/").get_data(as_text=True)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "02-bad.uk.md:1:" in logged and "02-bad.en.md" in logged
