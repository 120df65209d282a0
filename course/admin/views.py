"""Admin views; every one needs the admin role (AC-2), checked for the whole blueprint, except
those marked @trainer_allowed, which trainers may open too: their learner queries go through the
trainer's scope (course/cohorts/scope.py)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from course.access import staff_required, trainer_allowed
from course.accounts.choices import ORG_TYPES, REGIONS
from course.admin import reports
from course.authoring import services as store
from course.authoring.editor import draft_catalog
from course.authoring.files import parse_path
from course.certificates.forms import STATUS_LABELS
from course.clock import utcnow
from course.cohorts.models import Cohort
from course.cohorts.scope import visible_cohorts
from course.content.access import current_catalog
from course.extensions import db
from course.i18n import current_language
from course.problems import sort_problems
from course.unit_of_work import reads

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger("frontline.admin")


bp.before_request(staff_required)


def _query() -> reports.LearnerQuery:
    try:
        return reports.parse_query(request.args)
    except reports.BadQuery:
        abort(400)


@bp.get("/")
@trainer_allowed
@reads
def learners():
    """The learners report: search by name or e-mail, sort from a fixed list, 50 per page."""
    catalog, query = current_catalog(), _query()
    report = reports.learner_report(db.session, current_user, catalog.modules, query)
    outcomes = reports.outcomes(db.session, [user for user, _progress in report.rows], catalog.quizzes, utcnow())
    return render_template(
        "admin/learners.html",
        report=report,
        outcomes=outcomes,
        certificate_labels=STATUS_LABELS,
        rows=report.rows,
        query=query,
        catalog=catalog,
        lang=current_language(),
        org_types=ORG_TYPES,
        regions=REGIONS,
        cohorts=db.session.scalars(visible_cohorts(current_user).order_by(Cohort.name)).all(),
    )


@bp.get("/learners.csv")
@trainer_allowed
@reads
def learners_csv():
    """The same report as CSV for a spreadsheet: every cell defused (OUT-4)."""
    query = _query()
    catalog = current_catalog()
    rows = reports.all_rows(db.session, current_user, catalog.modules, query)
    outcomes = reports.outcomes(db.session, [user for user, _progress in rows], catalog.quizzes, utcnow())
    header = [_("Name"), _("E-mail"), _("Organisation type"), _("Region"), _("Registered")]
    header += [_("Lessons read"), _("Module quizzes passed"), _("Final assessment"), _("Certificate")]
    body = reports.to_csv(header, [_csv_row(user, progress, outcomes[user.id]) for user, progress in rows])
    log.info("report export", extra={"event": "admin_report_export", "actor_id": current_user.id, "count": len(rows)})
    filename = f"frontline-learners-{utcnow():%Y-%m-%d}.csv"
    return Response(
        "\ufeff" + body,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _csv_row(user, progress, outcome: reports.Outcome) -> tuple:
    """One learner: lessons, quizzes and the certificate in columns of their own (issue 16)."""
    final = {None: "", True: _("passed"), False: _("not passed")}[outcome.final_passed]
    certificate = _(STATUS_LABELS[outcome.certificate]) if outcome.certificate else _("none")
    return (
        user.full_name,
        user.email,
        _(ORG_TYPES.get(user.org_type, user.org_type)),
        _(REGIONS.get(user.region, user.region)),
        f"{user.created_at:%Y-%m-%d}",
        f"{progress.read_count}/{progress.total}",
        f"{outcome.module_quizzes_passed}/{outcome.module_quizzes}",
        final,
        certificate,
    )


@bp.get("/content")
@reads
def content_problems():
    """The draft's problems (once release 1 exists: the editor's draft), each linked to its
    file and line in the editor, and whether the draft differs from what learners are served."""
    release = store.current_release(db.session)
    if release is None:  # still served from the files on disk: their problems, no editor draft
        problems, unpublished = current_catalog().problems, []
    else:
        problems, unpublished = draft_catalog(db.session).problems, store.unpublished_paths(db.session)
    return render_template(
        "admin/content.html",
        problems=[(p, p.render(_), parse_path(p.path) if release else None) for p in sort_problems(list(problems))],
        release=release,
        unpublished=unpublished,
    )


from course.admin import users  # noqa: E402, F401 - registers the user management routes on bp
