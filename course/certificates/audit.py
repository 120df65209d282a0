"""The one audit log of admin actions (`certificate_audit`): certificates and, via
`target_user_id`, accounts. Use case: a session passed in; add, never commit.
"""

from __future__ import annotations

from datetime import datetime

from course.accounts.models import User
from course.certificates.models import Certificate, CertificateAudit
from course.extensions import Session


def record_audit(
    session: Session,
    actor: User | None,
    action: str,
    certificate: Certificate | None,
    now: datetime,
    detail: str = "",
    target_user_id: int | None = None,
) -> None:
    """One audit row: who (None for the system), what, which certificate or account, when.

    `detail` is data, not prose (a reason, "#id" of the certificate replaced, a count), so the
    admin pages can show it in either language.
    """
    session.add(
        CertificateAudit(
            at=now,
            actor_id=actor.id if actor else None,
            action=action,
            certificate_id=certificate.id if certificate else None,
            detail=detail[:500],
            target_user_id=target_user_id if target_user_id is not None else getattr(certificate, "user_id", None),
        )
    )
