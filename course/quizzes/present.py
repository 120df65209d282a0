"""Plain view data for the attempt and review templates, built from an attempt's snapshot.

Core-side helper with no Flask import: templates get ready-made text in one language, and
the attempt page's data carries no correctness or feedback at all (QUIZ-1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from course.content.types import pick
from course.quizzes.drawing import DrawnQuestion
from course.quizzes.typed import MAX_NUMBER, MAX_SHORT_ANSWER, NOT_A_NUMBER, is_not_a_number, matched_answer
from course.quizzes.types import MATCHING, NUMERICAL, TYPED_KINDS, Question, Response

PAGE_SIZE = 5


@dataclass(frozen=True, slots=True)
class AskedOption:
    value: str
    html: str
    checked: bool


@dataclass(frozen=True, slots=True)
class AskedPrompt:
    item_id: str
    html: str
    selected: str  # the chosen token, "" when unanswered


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """One question as the learner sees it while answering: no answers, no feedback."""

    id: str
    number: int
    kind: str
    points: int
    title: str
    html: str
    case_title: str = ""
    case_html: str = ""
    options: tuple[AskedOption, ...] = ()
    prompts: tuple[AskedPrompt, ...] = ()
    text: str = ""  # typed kinds: what the learner typed so far
    maxlength: int = 0  # typed kinds: the field's limit (course.quizzes.typed)
    error: str = ""  # an English template for the page to translate: a typed number that is not one


@dataclass(frozen=True, slots=True)
class ReviewedOption:
    html: str
    chosen: bool
    correct: bool
    feedback: str


@dataclass(frozen=True, slots=True)
class ReviewedQuestion:
    number: int
    kind: str
    title: str
    html: str
    case_title: str
    case_html: str
    points: int
    score: str
    is_correct: bool
    is_answered: bool
    options: tuple[ReviewedOption, ...] = ()
    general_feedback: str = ""
    prompts: tuple[tuple[str, str, str, bool, str], ...] = field(default=())
    # prompts: (left html, chosen answer html, right answer html, is right, feedback)
    typed: str = ""  # typed kinds: the learner's text, shown escaped
    typed_feedback: str = ""  # the feedback of the accepted answer typed, or for any other answer
    accepted: tuple[str, ...] = ()  # the accepted answers in the reader's language, for the reveal


def page_count(drawn: Sequence[DrawnQuestion]) -> int:
    return max(1, -(-len(drawn) // PAGE_SIZE))


def page_of(drawn: Sequence[DrawnQuestion], page: int) -> Sequence[DrawnQuestion]:
    return drawn[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]


def clamp_page(drawn: Sequence[DrawnQuestion], page: int | None) -> int:
    return min(max(page or 0, 0), page_count(drawn) - 1)


def _case(question: Question, lang: str, shown: set[str]) -> tuple[str, str]:
    if question.case is None or question.case.id in shown:
        return "", ""
    shown.add(question.case.id)
    return pick(question.case.title, lang), pick(question.case.html, lang)


def asked_page(
    drawn: Sequence[DrawnQuestion], page: int, responses: Mapping[str, Response], lang: str
) -> list[AskedQuestion]:
    """The questions of one page with the learner's saved (or just posted) answers."""
    shown: set[str] = set()
    result = []
    for offset, item in enumerate(page_of(drawn, page)):
        q = item.question
        response = responses.get(q.id, Response())
        case_title, case_html = _case(q, lang, shown)
        by_id = {o.id: o for o in q.options}
        tokens = {option_id: f"c{i}" for i, option_id in enumerate(item.option_order)}
        options = tuple(
            AskedOption(tokens[o] if q.kind == MATCHING else o, pick(by_id[o].html, lang), o in response.chosen)
            for o in item.option_order
        )
        chosen = response.match_map()
        prompts = tuple(
            AskedPrompt(p.id, pick(p.left_html, lang), tokens.get(chosen.get(p.id, ""), "")) for p in q.prompts
        )
        result.append(
            AskedQuestion(
                q.id,
                page * PAGE_SIZE + offset + 1,
                q.kind,
                q.points,
                pick(q.title, lang),
                pick(q.html, lang),
                case_title,
                case_html,
                options,
                prompts,
                *_typed_field(q, response),
            )
        )
    return result


def _typed_field(question: Question, response: Response) -> tuple[str, int, str]:
    """Text, maxlength and error of a typed-answer field; nothing for the other kinds."""
    if question.kind not in TYPED_KINDS:
        return "", 0, ""
    limit = MAX_NUMBER if question.kind == NUMERICAL else MAX_SHORT_ANSWER
    return response.text, limit, NOT_A_NUMBER if is_not_a_number(question, response) else ""


def _typed_review(question: Question, response: Response, lang: str) -> tuple[str, str, tuple[str, ...]]:
    """The learner's text, the feedback it earns, and the accepted answers to reveal."""
    if question.kind not in TYPED_KINDS:
        return "", "", ()
    matched = matched_answer(question, response.text, lang) if response.text else None
    answers = question.accepted.get(lang) or next(iter(question.accepted.values()), ())
    if matched is None:
        return response.text, pick(question.other_feedback_html, lang), tuple(a.text for a in answers)
    # Authors explain a right answer once, under the first accepted answer: the variants share it.
    feedback = matched.feedback_html or next((a.feedback_html for a in answers if a.feedback_html), "")
    return response.text, feedback, tuple(a.text for a in answers)


def reviewed(
    drawn: Sequence[DrawnQuestion],
    responses: Mapping[str, Response],
    results: Mapping[str, list],
    lang: str,
) -> list[ReviewedQuestion]:
    """Every question with the learner's answers, what was right, and the feedback."""
    shown: set[str] = set()
    out = []
    for number, item in enumerate(drawn, start=1):
        q = item.question
        response = responses.get(q.id, Response())
        score, is_correct = results.get(q.id, ["0/1", False])
        options, prompts = _reviewed_options(item, response, lang), _reviewed_prompts(q, response, lang)
        case_title, case_html = _case(q, lang, shown)
        out.append(
            ReviewedQuestion(
                number,
                q.kind,
                pick(q.title, lang),
                pick(q.html, lang),
                case_title,
                case_html,
                q.points,
                _points(score),
                bool(is_correct),
                not response.is_empty,
                options,
                pick(q.general_feedback_html, lang),
                prompts,
                *_typed_review(q, response, lang),
            )
        )
    return out


def _reviewed_options(item: DrawnQuestion, response: Response, lang: str) -> tuple[ReviewedOption, ...]:
    """The options in the order the learner saw them: chosen or not, right or not, feedback."""
    by_id = {o.id: o for o in item.question.options}
    return tuple(
        ReviewedOption(
            pick(by_id[o].html, lang), o in response.chosen, by_id[o].is_correct, pick(by_id[o].feedback_html, lang)
        )
        for o in item.option_order
    )


def _reviewed_prompts(q: Question, response: Response, lang: str) -> tuple[tuple[str, str, str, bool, str], ...]:
    """A matching question's prompts: what the learner matched each with, the right match, feedback."""
    by_id = {o.id: o for o in q.options}
    chosen = response.match_map()
    return tuple(
        (
            pick(p.left_html, lang),
            pick(by_id[chosen[p.id]].html, lang) if p.id in chosen else "",
            pick(p.html, lang),
            chosen.get(p.id) == p.id,
            pick(p.feedback_html, lang),
        )
        for p in q.prompts
    )


def _points(stored: str) -> str:
    value = Fraction(stored)
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"
