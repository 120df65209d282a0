"""Core modules are plain Python: importing them never loads Flask (STYLE: arrows point inwards)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CORE = [
    "course.problems",
    "course.frontmatter",
    "course.markdown",
    "course.content.types",
    "course.content.paths",
    "course.content.loader",
    "course.content.catalog",
    "course.progress.rules",
    "course.accounts.passwords",
    "course.accounts.validation",
    "course.accounts.choices",
    "course.cohorts.csvfile",
    "course.mail.compose",
    "course.mail.smtp",
    # Issue 13: the reports' statistics, item analysis, parameters, tables and chart geometry.
    "course.reports.statistics",
    "course.reports.items",
    "course.reports.filters",
    "course.reports.tables",
    "course.reports.charts",
    "course.reports.item_tables",
]
CORE += [
    f"course.{name}"
    for name in (
        "quizzes.types",
        "quizzes.loader",
        "quizzes.scoring",
        "quizzes.question_types",
        "quizzes.item_checks",
        "certificates.types",
        "certificates.eligibility",
    )
    if (ROOT / "course" / name.replace(".", "/")).with_suffix(".py").exists()
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_flask(module):
    code = f"import sys, {module}; print('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"
