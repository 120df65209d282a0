"""The quiz core stays pure: importing it never loads Flask, extensions or models (STYLE)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "types",
    "parser",
    "writer",
    "build",
    "loader",
    "question_types",
    "scoring",
    "drawing",
    "rules",
    "snapshot",
    "gift",
    "gift_convert",
    "item_checks",
]


@pytest.mark.parametrize("name", CORE)
def test_core_module_does_not_import_flask(name):
    code = (
        f"import sys, course.quizzes.{name}; "
        "bad = [m for m in ('flask', 'flask_sqlalchemy', 'sqlalchemy', 'course.extensions') "
        "if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
