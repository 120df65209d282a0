"""Pure helpers behind the security requirements: spreadsheet cells (OUT-4), report parameters
(OUT-5), the JSON log line (LOG-1), the privacy registry (DATA-1). No app, no database."""

from __future__ import annotations

import csv
import io
import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.admin.reports import BadQuery, LearnerQuery, like_pattern, parse_query, safe_cell, to_csv
from course.logs import JsonFormatter
from course.privacy.registry import plain


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Олена Петренко", "Олена Петренко"),
        ("1-2", "1-2"),
        (None, ""),
        (42, "42"),
    ],
)
def test_formula_cells_are_defused_OUT_4(value, cell):
    assert safe_cell(value) == cell


@given(st.lists(st.lists(st.text(max_size=20), min_size=3, max_size=3), max_size=5))
def test_csv_round_trips_and_never_starts_a_cell_with_a_formula_OUT_4(rows):
    parsed = list(csv.reader(io.StringIO(to_csv(["a", "b", "c"], rows), newline="")))
    assert parsed[0] == ["a", "b", "c"] and len(parsed) == len(rows) + 1
    for original, read_back in zip(rows, parsed[1:], strict=True):
        for value, cell in zip(original, read_back, strict=True):
            assert cell == safe_cell(value)
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("typed", "pattern"),
    [("50%", "%50\\%%"), ("a_b", "%a\\_b%"), ("back\\slash", "%back\\\\slash%"), ("Олена", "%Олена%")],
)
def test_like_wildcards_typed_by_an_admin_match_themselves_OUT_5(typed, pattern):
    assert like_pattern(typed) == pattern


def test_report_parameters_come_from_allowlists_OUT_5():
    assert parse_query({}) == LearnerQuery()
    assert parse_query({"q": " x ", "sort": "progress", "role": "any", "page": "3"}) == LearnerQuery(
        "x", "progress", "any", 3
    )
    for bad in (
        {"sort": "name;DROP"},
        {"sort": "(select 1)"},
        {"role": "root"},
        {"page": "-1"},
        {"page": "0"},
        {"page": "1e3"},
        {"page": "9" * 10},
        {"q": "x" * 101},
    ):
        with pytest.raises(BadQuery):
            parse_query(bad)


@given(st.text())
def test_any_logged_text_stays_one_json_line_LOG_1(text):
    record = logging.LogRecord("frontline.test", logging.INFO, __file__, 1, "value: %s", (text,), None)
    record.detail = text
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line
    entry = json.loads(line)
    assert entry["message"] == "value: " + text and entry["detail"] == text
    assert entry["ts"].endswith("+00:00")


def test_export_values_are_json_ready_DATA_1():
    from datetime import UTC, date, datetime

    assert plain(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)) == "2026-11-02T09:00:00+00:00"
    assert plain(date(2026, 11, 2)) == "2026-11-02"
    assert plain({"a": 1}) == {"a": 1}
