"""The logged-in user as the request sees it: one frozen value, on every engine, cached or not.

Flask-Login's `current_user` is a `SessionUser`, never a `User` row: a value that cannot
lazy-load, go stale in a session or lose an assignment. Views and services read `.id`,
`.role`, `.locale`, `.full_name`, `.email`; a write to the account loads the row explicitly
(`session.get(User, current_user.id)`).
"""

from __future__ import annotations

from dataclasses import dataclass

from course.accounts.models import RoleChecks, User


@dataclass(frozen=True, slots=True)
class SessionUser(RoleChecks):
    id: int
    session_epoch: int
    role: str
    locale: str
    full_name: str
    email: str
    is_active: bool

    # Flask-Login's protocol: only this value is ever logged in (`login_user`), never a row.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @classmethod
    def of(cls, user: User) -> SessionUser:
        """The value for a row just written (login, a new password)."""
        return cls(*(getattr(user, name) for name in FIELDS))


FIELDS = tuple(SessionUser.__slots__)
