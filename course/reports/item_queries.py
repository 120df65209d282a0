"""Which attempts an item analysis reads, under the attempt policy, streamed in one pass.

Use-case layer: session and validated parameters in, an `ItemAnalysis` out. The policy picks
one attempt per learner (first, highest, last) or keeps all; the percentages are read first
with a GROUP BY to cut the thirds, then the attempts are streamed (`yield_per`, a server-side
cursor on PostgreSQL) through the pure accumulator, so memory stays flat as attempts grow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.quizzes.models import QuizAttempt, QuizContent
from course.quizzes.services import content_questions
from course.quizzes.types import Question
from course.reports.filters import Filters
from course.reports.items import ItemAnalysis, question_meta, tertile_cuts
from course.reports.queries import graded, population

STREAM_ROWS = 1000


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
    columns = [QuizAttempt.id, QuizAttempt.score, QuizAttempt.percent, QuizAttempt.results, QuizAttempt.answers, lang]
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
    """Run the item analysis of one quiz version for the filters and policy."""
    questions = content_questions(session, query.content_hash)
    ranked, chosen = _ranked(query)
    lang = query.filters.lang
    analysed = [*chosen, ranked.c.lang == lang] if lang else chosen
    percents = Counter(
        {
            float(percent or 0): count
            for percent, count in session.execute(
                select(ranked.c.percent, func.count()).where(*analysed).group_by(ranked.c.percent)
            )
        }
    )
    metas = {qid: question_meta(q) for qid, q in questions.items()}
    analysis = ItemAnalysis(metas, tertile_cuts(percents))
    rows = select(ranked.c.score, ranked.c.percent, ranked.c.results, ranked.c.answers, ranked.c.lang).where(*chosen)
    for score, percent, results, answers, row_lang in session.execute(rows.execution_options(yield_per=STREAM_ROWS)):
        counted = lang is None or row_lang == lang
        analysis.add(float(score or 0), float(percent or 0), results or {}, answers, row_lang or "", counted)
    return analysis, questions


def asked_questions(analysis: ItemAnalysis, questions: Mapping[str, Question]) -> list[str]:
    """The ids of the questions that were asked at least once, in the version's order."""
    return [qid for qid in questions if analysis.items[qid].moments.n or analysis.seen(qid)]
