"""Problems found in authored files (modules, pages, quizzes), reported as
`path:line:column: message` (the column when the parser knows it, as compilers print them).

`content check`, `content import` and the browser editor all print `str(problem)` (or
`position` before the translated message), so an admin sees the same place everywhere.

Core module: imports only the standard library. Messages are English templates marked with
`N_` so Babel extracts them; views translate them at display time with `Problem.render`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    """Mark a message for extraction without translating it here."""
    return message


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect in one file, written for a course admin who is not a programmer."""

    path: str
    line: int
    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    column: int | None = None

    @property
    def position(self) -> str:
        """`line:column` (or `line`, or "" for a whole folder) within the file."""
        if not self.line:
            return ""
        return f"{self.line}:{self.column}" if self.column else str(self.line)

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        """The message with its parameters filled in, optionally translated first."""
        return translate(self.message).format(**self.params)

    def __str__(self) -> str:
        where = f"{self.path}:{self.position}" if self.position else self.path
        return f"{where}: {self.render()}"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Stable order for reports: by file, then line and column."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.column or 0, p.message))
