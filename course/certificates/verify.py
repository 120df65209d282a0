"""The public verification page's use cases: throttle, look up, and say what may be shown.

Use-case layer: takes the session, the client IP and `now`; never reads the request.
docs/security.md CERT-3 and CERT-4: failed lookups are counted in the database (fixed windows,
shared by every worker): unknown or malformed codes per IP and per code prefix, wrong surnames
per IP and per certificate. Guessing is refused once a counter is used up, so codes and surnames
cannot be guessed at speed; a correct code is never refused (one indexed read, no write), so a
shared office address that mistyped codes can still check real ones. Unknown and malformed
codes take the same path and produce the same answer. The holder's name is
masked unless the visitor types the surname; revoked and withdrawn certificates show their
state without personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from course.caches import LRU
from course.certificates.codes import CODE_LENGTH, format_code, normalize_code
from course.certificates.eligibility import short_hash
from course.certificates.models import Certificate, VerifyThrottle
from course.certificates.records import status_of
from course.certificates.types import REVOKED, WITHDRAWN, display_name, mask_name, surname_matches
from course.clock import as_utc
from course.extensions import Session
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


PREFIX_LENGTH = 8  # two printed groups: what a mistyped code usually still shares with others


def ip_key(ip: str) -> str:
    return f"ip:{ip}"[:80]


def prefix_key(typed: str) -> str:
    """The counter for unknown codes starting like `typed` (letters and digits, upper case)."""
    letters = "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())
    return f"prefix:{letters[:PREFIX_LENGTH]}"


def code_key(code: str) -> str:
    return f"code:{code}"


def lookup(
    session: Session, ip: str, now: datetime, limit: int, window: timedelta, typed: str
) -> tuple[bool, CertificateFacts | None]:
    """Whether this lookup is refused, and the certificate for the code (None when unknown).

    A well-formed code of an existing certificate is never refused, whatever else came from
    the address (an HR desk behind one NAT mistyping codes all morning): it costs one read.
    Unknown and malformed codes are refused once their address or their first two groups have
    used up the allowance; both take the same path (CERT-3). On SQLite the answers come from
    the read cache."""
    code = normalize_code(typed) or _NO_CODE

    def load_certificate() -> CertificateFacts | None:
        row = session.execute(_BY_CODE, {"code": code}).first()
        return CertificateFacts(*row) if row is not None else None

    certificate = cached_read(session, ("verify", code), load_certificate)
    if certificate is not None:
        return False, certificate
    return failures(session, (ip_key(ip), prefix_key(typed)), now, window) >= limit, None


def failures(session: Session, keys: tuple[str, ...], now: datetime, window: timedelta) -> int:
    """The highest failure count among `keys` in the current window."""
    start = window_start(now, window)

    def load() -> int:
        return max((session.scalar(_FAILURES, {"key": key, "start": start}) or 0) for key in keys)

    return cached_read(session, ("verify-failures", keys, start), load)


def name_check_refused(session: Session, ip: str, code: str, now: datetime, limit: int, window: timedelta) -> bool:
    """Surnames are guessed per certificate: refused once the address or the code is over."""
    return failures(session, (ip_key(ip), code_key(code)), now, window) >= limit


def count_failure(session: Session, keys: tuple[str, ...], now: datetime, window: timedelta) -> int:
    """Count one failed lookup (unknown or malformed code, wrong surname) under each key.

    One atomic upsert per key (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so parallel
    requests in several workers each count: no read-then-write race. Returns the highest count.
    """
    start = window_start(now, window)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counts = []
    for key in keys:
        upsert = insert(VerifyThrottle).values(key=key[:80], window_start=start, count=1)
        statement = upsert.on_conflict_do_update(
            index_elements=[VerifyThrottle.key, VerifyThrottle.window_start],
            set_={"count": VerifyThrottle.count + 1},
        ).returning(VerifyThrottle.count)
        counts.append(session.execute(statement).scalar_one())
    if counts and counts[0] == 1:  # first failure of a new window: forget windows that have ended
        session.execute(delete(VerifyThrottle).where(VerifyThrottle.window_start < start))
    return max(counts, default=0)


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
