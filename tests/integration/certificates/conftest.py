"""Certificate integration fixtures."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(autouse=True)
def certificate_logs_enabled():
    """migrations/env.py calls logging.config.fileConfig(), which by default disables every
    logger that already exists; after any migration test ours would be silent. Re-enable it
    so caplog checks (LOG-1) do not depend on test order."""
    for name in ("frontline.certificates", "frontline"):
        logging.getLogger(name).disabled = False
