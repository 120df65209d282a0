"""Which attempts an item analysis reads, under the attempt policy, counted by the database.

Use-case layer: session and validated parameters in, an `ItemAnalysis` out. It reads the
narrow answer rows written from graded attempts (`quiz_answer`, course/quizzes/answer_store.py),
never the attempts' JSON: the first attempt is a stored number, the highest or last is ranked on
the attempts' narrow index; the rows are counted with GROUP BY on their covering index, so Python
receives a few thousand grouped rows whatever the number of attempts and memory stays flat.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from course.cohorts.scope import Actor
from course.extensions import Session
from course.quizzes.models import QuizAnswer, QuizAttempt, QuizContent
from course.quizzes.services import content_questions
from course.quizzes.types import Question
from course.reports.filters import Filters
from course.reports.items import ItemAnalysis, question_meta, tertile_cuts
from course.reports.queries import graded, population

CHUNK = 1000  # grouped rows fetched at a time (a server-side cursor on PostgreSQL)


@dataclass(frozen=True, slots=True)
class ItemQuery:
    quiz_id: str
    content_hash: str
    policy: str
    filters: Filters
    actor: Actor  # whose scope the attempts come from (course/reports/population.py)


def versions(session: Session, quiz_id: str) -> list[str]:
    """The stored content versions of a quiz, newest first."""
    query = select(QuizContent.content_hash).where(QuizContent.quiz_id == quiz_id)
    return list(session.scalars(query.order_by(QuizContent.stored_at.desc(), QuizContent.content_hash)))


def _analysed(query: ItemQuery):
    """The answer rows analysed under the policy, joined to the population, and the language
    each was given in (the attempt's; the account's for attempts from before it was kept)."""
    p = population(query.actor, query.filters.without_lang(), "lang")
    lang = func.coalesce(QuizAnswer.lang, p.c.g)
    where = [QuizAnswer.content_hash == query.content_hash]
    if query.policy == "first":
        # Numbered over every version: a learner's first attempt at v2 after trying v1 is a retake.
        where.append(QuizAnswer.attempt_no == 1)
    elif query.policy in ("highest", "last"):
        where.append(QuizAnswer.attempt_id.in_(_one_per_learner(query)))
    return p, lang, where


def _one_per_learner(query: ItemQuery):
    """Each learner's highest-scoring or last attempt at this version (ranked on the narrow index)."""
    order = {
        "last": (QuizAttempt.started_at.desc(), QuizAttempt.id.desc()),
        "highest": (QuizAttempt.score.desc(), QuizAttempt.started_at, QuizAttempt.id),
    }[query.policy]
    number = func.row_number().over(partition_by=QuizAttempt.user_id, order_by=order).label("n")
    ranked = (
        select(QuizAttempt.id, number)
        .where(graded(), QuizAttempt.quiz_id == query.quiz_id, QuizAttempt.content_hash == query.content_hash)
        .subquery("ranked")
    )
    return select(ranked.c.id).where(ranked.c.n == 1)


def analyse(session: Session, query: ItemQuery) -> tuple[ItemAnalysis, dict[str, Question]]:
    """Run the item analysis of one quiz version for the filters and policy.

    Two GROUP BY queries over the narrow answer rows (`quiz_answer`), so the database does the
    counting and Python receives a few thousand rows whatever the number of attempts: one over
    the analysed attempts (total, percentage: each attempt's first question stands for it), one
    over their answers (question, mark, total, percentage, language, options chosen), read in
    chunks so memory stays flat."""
    questions = content_questions(session, query.content_hash)
    p, lang, where = _analysed(query)
    wanted = query.filters.lang
    a = QuizAnswer
    per_total = (
        select(a.attempt_score, a.attempt_percent, func.count())
        .join(p, p.c.id == a.user_id)
        .where(*where, a.position == 0, *([lang == wanted] if wanted else []))
        .group_by(a.attempt_score, a.attempt_percent)
    )
    attempts = session.execute(per_total).all()
    percents: Counter[float] = Counter()
    for _score, percent, count in attempts:
        percents[float(percent)] += count
    analysis = ItemAnalysis({qid: question_meta(q) for qid, q in questions.items()}, tertile_cuts(percents))
    for score, percent, count in attempts:
        analysis.add_attempts(float(score), float(percent), count)
    keys = (a.question_id, a.score, a.attempt_score, a.attempt_percent, lang, a.chosen)
    answers = select(*keys, func.count()).join(p, p.c.id == a.user_id).where(*where).group_by(*keys)
    options: dict[str | None, tuple[str, ...]] = {None: ()}
    for qid, mark, total, percent, row_lang, picked, count in session.execute(
        answers.execution_options(yield_per=CHUNK)
    ):
        chosen = options.get(picked)
        if chosen is None:
            chosen = options[picked] = tuple(json.loads(picked))
        counted = wanted is None or row_lang == wanted
        analysis.add_item(qid, float(mark), float(total), float(percent), chosen, row_lang or "", counted, count)
    return analysis, questions


def asked_questions(analysis: ItemAnalysis, questions: Mapping[str, Question]) -> list[str]:
    """The ids of the questions that were asked at least once, in the version's order."""
    return [qid for qid in questions if analysis.items[qid].moments.n or analysis.seen(qid)]
