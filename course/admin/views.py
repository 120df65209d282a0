"""Admin views; every one needs the admin role (AC-2), checked for the whole blueprint."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from course.access import admin_required
from course.accounts.choices import ORG_TYPES, REGIONS
from course.content.access import current_catalog
from course.extensions import db
from course.i18n import current_language
from course.progress.services import all_learners_progress

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@admin_required
def require_admin() -> None:
    return None


@bp.get("/")
def learners():
    catalog = current_catalog()
    rows = all_learners_progress(db.session, catalog.modules)
    return render_template(
        "admin/learners.html", rows=rows, catalog=catalog, lang=current_language(), org_types=ORG_TYPES, regions=REGIONS
    )


@bp.get("/content")
def content_problems():
    problems = [(p, p.render(_)) for p in current_catalog().problems]
    return render_template("admin/content.html", problems=problems)
