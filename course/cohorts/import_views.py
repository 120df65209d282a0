"""Bulk enrolment pages: the form and template, the dry run, the go-ahead, errors as CSV, undo.

Admins import into any cohort (or none); trainers only into their own cohorts, and see only the
batches they uploaded. An upload is checked whole (course/cohorts/imports.py) and kept as a
batch; nothing else is written until the admin presses "Import" on a clean file.
"""

from __future__ import annotations

import csv
import io
import logging

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.access import trainer_allowed
from course.accounts.choices import ORG_TYPES, REGIONS
from course.accounts.forms import EmptyForm
from course.admin.reports import to_csv
from course.clock import utcnow
from course.cohorts import imports, settings
from course.cohorts.csvfile import COLUMNS, RowProblem
from course.cohorts.forms import ImportForm
from course.cohorts.models import Cohort, ImportBatch
from course.cohorts.scope import visible_batch, visible_batches, visible_cohort, visible_cohorts
from course.cohorts.services import CohortError
from course.cohorts.views import bp
from course.extensions import db
from course.i18n import current_language
from course.mail.settings import mail_enabled
from course.security import external_url, upload_limit
from course.unit_of_work import reads, writes

log = logging.getLogger("frontline.cohorts")
SHOWN_PROBLEMS = 200  # on the page; the CSV of errors has them all
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def import_settings() -> imports.ImportSettings:
    return settings.import_settings(current_app.config)


def _form() -> ImportForm:
    form = ImportForm()
    cohorts = db.session.scalars(
        visible_cohorts(current_user).where(Cohort.is_archived.is_(False)).order_by(Cohort.name)
    ).all()
    none = [] if current_user.role == "trainer" else [("", _("No cohort"))]
    form.cohort.choices = none + [(str(cohort.id), cohort.name) for cohort in cohorts]
    return form


def _limit_mb() -> str:
    """The upload limit in MB as the form states it: "2", "1.5"."""
    return f"{current_app.config['IMPORT_MAX_BYTES'] / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _page(form: ImportForm, status: int = 200, **context):
    return render_template(
        "cohorts/import.html",
        form=form,
        columns=COLUMNS,
        regions=REGIONS,
        org_types=ORG_TYPES,
        limit_mb=_limit_mb(),
        mail_enabled=mail_enabled(current_app.config),
        **context,
    ), status


@bp.errorhandler(413)
def too_large(_error):
    """The upload is over the limit: the form again, saying what the limit is."""
    flash(_("The file is larger than %(limit)s MB. Split it into smaller files.", limit=_limit_mb()), "error")
    return redirect(url_for("cohorts.import_form"), 303)


@bp.get("/import")
@trainer_allowed
@reads
def import_form():
    return _page(_form())


@bp.get("/import/template.csv")
@trainer_allowed
@reads
def import_template():
    """A template in the reader's language, with one example row (Excel opens `;` files)."""
    headers = [column.uk_header if current_language() == "uk" else column.key for column in COLUMNS]
    example = ["olena.petrenko@example.org", "Олена Мар’яненко", "police", "lviv", _("Inspector"), current_language()]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([headers, example])
    return Response(
        "\ufeff" + out.getvalue(),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="frontline-enrolment-template.csv"',
        },
    )


@bp.post("/import")
@trainer_allowed
@upload_limit("IMPORT_MAX_BYTES")
@writes
def import_check():
    """The dry run: the whole file checked; a clean one waits for the go-ahead."""
    form = _form()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose a cohort from the list.") if form.cohort.errors else _("Choose a CSV file."), "error")
        return _page(form, 400)
    cohort = visible_cohort(db.session, current_user, int(form.cohort.data)) if form.cohort.data else None
    data = upload.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
    check = imports.check_file(db.session, current_user, cohort, data, import_settings())
    batch = imports.store_upload(db.session, current_user, cohort, upload.filename, data, check.ok, utcnow())
    db.session.commit()
    log.info("import checked", extra={"event": "import_checked", "actor_id": current_user.id, "target": batch.id})
    return redirect(url_for("cohorts.batch", batch_id=batch.id), 303)


def _batch_or_404(batch_id: int):
    batch = visible_batch(db.session, current_user, batch_id)
    if batch is None:
        abort(404)
    return batch


def _recheck(batch: ImportBatch) -> tuple[Cohort | None, imports.Check | None]:
    """The batch's cohort, and its stored file checked again against the database as it is
    now (None once applied: the file is not kept)."""
    cohort = db.session.get(Cohort, batch.cohort_id) if batch.cohort_id else None
    if batch.source is None:
        return cohort, None
    return cohort, imports.check_file(db.session, current_user, cohort, batch.source, import_settings())


def _problem_rows(problems: list[RowProblem]) -> list[tuple]:
    """Each problem as (line, column, value, problem), in the reader's language."""
    labels = {column.key: _(column.label) for column in COLUMNS}
    return [(p.line, labels.get(p.column, ""), p.value, p.render(_)) for p in problems]


@bp.get("/imports")
@trainer_allowed
@reads
def batches():
    rows = db.session.scalars(visible_batches(current_user).order_by(ImportBatch.id.desc()).limit(100)).all()
    return render_template("cohorts/batches.html", batches=rows)


@bp.get("/imports/<int:batch_id>")
@trainer_allowed
@reads
def batch(batch_id: int):
    """A checked file: its problems, or what importing it would do; an applied one: its result."""
    batch = _batch_or_404(batch_id)
    cohort, check = _recheck(batch)
    return render_template(
        "cohorts/batch.html",
        batch=batch,
        cohort=cohort,
        check=check,
        problems=_problem_rows(check.problems[:SHOWN_PROBLEMS] if check else []),
        refusal=_(check.refusal).format(**check.refusal_params) if check and check.refusal else "",
        form=EmptyForm(),
        started=batch.status == "applied" and imports.has_started(db.session, batch),
    )


@bp.post("/imports/<int:batch_id>/apply")
@trainer_allowed
@writes
def apply(batch_id: int):
    batch = _batch_or_404(batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        check, invitations = imports.apply_batch(db.session, current_user, batch, import_settings(), utcnow())
    except CohortError as refusal:
        db.session.rollback()
        flash(_(refusal.message), "error")
        return redirect(url_for("cohorts.batch", batch_id=batch_id), 303)
    if not check.ok:
        db.session.rollback()
        flash(_("The file no longer passes the check: nothing was imported."), "error")
        return redirect(url_for("cohorts.batch", batch_id=batch_id), 303)
    db.session.commit()
    log.info("import applied", extra={"event": "import_applied", "actor_id": current_user.id, "target": batch.id})
    if not invitations:
        flash(_("The file has been imported."), "success")
        return redirect(url_for("cohorts.batch", batch_id=batch_id), 303)
    links = [(i, external_url("accounts.reset_start", token=i.token)) for i in invitations]
    days = current_app.config["INVITATION_DAYS"]
    page = render_template("cohorts/invitation_links.html", batch=batch, links=links, days=days)
    return page, 200, NO_STORE


@bp.get("/imports/<int:batch_id>/errors.csv")
@trainer_allowed
@reads
def errors_csv(batch_id: int):
    """Every problem of a checked file, in the reader's language: line, column, value, problem."""
    batch = _batch_or_404(batch_id)
    _cohort, check = _recheck(batch)
    if check is None:
        abort(404)
    rows = [(line or "", *rest) for line, *rest in _problem_rows(check.problems)]
    body = "\ufeff" + to_csv([_("Line"), _("Column"), _("Value"), _("Problem")], rows)
    return Response(
        body,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="frontline-import-{batch.id}-errors.csv"',
        },
    )


@bp.post("/imports/<int:batch_id>/undo")
@trainer_allowed
@writes
def undo(batch_id: int):
    batch = _batch_or_404(batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        imports.undo_batch(db.session, batch, utcnow())
    except CohortError as refusal:
        db.session.rollback()
        flash(_(refusal.message), "error")
    else:
        db.session.commit()
        log.info("import undone", extra={"event": "import_undone", "actor_id": current_user.id, "target": batch.id})
        flash(_("The import has been undone."), "success")
    return redirect(url_for("cohorts.batch", batch_id=batch_id), 303)
