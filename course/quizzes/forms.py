"""The attempt form: CSRF (global), version, page and action; answers read strictly.

Web layer. Answer fields are named `q.QUESTION` (option ids, or the typed text of a short-answer
or numerical question, one value at most as long as the field's `maxlength`) and `m.QUESTION.ITEM`
(matching, valued `cN`: the Nth answer of the attempt's own shuffled list, so the value never
gives the right answer away). `.` cannot occur in ids, so names split unambiguously. Any
answer field that does not belong to the page, a second value for a one-answer question, or
a malformed value is refused (QUIZ-2); other unknown fields are ignored (AC-4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from course.problems import N_
from course.quizzes.drawing import DrawnQuestion
from course.quizzes.errors import InvalidAnswer
from course.quizzes.question_types import question_type
from course.quizzes.types import MATCHING, MULTIPLE, TYPED_KINDS, Response

ACTIONS = ("save", "next", "previous", "submit")
MAX_VERSION = 1_000_000_000
MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class AttemptPost:
    """The declared fields of an attempt form; CSRF is checked before, by CSRFProtect."""

    version: int
    page: int
    action: str


def read_attempt_post(form: MultiDict) -> AttemptPost:
    """Version, page and action, strictly: InvalidAnswer for anything malformed (QUIZ-2).

    Read by hand rather than with WTForms: this is the hottest write in the app (every save
    and submit), and WTForms loads its message catalog on each request.
    """
    version = _whole_number(form.getlist("version"), MAX_VERSION, required=True)
    page = _whole_number(form.getlist("page"), MAX_PAGE, required=False)
    actions = form.getlist("action")
    action = actions[0] if len(actions) == 1 else "save" if not actions else ""
    if action not in ACTIONS:
        raise InvalidAnswer(N_("the form was not valid"))
    return AttemptPost(version, page, action)


def _whole_number(values: list[str], maximum: int, required: bool) -> int:
    if not values and not required:
        return 0
    if len(values) != 1 or not values[0].isascii() or not values[0].isdigit():
        raise InvalidAnswer(N_("the form was not valid"))
    number = int(values[0][:12])
    if number > maximum:
        raise InvalidAnswer(N_("the form was not valid"))
    return number


class StartForm(FlaskForm):
    """No fields but the CSRF token: starting an attempt or a practice round."""


def answer_field(question_id: str) -> str:
    return f"q.{question_id}"


def match_field(question_id: str, item_id: str) -> str:
    return f"m.{question_id}.{item_id}"


def choice_token(index: int) -> str:
    return f"c{index}"


def parse_answers(form: MultiDict, page: Sequence[DrawnQuestion], strict: bool = True) -> dict[str, Response]:
    """Responses for the page's questions; InvalidAnswer on tampering (lenient: skip it)."""
    expected = {answer_field(d.question.id) for d in page}
    expected |= {match_field(d.question.id, p.id) for d in page for p in d.question.prompts}
    unknown = [k for k in form if k.startswith(("q.", "m.")) and k not in expected]
    if unknown and strict:
        raise InvalidAnswer(N_("an answer names a question that is not on this page"))
    responses: dict[str, Response] = {}
    for drawn in page:
        try:
            responses[drawn.question.id] = _response(form, drawn)
        except InvalidAnswer:
            if strict:
                raise
    return responses


def _response(form: MultiDict, drawn: DrawnQuestion) -> Response:
    question = drawn.question
    if question.kind in TYPED_KINDS:
        values = form.getlist(answer_field(question.id))
        response = Response.of(text=values[0] if values else "")
        # A browser never sends more than `maxlength` characters, nor two values: a script did.
        if len(values) > 1 or question_type(question.kind).validate(question, response) is not None:
            raise InvalidAnswer(N_("an answer is longer than the field allows"))
        return response
    if question.kind != MATCHING:
        values = form.getlist(answer_field(question.id))
        if question.kind != MULTIPLE and len(values) > 1:
            raise InvalidAnswer(N_("choose only one answer to this question"))
        if len(values) != len(set(values)) or not set(values) <= set(question.option_ids):
            raise InvalidAnswer(N_("an answer names an option that is not part of this question"))
        return Response.of(set(values))
    matches: dict[str, str] = {}
    tokens = {choice_token(i): option_id for i, option_id in enumerate(drawn.option_order)}
    for prompt in question.prompts:
        values = form.getlist(match_field(question.id, prompt.id))
        if len(values) > 1 or (values and values[0] and values[0] not in tokens):
            raise InvalidAnswer(N_("an answer names an option that is not part of this question"))
        if values and values[0]:
            matches[prompt.id] = tokens[values[0]]
    return Response.of(matches=matches)
