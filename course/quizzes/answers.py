"""The narrow per-question rows of a graded attempt (table `quiz_answer`), built from its results.

Core module: standard library only. `answer_rows` turns what grading stores on the attempt
(results `{question id: ["n/d", is_correct]}` in the order asked, answers `{question id:
{"chosen": [...], ...}}`) into one plain row per question asked; `learner_rows` sums up a
learner's graded attempts at a quiz version (`quiz_learner`). The development seed and the
tests' fixtures build rows here, as the batches after grading do
(course/quizzes/answer_store.py), so they cannot disagree; the migration that fills rows for
older attempts (i13_answer_rows) repeats the same few lines, frozen, as migrations must.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class GradedFacts:
    """What every row of one attempt repeats."""

    attempt_id: int
    user_id: int
    content_hash: str
    attempt_no: int
    lang: str | None
    score: float
    percent: float


def mark(text: str) -> float:
    """A stored per-question score "n/d" (points) as a float."""
    numerator, _, denominator = text.partition("/")
    return int(numerator) / int(denominator or 1)


def chosen_text(answer: Mapping[str, Any] | None) -> str | None:
    """The options chosen as a compact JSON array, or None when no option was chosen (also
    every kind without options: matching, short answer, numerical)."""
    chosen = (answer or {}).get("chosen") or ()
    return json.dumps(sorted(chosen), separators=(",", ":"), ensure_ascii=False) if chosen else None


def answer_rows(facts: GradedFacts, results: Mapping[str, Any], answers: Mapping[str, Any] | None) -> list[dict]:
    """One `quiz_answer` row per question in `results`, `position` in the order asked."""
    answers = answers or {}
    return [
        {
            "attempt_id": facts.attempt_id,
            "question_id": qid,
            "user_id": facts.user_id,
            "content_hash": facts.content_hash,
            "attempt_no": facts.attempt_no,
            "position": position,
            "lang": facts.lang,
            "score": mark(str(result[0])),
            "attempt_score": facts.score,
            "attempt_percent": facts.percent,
            "chosen": chosen_text(answers.get(qid)),
        }
        for position, (qid, result) in enumerate(results.items())
    ]


def learner_rows(attempts: Iterable[Mapping[str, Any]]) -> list[dict]:
    """`quiz_learner` rows summing up graded attempts given in the order they were started
    (each with user_id, quiz_id, content_hash, started_at, finished_at, is_passed)."""
    rows: dict[tuple, dict] = {}
    for attempt in attempts:
        key = (attempt["user_id"], attempt["quiz_id"], attempt["content_hash"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = dict(zip(("user_id", "quiz_id", "content_hash"), key, strict=True))
            row.update(attempts=0, first_started_at=attempt["started_at"], tries_to_pass=None, passed_at=None)
        row["attempts"] += 1
        if attempt["is_passed"] and row["tries_to_pass"] is None:
            row["tries_to_pass"], row["passed_at"] = row["attempts"], attempt["finished_at"]
    return list(rows.values())
