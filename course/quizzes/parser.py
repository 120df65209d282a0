"""Parse the body of one quiz file (after its front matter) into drafts, with line numbers.

Core module: standard library only. The grammar is documented in docs/authoring.md
("Quizzes"). Every problem found is collected; parsing never stops at the first one, and the
drafts keep the line of every heading and option so the loader can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from course.frontmatter import check_id
from course.problems import N_

HEADING = re.compile(r"^(?P<level>#{1,2})(?!#)\s*(?P<title>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*$")
CHOICE = re.compile(r"^- \[(?P<mark>[ xX])\](?P<text>.*?)(?:\{#(?P<id>[^{}]*)\})?\s*$")
DISTRACTOR = re.compile(r"^-\s*=>\s*(?P<right>.*?)\s*(?:\{#(?P<id>[^{}]*)\})?\s*$")
MATCH_ITEM = re.compile(r"^-\s*(?P<left>.*?)\s*(?:\{#(?P<id>[^{}]*)\})?\s*=>\s*(?P<right>.*?)\s*$")
ENDS_WITH_ID = re.compile(r"^- .*\{#[^{}]*\}\s*$")
# Typed kinds (short answer, numerical): `- = accepted answer` and `- *` (any other answer).
TYPED = re.compile(r"^- (?:(?P<accepted>=)\s*(?P<text>.*?)|(?P<other>\*)(?P<rest>(?:\s+.*)?))\s*$")
TYPED_KINDS = ("shortanswer", "numerical")  # course.quizzes.types; the parser stays free of imports
QUESTION_KEYS = ("type", "points", "case")

# A problem found while parsing: (line, message template, params).
Found = tuple[int, str, dict[str, object]]


@dataclass(slots=True)
class OptionDraft:
    """One option line and its indented feedback. For matching, `text` is the right side."""

    id: str
    text: str
    feedback: str
    line: int
    mark: str | None = None  # "x" or " " for choices; "=" or "*" for typed answers; None for matching items
    left: str = ""


@dataclass(slots=True)
class QuestionDraft:
    id: str
    title: str
    line: int
    kind: str = ""
    points: int = 1
    case: str | None = None
    body: str = ""
    options: list[OptionDraft] = field(default_factory=list)
    general_feedback: str = ""
    attr_lines: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class CaseDraft:
    id: str
    title: str
    line: int
    body: str = ""


@dataclass(slots=True)
class QuizBody:
    intro: str = ""
    cases: list[CaseDraft] = field(default_factory=list)
    questions: list[QuestionDraft] = field(default_factory=list)
    problems: list[Found] = field(default_factory=list)


@dataclass(slots=True)
class _State:
    body: QuizBody
    lines: list[str] = field(default_factory=list)  # text lines of the current block
    phase: str = "intro"  # intro, case, stem, options, general
    stray_reported: bool = False


def parse_body(text: str, first_line: int) -> QuizBody:
    """Split a quiz body into intro, cases and questions; collect syntax problems."""
    state = _State(QuizBody())
    for offset, line in enumerate(text.split("\n")):
        _feed(state, line.rstrip(), first_line + offset)
    _close_block(state)
    return state.body


def _feed(state: _State, line: str, number: int) -> None:
    if line.startswith("#") and (match := HEADING.match(line)) and match["level"]:
        _close_block(state)
        _start_heading(state, match, number)
        return
    if state.phase in ("intro", "case"):
        state.lines.append(line)
        return
    question = state.body.questions[-1]
    if state.phase == "stem" and not _is_option_line(line, question.kind):
        state.lines.append(line)
        return
    if state.phase == "stem":
        question.body = _join(state.lines)
        state.lines, state.phase = [], "options"
    _feed_answers(state, question, line, number)


def _feed_answers(state: _State, question: QuestionDraft, line: str, number: int) -> None:
    if state.phase == "options" and _is_option_line(line, question.kind):
        _close_option(state, question)
        question.options.append(_parse_option(state, line, number, question.kind))
        return
    if state.phase == "options" and (not line.strip() or line.startswith("  ")):
        state.lines.append(line[2:] if line.startswith("  ") else "")
        return
    if line.startswith(">"):
        if state.phase == "options":
            _close_option(state, question)
            state.phase = "general"
        state.lines.append(line[2:] if line.startswith("> ") else line[1:])
        return
    if state.phase == "general" and not line.strip():
        state.lines.append("")
        return
    if not state.stray_reported:
        message = N_(
            "unexpected text after the options: indent feedback by two spaces, and start general feedback with '>'"
        )
        state.body.problems.append((number, message, {}))
        state.stray_reported = True


def _is_option_line(line: str, kind: str) -> bool:
    if not line.startswith("-"):
        return False
    if CHOICE.match(line) or ENDS_WITH_ID.match(line):
        return True
    if kind in TYPED_KINDS and TYPED.match(line):
        return True
    return kind == "matching" and "=>" in line


def _parse_option(state: _State, line: str, number: int, kind: str) -> OptionDraft:
    problems = state.body.problems
    if kind in TYPED_KINDS and (typed := TYPED.match(line)):
        text = typed["text"] if typed["accepted"] else typed["rest"]
        return OptionDraft("", text.strip(), "", number, typed["accepted"] or typed["other"])
    if match := CHOICE.match(line):
        option = OptionDraft(match["id"] or "", match["text"].strip(), "", number, match["mark"].lower())
    elif match := (DISTRACTOR.match(line) or MATCH_ITEM.match(line)):
        left = match.groupdict().get("left") or ""
        option = OptionDraft(match["id"] or "", match["right"], "", number, None, left)
    else:
        message = N_(
            "an option must start with '- [x]' or '- [ ]' (or, in matching, '- left side {{#id}} => right side')"
        )
        problems.append((number, message, {}))
        return OptionDraft("", line[1:].strip(), "", number, " ")
    if not option.id:
        problems.append((number, N_("the option has no id: end it with {{#option-id}}"), {}))
    elif check_id(option.id):
        message = N_("the option id '{id}' must use lower-case Latin letters, digits and hyphens")
        problems.append((number, message, {"id": option.id}))
    if not option.text:
        problems.append((number, N_("the option '{id}' has no text"), {"id": option.id}))
    return option


def _close_option(state: _State, question: QuestionDraft) -> None:
    if question.options and state.phase == "options":
        question.options[-1].feedback = _join(state.lines)
    state.lines = []


def _start_heading(state: _State, match: re.Match[str], number: int) -> None:
    title, attrs = match["title"], match["attrs"]
    tokens = (attrs or "").split()
    item_id = tokens[0][1:] if tokens and tokens[0].startswith("#") else ""
    problems = state.body.problems
    if not item_id:
        problems.append((number, N_("the heading has no id: end it with {{#id}}"), {}))
    elif check_id(item_id):
        message = N_("the id '{id}' must use lower-case Latin letters, digits and hyphens")
        problems.append((number, message, {"id": item_id}))
    if not title:
        problems.append((number, N_("the heading '{id}' has no title"), {"id": item_id}))
    state.stray_reported = False
    if match["level"] == "#":
        for token in tokens[1:]:
            problems.append((number, N_("a case heading takes only its id, not '{token}'"), {"token": token}))
        state.body.cases.append(CaseDraft(item_id, title, number))
        state.phase = "case"
        return
    question = QuestionDraft(item_id, title, number)
    _read_question_attrs(question, tokens[1:], problems)
    state.body.questions.append(question)
    state.phase = "stem"


def _read_question_attrs(question: QuestionDraft, tokens: list[str], problems: list[Found]) -> None:
    number = question.line
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep or key not in QUESTION_KEYS:
            problems.append(
                (number, N_("unknown question setting '{token}': use type=, points= or case="), {"token": token})
            )
            continue
        if key in question.attr_lines:
            problems.append((number, N_("the setting '{key}' appears twice"), {"key": key}))
        question.attr_lines[key] = value
    question.kind = question.attr_lines.get("type", "")
    if not question.kind and question.id:
        message = N_(
            "the question '{id}' has no type: add type=single, multiple, truefalse, matching, shortanswer or numerical"
        )
        problems.append((number, message, {"id": question.id}))
    points = question.attr_lines.get("points", "1")
    if not points.isascii() or not points.isdigit() or not 1 <= int(points) <= 100:
        problems.append(
            (number, N_("points must be a whole number from 1 to 100, not '{value}'"), {"value": points[:20]})
        )
    else:
        question.points = int(points)
    question.case = question.attr_lines.get("case") or None


def _close_block(state: _State) -> None:
    body = state.body
    text = _join(state.lines)
    if state.phase == "intro":
        body.intro = text
    elif state.phase == "case":
        body.cases[-1].body = text
    elif state.phase == "stem":
        body.questions[-1].body = text
    elif state.phase == "options":
        _close_option(state, body.questions[-1])
    elif state.phase == "general":
        body.questions[-1].general_feedback = text
    state.lines = []


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")
