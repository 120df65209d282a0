"""Certificates' part of the export and erasure (DATA-1, DATA-2).

The export lists each certificate as printed (the PDF itself is downloaded from "My
certificates"). Erasure withdraws every certificate and removes the printed name and the
stored PDF, so the verification page shows the state without personal data (CERT-4).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update

from course.accounts.models import User
from course.certificates.models import Certificate
from course.extensions import Session
from course.privacy.registry import Contributor, Rows, register, rows


def export(session: Session, user: User) -> dict[str, Rows]:
    table = Certificate.__table__
    return {"certificate": rows(session, table, table.c.user_id == user.id, leave_out=("pdf", "pdf_alt"))}


def erase(session: Session, user: User, now: datetime) -> None:
    erased = {
        "holder_name": "",
        "pdf": None,
        "pdf_sha256": None,
        "pdf_alt": None,
        "pdf_alt_sha256": None,
        "pdf_size": None,
        "withdrawn_at": func.coalesce(Certificate.withdrawn_at, now),
    }
    session.execute(update(Certificate).where(Certificate.user_id == user.id).values(**erased))


register(Contributor("certificates", ("certificate",), export, erase))
