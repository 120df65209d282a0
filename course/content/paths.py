"""Where lessons and pages live on the site; `lesson:` and `page:` links resolve to these.

Core: stdlib only, shared by the content and quiz loaders.
"""

from __future__ import annotations


def module_path(module_id: str) -> str:
    return f"/modules/{module_id}"


def job_aid_path(module_id: str) -> str:
    return f"/modules/{module_id}/job-aid"


def lesson_path(module_id: str, lesson_id: str) -> str:
    return f"/modules/{module_id}/{lesson_id}"


def page_path(page_id: str) -> str:
    return f"/pages/{page_id}"
