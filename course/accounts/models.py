"""Account tables: users, login failures (DB-backed throttling, AUTH-3), password resets (AUTH-5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import Model

ROLE_LEARNER = "learner"
ROLE_ADMIN = "admin"
# Sees only the learners of their cohorts or region scope (course/cohorts/scope.py).
ROLE_TRAINER = "trainer"


class RoleChecks:
    """What the account's role makes it, asked alike of the row and of the session's frozen
    value (course/accounts/session_user.py), which alone is what Flask-Login logs in."""

    __slots__ = ()  # SessionUser keeps its slots
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def is_trainer(self) -> bool:
        return self.role == ROLE_TRAINER


class User(Model, RoleChecks):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    org_type: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(32))
    position: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), default=ROLE_LEARNER)
    locale: Mapped[str] = mapped_column(String(8), default="uk")
    # SESS-2: part of the session id; bumped on logout and password change so copied cookies die.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # DATA-2: set when the account was erased; the row stays, without personal data, for statistics.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The weekly reminder e-mail to learners who stalled (course/mail/reminders.py) is skipped.
    reminders_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())


class LoginFailure(Model):
    """One failed login; counted per account key and per IP within a sliding window."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "account:<sha256 of e-mail>" or "ip:<address>": no plain e-mail stored for throttling.
    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PasswordReset(Model):
    """A one-time reset link an admin made for a learner (AUTH-5). Only the token's SHA-256 is
    stored: the database never holds a usable link."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
