"""Quiz pages: the quiz, an attempt page by page, autosave, submit, result and review, practice.

Web layer: thin views. Check order as in Moodle (QUIZ-3): login (app) -> CSRF (app) ->
ownership (404 for anyone else's attempt) -> permission -> "still open" -> validation ->
scoring. Every POST redirects (303) on success: Post/Redirect/Get (QUIZ-4).
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from course.certificates.views import issue_on_completion
from course.clock import utcnow
from course.content.access import current_catalog
from course.errors import handle_csrf_error
from course.extensions import db
from course.i18n import current_language, local_time
from course.quizzes import services
from course.quizzes.drawing import DrawnQuestion
from course.quizzes.errors import (
    AttemptAlreadySubmitted,
    AttemptNotFound,
    InvalidAnswer,
    PracticeNotAvailable,
    QuizError,
    RetakeNotAllowed,
    StaleAttempt,
)
from course.quizzes.forms import AttemptPost, StartForm, parse_answers, read_attempt_post
from course.quizzes.models import FINISHED, QuizAttempt
from course.quizzes.present import PAGE_SIZE, asked_page, clamp_page, page_count, page_of, reviewed
from course.quizzes.typed import NOT_A_NUMBER, first_not_a_number
from course.quizzes.types import Quiz, Response
from course.security import CARRIED_FORM, CARRIED_MAX, keeps_work_when_expired
from course.unit_of_work import reads, writes, writes_late

bp = Blueprint("quizzes", __name__)
ANSWER_PREFIXES = ("q.", "m.")  # the answer fields of an attempt page (course/quizzes/forms.py)


def _quiz_or_404(quiz_id: str) -> Quiz:
    quiz = current_catalog().quizzes.get(quiz_id)
    if quiz is None:
        abort(404)
    return quiz


def _attempt_or_404(public_id: str) -> QuizAttempt:
    try:
        return services.owned_attempt(db.session, current_user, public_id)
    except AttemptNotFound:
        abort(404)


def _refusal_text(error: QuizError) -> str:
    if isinstance(error, RetakeNotAllowed) and error.next_allowed_at:
        when = local_time(error.next_allowed_at)
        return _("You can take this quiz again from %(when)s.", when=when)
    return _(error.message)


@bp.app_template_global()
def module_quiz(module_id: str) -> Quiz | None:
    """The quiz of a module, for the module page."""
    return next((q for q in current_catalog().quizzes.values() if q.module_id == module_id), None)


@bp.get("/quizzes/<quiz_id>")
@reads
def show(quiz_id: str):
    quiz = _quiz_or_404(quiz_id)
    return _render_quiz(quiz)


def _render_quiz(quiz: Quiz, message: str | None = None, status: int = 200):
    now = utcnow()
    state = services.learner_quiz_statuses(db.session, current_user, {quiz.id: quiz}, now)[quiz.id]
    history = services.graded_attempts(db.session, current_user, quiz.id)
    page = render_template(
        "quizzes/show.html",
        quiz=quiz,
        state=state,
        history=history,
        open_attempt=services.open_attempt(db.session, current_user, quiz.id),
        form=StartForm(),
        message=message,
        lang=current_language(),
    )
    return page, status


@bp.post("/quizzes/<quiz_id>/start")
@writes
def start(quiz_id: str):
    quiz = _quiz_or_404(quiz_id)
    if not StartForm().validate():
        abort(400)
    try:
        attempt = services.start_attempt(db.session, current_user, quiz, current_catalog().quizzes, utcnow())
    except RetakeNotAllowed as refusal:
        return _render_quiz(quiz, _refusal_text(refusal), 403)
    db.session.commit()
    return redirect(url_for(".attempt", public_id=attempt.public_id), 303)


@bp.get("/attempts/<public_id>")
@writes_late  # clears the answers set aside when the session expired, if any
def attempt(public_id: str):
    attempt = _attempt_or_404(public_id)
    if attempt.status == FINISHED:
        return redirect(url_for(".result", public_id=public_id), 303)
    carried = _carried_through_login(attempt)
    pending = services.take_pending(db.session, attempt)
    if pending is None and carried is None:
        return _render_attempt(attempt, request.args.get("page", 0, type=int))
    db.session.commit()
    page, posted = pending or (0, {})
    if carried is not None:  # sent after the expiry, so newer than anything set aside before it
        page, newer = carried
        posted = {**posted, **newer}
    message = _(
        "Your session had ended, so the answers you sent last are not saved yet. They are shown below: "
        "press Save to keep them."
    )
    return _render_attempt(attempt, page, posted, message)


def _carried_through_login(attempt: QuizAttempt) -> tuple[int, dict[str, Response]] | None:
    """The answers the login form carried back for this attempt (issue 16), once, or None."""
    raw = session.pop(CARRIED_FORM, None)
    try:
        carried = json.loads(raw) if raw else None
        if not isinstance(carried, dict) or carried.get("attempt") != attempt.public_id:
            return None
        fields = MultiDict([(str(k), str(v)) for k, v in carried.get("answers", [])])
        drawn = services.attempt_questions(db.session, attempt)
        page = clamp_page(drawn, int(carried.get("page", 0)))
    except (ValueError, TypeError):
        return None
    return page, parse_answers(fields, page_of(drawn, page), strict=False)


def _login_carrying_the_answers(public_id: str):
    """The session ended before these answers arrived: the login form, carrying them back to
    the attempt, instead of a dead-end error page (issue 16). They are checked against the
    attempt only after the login, when its owner is known."""
    from course.accounts.views import login_carrying  # views import Babel labels; avoid a cycle

    page = request.form.get("page", 0, type=int)
    answers = [(k, v) for k, v in request.form.items(multi=True) if k.startswith(ANSWER_PREFIXES)]
    carried = json.dumps({"attempt": public_id, "page": page, "answers": answers}, ensure_ascii=False)
    if len(carried) > CARRIED_MAX:
        carried = ""  # cannot happen with real quiz pages; never let it break the login
    message = _("Your session had ended. Log in again: your answers are kept and shown again on the quiz page.")
    return login_carrying(url_for(".attempt", public_id=public_id, page=page), carried, message)


@writes_late  # a unit of work of its own, before the expired session is logged out
def keep_answers_of_an_expired_session() -> None:
    """REL-2(e): a save posted just after the session expired is set aside, not lost.

    Called by the session timeout check (course.security) for the views that name it, before
    it logs the expired session out; the learner then logs in again, comes back to the attempt
    and finds these answers shown, unsaved.
    """
    public_id = (request.view_args or {}).get("public_id", "")
    try:
        attempt = services.owned_attempt(db.session, current_user, public_id)
    except AttemptNotFound:
        return
    drawn = services.attempt_questions(db.session, attempt)
    page = clamp_page(drawn, request.form.get("page", 0, type=int))
    services.keep_pending(db.session, attempt, parse_answers(request.form, page_of(drawn, page), strict=False), page)
    db.session.commit()


def _render_attempt(attempt: QuizAttempt, page: int | None, posted=None, message: str | None = None, status: int = 200):
    drawn = services.attempt_questions(db.session, attempt)
    page = clamp_page(drawn, page)
    responses = {**services.stored_responses(attempt), **(posted or {})}
    answered = sum(1 for d in drawn if not responses.get(d.question.id, _EMPTY).is_empty)
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        quiz=current_catalog().quizzes.get(attempt.quiz_id),
        questions=asked_page(drawn, page, responses, current_language()),
        page=page,
        pages=page_count(drawn),
        total=len(drawn),
        answered=answered,
        form=StartForm(),
        message=message,
    ), status


@bp.post("/attempts/<public_id>")
@keeps_work_when_expired(keep_answers_of_an_expired_session)
@writes_late  # guarded by the attempt version: the lock is taken only to write
def save(public_id: str):
    attempt = _attempt_or_404(public_id)
    if attempt.status == FINISHED:
        flash(_(AttemptAlreadySubmitted.message), "info")
        return redirect(url_for(".result", public_id=public_id), 303)
    try:
        form = read_attempt_post(request.form)
    except InvalidAnswer as invalid:
        return _render_attempt(attempt, 0, message=_(invalid.message), status=400)
    page, action = form.page, form.action
    try:
        _store(attempt, form, submit=action == "submit")
    except NotANumber as typo:  # saved, not submitted: the learner corrects it on its page
        flash(_("Question %(number)s: %(error)s", number=typo.index + 1, error=_(NOT_A_NUMBER)), "error")
        return redirect(url_for(".attempt", public_id=public_id, page=typo.index // PAGE_SIZE), 303)
    except AttemptAlreadySubmitted as done:
        flash(_(done.message), "info")
        return redirect(url_for(".result", public_id=public_id), 303)
    except (StaleAttempt, InvalidAnswer) as refusal:
        db.session.rollback()
        code = 409 if isinstance(refusal, StaleAttempt) else 400
        return _render_attempt(attempt, page, message=_(refusal.message), status=code)
    if action == "submit":
        return redirect(url_for(".result", public_id=public_id), 303)
    page += {"next": 1, "previous": -1}.get(action, 0)
    return redirect(url_for(".attempt", public_id=public_id, page=page), 303)


def _store(attempt: QuizAttempt, form: AttemptPost, submit: bool) -> int:
    """Save (or submit) the answers posted for one page, then commit."""
    drawn = services.attempt_questions(db.session, attempt)
    page = clamp_page(drawn, form.page)
    responses = parse_answers(request.form, page_of(drawn, page))
    typo = _not_a_number(attempt, drawn, page, responses, form.action)
    submit = submit and typo is None
    call = services.submit_attempt if submit else services.save_answers
    result = call(db.session, attempt, responses, form.version, utcnow())
    if submit and getattr(result, "is_passed", False):
        issue_on_completion()  # only a pass can make the learner eligible for a certificate
    db.session.commit()
    if typo is not None:
        raise NotANumber(typo)
    return result if isinstance(result, int) else 0


class NotANumber(Exception):
    """A typed number that cannot be read stops a submit (or a move to the next page)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def _not_a_number(
    attempt: QuizAttempt, drawn: tuple[DrawnQuestion, ...], page: int, responses: dict[str, Response], action: str
) -> int | None:
    """Index of the question whose typed number cannot be read: on any page for a submit, on this
    page for "next"; None otherwise. Grading it as wrong would cost a mark for a typo."""
    if action == "submit":
        answers = {**services.stored_responses(attempt), **responses}
        return first_not_a_number([d.question for d in drawn], answers)
    if action == "next":
        index = first_not_a_number([d.question for d in page_of(drawn, page)], responses)
        return None if index is None else page * PAGE_SIZE + index
    return None


@bp.post("/attempts/<public_id>/autosave")
@keeps_work_when_expired(keep_answers_of_an_expired_session)
@writes_late
def autosave(public_id: str):
    """Progressive autosave for JavaScript: JSON in, JSON out, same rules as the form."""
    attempt = _attempt_or_404(public_id)
    if attempt.status == FINISHED:
        return jsonify(error=_(AttemptAlreadySubmitted.message)), 409
    try:
        version = _store(attempt, read_attempt_post(request.form), submit=False)
    except StaleAttempt as stale:
        db.session.rollback()
        return jsonify(error=_(stale.message), version=stale.version), 409
    except (AttemptAlreadySubmitted, InvalidAnswer) as refusal:
        db.session.rollback()
        return jsonify(error=_(refusal.message)), 400
    return jsonify(version=version, saved=_("All answers saved."))


@bp.get("/attempts/<public_id>/result")
@reads
def result(public_id: str):
    attempt = _attempt_or_404(public_id)
    if attempt.status != FINISHED:
        return redirect(url_for(".attempt", public_id=public_id), 303)
    settings = services.attempt_settings(attempt)
    review = reviewed(
        services.attempt_questions(db.session, attempt),
        services.stored_responses(attempt),
        attempt.results or {},
        current_language(),
    )
    quiz = current_catalog().quizzes.get(attempt.quiz_id)
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        settings=settings,
        quiz=quiz,
        review=review,
        form=StartForm(),
        lang=current_language(),
    )


@bp.post("/attempts/<public_id>/practice")
@writes
def practice(public_id: str):
    """Practise what you missed: a round that never counts towards the pass."""
    attempt = _attempt_or_404(public_id)
    if not StartForm().validate():
        abort(400)
    try:
        round_ = services.start_practice(db.session, current_user, attempt, utcnow())
    except PracticeNotAvailable as nothing:
        flash(_(nothing.message), "info")
        return redirect(url_for(".result", public_id=public_id), 303)
    db.session.commit()
    return redirect(url_for(".attempt", public_id=round_.public_id), 303)


@bp.errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    """CSRF-2: an expired or missing token never loses answers: show them again, unsaved."""
    public_id = (request.view_args or {}).get("public_id")
    if request.endpoint == "quizzes.autosave":
        return jsonify(error=_("Your answers could not be saved automatically. Press Save.")), 400
    if request.endpoint == "quizzes.save" and public_id and not current_user.is_authenticated:
        return _login_carrying_the_answers(public_id)
    if request.endpoint != "quizzes.save" or not current_user.is_authenticated or not public_id:
        return handle_csrf_error(error)
    try:
        attempt = services.owned_attempt(db.session, current_user, public_id)
    except AttemptNotFound:
        abort(404)
    if attempt.status == FINISHED:
        return redirect(url_for(".result", public_id=public_id), 303)
    drawn = services.attempt_questions(db.session, attempt)
    page = clamp_page(drawn, request.form.get("page", 0, type=int))
    posted = parse_answers(request.form, page_of(drawn, page), strict=False)
    message = _(
        "The page had expired, so your answers are not saved yet. They are shown below: press Save to keep them."
    )
    return _render_attempt(attempt, page, posted, message, 400)


_EMPTY = Response()
