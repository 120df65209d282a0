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
from course.clock import utcnow
from course.cohorts.models import Cohort
from course.cohorts.scope import visible_cohorts
from course.content.access import current_catalog
from course.extensions import db
from course.i18n import current_language
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
    return render_template(
        "admin/learners.html",
        report=report,
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
    rows = reports.all_rows(db.session, current_user, current_catalog().modules, query)
    header = [_("Name"), _("E-mail"), _("Organisation type"), _("Region"), _("Registered"), _("Course progress")]
    body = reports.to_csv(
        header,
        [
            (
                u.full_name,
                u.email,
                _(ORG_TYPES.get(u.org_type, u.org_type)),
                _(REGIONS.get(u.region, u.region)),
                f"{u.created_at:%Y-%m-%d}",
                f"{p.percent}%",
            )
            for u, p in rows
        ],
    )
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


@bp.get("/content")
@reads
def content_problems():
    problems = [(p, p.render(_)) for p in current_catalog().problems]
    return render_template("admin/content.html", problems=problems)


from course.admin import users  # noqa: E402, F401 - registers the user management routes on bp
