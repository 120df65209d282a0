"""Core modules are plain Python: importing one never loads Flask, the database layer or a view
(STYLE: arrows point inwards; docs/architecture.md, "Layers").

This is the one purity check. CORE is the declared list: a module moved or renamed without
updating it fails here (it cannot be imported), rather than silently dropping out of the check.
"""

from __future__ import annotations

import json
import os
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
    "course.content.files",
    "course.content.images",
    "course.content.image_files",
    "course.authoring.hashes",
    "course.content.job_aids",
    "course.progress.rules",
    "course.accounts.passwords",
    "course.accounts.validation",
    "course.accounts.choices",
    "course.names",
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
    "course.quizzes.types",
    "course.quizzes.parser",
    "course.quizzes.writer",
    "course.quizzes.build",
    "course.quizzes.loader",
    "course.quizzes.question_types",
    "course.quizzes.scoring",
    "course.quizzes.drawing",
    "course.quizzes.rules",
    "course.quizzes.snapshot",
    "course.quizzes.answers",
    "course.quizzes.gift",
    "course.quizzes.gift_convert",
    "course.quizzes.gift_export",
    "course.quizzes.typed",
    "course.quizzes.deferred",
    "course.content.links",
    "course.quizzes.item_checks",
    "course.quizzes.errors",
    "course.certificates.types",
    "course.certificates.errors",
    "course.certificates.codes",
    "course.certificates.eligibility",
    "course.certificates.render",
    "course.certificates.settings",
    "course.message_catalogs",
]
# The web framework and its extensions, the database layer, and the app's own wiring and
# persistence. (Jinja2 is allowed: the certificate sandbox in certificates/render is core.)
FORBIDDEN_PACKAGES = {
    "flask",
    "flask_babel",
    "flask_login",
    "flask_migrate",
    "flask_sqlalchemy",
    "flask_wtf",
    "wtforms",
    "werkzeug",
    "sqlalchemy",
    "alembic",
    "psycopg",
}
FORBIDDEN_COURSE_MODULES = {"course.app", "course.extensions", "course.database"}
FORBIDDEN_SUFFIXES = (".models", ".views", ".services", ".forms", ".cli", ".admin_views")

# Imports the given modules in a fresh interpreter (one per test, so a failure names its
# module) and prints the forbidden modules that are then loaded.
PROBE = f"""
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
packages, course, suffixes = {FORBIDDEN_PACKAGES!r}, {FORBIDDEN_COURSE_MODULES!r}, {FORBIDDEN_SUFFIXES!r}
print(json.dumps(sorted(
    m for m in sys.modules
    if m.split(".")[0] in packages or m in course or (m.startswith("course.") and m.endswith(suffixes))
)))
"""


def forbidden_after_importing(*modules: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, f"importing {modules} failed:\n{done.stderr}"
    return json.loads(done.stdout)


@pytest.mark.parametrize("module", CORE)
def test_core_module_loads_no_framework_database_or_view_module(module):
    assert forbidden_after_importing(module) == []


def test_a_missing_core_module_fails_the_check():
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "course.no_such_module"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr


def test_the_probe_sees_a_forbidden_import():
    assert "flask" in forbidden_after_importing("course.problems", "course.extensions")


def test_an_app_that_prints_nothing_never_loads_weasyprint(tmp_path):
    """WeasyPrint takes half a second to import: a worker or CLI command pays it only when it
    prints a certificate or a job aid (course/certificates/pdfs.py, course/content/job_aids.py)."""
    probe = "import sys, wsgi; print(sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint'))"
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
