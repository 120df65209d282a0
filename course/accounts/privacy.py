"""Accounts' part of the export and erasure (DATA-1, DATA-2): the profile and reset links.

Erasure keeps the row (its id is the pseudonym other tables point to) and blanks the person:
name, e-mail, position, password, login history; it also removes the throttling rows keyed by
the e-mail's hash and any reset link. Organisation type and region stay for statistics.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from course.accounts.models import ROLE_LEARNER, LoginFailure, PasswordReset, User
from course.accounts.services import account_key, end_all_sessions
from course.extensions import Session
from course.privacy.registry import Contributor, Rows, register, rows

ERASED_DOMAIN = "erased.invalid"  # RFC 6761: can never be a real address


def export(session: Session, user: User) -> dict[str, Rows]:
    users = User.__table__
    resets = PasswordReset.__table__
    return {
        "user": rows(session, users, users.c.id == user.id, leave_out=("password_hash", "session_epoch")),
        "password_reset": rows(session, resets, resets.c.user_id == user.id, leave_out=("token_hash",)),
    }


def erase(session: Session, user: User, now: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key == account_key(user.email)))
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    user.email = f"erased-{user.id}@{ERASED_DOMAIN}"
    user.full_name = ""
    user.position = None
    user.password_hash = ""  # matches no password: argon2 refuses an empty hash
    user.role = ROLE_LEARNER
    user.is_active = False
    user.last_login_at = None
    user.erased_at = now
    end_all_sessions(user)


register(Contributor("accounts", ("user", "password_reset"), export, erase))
