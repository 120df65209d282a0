"""Fixtures for the certificate core tests (no app, no database)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.certificates.render import DEFAULT_TEMPLATE_DIR


@pytest.fixture
def template_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled template directory, for tests that edit it."""
    target = tmp_path / "certificates"
    shutil.copytree(DEFAULT_TEMPLATE_DIR, target)
    return target
