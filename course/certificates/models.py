"""Certificate tables: issued certificates (with their frozen PDF), the audit log, and the
verification page's per-IP counters.

Persistence layer: `db` and core types only. A certificate row freezes everything it prints
(name, titles, dates, content version) and the PDF bytes with their SHA-256, so a later
rename, template edit or course change never alters it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import Model

# The one course this platform teaches; the column keeps certificates unambiguous if a
# second course is ever added.
COURSE_ID = "frontline"


class Certificate(Model):
    __tablename__ = "certificate"
    __table_args__ = (
        # CERT-5: one certificate per learner, course, course version and issue number, so
        # two requests that both find the learner eligible insert one row; the loser's
        # INSERT fails on this constraint. Reissues and recertifications take the next number.
        UniqueConstraint("user_id", "course_id", "content_hash", "issue_number"),
        Index("ix_certificate_user_issued", "user_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # SET NULL: erasing a learner leaves a withdrawn certificate without personal data.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    course_id: Mapped[str] = mapped_column(String(64), default=COURSE_ID)
    issue_number: Mapped[int] = mapped_column(Integer, default=1)
    # What the PDF prints, frozen at issue.
    holder_name: Mapped[str] = mapped_column(String(400))
    lang: Mapped[str] = mapped_column(String(8))
    course_title: Mapped[str] = mapped_column(String(300))
    course_title_en: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    module_hashes: Mapped[dict[str, str]] = mapped_column(JSON)
    rule: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The stored PDF; NULL while "being prepared" after a rendering failure (CERT-5).
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    render_error_id: Mapped[str | None] = mapped_column(String(16))
    # Frozen at issue as well (issue 16): the modules and hours printed and the issuing body,
    # and the certificate in the other language, so the holder may download either.
    outline: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    pdf_alt: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_alt_sha256: Mapped[str | None] = mapped_column(String(64))
    # Later states.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CertificateAudit(Model):
    """The one audit log of admin actions: who did what to which certificate or account, and
    when (issue 5: Managing; LOG-1). Account actions (deactivation, role change, reset link,
    erasure) name the account in `target_user_id` (issue 16)."""

    __tablename__ = "certificate_audit"
    __table_args__ = (Index("ix_certificate_audit_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # None: the system (automatic issue).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"), index=True)
    detail: Mapped[str] = mapped_column(String(500), default="")
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)


class VerifyThrottle(Model):
    """Lookups of the verification page per client IP in fixed windows (CERT-3).

    Stored in the database, never in process memory, so the limit holds across workers.
    """

    __tablename__ = "verify_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
