"""Grade a whole attempt with the question-type registry: pure, exact and deterministic.

Core module: standard library and this package's core only. Validation and grading take the
questions as they were asked (from the attempt's snapshot), never the live quiz file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from course.problems import N_
from course.quizzes.question_types import question_type
from course.quizzes.types import AttemptResult, Question, QuestionResult, Response


class InvalidResponse(ValueError):
    """A response that cannot belong to the attempt (tampered or stale form)."""

    def __init__(self, question_id: str, message: str) -> None:
        super().__init__(message)
        self.question_id = question_id
        self.message = message


def validate_responses(questions: Sequence[Question], responses: Mapping[str, Response]) -> None:
    """Raise InvalidResponse unless every response answers a question of this attempt."""
    by_id = {q.id: q for q in questions}
    for question_id, response in responses.items():
        question = by_id.get(question_id)
        if question is None:
            message = N_("an answer names a question that is not part of this attempt")
            raise InvalidResponse(question_id, message)
        problem = question_type(question.kind).validate(question, response)
        if problem is not None:
            raise InvalidResponse(question_id, problem)


def grade_question(question: Question, response: Response | None) -> QuestionResult:
    """Grade one question; no response scores zero."""
    return question_type(question.kind).grade(question, response or Response())


def grade_attempt(questions: Sequence[Question], responses: Mapping[str, Response], pass_mark: int) -> AttemptResult:
    """Validate, then grade every question asked; unanswered questions score zero."""
    validate_responses(questions, responses)
    results = tuple(grade_question(q, responses.get(q.id)) for q in questions)
    score = sum((r.score for r in results), Fraction(0))
    max_score = sum(q.points for q in questions)
    return AttemptResult(results, score, max_score, pass_mark)
