"""What this request completed (web layer): a lesson newly read, a quiz newly passed.

Certificates are issued after a request that completed something (course/certificates/views.py);
a failed quiz, a lesson read twice or an autosave cannot make a learner eligible, so those
requests skip the eligibility queries.
"""

from __future__ import annotations

from flask import g


def record_completion() -> None:
    g.completed_something = True


def completed_something() -> bool:
    return bool(g.get("completed_something"))
