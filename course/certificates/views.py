"""Certificate pages: public verification, the learner's certificates, and issuing on time.

Thin views over `records`, `issuing`, `pdfs`, `verify` and `manage`; admin pages are in
`admin_views`, on the same blueprint. Issuing is an explicit call: a view that completes something (marking a lesson
read, passing a quiz) calls `issue_on_completion` before its single commit, so the completion
and the certificate it earns are one unit of work. "My certificates" also offers the
certificate to a learner who is eligible without one (after a rule change, say).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from course.access import public
from course.certificates import verify
from course.certificates.codes import format_code, normalize_code
from course.certificates.errors import CertificateNotFound, CertificatePending
from course.certificates.forms import SurnameForm, VerifyForm
from course.certificates.issuing import issue_if_eligible
from course.certificates.pdfs import stored_pdf
from course.certificates.records import (
    could_be_eligible,
    eligibility_now,
    learner_certificates,
    owned_certificate,
    requirements_for,
    status_of,
)
from course.certificates.settings import (
    CertificateSettings,
    CertificateSettingsError,
    settings_from,
)
from course.certificates.types import LANGUAGES
from course.clock import utcnow
from course.content.access import current_catalog
from course.extensions import db
from course.i18n import current_language
from course.message_catalogs import translations_dir
from course.pagecache import PageCache
from course.security import client_ip
from course.unit_of_work import reads, writes, writes_late

bp = Blueprint("certificates", __name__)
log = logging.getLogger("frontline.certificates")
SETTINGS_KEY = "frontline.certificates.settings"
PAGES_KEY = "frontline.certificates.verify_pages"
MAX_VERIFY_PAGES = 2048  # bounded: the key holds the address as typed
VERIFY_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",  # CERT-3: the code in the URL is a bearer secret
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@bp.record_once
def _load_settings(state) -> None:
    """Validate the certificate settings when the app is built: bad values stop start-up."""
    import os

    from course.config import ConfigError

    config = {**{k: v for k, v in os.environ.items() if k in _names()}, **state.app.config}
    try:
        state.app.extensions[SETTINGS_KEY] = settings_from(config, Path(translations_dir()))
    except CertificateSettingsError as problem:  # wsgi.py turns this into a clean exit
        raise ConfigError(str(problem)) from None


def _names() -> set[str]:
    from course.certificates.settings import SETTINGS

    return set(SETTINGS)


def current_settings() -> CertificateSettings:
    return current_app.extensions[SETTINGS_KEY]


def issue_on_completion() -> None:
    """Call in the unit of work that just completed something for the learner, before its
    commit: issues the certificate if this completion earned it (CERT-5), and says so.

    Most completions (a pass with lessons still unread) end after one or two reads."""
    session, learner = db.session, current_user
    if not learner.is_authenticated or learner.is_admin:
        return
    catalog, settings = current_catalog(), current_settings()
    if not could_be_eligible(session, learner, catalog, settings):
        return
    if issue_if_eligible(session, learner, catalog, settings, utcnow()) is not None:
        flash(_("Congratulations! Your certificate is ready under “My certificates”."), "success")


@bp.app_template_global()
def certificate_summary() -> dict:
    """For the learner's dashboard: what earns the certificate (CERTIFICATE_ELIGIBILITY) and
    where the learner stands against each part, and the certificate if one was issued."""
    settings, catalog, now = current_settings(), current_catalog(), utcnow()
    eligibility, latest, plan = eligibility_now(db.session, current_user, catalog, settings, now)
    course = requirements_for(catalog, settings)
    module_quizzes = {q.id for q in catalog.quizzes.values() if q.module_id}
    final_quizzes = set(catalog.quizzes) - module_quizzes
    missing = set(eligibility.missing_quizzes)
    return {
        "rule": settings.rule,
        "lessons": (len(course.lessons) - len(eligibility.missing_lessons), len(course.lessons)),
        "quizzes": (len(module_quizzes - missing), len(module_quizzes)),
        "final": (len(final_quizzes - missing) if settings.rule.final else None, len(final_quizzes)),
        "eligible": eligibility.eligible,
        "latest": latest,
        "state": status_of(latest, now) if latest is not None else None,
        "plan": plan,
    }


def _verify_response(body: str | bytes, status: int = 200) -> Response:
    return Response(body, status, VERIFY_HEADERS, mimetype="text/html")


@bp.route("/verify", methods=["GET", "POST"])
@public
@reads
def verify_form():
    """A form for a code typed from paper; it leads to the page the QR code opens."""
    form = VerifyForm()
    if form.validate_on_submit():
        typed = form.code.data or ""
        code = normalize_code(typed)
        target = format_code(code) if code else (typed[:64] or "-")
        return redirect(url_for("certificates.verify_code", code=target))
    return _verify_response(render_template("certificates/verify_form.html", form=form))


@bp.route("/verify/<path:code>", methods=["GET", "POST"])
@public
@writes_late  # only the failure counter writes: one atomic upsert
def verify_code(code: str):
    """The public answer for one code: state always, the name masked unless confirmed."""
    settings, now, ip = current_settings(), utcnow(), client_ip()
    throttled, certificate = verify.lookup(db.session, ip, now, settings.verify_limit, settings.verify_window, code)
    if throttled:
        log.warning("verification throttled", extra={"event": "verify_throttled"})
        page = render_template(
            "certificates/verify_missing.html", throttled=True, language_next=url_for("certificates.verify_form")
        )
        return _verify_response(page, 429)
    surname, name_refused = None, False
    if certificate is not None and request.method == "POST":  # GETs skip WTForms: it is hot
        form = SurnameForm()
        name_refused = verify.name_check_refused(
            db.session, ip, certificate.code, now, settings.verify_limit, settings.verify_window
        )
        surname = form.surname.data if form.validate_on_submit() and not name_refused else None
    shown = verify.verification(certificate, now, surname) if certificate is not None else None
    if shown is None:
        _count_failure((verify.ip_key(ip), verify.prefix_key(code)), now, settings)
    elif shown.name_check is False and certificate is not None:
        _count_failure((verify.ip_key(ip), verify.code_key(certificate.code)), now, settings)
    if shown is None:  # unknown and malformed codes: one page, one status (CERT-3)
        page = render_template(
            "certificates/verify_missing.html", throttled=False, language_next=url_for("certificates.verify_form")
        )
        return _verify_response(page, 404)
    # The surname form only when asked for (a link on the page) or to try again: the page a
    # QR code opens then has no form, so it starts no session and sets no cookie.
    show_form = request.method == "POST" or request.args.get("confirm") == "name"
    return _verify_response(_verify_page(shown, show_form, name_refused))


def _verify_page(shown: verify.Verification, show_form: bool, name_refused: bool = False) -> str | bytes:
    """The page for a found certificate; kept per (facts, language, address) for visitors.

    A QR code on a printed certificate is the most-scanned link in the course, by people who
    are not logged in. For them the page is the same every time but for the CSRF token of the
    surname form, when it has one (course/pagecache.py)."""
    if current_user.is_authenticated or session.get("_flashes") or name_refused:
        return render_template("certificates/verify.html", v=shown, show_form=show_form, name_refused=name_refused)
    cache = current_app.extensions.get(PAGES_KEY)
    if cache is None:
        cache = current_app.extensions[PAGES_KEY] = PageCache(MAX_VERIFY_PAGES)
    key = (shown, show_form, current_language(), request.full_path)
    return cache.page(
        key, lambda token: render_template("certificates/verify.html", v=shown, show_form=show_form, csrf_token=token)
    )


def _count_failure(keys: tuple[str, ...], now, settings: CertificateSettings) -> None:
    """The only write of the page: one upsert per key, the lock taken just before it (`@writes_late`)."""
    verify.count_failure(db.session, keys, now, settings.verify_window)
    db.session.commit()


@bp.get("/certificates")
@reads
def mine():
    """My certificates: downloads, states, and what to redo when one expired or went stale."""
    settings, now = current_settings(), utcnow()
    catalog = current_catalog()
    certificates = learner_certificates(db.session, current_user)
    eligibility, latest, plan = eligibility_now(db.session, current_user, catalog, settings, now)
    from course.accounts.forms import EmptyForm

    return render_template(
        "certificates/mine.html",
        certificates=certificates,
        now=now,
        status_of=status_of,
        eligibility=eligibility,
        latest=latest,
        plan=plan,
        catalog=catalog,
        format_code=format_code,
        renew_form=EmptyForm(),
    )


@bp.post("/certificates/renew")
@writes
def renew():
    """Ask for the certificate of the current course version once nothing is left to redo."""
    from course.accounts.forms import EmptyForm

    if not EmptyForm().validate_on_submit():
        abort(400)
    certificate = issue_if_eligible(
        db.session, current_user, current_catalog(), current_settings(), utcnow(), asked=True
    )
    db.session.commit()
    if certificate is not None:
        flash(_("Congratulations! Your certificate is ready under “My certificates”."), "success")
    return redirect(url_for("certificates.mine"))


@bp.get("/certificates/<code>.pdf")
@writes_late  # stores a PDF whose rendering failed at issue (or an older one's second language); lock only to store
def download(code: str):
    """The learner's own PDF, byte for byte as issued (AC-3: looked up with their id), in the
    language it was issued in or, with `?language=`, in the other one (also frozen at issue)."""
    language = request.args.get("language") if request.args.get("language") in LANGUAGES else None
    try:
        certificate = owned_certificate(db.session, current_user, code)
        pdf = stored_pdf(db.session, certificate, current_settings(), utcnow(), language)
    except CertificateNotFound:
        return render_template(
            "error.html", status=404, title=_("This page does not exist."), message=None, error_id="-"
        ), 404
    except CertificatePending as pending:
        db.session.commit()  # keep the render error id for the admins
        page = render_template("certificates/pending.html", message=_(pending.message))
        return page, 503, {"Retry-After": "30"}
    db.session.commit()
    suffix = f"-{language}" if language and language != certificate.lang else ""
    return pdf_response(pdf, f"certificate-{format_code(certificate.code)}{suffix}.pdf")


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A PDF download (ASCII file name); never cached, even by the browser (HDR-3)."""
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


from course.certificates import admin_views  # noqa: E402, F401 - registers admin routes on bp
