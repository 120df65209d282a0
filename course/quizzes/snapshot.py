"""JSON forms of what an attempt asked, of a quiz version's questions, and of responses.

Core module: standard library only (QUIZ-8). Each quiz version's questions, in every language
with their answers and feedback, are stored once under the version's content hash; an
attempt stores that hash and its snapshot: which questions it drew and in which option order.
Grading and review read both, so editing or deleting the quiz file later changes neither the
result nor the review, and ten thousand attempts do not store ten thousand copies of the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from course.quizzes.drawing import DrawnQuestion
from course.quizzes.types import Accepted, Case, Option, Question, Response

SNAPSHOT_VERSION = 2


def question_to_json(q: Question) -> dict[str, Any]:
    """Everything grading and review need about one question, in every language."""
    return {
        "id": q.id,
        "kind": q.kind,
        "points": q.points,
        "quiz": q.quiz_id,
        "title": dict(q.title),
        "html": dict(q.html),
        "general_feedback": dict(q.general_feedback_html),
        "case": None if q.case is None else {"id": q.case.id, "title": dict(q.case.title), "html": dict(q.case.html)},
        "options": [
            {
                "id": o.id,
                "html": dict(o.html),
                "feedback": dict(o.feedback_html),
                "correct": o.is_correct,
                "left": dict(o.left_html),
            }
            for o in q.options
        ],
        **_typed_to_json(q),
    }


def _typed_to_json(q: Question) -> dict[str, Any]:
    """Typed kinds only (older snapshots have neither key): accepted answers per language."""
    if not q.accepted:
        return {}
    accepted = {
        lang: [
            {"text": a.text, "feedback": a.feedback_html, "low": _fraction(a.low), "high": _fraction(a.high)}
            for a in answers
        ]
        for lang, answers in q.accepted.items()
    }
    return {"accepted": accepted, "other_feedback": dict(q.other_feedback_html)}


def _fraction(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def _accepted_from_json(data: Mapping[str, Any]) -> dict[str, tuple[Accepted, ...]]:
    return {
        lang: tuple(
            Accepted(
                a["text"],
                a.get("feedback", ""),
                None if a.get("low") is None else Fraction(a["low"]),
                None if a.get("high") is None else Fraction(a["high"]),
            )
            for a in answers
        )
        for lang, answers in data.items()
    }


def question_from_json(item: Mapping[str, Any]) -> Question:
    case = item.get("case")
    options = tuple(
        Option(o["id"], o["html"], o["feedback"], bool(o["correct"]), o.get("left") or {}) for o in item["options"]
    )
    return Question(
        id=item["id"],
        kind=item["kind"],
        points=int(item["points"]),
        title=item["title"],
        html=item["html"],
        options=options,
        general_feedback_html=item["general_feedback"],
        case=Case(case["id"], case["title"], case["html"]) if case else None,
        quiz_id=item.get("quiz", ""),
        accepted=_accepted_from_json(item.get("accepted") or {}),
        other_feedback_html=item.get("other_feedback") or {},
    )


def content_to_json(questions: Iterable[Question]) -> dict[str, Any]:
    """A quiz version's questions, keyed by id: stored once per content hash."""
    return {q.id: question_to_json(q) for q in questions}


def content_from_json(data: Mapping[str, Any]) -> dict[str, Question]:
    return {qid: question_from_json(item) for qid, item in data.items()}


def to_snapshot(drawn: tuple[DrawnQuestion, ...]) -> dict[str, Any]:
    """What one attempt asked: question ids and option orders (the text is in the version)."""
    return {"v": SNAPSHOT_VERSION, "questions": [{"id": d.question.id, "order": list(d.option_order)} for d in drawn]}


def from_snapshot(data: Mapping[str, Any], questions: Mapping[str, Question]) -> tuple[DrawnQuestion, ...]:
    """The questions as asked, from an attempt's snapshot and its quiz version's questions."""
    return tuple(DrawnQuestion(questions[item["id"]], tuple(item["order"])) for item in data["questions"])


def responses_to_json(responses: Mapping[str, Response]) -> dict[str, Any]:
    """Responses as plain data: lists sorted so equal answers serialise identically."""
    return {
        qid: {
            "chosen": sorted(r.chosen),
            "matches": [list(p) for p in r.matches],
            **({"text": r.text} if r.text else {}),
        }
        for qid, r in sorted(responses.items())
        if not r.is_empty
    }


def responses_from_json(data: Mapping[str, Any] | None) -> dict[str, Response]:
    result: dict[str, Response] = {}
    for qid, item in (data or {}).items():
        matches = dict(map(tuple, item.get("matches", ())))
        result[qid] = Response.of(item.get("chosen", ()), matches, str(item.get("text", "")))
    return result
