"""Typed, language-neutral quiz objects: Quiz, Question, Option, Case, settings, responses, results.

Core module: standard library and other domains' core types only (never flask, extensions or
models). Text fields map a language code to sanitised HTML rendered once at load time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from course.content.types import Texts, pick

SINGLE = "single"
MULTIPLE = "multiple"
TRUEFALSE = "truefalse"
MATCHING = "matching"
SHORT_ANSWER = "shortanswer"
NUMERICAL = "numerical"
TYPED_KINDS = (SHORT_ANSWER, NUMERICAL)  # the learner types the answer instead of choosing it

GRADING_METHODS = ("highest", "latest", "first")
REVIEW_MODES = ("full", "feedback", "score")


@dataclass(frozen=True, slots=True)
class QuizSettings:
    """The front-matter settings that govern attempts; identical in every language."""

    pass_mark: int = 80
    draw: int | None = None
    shuffle_questions: bool = True
    shuffle_options: bool = True
    max_attempts: int = 0
    cooldown_minutes: int = 0
    grading: str = "highest"
    review: str = "full"
    draw_per_module: int | None = None


@dataclass(frozen=True, slots=True)
class Option:
    """An answer option; for matching, one item (`left` empty for a distractor)."""

    id: str
    html: Texts
    feedback_html: Texts
    is_correct: bool = False
    left_html: Texts = field(default_factory=dict)

    @property
    def is_prompt(self) -> bool:
        """Matching only: an item with a left side the learner must match."""
        return bool(self.left_html)


@dataclass(frozen=True, slots=True)
class Accepted:
    """A typed answer that earns the marks: a text (short answer) or numbers low..high (numerical).

    `text` is what the author wrote, shown when the review reveals the answer.
    """

    text: str
    feedback_html: str = ""
    low: Fraction | None = None
    high: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """A scenario text shared by several questions."""

    id: str
    title: Texts
    html: Texts


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: str
    points: int
    title: Texts
    html: Texts
    options: tuple[Option, ...]
    general_feedback_html: Texts = field(default_factory=dict)
    case: Case | None = None
    quiz_id: str = ""
    # Typed kinds only: the accepted answers per language (short-answer lists may differ by
    # language; numerical values are the same in each), and the feedback for any other answer.
    accepted: Mapping[str, tuple[Accepted, ...]] = field(default_factory=dict)
    other_feedback_html: Texts = field(default_factory=dict)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.is_correct)

    @property
    def prompts(self) -> tuple[Option, ...]:
        """Matching only: the items the learner matches (distractors excluded)."""
        return tuple(o for o in self.options if o.is_prompt)

    def text(self, name: str, lang: str) -> str:
        return pick(getattr(self, name), lang)


@dataclass(frozen=True, slots=True)
class Quiz:
    """A quiz that loaded without problems. A final assessment also draws from module quizzes."""

    id: str
    title: Texts
    intro_html: Texts
    settings: QuizSettings
    questions: tuple[Question, ...]
    content_hash: str
    module_id: str | None = None
    is_final: bool = False
    paths: tuple[str, ...] = ()

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def text(self, name: str, lang: str) -> str:
        return pick(getattr(self, name), lang)

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


@dataclass(frozen=True, slots=True)
class Response:
    """What a learner answered to one question.

    `chosen` holds option ids (single, multiple, true/false); `matches` holds pairs
    (prompt item id, chosen item id) for matching, sorted so equal answers compare equal;
    `text` holds what the learner typed (short answer, numerical), as typed but for the
    surrounding spaces, so the review shows it and a re-grade reads the same text.
    """

    chosen: frozenset[str] = frozenset()
    matches: tuple[tuple[str, str], ...] = ()
    text: str = ""

    @classmethod
    def of(
        cls,
        chosen: set[str] | frozenset[str] | tuple[str, ...] = (),
        matches: Mapping[str, str] | None = None,
        text: str = "",
    ) -> Response:
        """Build a response in canonical form."""
        return cls(frozenset(chosen), tuple(sorted((matches or {}).items())), text.strip())

    @property
    def is_empty(self) -> bool:
        return not self.chosen and not self.matches and not self.text

    def match_map(self) -> dict[str, str]:
        return dict(self.matches)


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """The grade of one question: exact score, whether it earned full marks, what was wrong."""

    question_id: str
    score: Fraction
    max_score: int
    is_correct: bool
    is_answered: bool
    wrong_ids: frozenset[str] = frozenset()
    missed_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """The grade of a whole attempt."""

    questions: tuple[QuestionResult, ...]
    score: Fraction
    max_score: int
    pass_mark: int

    @property
    def percent(self) -> float:
        """Score as a percentage, rounded to one decimal for display and storage."""
        return 0.0 if not self.max_score else round(float(self.score * 100 / self.max_score), 1)

    @property
    def is_passed(self) -> bool:
        """Exact comparison: 8 of 10 points passes an 80% mark, 7.99 does not."""
        return self.max_score > 0 and self.score * 100 >= self.pass_mark * self.max_score

    @property
    def wrong_question_ids(self) -> tuple[str, ...]:
        return tuple(r.question_id for r in self.questions if not r.is_correct)
