"""The question-type registry: how each kind is checked when authored, validated and graded.

Core module: standard library only. Adding a kind means one class here (or in a module of
its own, like course.quizzes.typed) and its part of the attempt and review templates.
Grading is deterministic and exact (fractions), so re-scoring a stored attempt always gives the same result.
"""

from __future__ import annotations

from fractions import Fraction
from typing import ClassVar, Protocol

from course.problems import N_
from course.quizzes.parser import Found, QuestionDraft
from course.quizzes.typed import NO_OTHER_FEEDBACK, Numerical, ShortAnswer
from course.quizzes.types import (
    MATCHING,
    MULTIPLE,
    SINGLE,
    TRUEFALSE,
    Question,
    QuestionResult,
    Response,
)

MAX_OPTIONS = 20
NO_OPTION_FEEDBACK = N_(
    "the option '{id}' has no feedback: explain under it, indented by two spaces, why it is right or wrong "
    "and on what source"
)
NO_MATCHING_FEEDBACK = N_(
    "the matching question '{id}' needs feedback: under each item, or as general feedback starting with '>'"
)
# Missing feedback keeps a quiz from learners, but not from Moodle: GIFT export (and import)
# report these as warnings, so a file `import-gift` just wrote can be exported again.
FEEDBACK_PROBLEMS = frozenset({NO_OPTION_FEEDBACK, NO_MATCHING_FEEDBACK, NO_OTHER_FEEDBACK})


class QuestionType(Protocol):
    name: ClassVar[str]

    def check(self, draft: QuestionDraft) -> list[Found]:
        """Authoring problems of one question, beyond the common ones."""

    def validate(self, question: Question, response: Response) -> str | None:
        """Why `response` cannot be an answer to `question`, or None when it can."""

    def grade(self, question: Question, response: Response) -> QuestionResult:
        """Grade a validated response."""


def _common_checks(draft: QuestionDraft, minimum: int) -> list[Found]:
    found: list[Found] = []
    if len(draft.options) < minimum:
        message = N_("the question '{id}' needs at least {minimum} options, it has {count}")
        found.append((draft.line, message, {"id": draft.id, "minimum": minimum, "count": len(draft.options)}))
    if len(draft.options) > MAX_OPTIONS:
        message = N_("the question '{id}' has more than {maximum} options")
        found.append((draft.line, message, {"id": draft.id, "maximum": MAX_OPTIONS}))
    seen: set[str] = set()
    for option in draft.options:
        if option.id and option.id in seen:
            message = N_("the option id '{id}' is used twice in this question")
            found.append((option.line, message, {"id": option.id}))
        seen.add(option.id)
    return found


class _ChoiceType:
    """Options marked [x] or [ ]; every option carries feedback."""

    name: ClassVar[str] = ""
    minimum: ClassVar[int] = 2

    def check(self, draft: QuestionDraft) -> list[Found]:
        found = _common_checks(draft, self.minimum)
        for option in draft.options:
            if option.mark is None:
                message = N_("in a {kind} question each option starts with '- [x]' or '- [ ]'")
                found.append((option.line, message, {"kind": self.name}))
            elif not option.feedback.strip():
                found.append((option.line, NO_OPTION_FEEDBACK, {"id": option.id}))
        correct = sum(1 for o in draft.options if o.mark == "x")
        found.extend(self.check_correct(draft, correct))
        return found

    def check_correct(self, draft: QuestionDraft, correct: int) -> list[Found]:
        if correct == 0:
            return [(draft.line, N_("the question '{id}' has no correct option: mark one with [x]"), {"id": draft.id})]
        if correct > 1:
            message = N_("the question '{id}' is single choice but has {count} correct options")
            return [(draft.line, message, {"id": draft.id, "count": correct})]
        return []

    def validate(self, question: Question, response: Response) -> str | None:
        if response.matches:
            return N_("this question does not take matched pairs")
        if not response.chosen <= set(question.option_ids):
            return N_("an answer names an option that is not part of this question")
        if self.name != MULTIPLE and len(response.chosen) > 1:
            return N_("choose only one answer to this question")
        return None

    def grade(self, question: Question, response: Response) -> QuestionResult:
        correct = question.correct_ids
        is_correct = response.chosen == correct
        score = Fraction(question.points) if is_correct else Fraction(0)
        return QuestionResult(
            question.id,
            score,
            question.points,
            is_correct,
            not response.is_empty,
            response.chosen - correct,
            correct - response.chosen,
        )


class SingleChoice(_ChoiceType):
    name = SINGLE


class TrueFalse(_ChoiceType):
    name = TRUEFALSE

    def check(self, draft: QuestionDraft) -> list[Found]:
        found = super().check(draft)
        if sorted(o.id for o in draft.options) != ["false", "true"]:
            message = N_("a true/false question has exactly two options, with ids 'true' and 'false'")
            found.append((draft.line, message, {}))
        return found


class MultipleChoice(_ChoiceType):
    """Partial credit, as documented: each correct option ticked earns points / correct
    options, each wrong option ticked takes as much away, never below zero."""

    name = MULTIPLE

    def check_correct(self, draft: QuestionDraft, correct: int) -> list[Found]:
        if correct == 0:
            return [(draft.line, N_("the question '{id}' has no correct option: mark one with [x]"), {"id": draft.id})]
        return []

    def grade(self, question: Question, response: Response) -> QuestionResult:
        correct = question.correct_ids
        share = Fraction(question.points, len(correct)) if correct else Fraction(0)
        right = len(response.chosen & correct)
        wrong = len(response.chosen - correct)
        score = max(Fraction(0), share * (right - wrong))
        return QuestionResult(
            question.id,
            score,
            question.points,
            response.chosen == correct,
            not response.is_empty,
            response.chosen - correct,
            correct - response.chosen,
        )


class Matching:
    """Each prompt matched right earns points / prompts; a wrong match takes nothing away.

    Item feedback is optional (Moodle's matching has none); general feedback is then required.
    """

    name: ClassVar[str] = MATCHING

    def check(self, draft: QuestionDraft) -> list[Found]:
        found = _common_checks(draft, 2)
        for option in draft.options:
            if option.mark is not None:
                message = N_(
                    "in a matching question each item is '- left side {{#id}} => right "
                    "side', or '- => wrong answer {{#id}}'"
                )
                found.append((option.line, message, {}))
        prompts = [o for o in draft.options if o.mark is None and o.left]
        if len(prompts) < 2:
            message = N_("the matching question '{id}' needs at least two items with a left side")
            found.append((draft.line, message, {"id": draft.id}))
        rights = [o.text.strip().casefold() for o in draft.options if o.mark is None]
        if len(rights) != len(set(rights)):
            message = N_("the matching question '{id}' has the same right side twice")
            found.append((draft.line, message, {"id": draft.id}))
        if any(not o.feedback.strip() for o in prompts) and not draft.general_feedback.strip():
            found.append((draft.line, NO_MATCHING_FEEDBACK, {"id": draft.id}))
        return found

    def validate(self, question: Question, response: Response) -> str | None:
        if response.chosen:
            return N_("this question takes matched pairs")
        prompts = {o.id for o in question.prompts}
        keys = [prompt for prompt, _ in response.matches]
        if len(keys) != len(set(keys)) or not set(keys) <= prompts:
            return N_("an answer names an item that is not part of this question")
        if not {chosen for _, chosen in response.matches} <= set(question.option_ids):
            return N_("an answer names an option that is not part of this question")
        return None

    def grade(self, question: Question, response: Response) -> QuestionResult:
        prompts = question.prompts
        chosen = response.match_map()
        right = frozenset(p.id for p in prompts if chosen.get(p.id) == p.id)
        wrong = frozenset(p.id for p in prompts if p.id in chosen and chosen[p.id] != p.id)
        missed = frozenset(p.id for p in prompts if p.id not in chosen)
        score = Fraction(question.points * len(right), len(prompts)) if prompts else Fraction(0)
        return QuestionResult(
            question.id, score, question.points, len(right) == len(prompts), not response.is_empty, wrong, missed
        )


REGISTRY: dict[str, QuestionType] = {
    t.name: t for t in (SingleChoice(), MultipleChoice(), TrueFalse(), Matching(), ShortAnswer(), Numerical())
}


def question_type(kind: str) -> QuestionType:
    """The registered type for `kind`; KeyError for an unknown kind."""
    return REGISTRY[kind]
