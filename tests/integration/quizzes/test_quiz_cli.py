"""`flask quizzes import-gift / export-gift` and `flask content check` on quiz files."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DATA

GIFT = DATA / "quizzes" / "gift"


def test_import_gift_writes_the_quiz_and_lists_what_was_not_converted(app, tmp_path):
    out = tmp_path / "screening-quiz.en.md"
    source = tmp_path / "features.gift"
    source.write_bytes(b"\xef\xbb\xbf" + (GIFT / "features.gift").read_bytes().replace(b"\n", b"\r\n"))
    result = app.test_cli_runner().invoke(
        args=["quizzes", "import-gift", str(source), "--out", str(out), "--module", "basics"]
    )
    assert result.exit_code == 0, result.output
    assert "8 questions converted, 1 not converted" in result.stdout
    assert f"{source}:48: essay" in result.stderr
    assert (
        f"{source}:44: no feedback for a wrong answer: write it under '- *' before publishing (warning)"
        in result.stderr
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("---\nid: screening-quiz\nmodule: basics\n")
    assert "type=shortanswer" in text and "type=numerical" in text


def test_export_gift_of_a_file_import_gift_just_wrote_works(app, tmp_path):
    """Issue 12: the import leaves feedback to write; the export warns about it and goes on."""
    out = tmp_path / "screening-quiz.en.md"
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["quizzes", "import-gift", str(GIFT / "features.gift"), "--out", str(out)])
    assert imported.exit_code == 0, imported.output
    gift = tmp_path / "again.gift"
    exported = runner.invoke(args=["quizzes", "export-gift", str(out), "--out", str(gift)])
    assert exported.exit_code == 0, exported.output
    assert "needs feedback for a wrong answer" in exported.stderr and "(warning)" in exported.stderr
    assert "=%100%Palermo Protocol" in gift.read_text(encoding="utf-8")


def test_import_gift_exits_1_when_nothing_converts(app, tmp_path):
    source = tmp_path / "only-essay.gift"
    source.write_text("::E::Describe.{}\n", encoding="utf-8")
    out = tmp_path / "q.uk.md"
    result = app.test_cli_runner().invoke(args=["quizzes", "import-gift", str(source), "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert f"{source}:1: essay" in result.stderr


def test_export_then_import_round_trip_via_cli(app, tmp_path):
    runner = app.test_cli_runner()
    gift = tmp_path / "basics.gift"
    exported = runner.invoke(
        args=["quizzes", "export-gift", str(DATA / "quizzes" / "good" / "basics.en.md"), "--out", str(gift)]
    )
    assert exported.exit_code == 0, exported.output
    assert "$CATEGORY: $course$/basics-quiz" in gift.read_text(encoding="utf-8")
    out = tmp_path / "basics-quiz.en.md"
    imported = runner.invoke(args=["quizzes", "import-gift", str(gift), "--out", str(out)])
    assert imported.exit_code == 0 and "4 questions converted, 0 not converted" in imported.stdout
    text = out.read_text(encoding="utf-8")
    assert (
        "## Which elements of trafficking are present? {#q-elements type=multiple points=2 case=case-job-offer}" in text
    )
    assert "- [x] Recruitment by deception {#deception}" in text


def test_export_refuses_a_broken_quiz_file(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=[
            "quizzes",
            "export-gift",
            str(DATA / "quizzes" / "broken" / "no-correct.en.md"),
            "--out",
            str(tmp_path / "x.gift"),
        ]
    )
    assert result.exit_code == 1 and "no-correct.en.md:7: " in result.stderr


def test_content_check_lists_quiz_problems(app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "course", content)
    shutil.copy(DATA / "quizzes" / "broken" / "two-correct-single.en.md", content / "quizzes")
    result = app.test_cli_runner().invoke(
        args=["content", "check", str(content), "--quizzes", str(content / "quizzes")]
    )
    assert result.exit_code == 1
    assert "two-correct-single.en.md:7: the question 'q-two' is single choice but has 2 correct" in result.output


def test_content_check_prints_item_writing_warnings_and_passes_without_strict(app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "course", content)
    result = app.test_cli_runner().invoke(
        args=["content", "check", str(content), "--quizzes", str(content / "quizzes")]
    )
    assert result.exit_code == 0, result.output
    assert f"{content}/quizzes/basics.en.md:20: the question 'q-elements': ticking every option scores 50%" in (
        result.stdout
    )
    assert "4 warning(s) about how questions are written" in result.stderr
    assert result.stdout.rstrip().endswith("languages uk en")


def test_content_check_strict_turns_item_writing_warnings_into_errors(app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA / "course", content)
    result = app.test_cli_runner().invoke(
        args=["content", "check", str(content), "--quizzes", str(content / "quizzes"), "--strict"]
    )
    assert result.exit_code == 1
    assert f"{content}/quizzes/basics.uk.md:1: 1 of 4 questions (25%) are true/false" in result.stdout
    assert "4 error(s) (--strict)" in result.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # reads files, no database
def test_the_bundled_course_passes_content_check_strict(app):
    """The shipped quizzes follow the item-writing rules they ask of every author (issue 15)."""
    root = DATA.parent.parent
    args = ["content", "check", str(root / "content"), "--quizzes", str(root / "quizzes"), "--strict"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")
