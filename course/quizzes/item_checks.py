"""Item-writing checks: warnings about how quiz questions are written, not about the file format.

Core module: standard library and this package's core only. A quiz can load without any
problem and still be easy to pass without reading the lessons (the right answer is always the
longest, ticking every box scores half the points, half the questions are true/false). These
checks find such patterns and report them as `Problem`s, like the loader's, so `flask content
check` prints them as `path:line: message`; they are warnings unless `--strict` is given.
docs/authoring.md ("Writing good questions") explains every rule to course admins.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from statistics import median

from course.content.loader import parse_variant, read_directory
from course.problems import N_, Problem
from course.quizzes.loader import QUIZ_FIELDS, parse_quiz_file
from course.quizzes.parser import OptionDraft, QuestionDraft, QuizBody
from course.quizzes.scoring import grade_question
from course.quizzes.typed import OTHER, accepted_ranges
from course.quizzes.types import (
    MATCHING,
    MULTIPLE,
    NUMERICAL,
    SINGLE,
    TRUEFALSE,
    TYPED_KINDS,
    Option,
    Question,
    Response,
)

# The limits below are documented in docs/authoring.md; change both together.
LONGEST_SHARE_LIMIT = Fraction(40, 100)  # keyed option is the longest in at most 40 % of questions
TRUEFALSE_SHARE_LIMIT = Fraction(15, 100)  # a true/false guess is right half the time
TICK_ALL_LIMIT = Fraction(1, 2)  # ticking every box must score less than half the points
LONG_RATIO = 2.0  # an option more than twice the others' typical length ...
SHORT_RATIO = 3.0  # ... or less than a third of it ...
LENGTH_GAP = 25  # ... and at least this many characters longer or shorter
SIMILAR_STEMS = 0.85  # difflib ratio from which two questions count as the same question

LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
LESSON_LINK = re.compile(r"\]\(\s*lesson:[^)\s]+")
SOURCE_KEY = re.compile(r"\[[SD]\d+\]")
MARKUP = re.compile(r"[*_`<>]")
EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![*\w])([*_])(?=\S)(.+?)(?<=\S)\3(?![*\w])")
NEGATIVE = re.compile(r"(?<![\w'’])(not|never|except|cannot|\w+n[’']t|не|крім|окрім)(?![\w'’])", re.IGNORECASE)
QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")
SENTENCE_END = re.compile(r"(?<=[.?!:])\s+")
ABOVE = re.compile(
    r"\b(?:all|none)\s+of\s+(?:the\s+)?(?:above|these|them|the\s+options)\b"
    r"|\ball\s+the\s+above\b"
    r"|(?<!\w)(?:усі|всі|усе|все|жоден|жодна|жодне|жодного|нічого)\s+(?:(?:з|із|зі|\w+)\s+){0,2}?"
    r"(?:вище\w*|вищенаведен\w*|наведен\w*|перелічен\w*|зазначен\w*|вищезазначен\w*)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class QuizItems:
    """What the checks read of one quiz file: where it is, its parsed body, its role."""

    path: str
    body: QuizBody
    is_final: bool = False
    lang: str = ""


def visible_text(markdown: str) -> str:
    """The option text as a learner reads it: no link targets, source keys or markup."""
    text = SOURCE_KEY.sub("", LINK.sub(r"\1", markdown))
    return " ".join(MARKUP.sub("", text).split())


def keyed_longest(question: QuestionDraft) -> Fraction:
    """How far the keyed option is the longest: 1, 0, or 1/k when k options tie for longest."""
    lengths = [len(visible_text(o.text)) for o in question.options]
    if not lengths:
        return Fraction(0)
    longest = [o for o, n in zip(question.options, lengths, strict=True) if n == max(lengths)]
    keyed = sum(1 for o in longest if o.mark == "x")
    return Fraction(keyed, len(longest))


def longest_share(body: QuizBody) -> tuple[Fraction, int]:
    """Summed keyed_longest over the single-choice questions, and how many there are."""
    singles = [q for q in body.questions if q.kind == SINGLE and len(q.options) >= 2]
    return sum((keyed_longest(q) for q in singles), Fraction(0)), len(singles)


def tick_all_score(question: QuestionDraft) -> Fraction:
    """Share of the points a learner earns by ticking every option, with the real scorer."""
    options = tuple(Option(o.id, {}, {}, o.mark == "x") for o in question.options)
    asked = Question(question.id, question.kind, question.points, {}, {}, options)
    result = grade_question(asked, Response.of({o.id for o in options}))
    return result.score / result.max_score if result.max_score else Fraction(0)


def check_items(quizzes_dir: Path) -> list[Problem]:
    """Every item-writing warning for the quiz files under `quizzes_dir`."""
    sources, _ = read_directory(quizzes_dir)
    quizzes: list[QuizItems] = []
    for source in sources:
        quiz_file = parse_quiz_file(parse_variant(source, QUIZ_FIELDS, False))
        if quiz_file.variant.fields:
            final = bool(quiz_file.variant.fields.get("final"))
            quizzes.append(QuizItems(quiz_file.path, quiz_file.body, final, source.lang))
    return check_quizzes(quizzes)


def check_quizzes(quizzes: list[QuizItems]) -> list[Problem]:
    """Per-quiz checks, plus near-duplicates across the final assessment's pool per language."""
    found: list[Problem] = []
    for quiz in quizzes:
        found.extend(check_quiz(quiz))
    for final in (q for q in quizzes if q.is_final):
        pool = [q for q in quizzes if q.lang == final.lang]
        found.extend(_pool_duplicates(pool))
    return found


def check_quiz(quiz: QuizItems) -> list[Problem]:
    """Every warning for one quiz file."""
    found = _shares(quiz)
    for question in quiz.body.questions:
        found.extend(_question_warnings(quiz.path, question))
    found.extend(_duplicates(quiz.path, quiz.body, _pairs(quiz.body.questions)))
    return found


def _shares(quiz: QuizItems) -> list[Problem]:
    found: list[Problem] = []
    questions = quiz.body.questions
    keyed, singles = longest_share(quiz.body)
    if singles and keyed / singles > LONGEST_SHARE_LIMIT:
        message = N_(
            "in {count} of {total} single-choice questions ({percent}%) the correct option is the longest: "
            "a learner who always picks the longest answer passes without reading; keep it at or below {limit}%: "
            "shorten the right answers, or write wrong ones that are just as full"
        )
        params = {"count": _number(keyed), "total": singles, "percent": _percent(keyed / singles)}
        found.append(Problem(quiz.path, 1, message, {**params, "limit": _percent(LONGEST_SHARE_LIMIT)}))
    truefalse = sum(1 for q in questions if q.kind == TRUEFALSE)
    if questions and Fraction(truefalse, len(questions)) > TRUEFALSE_SHARE_LIMIT:
        message = N_(
            "{count} of {total} questions ({percent}%) are true/false, which a guess gets right half the time: "
            "keep them at or below {limit}%, and turn the others into cases with several choices"
        )
        params = {"count": truefalse, "total": len(questions), "percent": _percent(Fraction(truefalse, len(questions)))}
        found.append(Problem(quiz.path, 1, message, {**params, "limit": _percent(TRUEFALSE_SHARE_LIMIT)}))
    return found


def _question_warnings(path: str, question: QuestionDraft) -> list[Problem]:
    found = [Problem(path, line, message, params) for line, message, params in _negative_stem(question)]
    if question.kind in (SINGLE, MULTIPLE):
        found.extend(Problem(path, line, message, params) for line, message, params in _lengths(question))
    if question.kind == MULTIPLE and question.options and any(o.mark == "x" for o in question.options):
        score = tick_all_score(question)
        if score >= TICK_ALL_LIMIT:
            message = N_(
                "the question '{id}': ticking every option scores {percent}%, half the points or more: add wrong "
                "options that practitioners really choose, or mark fewer options correct"
            )
            found.append(Problem(path, question.line, message, {"id": question.id, "percent": _percent(score)}))
    if question.kind in TYPED_KINDS:
        found.extend(_typed_warnings(path, question))
        return found
    for option in question.options:
        found.extend(_option_warnings(path, question, option))
    if question.kind == MATCHING and not any(_has_pointer(o.feedback) for o in question.options):
        if question.options and not _has_pointer(question.general_feedback):
            found.append(Problem(path, question.line, _NO_POINTER, {"id": question.id}))
    return found


_NO_POINTER = N_(
    "the feedback of '{id}' sends the learner nowhere: add a link to the lesson that teaches it "
    "([the lesson](lesson:lesson-id)) or the source it rests on ([S1])"
)


def _typed_warnings(path: str, question: QuestionDraft) -> list[Problem]:
    """The feedback for a wrong answer teaches: it points somewhere. An exact decimal answer
    needs the question to say how to round, or a tolerance."""
    found: list[Problem] = []
    other = " ".join(o.feedback for o in question.options if o.mark == OTHER)
    if other.strip() and not _has_pointer(other) and not _has_pointer(question.general_feedback):
        found.append(Problem(path, question.line, _NO_POINTER, {"id": question.id}))
    if question.kind == NUMERICAL:
        exact = [r for r in accepted_ranges(question) if r is not None and r[0] == r[1] and r[0].denominator != 1]
        if exact:
            message = N_(
                "the question '{id}' accepts only exactly {value}: a learner who rounds differently is marked wrong; "
                "give a tolerance (3.14 ± 0.01) or a range (3.1..3.2), or say in the question how to round"
            )
            found.append(Problem(path, question.line, message, {"id": question.id, "value": float(exact[0][0])}))
    return found


def _option_warnings(path: str, question: QuestionDraft, option: OptionDraft) -> list[Problem]:
    found: list[Problem] = []
    if ABOVE.search(visible_text(option.text)):
        message = N_(
            "the option '{id}' says 'all/none of the above': it can be answered by spotting one right or wrong "
            "option, and it makes no sense when options are shuffled; write a real answer instead"
        )
        found.append(Problem(path, option.line, message, {"id": option.id}))
    if question.kind != MATCHING and option.feedback.strip() and not _has_pointer(option.feedback):
        found.append(Problem(path, option.line, _NO_POINTER, {"id": f"{question.id}/{option.id}"}))
    return found


def _has_pointer(feedback: str) -> bool:
    return bool(LESSON_LINK.search(feedback) or SOURCE_KEY.search(feedback))


def _negative_stem(question: QuestionDraft) -> list[tuple[int, str, dict[str, object]]]:
    """A 'not' that a reader can miss: neither in bold (or italics) nor in capitals."""
    title = _last_sentence(question.title)
    emphasised = [m.span() for m in EMPHASIS.finditer(title)]
    quoted = [m.span() for m in QUOTED.finditer(title)]  # a quoted name ("Do no harm") is not the question's logic
    for match in NEGATIVE.finditer(title):
        word = match.group(1)
        inside = any(start <= match.start() and match.end() <= end for start, end in emphasised + quoted)
        if not inside and not (word.isupper() and len(word) > 1):
            message = N_(
                "the question '{id}' asks in the negative ('{word}'): readers miss the word and answer the opposite; "
                "ask in the positive, or write it in bold or capitals (**{upper}**)"
            )
            return [(question.line, message, {"id": question.id, "word": word, "upper": word.upper()})]
    return []


def _last_sentence(title: str) -> str:
    """The question itself: a title may first set the scene ("She cannot leave. What do you do?")."""
    sentences = [s for s in SENTENCE_END.split(title.strip()) if s.strip()]
    return sentences[-1] if sentences else title


def _lengths(question: QuestionDraft) -> list[tuple[int, str, dict[str, object]]]:
    """Options much longer or much shorter than the others give the answer away (or hide it)."""
    if len(question.options) < 3:
        return []
    lengths = [len(visible_text(o.text)) for o in question.options]
    found: list[tuple[int, str, dict[str, object]]] = []
    for index, option in enumerate(question.options):
        others = median(lengths[:index] + lengths[index + 1 :])
        mine = lengths[index]
        if mine > LONG_RATIO * others and mine - others >= LENGTH_GAP:
            message = N_(
                "the option '{id}' is much longer than the others ({length} characters, the others about "
                "{typical}): learners pick out the odd one; make the options about the same length"
            )
        elif mine * SHORT_RATIO < others and others - mine >= LENGTH_GAP:
            message = N_(
                "the option '{id}' is much shorter than the others ({length} characters, the others about "
                "{typical}): learners pick out the odd one; make the options about the same length"
            )
        else:
            continue
        found.append((option.line, message, {"id": option.id, "length": mine, "typical": round(others)}))
    return found


def _stem(question: QuestionDraft) -> str:
    return " ".join(visible_text(f"{question.title} {question.body}").casefold().split())


def _similar(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR_STEMS
        and matcher.quick_ratio() >= SIMILAR_STEMS
        and (matcher.ratio() >= SIMILAR_STEMS)
    )


def _pairs(questions: list[QuestionDraft]) -> Iterable[tuple[QuestionDraft, QuestionDraft]]:
    for index, first in enumerate(questions):
        for second in questions[index + 1 :]:
            yield first, second


def _duplicates(path: str, body: QuizBody, pairs: Iterable[tuple[QuestionDraft, QuestionDraft]]) -> list[Problem]:
    cases = {c.id: _stem_of_case(c.body) for c in body.cases}
    found: list[Problem] = []
    for first, second in pairs:
        same_case = first.case == second.case or _similar(
            cases.get(first.case or "", ""), cases.get(second.case or "", "")
        )
        if same_case and _similar(_stem(first), _stem(second)):
            found.append(_duplicate(path, second, first.id, f"{path}:{first.line}"))
    return found


def _pool_duplicates(pool: list[QuizItems]) -> list[Problem]:
    """The final assessment draws from every quiz of its language: compare across files."""
    found: list[Problem] = []
    for index, quiz in enumerate(pool):
        for other in pool[index + 1 :]:
            for first in quiz.body.questions:
                for second in other.body.questions:
                    same_case = _similar(_case_text(quiz.body, first), _case_text(other.body, second))
                    if same_case and _similar(_stem(first), _stem(second)):
                        found.append(_duplicate(other.path, second, first.id, f"{quiz.path}:{first.line}"))
    return found


def _case_text(body: QuizBody, question: QuestionDraft) -> str:
    case = next((c for c in body.cases if c.id == question.case), None)
    return _stem_of_case(case.body) if case else ""


def _duplicate(path: str, question: QuestionDraft, other_id: str, where: str) -> Problem:
    message = N_(
        "the question '{id}' asks almost the same as '{other}' ({where}): when both are drawn, one place in "
        "the attempt is wasted; merge them, or make each test a different decision"
    )
    return Problem(path, question.line, message, {"id": question.id, "other": other_id, "where": where})


def _stem_of_case(text: str) -> str:
    return " ".join(visible_text(text).casefold().split())


def _percent(share: Fraction) -> str:
    return f"{float(share * 100):.0f}"


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.1f}"
