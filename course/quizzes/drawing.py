"""Draw an attempt's questions and fix their order and option order from a seed.

Core module: standard library only. The same quiz and seed always give the same draw, so the
server decides once, at start, and stores the result; nothing is re-drawn per request.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from course.quizzes.types import MATCHING, Question, Quiz


@dataclass(frozen=True, slots=True)
class DrawnQuestion:
    """One question as asked: its id and the order its options (or matching answers) appear."""

    question: Question
    option_order: tuple[str, ...]


def question_pool(quiz: Quiz, quizzes: Mapping[str, Quiz]) -> list[tuple[Quiz, int | None]]:
    """The quizzes a draw takes from, each with how many to draw (None: all)."""
    pool: list[tuple[Quiz, int | None]] = []
    if quiz.questions:
        pool.append((quiz, quiz.settings.draw))
    if quiz.is_final and quiz.settings.draw_per_module:
        for other in sorted(quizzes.values(), key=lambda q: (q.module_id or "", q.id)):
            if other.module_id and not other.is_final:
                pool.append((other, quiz.settings.draw_per_module))
    return pool


def draw_attempt(quiz: Quiz, quizzes: Mapping[str, Quiz], seed: int) -> tuple[DrawnQuestion, ...]:
    """Draw, order and shuffle the questions of one attempt, deterministically from `seed`."""
    # Not a secret: the order is shown to the learner; answers never depend on it.
    rng = random.Random(seed)  # noqa: S311
    questions: list[Question] = []
    for source, count in question_pool(quiz, quizzes):
        available = list(source.questions)
        chosen = rng.sample(available, count) if count and count < len(available) else available
        # Keep file order within a source unless shuffling: sample() returns random order.
        order = {q.id: i for i, q in enumerate(available)}
        questions.extend(sorted(chosen, key=lambda q: order[q.id]))
    if quiz.settings.shuffle_questions:
        rng.shuffle(questions)
    questions = _cases_together(questions)
    return tuple(DrawnQuestion(q, _option_order(q, quiz.settings.shuffle_options, rng)) for q in questions)


def _cases_together(questions: list[Question]) -> list[Question]:
    """Questions on one case stay next to each other, where the first of them fell."""
    groups: dict[tuple[str, str], list[Question]] = {}
    for question in questions:
        key = ("case", question.case.id) if question.case else ("question", question.id)
        groups.setdefault(key, []).append(question)
    return [question for group in groups.values() for question in group]


def _option_order(question: Question, shuffle: bool, rng: random.Random) -> tuple[str, ...]:
    ids = list(question.option_ids)
    # Matching answers are always shuffled: in file order, item n's answer would be the nth.
    if shuffle or question.kind == MATCHING:
        rng.shuffle(ids)
    return tuple(ids)


def practice_questions(drawn: tuple[DrawnQuestion, ...], wrong_ids: set[str], seed: int) -> tuple[DrawnQuestion, ...]:
    """The questions answered wrong, reshuffled, for a practice round that does not count."""
    rng = random.Random(seed)  # noqa: S311
    missed = [d for d in drawn if d.question.id in wrong_ids]
    rng.shuffle(missed)
    return tuple(DrawnQuestion(d.question, _option_order(d.question, True, rng)) for d in missed)
