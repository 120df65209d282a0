"""Problems found in authored files (modules, pages, quizzes), reported as `path:line: message`.

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

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        """The message with its parameters filled in, optionally translated first."""
        return translate(self.message).format(**self.params)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.render()}"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Stable order for reports: by file, then line."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.message))
