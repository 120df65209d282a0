"""What progress means: per-module and course percentages, and where to continue. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from course.content.types import Module

ReadKey = tuple[str, str]  # (module_id, lesson_id)


@dataclass(frozen=True, slots=True)
class ModuleProgress:
    module: Module
    read: frozenset[str]

    @property
    def read_count(self) -> int:
        return sum(1 for lesson in self.module.lessons if lesson.id in self.read)

    @property
    def total(self) -> int:
        return len(self.module.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.read_count / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.read_count == self.total


@dataclass(frozen=True, slots=True)
class CourseProgress:
    modules: tuple[ModuleProgress, ...]
    continue_at: ReadKey | None

    @property
    def read_count(self) -> int:
        return sum(m.read_count for m in self.modules)

    @property
    def total(self) -> int:
        return sum(m.total for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.read_count / self.total) if self.total else 0


def course_progress(
    modules: Sequence[Module], read: Iterable[ReadKey], last_read: ReadKey | None = None
) -> CourseProgress:
    """Progress over the modules learners can see; reads of removed lessons do not count."""
    by_module: dict[str, set[str]] = {}
    for module_id, lesson_id in read:
        by_module.setdefault(module_id, set()).add(lesson_id)
    progress = tuple(ModuleProgress(m, frozenset(by_module.get(m.id, ()))) for m in modules)
    return CourseProgress(progress, continue_at(modules, by_module, last_read))


def continue_at(modules: Sequence[Module], read: dict[str, set[str]], last_read: ReadKey | None) -> ReadKey | None:
    """The first unread lesson after the last one read, wrapping round; None when all are read."""
    order = [(m.id, lesson.id) for m in modules for lesson in m.lessons]
    start = order.index(last_read) + 1 if last_read in order else 0
    for key in order[start:] + order[:start]:
        if key[1] not in read.get(key[0], set()):
            return key
    return None


def next_lesson(module: Module, lesson_id: str) -> str | None:
    ids = module.lesson_ids
    index = ids.index(lesson_id)
    return ids[index + 1] if index + 1 < len(ids) else None


def previous_lesson(module: Module, lesson_id: str) -> str | None:
    ids = module.lesson_ids
    index = ids.index(lesson_id)
    return ids[index - 1] if index > 0 else None


def module_rows(reads: Iterable[tuple[int, str, str]]) -> list[dict]:
    """`module_learner` rows from (user id, module id, lesson id) reads, as `mark_read` keeps
    them: the lessons of each learner's module, space-separated, in the order given."""
    lessons: dict[tuple[int, str], list[str]] = {}
    for user_id, module_id, lesson_id in reads:
        lessons.setdefault((user_id, module_id), []).append(lesson_id)
    return [{"user_id": u, "module_id": m, "lessons": " ".join(ids)} for (u, m), ids in lessons.items()]


def completed(lessons: str, module: Module) -> bool:
    """Whether a `module_learner` row's lessons include every lesson the module has now."""
    read = set(lessons.split())
    return bool(module.lessons) and all(lesson.id in read for lesson in module.lessons)
