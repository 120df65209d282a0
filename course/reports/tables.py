"""The one shape every report takes, for the screen and the CSV alike. Pure.

A report is a list of `Table`s of typed cells: ints and floats stay numbers (the CSV writes
them as numbers, never "50%"), a count below the suppression threshold becomes `Suppressed`
and a percentage computed from one becomes `WITHHELD`. `cell_text` is the only formatting
there is: the template prints it and the CSV writes it, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A count from 1 to threshold - 1, shown as "< threshold" (it could identify someone)."""

    threshold: int

    def __str__(self) -> str:
        return f"< {self.threshold}"


@dataclass(frozen=True, slots=True)
class Withheld:
    """A percentage whose numerator or denominator is suppressed."""

    def __str__(self) -> str:
        return "—"


WITHHELD = Withheld()
Cell = int | float | str | Suppressed | Withheld | None


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    numeric: bool = True


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart of one numeric column against the row labels (first column)."""

    value_column: int
    title: str
    maximum: float | None = None  # 100 for percentages; None: the largest value


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple[Cell, ...]]
    note: str = ""
    chart: Chart | None = None
    anchors: Sequence[str | None] = field(default_factory=tuple)  # per row: an id to link to


def cell_text(value: Cell) -> str:
    """The text of a cell on the screen and in the CSV: floats to one decimal, no separators."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"
    return str(value)


def suppress(count: int, threshold: int) -> int | Suppressed:
    """Counts from 1 to threshold - 1 are withheld; 0 is shown (it identifies nobody)."""
    return Suppressed(threshold) if 0 < count < threshold else count


def percent(part: int | Suppressed, whole: int | Suppressed) -> float | Withheld | None:
    """part / whole as a percentage, withheld when either count is suppressed."""
    if isinstance(part, Suppressed) or isinstance(whole, Suppressed):
        return WITHHELD
    if not whole:
        return None
    return round(100 * part / whole, 1)
