"""`flask content seed | import | export | check` on SQLite and PostgreSQL (issue 12).

- import/export round trip: the bundled course imported, then exported, gives back every file
  byte for byte; exporting again writes nothing;
- an import with problems lists each as path:line:column: message and saves nothing;
- seeding makes release 1 once, also when two processes start at the same moment;
- `content check` on a folder without modules is a problem, not "ok: 0 modules".
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from course.authoring import services
from course.authoring.models import ContentRelease, ContentRevision
from course.content.files import read_course_files
from course.extensions import db

ROOT = Path(__file__).parents[3]


@pytest.fixture
def bundled(make_app):
    """An app on the bundled course (content/ and quizzes/ of the project)."""
    return make_app(CONTENT_DIR=str(ROOT / "content"), QUIZZES_DIR=str(ROOT / "quizzes"))


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["content", *args])


def test_import_then_export_gives_back_the_bundled_course_byte_for_byte(bundled, tmp_path):
    result = invoke(bundled, "import", str(ROOT))
    assert result.exit_code == 0, result.output
    assert "ok: release 1" in result.output
    out = tmp_path / "checkout"
    result = invoke(bundled, "export", str(out))
    assert result.exit_code == 0, result.output
    original = read_course_files(ROOT / "content", ROOT / "quizzes")
    assert read_course_files(out / "content", out / "quizzes") == original
    for path, data in original.items():
        assert (out / path).read_bytes() == data, path
    again = invoke(bundled, "export", str(out))
    assert "0 written, 0 removed" in again.output
    assert "nothing to do" in invoke(bundled, "import", str(out)).output


def test_export_removes_a_file_the_release_deleted_and_leaves_the_others_untouched(app, tmp_path):
    assert invoke(app, "seed").exit_code == 0
    out = tmp_path / "checkout"
    invoke(app, "export", str(out))
    kept = out / "content/modules/01-basics.uk.md"
    stamp = kept.stat().st_mtime_ns
    notes = out / "content/pages/notes.en.md"  # not in the release: an export is the release exactly
    notes.write_text("x")
    result = invoke(app, "export", str(out))
    assert f"removed: {notes}" in result.output
    assert not notes.exists() and kept.stat().st_mtime_ns == stamp


def test_an_import_with_problems_lists_them_by_line_and_saves_nothing(app, tmp_path):
    assert invoke(app, "seed").exit_code == 0
    course = tmp_path / "course"
    shutil.copytree(Path(app.config["CONTENT_DIR"]), course)
    module = course / "modules/02-next.en.md"
    module.write_text(module.read_text().replace("title: Next steps", "title: Next: steps"))
    result = invoke(app, "import", str(course))
    assert result.exit_code == 1
    assert f"{module}:4:12: the header is not valid: mapping values are not allowed here" in result.output
    assert "nothing imported" in result.output
    with app.app_context():
        assert db.session.query(ContentRelease).count() == 1
        assert services.draft_files(db.session) == services.release_files(db.session)


def test_export_without_a_release_says_what_to_do(app, tmp_path):
    result = invoke(app, "export", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "no release yet" in result.output


def test_seed_makes_release_1_once(app):
    first, second = invoke(app, "seed"), invoke(app, "seed")
    assert "ok: release 1 made" in first.output
    assert "nothing to do" in second.output
    with app.app_context():
        assert db.session.query(ContentRelease).count() == 1


def test_two_processes_seeding_at_once_make_exactly_one_release_1(app, database_url, tmp_path):
    """Two workers started together (`make run` on two hosts): one release 1, no error."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "LOG_LEVEL": "WARNING",
    }
    command = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "content", "seed"]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert sum("ok: release 1 made" in output for output in outputs) == 1, outputs
    with app.app_context():
        assert db.session.query(ContentRelease).count() == 1
        files = read_course_files(ROOT / "content", ROOT / "quizzes")
        assert db.session.query(ContentRevision).count() == len(files)


def test_check_of_a_folder_without_modules_is_a_problem(app, tmp_path):
    (tmp_path / "empty").mkdir()
    result = invoke(app, "check", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "modules: no module files found here: expected files such as 01-<module-id>.uk.md" in result.output
    assert "ok:" not in result.output
