"""docs/security.md explains every requirement id the code and the tests use, and the test
files it names as evidence exist and name the id."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "security.md"
SCANNED = ["course", "tests", "bench", "migrations", "docs", "README.md", "Makefile"]
SUFFIXES = {".py", ".html", ".md", ".txt", ".toml", ".cfg", ".css", ".js", ""}
# AUTH-3, REL-2(e); in test names AUTH_3, REL_2e, HDR_1_HDR_2 (so no word boundary before).
ID = re.compile(
    r"(?<![A-Za-z])(AC|AUTH|CERT|CSRF|DATA|HDR|LOG|OUT|QUIZ|REL|SESS)[-_](\d+)(?:\(([a-e])\)|([a-e])(?![A-Za-z]))?"
)
ROW = re.compile(r"^\| (\S+) \| .+ \| (.+) \|$", re.M)


def ids_in(text: str) -> set[str]:
    return {f"{m[1]}-{m[2]}" + (f"({m[3] or m[4]})" if m[3] or m[4] else "") for m in ID.finditer(text)}


def scanned_files() -> list[Path]:
    files = []
    for name in SCANNED:
        path = ROOT / name
        found = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES]
        # This file's own examples are not references.
        files += [p for p in found if p not in (DOC, Path(__file__)) and "__pycache__" not in p.parts]
    return files


def documented() -> dict[str, list[str]]:
    """id -> the files in its 'pinned by' column."""
    return {m[1]: re.findall(r"`([^`]+)`", m[2]) for m in ROW.finditer(DOC.read_text()) if ids_in(m[1]) == {m[1]}}


def test_the_id_pattern_reads_both_spellings():
    assert ids_in("test_x_AUTH_4_AUTH_5 REL_2e HDR-1 REL-2(d) SHA-256 UTF-8 REL_2ab") == {
        "AUTH-4",
        "AUTH-5",
        "REL-2(e)",
        "HDR-1",
        "REL-2(d)",
        "REL-2",
    }


def test_every_id_in_the_code_and_tests_is_explained():
    explained = set(documented())
    missing = {}
    for path in scanned_files():
        for requirement in ids_in(path.read_text(errors="replace")) - explained:
            missing.setdefault(requirement, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"docs/security.md does not explain: {missing}"


def test_every_named_test_file_exists_and_names_its_id():
    wrong = []
    for requirement, files in documented().items():
        assert files, f"{requirement} names no test"
        for name in files:
            path = ROOT / name
            if not path.is_file() or requirement not in ids_in(path.read_text()):
                wrong.append((requirement, name))
    assert not wrong, f"docs/security.md names files that do not pin these ids: {wrong}"
