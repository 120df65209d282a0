"""Export and erase one learner across every domain. Use cases: flush, never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from course.caches import bump_generation
from course.extensions import Session
from course.privacy.registry import contributors, plain

EXPORT_FORMAT = "frontline-export-1"


def export_user(session: Session, user: Any, now: datetime) -> dict[str, Any]:
    """Everything stored about `user`, one part per domain (DATA-1)."""
    parts = {c.domain: c.export(session, user) for c in contributors()}
    return {"format": EXPORT_FORMAT, "exported_at": plain(now), "user_id": user.id, "parts": parts}


def erase_user(session: Session, user: Any, now: datetime) -> None:
    """Remove or anonymise `user`'s personal data everywhere and end their sessions (DATA-2).

    Pseudonymous rows (lesson reads, quiz attempts) stay for course statistics; certificates
    are withdrawn without the name."""
    for contributor in reversed(contributors()):
        contributor.erase(session, user, now)
    bump_generation(session)  # every worker forgets the name it may keep in memory
    session.flush()
