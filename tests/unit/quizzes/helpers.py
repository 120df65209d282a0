"""Builders shared by the quiz unit tests: modules, questions and the sample quizzes."""

from __future__ import annotations

from pathlib import Path

from course.content.types import Lesson, Module
from course.quizzes.loader import load_quizzes
from course.quizzes.types import Option, Question, Quiz

DATA = Path(__file__).resolve().parents[2] / "data" / "quizzes"
GOOD = DATA / "good"
BROKEN = DATA / "broken"


def module(module_id: str, lessons: tuple[str, ...] = ("intro",)) -> Module:
    return Module(
        module_id,
        1,
        {"uk": module_id, "en": module_id},
        {},
        10,
        {},
        {},
        tuple(Lesson(lesson, {}, {}, 1) for lesson in lessons),
        "hash",
        (),
    )


MODULES = {"basics": module("basics"), "other": module("other")}


def good_quizzes() -> dict[str, Quiz]:
    quizzes, problems = load_quizzes(GOOD, MODULES)
    assert problems == []
    return quizzes


def question(
    kind: str = "single",
    points: int = 1,
    correct: tuple[str, ...] = ("a",),
    options: tuple[str, ...] = ("a", "b", "c"),
    prompts: tuple[str, ...] = (),
) -> Question:
    """A question with plain options; for matching, `prompts` name the items with a left side."""
    built = tuple(
        Option(
            o,
            {"en": o},
            {"en": f"why {o}"},
            o in correct,
            {"en": f"left {o}"} if o in prompts else {},
        )
        for o in options
    )
    return Question(f"q-{kind}", kind, points, {"en": "Q"}, {}, built)
