"""Geometry of the server-drawn bar charts: pure numbers for the SVG template to place.

No JavaScript and no CDN: `templates/reports/_chart.html` writes the SVG from this geometry,
autoescaped like any other template, so no label can inject markup. Suppressed and withheld
cells draw no bar; their text ("< 5", "—") is printed where the bar would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from course.reports.tables import Cell, Chart, Table, cell_text

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 60
BAR_HEIGHT = 18
GAP = 6
TOP = 28


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    text: str
    y: float
    width: float


@dataclass(frozen=True, slots=True)
class ChartGeometry:
    title: str
    width: int
    height: int
    label_width: int
    plot_width: int
    bars: tuple[Bar, ...]


def _number(value: Cell) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def bar_chart(title: str, labels: Sequence[str], values: Sequence[Cell], maximum: float | None = None) -> ChartGeometry:
    """Horizontal bars, one per label, scaled to `maximum` (or the largest value)."""
    numbers = [_number(v) for v in values]
    top = maximum or max((n for n in numbers if n is not None), default=0.0) or 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = tuple(
        Bar(
            label=label[:40],
            text=cell_text(value),
            y=TOP + i * (BAR_HEIGHT + GAP),
            width=0.0 if number is None else round(max(0.0, min(number, top)) / top * plot, 1),
        )
        for i, (label, value, number) in enumerate(zip(labels, values, numbers, strict=True))
    )
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) + GAP
    return ChartGeometry(title, WIDTH, height, LABEL_WIDTH, plot, bars)


def table_chart(table: Table) -> ChartGeometry | None:
    """The chart a table asks for (`Table.chart`), drawn from its own cells."""
    spec: Chart | None = table.chart
    if spec is None or not table.rows:
        return None
    labels = [cell_text(row[0]) for row in table.rows]
    values = [row[spec.value_column] for row in table.rows]
    return bar_chart(spec.title, labels, values, spec.maximum)
