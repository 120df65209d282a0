"""One layout for screen and CSV: cell texts, suppression, CSV safety (OUT-4), chart geometry."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from course.reports.charts import bar_chart, table_chart
from course.reports.export import csv_rows, filename
from course.reports.tables import WITHHELD, Chart, Column, Suppressed, Table, cell_text, percent, suppress


def test_counts_from_one_to_the_threshold_minus_one_are_suppressed():
    assert suppress(0, 5) == 0
    assert suppress(4, 5) == Suppressed(5)
    assert str(suppress(1, 5)) == "< 5"
    assert suppress(5, 5) == 5


def test_a_percentage_built_on_a_suppressed_count_is_withheld():
    assert percent(Suppressed(5), 40) is WITHHELD
    assert percent(12, Suppressed(5)) is WITHHELD
    assert percent(1, 3) == 33.3
    assert percent(3, 0) is None
    assert cell_text(WITHHELD) == "—"


def test_cell_text_is_plain_numbers():
    assert cell_text(1234) == "1234"
    assert cell_text(45.25) == "45.2"
    assert cell_text(-0.123) == "-0.12"
    assert cell_text(None) == ""


def test_csv_defuses_formula_text_but_keeps_numbers_numbers_OUT_4():
    table = Table("t", '=HYPERLINK("x")', (Column("Name", False), Column("Value")), [("=1+1", -0.25), ("@SUM", 7)])
    text = "".join(csv_rows("Report", [("region", "lviv")], datetime(2026, 11, 2, 9, 0, tzinfo=UTC), [table]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Report"]
    assert rows[1] == ["exported_at", "2026-11-02T09:00:00Z"]
    assert rows[2] == ["region", "lviv"]
    assert rows[4] == ['\'=HYPERLINK("x")']
    assert rows[6] == ["'=1+1", "-0.25"]  # our negative number is not a formula: no quote added
    assert rows[7] == ["'@SUM", "7"]
    assert filename("funnel", datetime(2026, 11, 2, 9, 0, 5, tzinfo=UTC)) == "frontline-funnel-20261102-090005.csv"


def test_a_suppressed_cell_draws_no_bar_but_keeps_its_text():
    geometry = bar_chart("Pass rate", ["Lviv", "Sumy"], [50.0, Suppressed(5)], 100.0)
    lviv, sumy = geometry.bars
    assert lviv.width == geometry.plot_width / 2
    assert sumy.width == 0.0 and sumy.text == "< 5"


def test_a_table_chart_draws_the_column_it_names():
    table = Table("t", "T", (Column("G", False), Column("N"), Column("%")), [("a", 3, 30.0)], chart=Chart(2, "%", 100))
    (bar,) = table_chart(table).bars
    assert bar.label == "a" and bar.text == "30.0"
