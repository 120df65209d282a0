"""Development data: realistic learners, reading, attempts and certificates, inserted in bulk.

For the reports' screens and benchmark only (`flask dev seed`, refused in production). Each
learner gets an ability; they read modules in order and some stop; they take each module's
quiz after reading it, with retakes until they pass or give up; those who pass every module
quiz take the final assessment and are certified. Answers follow a simple item-response
model: questions differ in difficulty, and a few are deliberately "miskeyed" (the strongest
learners pick a wrong option), so item analysis has something to find. Attempts are graded by
the real scorer. Every account shares ONE precomputed password hash (argon2 per learner would
take hours at 100,000): nobody can log in as a seeded learner without the printed password.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from course.accounts.choices import ORG_TYPES, REGIONS
from course.accounts.models import User
from course.accounts.passwords import hash_password
from course.certificates.codes import new_code
from course.certificates.models import Certificate
from course.content.types import Module
from course.extensions import Session
from course.progress.models import LessonRead, ModuleLearner
from course.progress.rules import module_rows
from course.quizzes.answers import GradedFacts, answer_rows, learner_rows
from course.quizzes.drawing import draw_attempt
from course.quizzes.models import FINISHED, QuizAnswer, QuizAttempt, QuizLearner
from course.quizzes.scoring import grade_question
from course.quizzes.services import snapshot_of, store_content
from course.quizzes.snapshot import responses_to_json
from course.quizzes.types import MATCHING, MULTIPLE, TYPED_KINDS, Question, Quiz, Response

CHUNK = 2000
DRAWS_PER_QUIZ = 40
FIRST_NAMES = ("Олена", "Андрій", "Марія", "Олег", "Ірина", "Тарас", "Наталія", "Богдан", "Оксана", "Юрій")
LAST_NAMES = ("Петренко", "Коваленко", "Шевченко", "Бондар", "Мельник", "Ткаченко", "Кравчук", "Савчук")
# Larger oblasts weigh more; the weights are invented for test data, not statistics.
BIG_REGIONS = {"kyiv-city": 8, "kharkiv": 5, "dnipropetrovsk": 5, "lviv": 5, "odesa": 5, "kyiv-oblast": 4}
ORG_WEIGHTS = {"police": 5, "social": 5, "ngo": 3, "migration": 2, "employment": 2, "education": 2, "health": 2}
COURSE_TITLE = "Countering human trafficking: a course for frontline practitioners"


@dataclass(frozen=True, slots=True)
class SeedResult:
    learners: int
    lesson_reads: int
    attempts: int
    certificates: int
    password: str


def _unit(text: str) -> float:
    """A stable number in [0, 1) from a question id: the same question is always as hard."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 2**32


@dataclass(frozen=True, slots=True)
class _Item:
    """What the answer model needs about one question, worked out once."""

    question: Question
    difficulty: float
    miskeyed: bool
    right: Response
    wrong: tuple[str, ...]
    weights: tuple[float, ...]


def _item(question: Question) -> _Item:
    wrong = tuple(o.id for o in question.options if not o.is_correct)
    if question.kind == MATCHING:
        right = Response.of(matches={p.id: p.id for p in question.prompts})
    elif question.kind in TYPED_KINDS:  # the first accepted answer, as a learner would type it
        right = Response.of(text=next((a.text for answers in question.accepted.values() for a in answers), ""))
    else:
        right = Response.of(question.correct_ids)
    miskeyed = question.kind not in (MATCHING, MULTIPLE) and bool(wrong) and _unit("key" + question.id) < 0.12
    # Distractors are not equally attractive: the last is chosen rarely (an "unused" option).
    weights = tuple(itertools.accumulate(4.0 / (i + 1) ** 1.6 for i in range(len(wrong))))
    return _Item(question, -2.6 + 3.4 * _unit(question.id), miskeyed, right, wrong, weights)


def _respond(item: _Item, ability: float, attempt_number: int, rng: random.Random) -> Response:
    """A plausible answer: right with a probability rising with ability, else a distractor."""
    if item.miskeyed:
        # The keyed answer is the one weak learners pick; strong learners pick the "real" one.
        if rng.random() < 1 / (1 + math.exp(1.4 * ability)):
            return item.right
        return Response.of({item.wrong[0]})
    p = 1 / (1 + math.exp(-1.3 * (ability + 0.5 * attempt_number - item.difficulty)))
    if rng.random() < p or not item.wrong and item.question.kind not in (MATCHING, *TYPED_KINDS):
        return item.right
    question = item.question
    if question.kind in TYPED_KINDS:
        return Response.of(text="?")
    if question.kind == MATCHING:
        prompts = [p.id for p in question.prompts]
        return Response.of(matches=dict(zip(prompts, prompts[1:] + prompts[:1], strict=True)))
    pick = rng.choices(item.wrong, cum_weights=item.weights)[0]
    if question.kind == MULTIPLE:
        keyed = sorted(question.correct_ids)
        return Response.of(set(keyed[:-1]) | {pick} if rng.random() < 0.6 else set(keyed[:-1]) or {pick})
    return Response.of({pick})


class Seeder:
    """Builds rows learner by learner and inserts them in chunks (one INSERT per chunk)."""

    def __init__(
        self,
        session: Session,
        modules: Sequence[Module],
        quizzes: Mapping[str, Quiz],
        now: datetime,
        rng: random.Random,
    ) -> None:
        self.session, self.modules, self.quizzes, self.now, self.rng = session, modules, quizzes, now, rng
        self.module_quiz = {q.module_id: q for q in quizzes.values() if q.module_id and not q.is_final}
        self.final = next((q for q in quizzes.values() if q.is_final), None)
        self.reads: list[dict] = []
        self.attempts: list[dict] = []
        self.certificates: list[dict] = []
        self.totals = [0, 0, 0]
        self.regions = list(REGIONS)
        self.region_weights = [
            BIG_REGIONS.get(r, 1.5 if r not in ("crimea", "sevastopol-city") else 0.2) for r in REGIONS
        ]
        self.orgs = list(ORG_TYPES)
        self.org_weights = [ORG_WEIGHTS.get(o, 1) for o in ORG_TYPES]
        self.draws: dict[str, list] = {}
        self._items: dict[str, _Item] = {}
        self._grades: dict[tuple[str, Response], tuple[float, list, dict]] = {}

    def user_rows(self, count: int, tag: str, password_hash: str) -> list[dict]:
        rng, rows = self.rng, []
        for i in range(count):
            created = self.now - timedelta(days=rng.uniform(0, 540) ** 1.0, minutes=rng.uniform(0, 600))
            rows.append(
                {
                    "email": f"seed-{tag}-{i}@example.org",
                    "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "password_hash": password_hash,
                    "org_type": rng.choices(self.orgs, self.org_weights)[0],
                    "region": rng.choices(self.regions, self.region_weights)[0],
                    "position": None,
                    "role": "learner",
                    "locale": "uk" if rng.random() < 0.85 else "en",
                    "session_epoch": 0,
                    "is_active": True,
                    "created_at": created,
                }
            )
        return rows

    def learner(self, user_id: int, created: datetime, locale: str, name: str) -> None:
        """Everything one learner did, appended to the pending rows."""
        rng = self.rng
        ability = rng.gauss(0, 1)
        if rng.random() > 0.85:
            return  # registered and never came back
        clock = created + timedelta(hours=rng.uniform(0.1, 72))
        passed_all = True
        for index, module in enumerate(self.modules):
            keep_going = 1 / (1 + math.exp(-(ability + 3.0 - 0.2 * index)))
            complete = rng.random() < keep_going
            lessons = module.lessons if complete else module.lessons[: rng.randrange(len(module.lessons) + 1)]
            for lesson in lessons:
                clock += timedelta(minutes=rng.uniform(3, 40))
                self.reads.append(
                    {
                        "user_id": user_id,
                        "module_id": module.id,
                        "lesson_id": lesson.id,
                        "content_hash": module.content_hash,
                        "read_at": min(clock, self.now),
                    }
                )
            quiz = self.module_quiz.get(module.id)
            if not complete:
                passed_all = False
                break
            if quiz is not None:
                passed, clock = self._quiz(user_id, quiz, ability, locale, clock)
                passed_all = passed_all and passed
                if not passed:
                    break
        if passed_all and self.final is not None:
            passed, clock = self._quiz(user_id, self.final, ability, locale, clock)
            if passed:
                self._certificate(user_id, name, locale, clock)

    def _draw(self, quiz: Quiz) -> tuple[tuple[_Item, ...], dict, int]:
        """One of a few dozen draws per quiz, made once (drawing is the slow part of seeding)."""
        draws = self.draws.get(quiz.id)
        if draws is None:
            draws = self.draws[quiz.id] = []
            for _ in range(DRAWS_PER_QUIZ):
                drawn = draw_attempt(quiz, self.quizzes, self.rng.getrandbits(32))
                items = tuple(self._items.setdefault(d.question.id, _item(d.question)) for d in drawn)
                draws.append((items, snapshot_of(drawn, quiz.settings), sum(d.question.points for d in drawn)))
        return self.rng.choice(draws)

    def _grade(self, item: _Item, response: Response) -> tuple[float, list, dict]:
        """The real scorer's grade, as stored, and the stored answer; kept per (question,
        answer), since the same answers come up again and again."""
        key = (item.question.id, response)
        graded = self._grades.get(key)
        if graded is None:
            result = grade_question(item.question, response)
            stored: list = [f"{result.score.numerator}/{result.score.denominator}", result.is_correct]
            graded = self._grades[key] = (float(result.score), stored, responses_to_json({"q": response})["q"])
        return graded

    def _quiz(self, user_id: int, quiz: Quiz, ability: float, locale: str, clock: datetime) -> tuple[bool, datetime]:
        """Graded attempts until a pass, or until the learner gives up (at most four)."""
        for number in range(4):
            clock += timedelta(minutes=self.rng.uniform(5, 25) + (quiz.settings.cooldown_minutes if number else 0))
            if clock > self.now:
                return False, clock
            items, snapshot, max_score = self._draw(quiz)
            score, answers, results = self._answer_all(items, ability, number)
            passed = score * 100 >= quiz.settings.pass_mark * max_score - 1e-9
            started = clock - timedelta(minutes=self.rng.uniform(4, 20))
            self.attempts.append(
                {
                    "public_id": secrets.token_hex(16),
                    "user_id": user_id,
                    "quiz_id": quiz.id,
                    "content_hash": quiz.content_hash,
                    "is_practice": False,
                    "attempt_no": number + 1,
                    "lang": locale,
                    "status": FINISHED,
                    "version": 1,
                    "snapshot": snapshot,
                    "answers": answers,
                    "started_at": started,
                    "updated_at": clock,
                    "finished_at": clock,
                    "score": score,
                    "max_score": max_score,
                    "percent": round(100 * score / max_score, 1) if max_score else 0.0,
                    "is_passed": passed,
                    "results": results,
                }
            )
            if passed:
                return True, clock
            if self.rng.random() < 0.15:
                return False, clock
        return False, clock

    def _answer_all(self, items, ability: float, number: int) -> tuple[float, dict, dict]:
        """One attempt's answers to every drawn question: the score, the stored answers and
        the stored result per question (a question left blank stores no answer)."""
        score, answers, results = 0.0, {}, {}
        for item in items:
            qid = item.question.id
            points, stored, answer = self._grade(item, _respond(item, ability, number, self.rng))
            score += points
            results[qid] = stored
            if answer is not None:
                answers[qid] = answer
        return score, answers, results

    def _certificate(self, user_id: int, name: str, locale: str, issued: datetime) -> None:
        expires = issued + timedelta(days=365)
        row: dict[str, Any] = {
            "code": new_code(),
            "user_id": user_id,
            "course_id": "frontline",
            "issue_number": 1,
            "holder_name": name,
            "lang": locale,
            "course_title": COURSE_TITLE,
            "course_title_en": COURSE_TITLE,
            "content_hash": self.final.content_hash if self.final else "",
            "module_hashes": {},
            "rule": "seed",
            "issued_at": issued,
            "expires_at": expires,
            "revoked_at": None,
            "revoked_reason": None,
            "superseded_at": None,
        }
        if self.rng.random() < 0.02:
            row.update(revoked_at=issued + timedelta(days=self.rng.uniform(1, 60)), revoked_reason="seed data")
            row["revoked_at"] = min(row["revoked_at"], self.now)
        self.certificates.append(row)
        if expires < self.now and row["revoked_at"] is None and self.rng.random() < 0.5:
            row["superseded_at"] = expires
            self.certificates.append(
                {
                    **row,
                    "code": new_code(),
                    "issue_number": 2,
                    "issued_at": expires,
                    "expires_at": expires + timedelta(days=365),
                    "superseded_at": None,
                }
            )

    def flush(self) -> None:
        """Insert what is pending, one statement per table (the attempts' answer rows too)."""
        self._answer_rows()
        reads = ((r["user_id"], r["module_id"], r["lesson_id"]) for r in self.reads)
        if self.reads:
            self.session.execute(ModuleLearner.__table__.insert(), module_rows(reads))
        for model, rows, index in (
            (LessonRead, self.reads, 0),
            (Certificate, self.certificates, 2),
        ):
            if rows:
                self.session.execute(model.__table__.insert(), rows)
                self.totals[index] += len(rows)
                rows.clear()

    def _answer_rows(self) -> None:
        """The attempts, then the reports' rows of them, built as submitting builds them."""
        if not self.attempts:
            return
        table = QuizAttempt.__table__
        insert_attempts = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        ids = self.session.execute(insert_attempts, self.attempts).scalars().all()
        rows = []
        for attempt_id, row in zip(ids, self.attempts, strict=True):
            number = row["attempt_no"]
            facts = GradedFacts(
                attempt_id, row["user_id"], row["content_hash"], number, row["lang"], row["score"], row["percent"]
            )
            rows += answer_rows(facts, row["results"], row["answers"])
        if rows:
            self.session.execute(QuizAnswer.__table__.insert(), rows)
        # A chunk holds every attempt of its learners, in the order they were started.
        self.session.execute(QuizLearner.__table__.insert(), learner_rows(self.attempts))
        self.totals[1] += len(self.attempts)
        self.attempts.clear()


def seed(
    session: Session,
    modules: Sequence[Module],
    quizzes: Mapping[str, Quiz],
    learners: int,
    now: datetime,
    seed_value: int | None = None,
) -> SeedResult:
    """Add `learners` seeded learners and their activity; flushes, never commits."""
    rng = random.Random(seed_value)  # noqa: S311 - invented test data, not a secret
    password = secrets.token_urlsafe(12)
    password_hash = hash_password(password)  # once, shared by every seeded account
    for quiz in quizzes.values():
        store_content(session, quiz, quizzes, now)
    seeder = Seeder(session, modules, quizzes, now, rng)
    tag = secrets.token_hex(3)
    for start in range(0, learners, CHUNK):
        rows = seeder.user_rows(min(CHUNK, learners - start), f"{tag}-{start}", password_hash)
        ids = session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows).all()
        for user_id, row in zip(ids, rows, strict=True):
            seeder.learner(user_id, row["created_at"], row["locale"], row["full_name"])
        seeder.flush()
    session.flush()
    lesson_reads, attempts, certificates = seeder.totals
    return SeedResult(learners, lesson_reads, attempts, certificates, password)
