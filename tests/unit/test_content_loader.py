"""The content loader on good and deliberately broken files: every problem, with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.content.catalog import build_catalog

DATA = Path(__file__).parents[1] / "data"
BROKEN = DATA / "broken"

# case directory -> (file, line, words the message must contain); one defect per case.
EXPECTED = {
    "missing-front-matter": ("01-m.uk.md", 1, "must start with a line '---'"),
    "unclosed-front-matter": ("01-m.uk.md", 1, "never closed"),
    "malformed-yaml": ("01-m.uk.md", 5, "header is not valid"),
    "tab-in-yaml": ("01-m.uk.md", 6, "header is not valid"),
    "unknown-key": ("01-m.uk.md", 7, "unknown key 'author'"),
    "missing-key": ("01-m.uk.md", 1, "'summary' is missing"),
    "wrong-type": ("01-m.uk.md", 3, "must be a whole number"),
    "duplicate-key": ("01-m.uk.md", 7, "'title' appears twice"),
    "yaml-alias-bomb": ("01-m.uk.md", 7, "anchors and aliases"),
    "python-object-tag": ("01-m.uk.md", 6, "'minutes' is not valid"),
    "duplicate-module-id": ("02-copy.uk.md", 1, "already used by"),
    "missing-language": ("01-m.uk.md", 1, "has no 'en' version"),
    "lesson-ids-differ": ("01-m.en.md", 8, "lesson ids other differ from one"),
    "lesson-without-id": ("01-m.uk.md", 9, "has no id"),
    "duplicate-lesson-id": ("01-m.uk.md", 13, "used twice"),
    "broken-internal-link": ("01-m.uk.md", 13, "'lesson:nowhere' points to"),
    "invalid-utf8": ("01-m.uk.md", 4, "not saved as UTF-8"),
    "bad-file-name": ("01-m.ua.md", 1, "must end in .uk.md or .en.md"),
    "bad-id": ("01-m.uk.md", 2, "lower-case Latin letters"),
    "nul-byte": ("01-m.uk.md", 11, "NUL character"),
    "different-order": ("01-m.en.md", 1, "'order' differs"),
}


def test_every_broken_case_has_an_expectation():
    assert {path.name for path in BROKEN.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_file_is_reported_with_file_and_line_OUT_6(case):
    """OUT-6: each defect yields a problem naming the file and line, never an exception."""
    file, line, words = EXPECTED[case]
    catalog = build_catalog(BROKEN / case)
    rendered = [str(problem) for problem in catalog.problems]
    assert any(re.search(rf"{re.escape(file)}:{line}:(\d+:)? ", text) and words in text for text in rendered), rendered
    if case not in ("duplicate-module-id", "bad-file-name"):
        assert catalog.modules == ()


def test_all_problems_are_collected_not_just_the_first(tmp_path):
    modules = tmp_path / "modules"
    modules.mkdir()
    for case in ("unknown-key", "wrong-type", "broken-internal-link"):
        for path in (BROKEN / case / "modules").glob("*.md"):
            target = modules / path.name.replace("01-m", f"01-{case}")
            target.write_text(path.read_text().replace("id: m\n", f"id: {case}\n"))
    messages = " ".join(str(p) for p in build_catalog(tmp_path).problems)
    assert "unknown key 'author'" in messages
    assert "must be a whole number" in messages
    assert "lesson:nowhere" in messages


def test_good_course_loads_with_rendered_html_and_hash():
    catalog = build_catalog(DATA / "course")
    assert catalog.problems == ()
    assert [m.id for m in catalog.modules] == ["basics", "next-steps"]
    basics = catalog.modules[0]
    assert basics.lesson_ids == ("first", "second")
    assert '<a href="/modules/basics/second"' in basics.lessons[0].html["uk"]
    assert '<a href="/pages/glossary"' in basics.lessons[0].html["en"]
    assert len(basics.content_hash) == 64
    assert catalog.summary_line().startswith("ok: 2 modules, 3 lessons, ")


def test_content_hash_changes_when_any_language_changes(tmp_path):
    import shutil

    shutil.copytree(DATA / "course", tmp_path / "c")
    before = build_catalog(tmp_path / "c").modules[0].content_hash
    english = tmp_path / "c" / "modules" / "01-basics.en.md"
    english.write_text(english.read_text().replace("Text of the first", "Text of the 1st"))
    assert build_catalog(tmp_path / "c").modules[0].content_hash != before


def test_bom_and_crlf_are_accepted(tmp_path):
    import shutil

    shutil.copytree(DATA / "course", tmp_path / "c")
    path = tmp_path / "c" / "modules" / "01-basics.uk.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    catalog = build_catalog(tmp_path / "c")
    assert catalog.problems == ()
    assert catalog.modules[0].lesson_ids == ("first", "second")


def test_pathological_markdown_becomes_a_problem_not_a_crash(tmp_path):
    import shutil

    shutil.copytree(DATA / "course", tmp_path / "c")
    path = tmp_path / "c" / "modules" / "02-next.uk.md"
    path.write_text(path.read_text() + "\n" + ">" * 10_000 + " deep\n")
    catalog = build_catalog(tmp_path / "c")
    assert [m.id for m in catalog.modules] in (["basics"], ["basics", "next-steps"])


def test_cli_check_prints_problems_and_exits_1(tmp_path):
    from course import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["content", "check", str(BROKEN / "unknown-key")])
    assert bad.exit_code == 1
    assert "01-m.uk.md:7: unknown key 'author'" in bad.output
    good = runner.invoke(args=["content", "check", str(DATA / "course")])
    assert good.exit_code == 0, good.output
    assert good.output.startswith("ok: 2 modules, 3 lessons, ")
    assert ".md:" not in good.output  # a clean course lists no problem lines
