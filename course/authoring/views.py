"""The course editor in the browser (issue 12): list, edit both languages, history, restore,
publish, create from a skeleton. Admins only (AC-2): trainers and learners get 403.

Web layer, thin: the use cases are course/authoring/editor.py over the store. Every write is a
POST with CSRF, declared `@writes`, and redirects (POST, redirect, GET). Nothing typed is lost:
a conflict, a refusal, an expired CSRF token or an expired session shows the text again
(the last two through the login form's carried form, as the quiz does: course/security.py).
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3

from course.access import staff_may_open, staff_required
from course.accounts.models import User
from course.authoring import editor
from course.authoring import services as store
from course.authoring.files import (
    CHANGED,
    FOLDERS,
    LANGUAGES,
    NEW,
    UNCHANGED,
    as_text,
    is_entry,
    parse_path,
    path_for,
    problems_by_path,
)
from course.authoring.forms import EditForm, NewEntryForm, PublishForm, base_id
from course.authoring.ids import front_matter_id
from course.authoring.skeletons import module_skeleton, next_order, quiz_skeleton
from course.clock import utcnow
from course.errors import handle_csrf_error
from course.extensions import db
from course.problems import N_, Problem
from course.security import CARRIED_FORM, keeps_work_when_expired
from course.unit_of_work import reads, writes

bp = Blueprint("authoring", __name__, url_prefix="/admin/authoring")
bp.before_request(staff_required)  # no view here is @trainer_allowed: admins only


@bp.app_template_global()
def problem_text(problem: Problem) -> str:
    """`line:column: message` in the reader's language, the text `content check` prints."""
    text = problem.render(_)
    return f"{problem.position}: {text}" if problem.position else text


@bp.app_template_global()
def release_of(content_hash: str | None, at: datetime | None = None):
    """The release an attempt or certificate was taken on (its content hash, its time), or None."""
    return store.release_of_hash(db.session, content_hash, at) if content_hash else None


KIND_LABELS = {"module": N_("Module"), "page": N_("Page"), "job-aid": N_("Job aid"), "quiz": N_("Quiz")}
STATE_LABELS = {UNCHANGED: N_("as published"), CHANGED: N_("changed in the draft"), NEW: N_("new in the draft")}
ID_KINDS = {"module": N_("module"), "lesson": N_("lesson"), "quiz": N_("quiz")}


@bp.context_processor
def _helpers() -> dict:
    return {
        "parse_course_path": parse_path,
        "kind_label": lambda kind: _(KIND_LABELS[kind]),
        "state_label": lambda state: _(STATE_LABELS[state]),
        "author_name": _author_name,
        "preview_path": _preview_path,
        "id_refusal_text": lambda used: _(
            "The %(kind)s id '%(id)s' in %(path)s: %(count)s records of learners use it.",
            kind=_(ID_KINDS[used.kind]),
            id=used.id,
            path=used.path,
            count=used.records,
        ),
    }


def _author_name(user_id: int | None) -> str:
    names = g.setdefault("authoring_authors", {})
    if user_id not in names:
        user = db.session.get(User, user_id) if user_id is not None else None
        names[user_id] = user.full_name if user is not None and not user.erased_at else _("an unknown author")
    return names[user_id]


def _preview_path(kind: str, stem: str, lang: str) -> str:
    """Where the preview of this entry starts, after /preview/<lang>/ (its front-matter id)."""
    head = _head(path_for(kind, stem, lang))
    own = front_matter_id(as_text(head.data)) if head is not None else None
    entry_id = own or stem
    return {"module": f"modules/{entry_id}", "page": f"pages/{entry_id}", "quiz": f"quizzes/{entry_id}"}.get(
        kind, f"modules/{entry_id}/job-aid"
    )


def _entry_or_404(kind: str, stem: str) -> None:
    if not is_entry(kind, stem):
        abort(404)
    if all(_head(path_for(kind, stem, lang)) is None for lang in LANGUAGES):
        abort(404)


def _head(path: str):
    head = store.head(db.session, path)
    return None if head is None or head.deleted else head


@bp.get("/")
@reads
def index():
    """Every file of the draft, its state and problems, and the release learners see now."""
    return render_template("authoring/index.html", overview=editor.overview(db.session), by_path=problems_by_path)


@bp.get("/files/<kind>/<stem>")
@reads
def edit(kind: str, stem: str):
    _entry_or_404(kind, stem)
    carried = _read_carried(session.get(CARRIED_FORM), kind, stem)
    if carried is None:
        return _editor_page(kind, stem)
    session.pop(CARRIED_FORM)  # shown once; a form carried for another page stays for it
    return _editor_page(kind, stem, *carried, notice=_carried_notice())


Texts = dict[str, str]
Bases = dict[str, int | None]


def _editor_page(
    kind: str,
    stem: str,
    texts: Texts | None = None,
    bases: Bases | None = None,
    message: str = "",
    notice: str | None = None,
    refusal: editor.SaveRefused | None = None,
    status: int = 200,
):
    """The edit form: both languages side by side, the problems of the saved draft, and any
    refusal (a conflict with both versions, or ids still in use) above the kept text."""
    heads = {lang: _head(path_for(kind, stem, lang)) for lang in LANGUAGES}
    form = EditForm(formdata=None, message=message)
    for lang in LANGUAGES:
        head = heads[lang]
        text = texts[lang] if texts is not None else as_text(head.data if head else None)
        base = bases[lang] if bases is not None else (head.id if head else None)
        getattr(form, f"text_{lang}").data = text
        getattr(form, f"base_{lang}").data = "" if base is None else str(base)
    problems = editor.draft_catalog(db.session).problems
    page = render_template(
        "authoring/edit.html",
        kind=kind,
        stem=stem,
        form=form,
        heads=heads,
        paths={lang: path_for(kind, stem, lang) for lang in LANGUAGES},
        problems=problems_by_path(problems),
        notice=notice,
        refusal=refusal,
        release=store.current_release(db.session),
    )
    return page, status


@bp.post("/files/<kind>/<stem>")
@keeps_work_when_expired(lambda: _login_keeping_the_text)
@writes
def save(kind: str, stem: str):
    """Save a draft of one entry's two files, even with problems; never over someone's save."""
    _entry_or_404(kind, stem)
    if "carried" in request.form:  # back from a login: show the kept text, save nothing yet
        carried = _read_carried(request.form["carried"], kind, stem)
        if carried is None:
            return _editor_page(kind, stem)
        return _editor_page(kind, stem, *carried, notice=_carried_notice())
    form = EditForm()
    texts = {lang: getattr(form, f"text_{lang}").data or "" for lang in LANGUAGES}
    bases = {lang: base_id(getattr(form, f"base_{lang}").data) for lang in LANGUAGES}
    if not form.validate():
        return _editor_page(
            kind, stem, texts, bases, "", _("The message is too long (300 characters at most)."), None, 400
        )
    posted = {lang: editor.Posted(texts[lang], bases[lang]) for lang in LANGUAGES}
    try:
        saved = editor.save_entry(
            db.session, kind, stem, posted, author_id=current_user.id, message=form.message.data or "", now=utcnow()
        )
    except editor.SaveRefused as refused:
        db.session.rollback()
        for conflict in refused.conflicts:  # the next save is the admin's choice, made seeing theirs
            bases[conflict.lang] = conflict.theirs.id if conflict.theirs else None
        return _editor_page(kind, stem, texts, bases, form.message.data or "", None, refused, 409)
    db.session.commit()
    flash(
        _("Draft saved. Learners still see the published release.")
        if saved
        else _("Nothing to save: the text is as saved."),
        "success",
    )
    return redirect(url_for(".edit", kind=kind, stem=stem), 303)


def _carried_json(kind: str, stem: str) -> str:
    texts = {lang: request.form.get(f"text_{lang}", "") for lang in LANGUAGES}
    bases = {lang: request.form.get(f"base_{lang}", "") for lang in LANGUAGES}
    return json.dumps(
        {"editor": f"{kind}/{stem}", "texts": texts, "bases": bases, "message": request.form.get("message", "")},
        ensure_ascii=False,
    )


def _read_carried(raw: str | None, kind: str, stem: str) -> tuple[Texts, Bases, str] | None:
    """The texts a login carried back for this entry: (texts, bases, message), or None."""
    try:
        carried = json.loads(raw) if raw else None
        if not isinstance(carried, dict) or carried.get("editor") != f"{kind}/{stem}":
            return None
        texts = {lang: str(carried["texts"].get(lang, "")) for lang in LANGUAGES}
        bases = {lang: base_id(str(carried["bases"].get(lang, ""))) for lang in LANGUAGES}
        return texts, bases, str(carried.get("message", ""))[:300]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _carried_notice() -> str:
    return _(
        "Your session had ended, so this text is not saved yet. It is shown below as you left it: press Save draft."
    )


def _login_keeping_the_text():
    """The login form carrying the editor's texts back (an expired session or page)."""
    from course.accounts.views import login_carrying  # views import Babel labels; avoid a cycle

    kind, stem = (request.view_args or {}).get("kind", ""), (request.view_args or {}).get("stem", "")
    message = _("Your session had ended. Log in again: your text is kept and shown again in the editor.")
    return login_carrying(url_for(".edit", kind=kind, stem=stem), _carried_json(kind, stem), message)


@bp.errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    """CSRF-2: an expired or missing token on a save never loses the text: show it again."""
    if request.endpoint != "authoring.save":
        return handle_csrf_error(error)
    if not current_user.is_authenticated:
        return _login_keeping_the_text()
    if not staff_may_open(save):  # the CSRF check runs before the role check: keep that order safe
        return handle_csrf_error(error)
    kind, stem = (request.view_args or {}).get("kind", ""), (request.view_args or {}).get("stem", "")
    carried = _read_carried(_carried_json(kind, stem), kind, stem)
    if carried is None or not is_entry(kind, stem):  # nothing of the admin's to keep here
        return handle_csrf_error(error)
    notice = _(
        "The page had expired, so this text is not saved yet. It is shown below as you left it: press Save draft."
    )
    return _editor_page(kind, stem, *carried, notice=notice, status=400)


@bp.get("/files/<kind>/<stem>/<lang>/history")
@reads
def history(kind: str, stem: str, lang: str):
    """Every revision of one file: who, when, the message and the diff against the one before."""
    if lang not in LANGUAGES or not is_entry(kind, stem):
        abort(404)
    path = path_for(kind, stem, lang)
    items = editor.file_history(db.session, path)
    if not items:
        abort(404)
    return render_template(
        "authoring/history.html", kind=kind, stem=stem, lang=lang, path=path, items=items, form=PublishForm()
    )


@bp.post("/revisions/<int:revision_id>/restore")
@writes
def restore(revision_id: int):
    """Restore an old revision as a new one: history is never rewritten."""
    if not PublishForm().validate():
        abort(400)
    try:
        revision = store.restore(db.session, revision_id, author_id=current_user.id, now=utcnow())
    except store.InvalidRevision:
        abort(404)
    db.session.commit()
    ref = parse_path(revision.path)
    flash(_("Revision restored as a new draft revision. Publish to show it to learners."), "success")
    if ref is None:
        return redirect(url_for(".index"), 303)
    return redirect(url_for(".history", kind=ref.kind, stem=ref.stem, lang=ref.lang), 303)


@bp.get("/publish")
@reads
def publish_form():
    """What publishing would do: the problems that block it, or the form."""
    return _publish_page(PublishForm(), None, 200)


@bp.post("/publish")
@writes
def publish():
    """Publish the whole draft as a new release, only when it is clean."""
    form = PublishForm()
    if not form.validate_on_submit():
        return _publish_page(form, None, 400)
    before = store.current_release_id(db.session)
    try:
        release = editor.publish(db.session, author_id=current_user.id, message=form.message.data or "", now=utcnow())
    except store.PublishRefused as refused:
        db.session.rollback()
        return _publish_page(form, problems_by_path(refused.problems), 409)
    except editor.SaveRefused as refused:
        db.session.rollback()
        return _publish_page(form, None, 409, refused)
    except store.PublishConflict:
        db.session.rollback()
        flash(
            _("Someone published at the same moment. Look at the new release, then publish again if needed."), "error"
        )
        return redirect(url_for(".publish_form"), 303)
    db.session.commit()
    if release.id == before:  # the draft is exactly what learners see: nothing new was made
        flash(_("Nothing to publish: the draft is the release learners see."), "info")
    else:
        flash(_("Release %(number)s is published: learners see it on their next page.", number=release.id), "success")
    return redirect(url_for(".index"), 303)


def _publish_page(form, problems, status, refusal=None):
    return render_template(
        "authoring/publish.html",
        form=form,
        problems=problems,
        refusal=refusal,
        draft_problems=problems_by_path(editor.draft_catalog(db.session).problems) if problems is None else None,
        release=store.current_release(db.session),
    ), status


def _new_form() -> tuple[NewEntryForm, list[str], list[str]]:
    """The form, the draft's module ids (from each file's front matter) and its paths."""
    form, files = NewEntryForm(), store.draft_files(db.session)
    ids = (front_matter_id(as_text(data)) for path, data in files.items() if path.startswith(FOLDERS["module"] + "/"))
    modules = sorted({module_id for module_id in ids if module_id})
    form.module_id.choices = [SelectChoice(m, m) for m in modules]
    draft = list(files)
    return form, modules, draft


@bp.get("/new")
@reads
def new_form():
    return render_template("authoring/new.html", form=_new_form()[0])


@bp.post("/new")
@writes
def new():
    """A new module or quiz from a skeleton, both languages, ready to be filled in."""
    form, modules, draft = _new_form()
    if not form.validate_on_submit():
        return render_template("authoring/new.html", form=form), 400
    titles = {"uk": form.title_uk.data or "", "en": form.title_en.data or ""}
    entry_id = form.entry_id.data or ""
    if form.kind.data == "quiz":
        if form.module_id.data not in modules:
            form.module_id.errors = [_("Choose the module this quiz belongs to.")]
            return render_template("authoring/new.html", form=form), 400
        entry = quiz_skeleton(entry_id, form.module_id.data, titles)
    elif entry_id in modules:
        form.entry_id.errors = [_("This id is already used in the course. Choose another.")]
        return render_template("authoring/new.html", form=form), 409
    else:
        entry = module_skeleton(entry_id, next_order(draft), titles)
    try:
        editor.create_entry(db.session, entry, author_id=current_user.id, now=utcnow())
    except FileExistsError:
        db.session.rollback()
        form.entry_id.errors = [_("This id is already used in the course. Choose another.")]
        return render_template("authoring/new.html", form=form), 409
    db.session.commit()
    flash(_("Created in the draft, in both languages. Fill in the text, then publish."), "success")
    return redirect(url_for(".edit", kind=entry.kind, stem=entry.stem), 303)


from course.authoring import delete_views, preview_views  # noqa: E402, F401 - register their routes on bp
