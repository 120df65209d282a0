"""Typed answers: short answer and numerical questions, how they are compared and graded.

Core module: standard library and this package's core only. Registered in
course.quizzes.question_types like every other kind. Grading is exact (fractions) and reads
only the question and the typed text, so re-scoring a stored attempt gives the same result.

Short answers are compared after Unicode NFKC normalisation, case folding, with runs of
white space collapsed, and with the three apostrophes U+0027 ('), U+2019 (’) and U+02BC (ʼ)
taken as one: Ukrainian writes the same word with any of them (м'ята, м’ята, мʼята).
Numbers take a decimal comma or point (3,5 or 3.5), as Ukrainian and English write them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import ClassVar

from course.problems import N_
from course.quizzes.parser import Found, OptionDraft, QuestionDraft
from course.quizzes.types import NUMERICAL, SHORT_ANSWER, Accepted, Question, QuestionResult, Response

# Why these limits: the longest name or term a question here asks for is well under 100
# characters, and a page of five answers at the limit still fits the 4,000 characters the
# login form carries back when a session expires mid-quiz (course.security.CARRIED_MAX).
MAX_SHORT_ANSWER = 200
MAX_NUMBER = 40  # "-1 000 000,000001" is 17; anything longer is not a number anyone types
MAX_ACCEPTED = 20  # the same cap as options (question_types.MAX_OPTIONS)
ACCEPTED, OTHER = "=", "*"  # `- = answer` is accepted; `- *` carries the feedback for any other

APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})
NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<whole>[0-9]+|[0-9]{1,3}(?: [0-9]{3})+)?(?:[.,](?P<part>[0-9]+))?$")
TOLERANCE = re.compile(r"\s*(?:±|\+/-|\+-)\s*")

NOT_A_NUMBER = N_("This is not a number. Write it in digits, with a comma or a point for decimals: 3,5 or 3.5.")
NO_OTHER_FEEDBACK = N_(
    "the question '{id}' needs feedback for a wrong answer: add a line '- *' after the accepted "
    "answers, with the feedback under it indented by two spaces"
)


def normalise_answer(text: str) -> str:
    """The form two short answers are compared in (NFKC, case folded, one apostrophe, one space)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.translate(APOSTROPHES).split())


def parse_number(text: str) -> Fraction | None:
    """The exact value of a typed number ("3,5", "3.5", "-2", "1 000"), or None if it is not one."""
    cleaned = " ".join(unicodedata.normalize("NFKC", text).translate(MINUS_SIGNS).split())
    if len(cleaned) > MAX_NUMBER:
        return None
    match = NUMBER.match(cleaned)
    if match is None or (match["whole"] is None and match["part"] is None):
        return None
    part = match["part"] or ""
    value = Fraction(int((match["whole"] or "0").replace(" ", "") + part), 10 ** len(part))
    return -value if match["sign"] == "-" else value


def parse_accepted_number(text: str) -> tuple[Fraction, Fraction] | None:
    """An author's numerical answer as a closed range: "3,5", "3.5 ± 0.5" (or +-), "1..5"."""
    if ".." in text:
        low_text, _, high_text = text.partition("..")
        low, high = parse_number(low_text), parse_number(high_text)
        return (low, high) if low is not None and high is not None and low <= high else None
    value_text, *rest = TOLERANCE.split(text.strip(), maxsplit=1)
    value = parse_number(value_text)
    tolerance = parse_number(rest[0]) if rest else Fraction(0)
    if value is None or tolerance is None or tolerance < 0:
        return None
    return value - tolerance, value + tolerance


def gift_number(text: str) -> str:
    """A number as Moodle reads it: a decimal point, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).translate(MINUS_SIGNS).split()).replace(",", ".")


def _in_order(question: Question, lang: str) -> list[Accepted]:
    """The accepted answers, the reader's language first (its feedback is the one to show)."""
    langs = sorted(question.accepted, key=lambda code: (code != lang, code))
    return [answer for code in langs for answer in question.accepted[code]]


def matched_answer(question: Question, text: str, lang: str = "") -> Accepted | None:
    """The accepted answer `text` matches, or None. Every language's answers count: a learner
    who writes the English name in the Ukrainian quiz knows the answer."""
    if question.kind == NUMERICAL:
        value = parse_number(text)
        if value is None:
            return None
        return next((a for a in _in_order(question, lang) if _within(value, a)), None)
    key = normalise_answer(text)
    return next((a for a in _in_order(question, lang) if key and normalise_answer(a.text) == key), None)


def _within(value: Fraction, answer: Accepted) -> bool:
    return answer.low is not None and answer.high is not None and answer.low <= value <= answer.high


def is_not_a_number(question: Question, response: Response | None) -> bool:
    """A numerical answer was typed but cannot be read as a number."""
    if question.kind != NUMERICAL or response is None or not response.text:
        return False
    return parse_number(response.text) is None


def first_not_a_number(questions: Sequence[Question], responses: Mapping[str, Response]) -> int | None:
    """The index of the first question whose typed number cannot be read, or None."""
    return next((i for i, q in enumerate(questions) if is_not_a_number(q, responses.get(q.id))), None)


class _TypedType:
    """Lines `- = answer` (accepted, optional feedback under it) and `- *` (feedback for any other)."""

    name: ClassVar[str] = ""
    limit: ClassVar[int] = MAX_SHORT_ANSWER

    def check(self, draft: QuestionDraft) -> list[Found]:
        found: list[Found] = []
        accepted = [o for o in draft.options if o.mark == ACCEPTED]
        others = [o for o in draft.options if o.mark == OTHER]
        for option in draft.options:
            if option.mark not in (ACCEPTED, OTHER):
                message = N_(
                    "in a {kind} question each accepted answer is a line '- = answer', and '- *' "
                    "starts the feedback for any other answer"
                )
                found.append((option.line, message, {"kind": self.name}))
        if not accepted:
            message = N_("the question '{id}' accepts no answer: add a line '- = answer'")
            found.append((draft.line, message, {"id": draft.id}))
        if len(accepted) > MAX_ACCEPTED:
            message = N_("the question '{id}' has more than {maximum} accepted answers")
            found.append((draft.line, message, {"id": draft.id, "maximum": MAX_ACCEPTED}))
        if len(others) > 1:
            found.append((others[1].line, N_("only one '- *' line (any other answer) is allowed"), {}))
        if not any(o.feedback.strip() for o in others):
            found.append((draft.line, NO_OTHER_FEEDBACK, {"id": draft.id}))
        for option in others:
            if option.text:
                message = N_("'- *' stands for any other answer and takes no text: put the feedback under it")
                found.append((option.line, message, {}))
        found.extend(self.check_answers(accepted))
        return found

    def check_answers(self, accepted: list[OptionDraft]) -> list[Found]:
        raise NotImplementedError

    def validate(self, question: Question, response: Response) -> str | None:
        if response.chosen or response.matches:
            return N_("this question takes a typed answer")
        if len(response.text) > self.limit:
            return N_("an answer is longer than the field allows")
        return None

    def grade(self, question: Question, response: Response) -> QuestionResult:
        """All or nothing: the format has no credit per answer (Moodle's %50% is dropped on import)."""
        is_correct = bool(response.text) and matched_answer(question, response.text) is not None
        score = Fraction(question.points) if is_correct else Fraction(0)
        return QuestionResult(question.id, score, question.points, is_correct, not response.is_empty)


class ShortAnswer(_TypedType):
    name = SHORT_ANSWER

    def check_answers(self, accepted: list[OptionDraft]) -> list[Found]:
        found: list[Found] = []
        seen: set[str] = set()
        for option in accepted:
            key = normalise_answer(option.text)
            if not key:
                found.append((option.line, N_("the accepted answer is empty: write it after '- ='"), {}))
            elif len(option.text) > MAX_SHORT_ANSWER:
                message = N_("the accepted answer is longer than {limit} characters, more than a learner can type")
                found.append((option.line, message, {"limit": MAX_SHORT_ANSWER}))
            elif key in seen:
                message = N_("the accepted answer '{answer}' is the same as one above (case and apostrophes aside)")
                found.append((option.line, message, {"answer": option.text}))
            seen.add(key)
        return found


class Numerical(_TypedType):
    name = NUMERICAL
    limit = MAX_NUMBER

    def check_answers(self, accepted: list[OptionDraft]) -> list[Found]:
        message = N_(
            "'{answer}' is not a number: write a number (3,5 or 3.5), a number with a tolerance "
            "(3.5 ± 0.5, or 3.5 +- 0.5) or a range (3..4)"
        )
        return [(o.line, message, {"answer": o.text[:60]}) for o in accepted if parse_accepted_number(o.text) is None]


def accepted_ranges(draft: QuestionDraft) -> list[tuple[Fraction, Fraction] | None]:
    """A numerical draft's accepted ranges, sorted, for the comparison across languages."""
    ranges = [parse_accepted_number(o.text) for o in draft.options if o.mark == ACCEPTED]
    return sorted(ranges, key=lambda r: (r is None, r or (Fraction(0), Fraction(0))))


def parity_problems(mine: QuestionDraft, theirs: QuestionDraft) -> list[Found]:
    """Numerical values must be identical in every language; short-answer lists may differ."""
    if mine.kind == NUMERICAL and accepted_ranges(mine) != accepted_ranges(theirs):
        message = N_("the question '{id}': the accepted numbers differ from {other}")
        return [(mine.line, message, {"id": mine.id})]
    return []


def build_accepted(draft: QuestionDraft, feedback_html: Sequence[str]) -> tuple[tuple[Accepted, ...], str]:
    """One language's accepted answers (with their rendered feedback) and the other-answer feedback."""
    accepted: list[Accepted] = []
    other = ""
    for option, feedback in zip(draft.options, feedback_html, strict=True):
        if option.mark == OTHER:
            other = feedback
            continue
        bounds = parse_accepted_number(option.text) if draft.kind == NUMERICAL else None
        low, high = bounds if bounds is not None else (None, None)
        accepted.append(Accepted(" ".join(option.text.split()), feedback, low, high))
    return tuple(accepted), other
