"""Who may have a certificate, and what changed since one was issued. Core: stdlib only.

The rule is data (the CERTIFICATE_ELIGIBILITY setting), evaluated over plain sets: the
course's requirements (from the content catalog) and the learner's record (from progress
and quiz results). Callers gather those; this module never touches a database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# What the setting may name. "lessons" = every lesson read; "quizzes" = every module quiz
# passed; "final" = the final assessment passed. The default needs lessons and quizzes
# (issue 5).
REQUIREMENT_NAMES = ("lessons", "quizzes", "final")
DEFAULT_RULE = "lessons+quizzes"

LessonKey = tuple[str, str]  # (module id, lesson id)


class EligibilityRuleError(ValueError):
    """The CERTIFICATE_ELIGIBILITY setting cannot be understood."""


@dataclass(frozen=True, slots=True)
class EligibilityRule:
    """Which requirements a learner must meet."""

    lessons: bool = True
    quizzes: bool = True
    final: bool = False

    @classmethod
    def parse(cls, setting: str) -> EligibilityRule:
        """Read "lessons+quizzes", "quizzes", "lessons+quizzes+final"... (order, case, spaces free)."""
        names = {part.strip().lower() for part in str(setting).split("+") if part.strip()}
        unknown = names - set(REQUIREMENT_NAMES)
        if unknown or not names:
            raise EligibilityRuleError(
                f"CERTIFICATE_ELIGIBILITY must combine {', '.join(REQUIREMENT_NAMES)} with '+', got {setting!r}"
            )
        return cls(**{name: name in names for name in REQUIREMENT_NAMES})

    def __str__(self) -> str:
        return "+".join(name for name in REQUIREMENT_NAMES if getattr(self, name))


@dataclass(frozen=True, slots=True)
class CourseRequirements:
    """What the course asks for right now: lessons, quizzes (module and final), versions.

    `module_hashes` maps each module id (and `final:<quiz id>` for a required final
    assessment) to its version; `quiz_modules` maps each required quiz to that key.
    """

    lessons: frozenset[LessonKey]
    quizzes: frozenset[str]
    module_hashes: Mapping[str, str]
    quiz_modules: Mapping[str, str]

    @property
    def content_hash(self) -> str:
        """The course version: a hash over every module's id and content hash."""
        return course_content_hash(self.module_hashes)


@dataclass(frozen=True, slots=True)
class LearnerRecord:
    """What one learner has done: lessons read and quizzes passed."""

    lessons_read: frozenset[LessonKey]
    quizzes_passed: frozenset[str]


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The outcome, with what is still missing so a page can say so."""

    eligible: bool
    missing_lessons: tuple[LessonKey, ...]
    missing_quizzes: tuple[str, ...]


def evaluate(rule: EligibilityRule, course: CourseRequirements, record: LearnerRecord) -> Eligibility:
    """Whether `record` meets `rule` for `course`. An empty course certifies nobody."""
    missing_lessons = sorted(course.lessons - record.lessons_read) if rule.lessons else []
    missing_quizzes = sorted(course.quizzes - record.quizzes_passed)
    has_content = bool(course.module_hashes) and bool((rule.lessons and course.lessons) or course.quizzes)
    eligible = has_content and not missing_lessons and not missing_quizzes
    return Eligibility(eligible, tuple(missing_lessons), tuple(missing_quizzes))


def course_content_hash(module_hashes: Mapping[str, str]) -> str:
    """SHA-256 over sorted `module id:hash` lines; stable whatever the module order."""
    lines = "".join(f"{module_id}:{digest}\n" for module_id, digest in sorted(module_hashes.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def short_hash(content_hash: str) -> str:
    """The content version as printed: the first 12 hex digits."""
    return content_hash[:12]


@dataclass(frozen=True, slots=True)
class Recertification:
    """What a holder must redo: modules changed (or added) since issue, and their quizzes."""

    changed_modules: tuple[str, ...]
    quizzes_to_retake: tuple[str, ...]


def recertification(issued_hashes: Mapping[str, str], course: CourseRequirements) -> Recertification:
    """Compare the module hashes a certificate was issued for with the course now."""
    changed = tuple(
        module_id
        for module_id, digest in sorted(course.module_hashes.items())
        if issued_hashes.get(module_id) != digest
    )
    quizzes = tuple(sorted(q for q, m in course.quiz_modules.items() if m in changed))
    return Recertification(changed, quizzes)


def course_requirements(
    rule: EligibilityRule,
    modules: Iterable[tuple[str, str, Iterable[str]]],
    quizzes: Iterable[tuple[str, str, str | None, bool]],
) -> CourseRequirements:
    """Build the requirements from plain catalog facts.

    `modules`: (module id, content hash, lesson ids). `quizzes`: (quiz id, content hash,
    module id or None, is final). A module's version covers its text and its quizzes, so an
    edited quiz also asks for a retake. Quizzes of unknown modules are ignored.
    """
    module_list = [(m, h, tuple(lessons)) for m, h, lessons in modules]
    known = {module_id for module_id, _, _ in module_list}
    quiz_hashes: dict[str, list[str]] = {}
    quiz_keys: dict[str, str] = {}
    finals: dict[str, str] = {}
    for quiz_id, digest, module_id, is_final in quizzes:
        if is_final and rule.final:
            finals[f"final:{quiz_id}"] = digest
            quiz_keys[quiz_id] = f"final:{quiz_id}"
        elif not is_final and module_id in known:
            quiz_hashes.setdefault(module_id, []).append(f"{quiz_id}={digest}")
            if rule.quizzes:
                quiz_keys[quiz_id] = module_id
    hashes = {
        module_id: _combine(digest, sorted(quiz_hashes.get(module_id, []))) for module_id, digest, _ in module_list
    }
    return CourseRequirements(
        lessons=frozenset((m, lesson) for m, _, lessons in module_list for lesson in lessons),
        quizzes=frozenset(quiz_keys),
        module_hashes={**hashes, **finals},
        quiz_modules=quiz_keys,
    )


def _combine(digest: str, parts: list[str]) -> str:
    if not parts:
        return digest
    return hashlib.sha256("\n".join([digest, *parts]).encode("utf-8")).hexdigest()


def lesson_keys(pairs: Iterable[tuple[str, str]]) -> frozenset[LessonKey]:
    """A frozenset of (module id, lesson id) pairs, from any iterable of pairs."""
    return frozenset((str(m), str(lesson)) for m, lesson in pairs)
