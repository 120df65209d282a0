"""Frontline, the app package. `create_app` lives in `course.app`.

Importing the package stays free of Flask, so the pure core modules (loaders, scoring,
rules) import without the web stack; see tests/unit/test_purity.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: type | Mapping | None = None) -> Flask:
    """Build the Flask app; `config` is a config class or a mapping of overrides."""
    from course.app import create_app as build

    return build(config)
