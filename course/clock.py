"""The current time, injectable: views ask here, services receive `now` as an argument.

Tests and the end-to-end suite replace `app.config["CLOCK"]` to move time forward (cooldowns,
session timeouts) without sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app


def system_clock() -> datetime:
    return datetime.now(UTC)


def utcnow() -> datetime:
    """The app's clock: timezone-aware UTC."""
    return current_app.config["CLOCK"]()


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
