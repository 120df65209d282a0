"""Fixtures of the authoring tests."""

from __future__ import annotations

import pytest

from tests.integration.authoring.editor_helpers import seed


@pytest.fixture
def admin(app, clock, admin_client):
    """An admin logged in, with the test course as release 1."""
    seed(app, clock)
    return admin_client
