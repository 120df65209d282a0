"""Fixtures for the security tests; the app, users and clock come from tests/conftest.py."""

from __future__ import annotations

import io
import logging

import pytest

from course.logs import JsonFormatter


@pytest.fixture
def json_log():
    """What the app's JSON handler writes, formatted inside the request as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("frontline")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
