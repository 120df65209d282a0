"""The JSON snapshot of what an attempt asked, and responses as stored JSON.

Core module: standard library only. An attempt stores this snapshot at start (QUIZ-8): it is
graded and reviewed from it, so editing or deleting the quiz file later changes neither the
result nor the review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course.quizzes.drawing import DrawnQuestion
from course.quizzes.types import Case, Option, Question, Response

SNAPSHOT_VERSION = 1


def to_snapshot(drawn: tuple[DrawnQuestion, ...]) -> dict[str, Any]:
    """Plain data for the attempt's JSON column."""
    return {"v": SNAPSHOT_VERSION, "questions": [_question(d) for d in drawn]}


def _question(drawn: DrawnQuestion) -> dict[str, Any]:
    q = drawn.question
    return {
        "id": q.id, "kind": q.kind, "points": q.points, "quiz": q.quiz_id,
        "title": dict(q.title), "html": dict(q.html),
        "general_feedback": dict(q.general_feedback_html),
        "case": None if q.case is None else
        {"id": q.case.id, "title": dict(q.case.title), "html": dict(q.case.html)},
        "options": [{"id": o.id, "html": dict(o.html), "feedback": dict(o.feedback_html),
                     "correct": o.is_correct, "left": dict(o.left_html)} for o in q.options],
        "order": list(drawn.option_order),
    }  # fmt: skip


def from_snapshot(data: Mapping[str, Any]) -> tuple[DrawnQuestion, ...]:
    """The questions as asked, rebuilt from a stored snapshot."""
    return tuple(_drawn(item) for item in data["questions"])


def _drawn(item: Mapping[str, Any]) -> DrawnQuestion:
    case = item.get("case")
    options = tuple(
        Option(o["id"], o["html"], o["feedback"], bool(o["correct"]), o.get("left") or {}) for o in item["options"]
    )
    question = Question(
        id=item["id"], kind=item["kind"], points=int(item["points"]), title=item["title"],
        html=item["html"], options=options, general_feedback_html=item["general_feedback"],
        case=Case(case["id"], case["title"], case["html"]) if case else None,
        quiz_id=item.get("quiz", ""),
    )  # fmt: skip
    return DrawnQuestion(question, tuple(item["order"]))


def responses_to_json(responses: Mapping[str, Response]) -> dict[str, Any]:
    """Responses as plain data: lists sorted so equal answers serialise identically."""
    return {
        qid: {"chosen": sorted(r.chosen), "matches": [list(p) for p in r.matches]}
        for qid, r in sorted(responses.items())
        if not r.is_empty
    }


def responses_from_json(data: Mapping[str, Any] | None) -> dict[str, Response]:
    result: dict[str, Response] = {}
    for qid, item in (data or {}).items():
        result[qid] = Response.of(item.get("chosen", ()), dict(map(tuple, item.get("matches", ()))))
    return result
