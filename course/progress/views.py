"""The learner's dashboard: modules in order with progress, and where to continue."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from course.clock import utcnow
from course.content.access import current_catalog
from course.extensions import db
from course.i18n import current_language
from course.progress.services import learner_progress, quiz_statuses
from course.unit_of_work import reads

bp = Blueprint("progress", __name__)


@bp.get("/dashboard")
@reads
def dashboard():
    catalog = current_catalog()
    progress = learner_progress(db.session, current_user, catalog.modules)
    quizzes = quiz_statuses(db.session, current_user, catalog.quizzes, utcnow())
    return render_template(
        "progress/dashboard.html", progress=progress, catalog=catalog, lang=current_language(), quizzes=quizzes
    )
