"""Admin certificate pages: list, filters, CSV and ZIP exports, revoke, reissue, audit, preview.

Routes on the certificates blueprint under /admin/certificates; each needs the admin role,
checked on the server (AC-2). Thin: `manage`, `records` and `pdfs` do the work; commits here.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it

from course.access import admin_required
from course.accounts.forms import ConfirmForm
from course.certificates import manage
from course.certificates.codes import format_code
from course.certificates.errors import CertificateError, CertificateNotFound, CertificatePending, CertificateRenderError
from course.certificates.forms import ACTION_LABELS, STATUS_LABELS, AuditFilterForm, FilterForm, PreviewForm, RevokeForm
from course.certificates.pdfs import sample_pdf, stored_pdf
from course.certificates.records import status_of
from course.certificates.views import bp, current_settings, pdf_response
from course.clock import utcnow
from course.extensions import db
from course.unit_of_work import reads, writes, writes_late

PREFIX = "/admin/certificates"


def _filters() -> tuple[FilterForm, manage.Filters]:
    form = FilterForm(request.args)
    if not form.validate():  # a bad date or unknown choice: show everything, say why
        return form, manage.Filters()
    return form, manage.Filters(
        status=manage.parse_status(form.status.data or ""),
        query=form.q.data or "",
        issued_from=form.issued_from.data,
        issued_to=form.issued_to.data,
        sort=form.sort.data if form.sort.data in manage.SORTS else "issued",
    )


def _page_number() -> int:
    value = request.args.get("page", "1")
    return min(max(int(value), 1), 100_000) if value.isdigit() and len(value) < 7 else 1


@bp.get(PREFIX)
@admin_required
@reads
def admin_list():
    form, filters = _filters()
    page = _page_number()
    rows, total = manage.page_of(db.session, filters, utcnow(), page)
    return render_template(
        "certificates/admin_list.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        per_page=manage.PER_PAGE,
        now=utcnow(),
        status_of=status_of,
        format_code=format_code,
        labels=STATUS_LABELS,
        query=request.args.to_dict(),
    )


@bp.get(PREFIX + "/export.csv")
@admin_required
@writes_late  # one audit row after the read; the lock only for it
def admin_export_csv():
    _form, filters = _filters()
    body, _count = manage.export_csv(db.session, current_user, filters, utcnow())
    db.session.commit()
    response = make_response(body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="certificates.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(PREFIX + "/export.zip")
@admin_required
@writes_late  # one audit row after the read; the lock only for it
def admin_export_zip():
    _form, filters = _filters()
    body, _count = manage.export_zip(db.session, current_user, filters, current_settings(), utcnow())
    db.session.commit()
    response = make_response(body)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = 'attachment; filename="certificates.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _certificate_or_404(certificate_id: int):
    try:
        return manage.certificate_by_id(db.session, certificate_id)
    except CertificateNotFound:
        abort(404)


@bp.get(PREFIX + "/<int:certificate_id>")
@admin_required
@reads
def admin_detail(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    return render_template(
        "certificates/admin_detail.html",
        c=certificate,
        status=status_of(certificate, utcnow()),
        revoke_form=RevokeForm(),
        reissue_form=ConfirmForm(),
        format_code=format_code,
        labels=STATUS_LABELS,
        actions=ACTION_LABELS,
        audit=manage.audit_log(db.session, certificate_id=certificate.id),
    )


@bp.post(PREFIX + "/<int:certificate_id>/revoke")
@admin_required
@writes
def admin_revoke(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        if "confirm" in form.errors and "reason" not in form.errors:
            flash(_("Nothing was changed: tick the box to confirm that you mean it."), "error")
        else:
            flash(_("Give a reason for revoking (at most 500 characters)."), "error")
        return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))
    try:
        manage.revoke(db.session, current_user, certificate, form.reason.data or "", utcnow())
    except CertificateError as refused:
        flash(_(refused.message), "error")
    else:
        db.session.commit()
        flash(_("The certificate is revoked."), "success")
    return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))


@bp.post(PREFIX + "/<int:certificate_id>/reissue")
@admin_required
@writes
def admin_reissue(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        if form.errors.keys() != {"confirm"}:
            abort(400)
        flash(_("Nothing was changed: tick the box to confirm that you mean it."), "error")
        return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))
    was_revoked = status_of(certificate, utcnow()) == "revoked"
    try:
        new = manage.reissue(db.session, current_user, certificate, current_settings(), utcnow())
    except CertificateError as refused:
        flash(_(refused.message), "error")
        return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))
    db.session.commit()
    if was_revoked:
        flash(
            _("A new, valid certificate with a new code was issued to the holder; the revoked one stays revoked."),
            "success",
        )
    else:
        flash(_("A new certificate with a new code was issued; the old one is superseded."), "success")
    return redirect(url_for("certificates.admin_detail", certificate_id=new.id))


@bp.get(PREFIX + "/<int:certificate_id>/pdf")
@admin_required
@writes_late  # stores the PDF if rendering at issue failed
def admin_pdf(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    try:
        pdf = stored_pdf(db.session, certificate, current_settings(), utcnow())
    except CertificatePending as pending:
        db.session.commit()
        return render_template("certificates/pending.html", message=_(pending.message)), 503
    db.session.commit()
    return pdf_response(pdf, manage.pdf_filename(certificate))


@bp.get(PREFIX + "/audit")
@admin_required
@reads
def admin_audit():
    """Every admin action in one log (certificates and accounts), with filters (issue 16)."""
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _("Any action")), *(SelectChoice(k, v) for k, v in ACTION_LABELS.items())]
    filters = manage.AuditFilters()
    if form.validate():
        filters = manage.AuditFilters(
            form.action.data or "", form.actor.data or "", form.target.data or "", form.since.data, form.until.data
        )
    rows = manage.audit_log(db.session, filters=filters)
    return render_template(
        "certificates/admin_audit.html",
        rows=rows,
        targets=manage.targets(db.session, rows),
        form=form,
        actions=ACTION_LABELS,
        format_code=format_code,
    )


@bp.get(PREFIX + "/preview")
@admin_required
@reads
def admin_preview():
    """The sample certificate, rendered by the issuing code path; nothing is stored."""
    form = PreviewForm(request.args)
    if "lang" not in request.args or not form.validate():
        return render_template("certificates/admin_preview.html", form=form, error=None)
    try:
        pdf = sample_pdf(current_settings(), form.name.data or "", form.lang.data, utcnow().date())
    except CertificateRenderError as exc:
        return render_template("certificates/admin_preview.html", form=form, error=str(exc)), 422
    # An attachment, not inline: a strict CSP (object-src none) can blank an inline PDF viewer.
    return pdf_response(pdf, "certificate-sample.pdf")
