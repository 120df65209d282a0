"""A line diff between two versions of a file, as rows a template lays out as a table.

Core module: standard library only. The diff is computed on the server (difflib) so it works
without JavaScript; each row says in words whether a line was added or removed (the template
prints a visible +/− sign and a hidden word for screen readers), never by colour alone.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

SAME, ADDED, REMOVED, GAP = "same", "added", "removed", "gap"
CONTEXT = 3  # unchanged lines shown around each change, as `diff -u` does


@dataclass(frozen=True, slots=True)
class DiffRow:
    kind: str  # SAME, ADDED, REMOVED or GAP (unchanged lines left out)
    old_line: int | None
    new_line: int | None
    text: str


@dataclass(frozen=True, slots=True)
class Diff:
    rows: tuple[DiffRow, ...]
    added: int
    removed: int

    @property
    def is_empty(self) -> bool:
        return not self.added and not self.removed


def diff_texts(old: str, new: str, context: int = CONTEXT) -> Diff:
    """The changed lines of `new` against `old`, with `context` lines around each change."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    rows: list[DiffRow] = []
    added = removed = end_old = end_new = 0
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        if number or (group and (group[0][1] or group[0][3])):
            rows.append(DiffRow(GAP, None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":  # (a replace shows the old lines, then the new ones)
                rows.extend(DiffRow(SAME, i + 1, j1 + i - i1 + 1, before[i]) for i in range(i1, i2))
                continue
            rows.extend(DiffRow(REMOVED, i + 1, None, before[i]) for i in range(i1, i2))
            rows.extend(DiffRow(ADDED, None, j + 1, after[j]) for j in range(j1, j2))
            removed, added = removed + i2 - i1, added + j2 - j1
        end_old, end_new = group[-1][2], group[-1][4]
    if rows and (end_old < len(before) or end_new < len(after)):
        rows.append(DiffRow(GAP, None, None, ""))
    return Diff(tuple(rows), added, removed)
