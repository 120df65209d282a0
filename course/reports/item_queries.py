"""Which attempts an item analysis reads, under the attempt policy, counted by the database.

Use-case layer: session and validated parameters in, an `ItemAnalysis` out. The policy picks
one attempt per learner (first, highest, last) or keeps all, ranked on the narrow covering
index; the chosen attempts' answers are unnested with json_each and counted with GROUP BY,
so Python receives a few thousand grouped rows whatever the number of attempts and memory
stays flat as attempts grow.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session, aliased

from course.quizzes.models import QuizAttempt, QuizContent
from course.quizzes.services import content_questions
from course.quizzes.types import Question
from course.reports.filters import Filters
from course.reports.items import ItemAnalysis, parse_score, question_meta, tertile_cuts
from course.reports.queries import graded, population
from course.reports.sql import AsJsonb, ChosenOptions, JsonText


@dataclass(frozen=True, slots=True)
class ItemQuery:
    quiz_id: str
    content_hash: str
    policy: str
    filters: Filters


def versions(session: Session, quiz_id: str) -> list[str]:
    """The stored content versions of a quiz, newest first."""
    query = select(QuizContent.content_hash).where(QuizContent.quiz_id == quiz_id)
    return list(session.scalars(query.order_by(QuizContent.stored_at.desc(), QuizContent.content_hash)))


def _ranked(query: ItemQuery):
    """The attempts analysed, with the attempt's language (the account's for old attempts)."""
    p = population(query.filters.without_lang(), "lang")
    lang = func.coalesce(QuizAttempt.lang, p.c.g).label("lang")
    # Narrow columns only (the covering index): the wide JSON is read for the chosen attempts alone.
    columns = [QuizAttempt.id, QuizAttempt.score, QuizAttempt.percent, lang]
    order = {
        "first": (QuizAttempt.started_at, QuizAttempt.id),
        "last": (QuizAttempt.started_at.desc(), QuizAttempt.id.desc()),
        "highest": (QuizAttempt.score.desc(), QuizAttempt.started_at, QuizAttempt.id),
    }.get(query.policy)
    # "first" ranks over every version: a learner's first attempt at v2 after trying v1 is a retake.
    where = [graded(), QuizAttempt.quiz_id == query.quiz_id]
    if query.policy != "first":
        where.append(QuizAttempt.content_hash == query.content_hash)
    statement = select(*columns, QuizAttempt.content_hash.label("version")).join(p, p.c.id == QuizAttempt.user_id)
    if order is not None:
        partition = QuizAttempt.user_id
        statement = statement.add_columns(func.row_number().over(partition_by=partition, order_by=order).label("n"))
    ranked = statement.where(*where).subquery("ranked")
    chosen = [ranked.c.version == query.content_hash]
    if order is not None:
        chosen.append(ranked.c.n == 1)
    return ranked, chosen


def analyse(session: Session, query: ItemQuery) -> tuple[ItemAnalysis, dict[str, Question]]:
    """Run the item analysis of one quiz version for the filters and policy.

    Two GROUP BY queries, so the database does the counting and Python receives a few
    thousand rows whatever the number of attempts: one over the analysed attempts (total,
    percentage), one over their answers (question, mark, total, percentage, language, options
    chosen), unnested with json_each on both engines."""
    questions = content_questions(session, query.content_hash)
    ranked, chosen = _ranked(query)
    lang = query.filters.lang
    analysed = [*chosen, ranked.c.lang == lang] if lang else chosen
    per_total = select(ranked.c.score, ranked.c.percent, func.count()).where(*analysed)
    attempts = session.execute(per_total.group_by(ranked.c.score, ranked.c.percent)).all()
    percents = Counter()
    for _score, percent, count in attempts:
        percents[float(percent or 0)] += count
    analysis = ItemAnalysis({qid: question_meta(q) for qid, q in questions.items()}, tertile_cuts(percents))
    for score, percent, count in attempts:
        analysis.add_attempts(float(score or 0), float(percent or 0), count)
    each = "jsonb_each" if session.get_bind().dialect.name == "postgresql" else "json_each"
    for qid, mark, total, percent, row_lang, picked, count in session.execute(_answers(ranked, chosen, each)):
        counted = lang is None or row_lang == lang
        options = json.loads(picked) if picked else ()
        total, percent = float(total or 0), float(percent or 0)
        analysis.add_item(qid, parse_score(mark), total, percent, options, row_lang or "", counted, count)
    return analysis, questions


def _answers(ranked, chosen, each: str):
    """Answers of the chosen attempts, counted per (question, mark, total, %, language, options).

    The chosen attempts' JSON is read once each (a materialised CTE; jsonb on PostgreSQL, so
    looking up each question's answer does not parse the document again)."""
    full = aliased(QuizAttempt)
    attempts = (
        select(
            ranked.c.score,
            ranked.c.percent,
            ranked.c.lang,
            AsJsonb(full.results).label("results"),
            AsJsonb(full.answers).label("answers"),
        )
        .join(full, full.id == ranked.c.id)
        .where(*chosen)
        .cte("chosen_attempts")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    results = getattr(func, each)(attempts.c.results).table_valued("key", "value", name="result")
    mark, picked = JsonText(results.c.value, 0), ChosenOptions(attempts.c.answers, results.c.key)
    keys = (results.c.key, mark, attempts.c.score, attempts.c.percent, attempts.c.lang, picked)
    return select(*keys, func.count()).select_from(attempts).join(results, true()).group_by(*keys)


def asked_questions(analysis: ItemAnalysis, questions: Mapping[str, Question]) -> list[str]:
    """The ids of the questions that were asked at least once, in the version's order."""
    return [qid for qid in questions if analysis.items[qid].moments.n or analysis.seen(qid)]
