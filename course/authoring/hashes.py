"""The content hashes a release contains, from its built catalog. Core: stdlib and core only.

Attempts record their quiz's hash, lesson reads their module's, certificates the course
version (course.certificates.eligibility); each of these, and the release's own hash, is
indexed so `release_of_hash` finds the release whatever kind of hash it is given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from course.certificates.eligibility import EligibilityRule, course_requirements


def files_hash(files: Mapping[str, bytes]) -> str:
    """SHA-256 over the sorted `path sha256-of-bytes` lines: equal exactly when the files are."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(f"{path} {hashlib.sha256(files[path]).hexdigest()}\n".encode())
    return digest.hexdigest()


def catalog_hashes(catalog: Any) -> set[str]:
    """Every module's, page's, job aid's and quiz's hash, and the course version a certificate
    would record under either eligibility rule (with or without the final assessment)."""
    found: set[str] = {m.content_hash for m in catalog.modules}
    found.update(p.content_hash for p in _values(catalog.pages, catalog.job_aids))
    found.update(q.content_hash for q in catalog.quizzes.values())
    modules = [(m.id, m.content_hash, m.lesson_ids) for m in catalog.modules]
    quizzes = [(q.id, q.content_hash, q.module_id, bool(q.is_final)) for q in catalog.quizzes.values()]
    for final in (False, True):
        found.add(course_requirements(EligibilityRule(final=final), modules, quizzes).content_hash)
    return found


def _values(*mappings: Mapping[str, Any]) -> Iterable[Any]:
    for mapping in mappings:
        yield from mapping.values()
