"""The public verification page's use cases: throttle, look up, and say what may be shown.

Use-case layer: takes the session, the client IP and `now`; never reads the request.
SECURITY.md CERT-3 and CERT-4: failed lookups (unknown or malformed codes, wrong surnames)
are counted per IP in the database (fixed windows, shared by every worker) and every lookup
is refused once an IP has used up its allowance, so codes and surnames cannot be guessed at
speed, while a valid code costs two indexed reads and no write; unknown and malformed codes
take the same path, one query each, and produce the same answer. The holder's name is
masked unless the visitor types the surname; revoked and withdrawn certificates show their
state without personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from course.caches import LRU
from course.certificates.codes import CODE_LENGTH, format_code, normalize_code
from course.certificates.eligibility import short_hash
from course.certificates.models import Certificate, VerifyThrottle
from course.certificates.services import status_of
from course.certificates.types import REVOKED, WITHDRAWN, display_name, mask_name, surname_matches
from course.clock import as_utc
from course.readcache import cached_read

# Looked up when the typed code is malformed, so that path costs one query like any other.
# It cannot exist: real codes never contain "U" (not in Crockford's alphabet).
_NO_CODE = "U" * CODE_LENGTH


@dataclass(frozen=True, slots=True)
class Verification:
    """What the verification page shows about one certificate."""

    status: str
    code: str
    course_title: str
    course_title_en: str
    issued_on: datetime
    expires_on: datetime | None
    content_version: str
    revoked_reason: str | None
    masked_name: str | None
    full_name: str | None  # only once the visitor typed the surname
    name_check: bool | None  # None: no surname typed; True/False: it matched or not


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window containing `now` (UTC, aligned to the epoch)."""
    seconds = int(window.total_seconds())
    stamp = int(now.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, UTC)


# Built once: the verification page is the hot path, and constructing a statement costs
# more than SQLAlchemy's compiled-statement cache saves when it is rebuilt per request.
_FAILURES = select(VerifyThrottle.count).where(
    VerifyThrottle.key == bindparam("key"), VerifyThrottle.window_start == bindparam("start")
)


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """The stored certificate as the verification page reads it: plain values, safe to keep."""

    code: str
    holder_name: str
    course_title: str
    course_title_en: str
    issued_at: datetime
    expires_at: datetime | None
    content_hash: str
    revoked_at: datetime | None
    revoked_reason: str | None
    superseded_at: datetime | None
    withdrawn_at: datetime | None


_BY_CODE = select(*(Certificate.__table__.c[name] for name in CertificateFacts.__slots__)).where(
    Certificate.__table__.c.code == bindparam("code")
)


def _key(ip: str) -> str:
    return f"ip:{ip}"[:80]


def lookup(
    session: Session, ip: str, now: datetime, limit: int, window: timedelta, typed: str
) -> tuple[bool, CertificateFacts | None]:
    """Whether `ip` is throttled, and the certificate for the code (None when throttled).

    On SQLite both answers come from the read cache under one freshness check."""
    params = {"key": _key(ip), "start": window_start(now, window)}
    code = normalize_code(typed) or _NO_CODE

    def load() -> tuple[int, CertificateFacts | None]:
        row = session.execute(_BY_CODE, {"code": code}).first()
        return session.scalar(_FAILURES, params) or 0, CertificateFacts(*row) if row is not None else None

    failures, certificate = cached_read(session, ("verify", code, *params.values()), load)
    if failures >= limit:
        return True, None
    return False, certificate


def count_failure(session: Session, ip: str, now: datetime, window: timedelta) -> int:
    """Count one failed lookup (unknown or malformed code, wrong surname) from `ip`.

    One atomic upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so parallel
    requests in several workers each count: no read-then-write race.
    """
    start = window_start(now, window)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(VerifyThrottle).values(key=_key(ip), window_start=start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[VerifyThrottle.key, VerifyThrottle.window_start],
        set_={"count": VerifyThrottle.count + 1},
    ).returning(VerifyThrottle.count)
    count = session.execute(statement).scalar_one()
    if count == 1:  # first failure of a new window: forget windows that have ended
        session.execute(delete(VerifyThrottle).where(VerifyThrottle.window_start < start))
    return count


# Both hold holders' names: erasure clears them on every worker (course/caches.py).
_NAMES: LRU[str, tuple[str, str]] = LRU(4096)
_VERIFICATIONS: LRU[tuple, Verification] = LRU(4096)


def _shown_name(holder_name: str) -> tuple[str, str]:
    """The holder's name as printed, and masked (kept: Unicode normalisation per character is
    the costliest part of the page)."""
    kept = _NAMES.get(holder_name)
    if kept is None:
        name = display_name(holder_name)
        kept = _NAMES.put(holder_name, (name, mask_name(name)))
    return kept


def verification(certificate: Certificate | CertificateFacts, now: datetime, surname: str | None) -> Verification:
    """What to show: the state always; the name masked, or in full after a matching surname."""
    status = status_of(certificate, now)
    if isinstance(certificate, CertificateFacts):  # plain values: the answer can be kept
        return _kept_verification(certificate, status, surname)
    return _verification(certificate, status, surname)


def _kept_verification(certificate: CertificateFacts, status: str, surname: str | None) -> Verification:
    """Kept: the same QR code is scanned again and again."""
    key = (certificate, status, surname)
    kept = _VERIFICATIONS.get(key)
    return kept if kept is not None else _VERIFICATIONS.put(key, _verification(certificate, status, surname))


def _verification(certificate: Certificate | CertificateFacts, status: str, surname: str | None) -> Verification:
    private = status in (REVOKED, WITHDRAWN)
    name, masked = _shown_name(certificate.holder_name)
    check = None if private or not surname else surname_matches(name, surname)
    return Verification(
        status=status,
        code=format_code(certificate.code),
        course_title=certificate.course_title,
        course_title_en=certificate.course_title_en,
        issued_on=as_utc(certificate.issued_at),
        expires_on=as_utc(certificate.expires_at) if certificate.expires_at else None,
        content_version=short_hash(certificate.content_hash),
        revoked_reason=certificate.revoked_reason if status == REVOKED else None,
        masked_name=None if private else masked,
        full_name=name if check else None,
        name_check=check,
    )
