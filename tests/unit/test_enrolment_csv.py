"""The enrolment CSV core: the whole file parsed, every problem by line and column (no app, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.accounts.choices import ORG_TYPES, REGIONS
from course.cohorts.csvfile import choice_aliases, parse
from course.message_catalogs import translations_dir, translator

DATA = Path(__file__).parents[1] / "data" / "imports"
LIMIT = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def choices():
    uk = translator("uk", translations_dir())
    return {"org_type": choice_aliases(ORG_TYPES, uk), "region": choice_aliases(REGIONS, uk)}


def problems_of(name: str, choices) -> list[tuple[int, str, str]]:
    parsed = parse((DATA / name).read_bytes(), choices, LIMIT)
    return [(p.line, p.column, p.render()) for p in parsed.problems]


def test_excel_file_with_bom_crlf_semicolons_ukrainian_headers_and_three_apostrophes_parses(choices):
    parsed = parse((DATA / "good_excel_uk.csv").read_bytes(), choices, LIMIT)
    assert parsed.problems == []
    assert [(r.line, r.email, r.full_name, r.org_type, r.region, r.locale) for r in parsed.rows] == [
        (2, "maryana@example.org", "Мар'яна Коваль", "police", "lviv", "uk"),
        (3, "olesya@example.org", "Олеся Мар’яненко", "social", "lviv", "en"),
        (4, "yaryna@example.org", "Ярина Пʼятак", "ngo", "kyiv-city", "uk"),
    ]
    assert parsed.rows[0].position == "Інспекторка" and parsed.rows[1].position is None


def test_emails_are_trimmed_and_lower_cased(choices):
    parsed = parse((DATA / "good_comma.csv").read_bytes(), choices, LIMIT)
    assert [row.email for row in parsed.rows] == ["taras@example.org", "ivan@example.org"]


def test_empty_file_is_refused(choices):
    assert problems_of("empty.csv", choices) == [(0, "", "The file is empty.")]


def test_header_only_file_is_refused(choices):
    assert problems_of("header_only.csv", choices) == [(0, "", "The file has a header but no learners.")]


def test_wrong_columns_are_named(choices):
    assert problems_of("wrong_columns.csv", choices) == [
        (1, "", "Unknown columns: e-mail, name, organisation, phone."),
        (1, "", "Missing columns: email, full_name, org_type."),
    ]


def test_duplicate_email_inside_the_file_names_the_first_line(choices):
    assert problems_of("duplicate_emails.csv", choices) == [(4, "email", "This e-mail is already on line 2.")]


def test_invalid_utf8_names_its_line(choices):
    [(line, column, message)] = problems_of("invalid_utf8.csv", choices)
    assert (line, column) == (3, "") and "not in UTF-8 (line 3)" in message


def test_formula_in_a_name_or_position_is_refused_OUT_4(choices):
    found = problems_of("formula_name.csv", choices)
    assert [(line, column) for line, column, _ in found] == [(2, "full_name"), (3, "position")]
    assert "starts with =" in found[0][2] and "starts with @" in found[1][2]


def test_300_character_name_is_refused(choices):
    assert problems_of("long_name.csv", choices) == [(2, "full_name", "Use at most 100 characters.")]


def test_every_bad_cell_of_every_row_is_listed(choices):
    found = problems_of("bad_values.csv", choices)
    assert [(line, column) for line, column, _ in found] == [
        (2, "email"),
        (3, "full_name"),
        (3, "org_type"),
        (3, "region"),
        (3, "language"),
    ]


def test_file_over_the_size_limit_is_refused_before_parsing(choices):
    data = b"email,full_name,org_type,region\n" + b"x@example.org,Name,police,lviv\n" * 200_000
    parsed = parse(data, choices, LIMIT)
    assert parsed.rows == [] and [p.render() for p in parsed.problems] == [
        "The file is larger than 2 MB. Split it into smaller files."
    ]
