"""The learner's dashboard: modules in order with progress, where to continue, and the due dates
of their cohorts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from course.clock import utcnow
from course.content.access import current_catalog
from course.extensions import db
from course.i18n import current_language
from course.mail.reminders import dashboard_dues
from course.progress.services import learner_progress, quiz_statuses
from course.unit_of_work import reads

bp = Blueprint("progress", __name__)


@bp.get("/dashboard")
@reads
def dashboard():
    catalog = current_catalog()
    progress = learner_progress(db.session, current_user, catalog.modules)
    now = utcnow()
    quizzes = quiz_statuses(db.session, current_user, catalog.quizzes, now)
    dues = dashboard_dues(db.session, current_user.id, progress.percent, now.date())
    return render_template(
        "progress/dashboard.html",
        progress=progress,
        catalog=catalog,
        lang=current_language(),
        quizzes=quizzes,
        dues=dues,
    )
