"""CSV of a report, from the very tables the screen shows, streamed row by row.

UTF-8 with a byte-order mark (Excel then reads Cyrillic right); the report, the filters and
the export time in the first rows; numbers written as numbers (`cell_text`, never "50%");
text cells defused against formulas with the learners CSV's `safe_cell` (OUT-4).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import datetime

from course.admin.reports import safe_cell
from course.reports.tables import Table, cell_text

BOM = "\ufeff"


def _line(cells: Sequence[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def _cell(value: object) -> str:
    text = cell_text(value)  # type: ignore[arg-type]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text  # a number we computed: never a formula, and it must stay a number
    return safe_cell(text)


def csv_rows(
    title: str, header: Sequence[tuple[str, str]], exported_at: datetime, tables: Sequence[Table]
) -> Iterator[str]:
    """The CSV, one line at a time: what and when first, then each table with its header."""
    yield BOM + _line([safe_cell(title)])
    yield _line([safe_cell("exported_at"), f"{exported_at:%Y-%m-%dT%H:%M:%SZ}"])
    for name, value in header:
        yield _line([safe_cell(name), safe_cell(value)])
    for table in tables:
        yield "\r\n"
        yield _line([safe_cell(table.title)])
        yield _line([safe_cell(column.label) for column in table.columns])
        for row in table.rows:
            yield _line([_cell(cell) for cell in row])


def filename(report: str, exported_at: datetime) -> str:
    return f"frontline-{report}-{exported_at:%Y%m%d-%H%M%S}.csv"
