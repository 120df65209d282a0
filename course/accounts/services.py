"""Account use cases. Services take the session and the clock; they flush, never commit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from course.accounts.models import ROLE_ADMIN, ROLE_LEARNER, ROLE_TRAINER, LoginFailure, PasswordReset, User
from course.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from course.accounts.session_user import FIELDS, SessionUser
from course.accounts.validation import clean_email, clean_text
from course.clock import as_utc
from course.extensions import Session
from course.problems import N_
from course.readcache import cached_read

ROLES = (ROLE_LEARNER, ROLE_TRAINER, ROLE_ADMIN)
RESET_TOKEN_BYTES = 32  # 256 bits from `secrets`; ASVS asks for at least 128
INVALID_RESET = N_("This link is not valid any more. Ask your administrator for a new one.")


class AccountError(Exception):
    """A domain refusal with a user-facing message template."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoginThrottled(AccountError):
    pass


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    per_account: int = 5
    per_ip: int = 10
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Registration:
    email: str
    full_name: str
    password: str
    org_type: str
    region: str
    position: str | None
    locale: str


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == clean_email(email)))


def register(session: Session, data: Registration, now: datetime, role: str = ROLE_LEARNER) -> User | None:
    """Create the account; None when the e-mail is taken (the caller answers the same way)."""
    user = User(
        email=clean_email(data.email),
        full_name=clean_text(data.full_name),
        password_hash=hash_password(data.password),
        org_type=data.org_type,
        region=data.region,
        position=clean_text(data.position) if data.position else None,
        role=role,
        locale=data.locale,
        created_at=now,
    )
    if find_by_email(session, user.email) is not None:
        return None
    try:
        with session.begin_nested():  # a racing double-submit loses on the unique index
            session.add(user)
    except IntegrityError:
        return None
    return user


def create_admin(session: Session, email: str, password: str, now: datetime) -> User:
    """Promote or create an admin; the password must pass the same policy as everyone's."""
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    user = find_by_email(session, email)
    if user is None:
        user = User(
            email=clean_email(email),
            full_name=email.split("@")[0][:100],
            org_type="other",
            region="other",
            created_at=now,
            password_hash="",
            locale="uk",
        )
        session.add(user)
    user.password_hash = hash_password(password)
    user.role = ROLE_ADMIN
    user.is_active = True
    user.session_epoch = (user.session_epoch or 0) + 1
    session.flush()
    return user


def account_key(email: str) -> str:
    return "account:" + hashlib.sha256(clean_email(email).encode()).hexdigest()


def _failures_since(session: Session, key: str, since: datetime) -> int:
    query = select(func.count()).select_from(LoginFailure)
    return session.scalar(query.where(LoginFailure.key == key, LoginFailure.at > since)) or 0


def authenticate(session: Session, email: str, password: str, ip: str, now: datetime, policy: ThrottlePolicy) -> User:
    """The user for these credentials, or AccountError/LoginThrottled with one generic message.

    Throttling is checked before the password, so during a block even the right password is
    refused (AUTH-3); failures are rows in the database so every worker sees them.
    """
    since = now - policy.window
    account_key_, ip_key = account_key(email), f"ip:{ip}"
    _serialise_attempts(session, account_key_)
    if (
        _failures_since(session, account_key_, since) >= policy.per_account
        or _failures_since(session, ip_key, since) >= policy.per_ip
    ):
        raise LoginThrottled(N_("Too many attempts. Please wait 15 minutes and try again."))
    user = find_by_email(session, email)
    if user is None or not user.is_active:
        verify_password(DUMMY_HASH, password)  # same cost as a real check (AUTH-4)
        ok = False
    else:
        ok = verify_password(user.password_hash, password)
    if not ok or user is None:
        session.add_all([LoginFailure(key=account_key_, at=now), LoginFailure(key=ip_key, at=now)])
        session.flush()
        raise AccountError(N_("Wrong e-mail or password."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    session.flush()
    return user


def _serialise_attempts(session: Session, key: str) -> None:
    """Parallel guesses at one account queue up, so each sees the others' failures (AUTH-3;
    Moodle CVE-2022-30600). SQLite already serialises writes with BEGIN IMMEDIATE; PostgreSQL
    takes a transaction-scoped advisory lock on the account key."""
    if session.get_bind().dialect.name == "postgresql":
        lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(lock_id)))


def end_all_sessions(user: User) -> None:
    """Every cookie issued before this point stops working (SESS-2)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError(N_("The current password is not correct."))
    problem = password_problem(new, user.email, user.full_name)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    end_all_sessions(user)


def load_session_user(session: Session, session_id: str) -> SessionUser | None:
    """Flask-Login's loader: `<id>:<epoch>`; a stale epoch or inactive user is anonymous.

    The same frozen value on every engine and in every unit of work; on SQLite it comes from
    the exact read cache (course/readcache.py) while the database has not changed."""
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit() or len(user_id) > 18:
        return None
    user = cached_read(session, ("user", int(user_id)), lambda: _session_user(session, int(user_id)))
    if user is None or not user.is_active or user.session_epoch != int(epoch):
        return None
    return user


# Built once: every logged-in request loads its user with it.
_USER_BY_ID = select(*(User.__table__.c[name] for name in FIELDS)).where(User.__table__.c.id == bindparam("user_id"))


def _session_user(session: Session, user_id: int) -> SessionUser | None:
    row = session.connection().execute(_USER_BY_ID, {"user_id": user_id}).first()
    return SessionUser(*row) if row is not None else None


def set_role(user: User, role: str, actor: User | SessionUser) -> None:
    """Make `user` a learner, a trainer or an admin; their sessions end, so the new role starts cleanly."""
    if role not in ROLES:
        raise AccountError(N_("Choose a role from the list."))
    if user.id == actor.id and role != ROLE_ADMIN:
        raise AccountError(N_("You cannot remove your own admin role."))
    user.role = role
    end_all_sessions(user)


def set_active(user: User, active: bool, actor: User | SessionUser) -> None:
    """Deactivate (every session ends at once, SESS-2) or reactivate an account."""
    if user.id == actor.id and not active:
        raise AccountError(N_("You cannot deactivate your own account."))
    if user.erased_at is not None and active:
        raise AccountError(N_("This account was erased."))
    user.is_active = active
    if not active:
        end_all_sessions(user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset(session: Session, learner: User, admin: User | SessionUser, now: datetime, ttl: timedelta) -> str:
    """A new one-time reset token for `learner`; the caller shows it once. Older unused links die."""
    if learner.erased_at is not None:
        raise AccountError(N_("This account was erased."))
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == learner.id, PasswordReset.used_at.is_(None)))
    token = secrets.token_urlsafe(RESET_TOKEN_BYTES)
    session.add(
        PasswordReset(
            user_id=learner.id,
            token_hash=_token_hash(token),
            created_by_id=admin.id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    session.flush()
    return token


def reset_target(session: Session, token: str, now: datetime) -> User | None:
    """The learner whose unused, unexpired token this is; None for anything else, alike (AUTH-4)."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token)))
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= now:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.erased_at is None else None


def reset_password(session: Session, token: str, new: str, now: datetime) -> User:
    """Set a new password with a valid token; the token is spent even if two tabs race (AUTH-5)."""
    user = reset_target(session, token, now)
    if user is None:
        raise AccountError(INVALID_RESET)
    problem = password_problem(new, user.email, user.full_name)
    if problem:
        raise AccountError(problem)
    spend = (
        update(PasswordReset)
        .where(PasswordReset.token_hash == _token_hash(token), PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .returning(PasswordReset.id)
    )
    if session.scalar(spend) is None:
        raise AccountError(INVALID_RESET)
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    # The learner may have been locked out by their own guesses; the new password works at once.
    session.execute(delete(LoginFailure).where(LoginFailure.key == account_key(user.email)))
    session.flush()
    return user
