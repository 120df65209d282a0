"""Report pages and their CSV twins, for admins and, scoped, for trainers (AC-2, AC-3).

Every view is @trainer_allowed because every report counts only `learner_ids(actor, ...)`
(course/reports/population.py), which starts from the trainer's scope; the cohorts offered and
accepted as a filter are the viewer's `visible_cohorts`. Each report is one function from
(session, parameters) to tables (`_funnel`, `_quizzes`, ...); the page and the CSV both call
it, so they print the same cells. Parameters outside their allow-lists (a cohort the viewer
may not see included) answer 400 with a message in the user's language (course/reports/filters.py).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.access import staff_required, trainer_allowed
from course.accounts.choices import ORG_TYPES, REGIONS
from course.clock import utcnow
from course.cohorts.models import Cohort
from course.cohorts.scope import visible_cohorts
from course.content.access import current_catalog
from course.content.types import pick
from course.extensions import db
from course.i18n import current_language
from course.quizzes.answer_store import pending_count, write_pending_report_rows
from course.reports import build, export, item_queries, queries
from course.reports.charts import table_chart
from course.reports.filters import (
    BREAKDOWNS,
    COMMON,
    LANGUAGES,
    PERIOD_BASES,
    BadParameter,
    Filters,
    check_names,
    parse_breakdown,
    parse_choice,
    parse_filters,
    parse_policy,
)
from course.reports.item_tables import flag_texts, item_tables
from course.reports.items import POLICIES, Thresholds
from course.reports.tables import Table, cell_text
from course.unit_of_work import reads, writes_late

bp = Blueprint("reports", __name__, url_prefix="/admin/reports")
log = logging.getLogger("frontline.reports")


bp.before_request(staff_required)


def _threshold() -> int:
    return int(current_app.config["REPORT_SUPPRESS_BELOW"])


def _quizzes() -> dict:
    """The catalog's quizzes, module quizzes in course order, the final assessment last."""
    catalog = current_catalog()
    order = {m.id: i for i, m in enumerate(catalog.modules)}
    ranked = sorted(catalog.quizzes.values(), key=lambda q: (q.is_final, order.get(q.module_id, 99), q.id))
    return {q.id: q for q in ranked}


def _cohorts() -> dict[str, str]:
    """The cohorts this viewer may filter by, id (as text) -> name; once per request."""
    if "report_cohorts" not in g:
        statement = visible_cohorts(current_user).order_by(Cohort.name, Cohort.id)
        g.report_cohorts = {str(c.id): c.name for c in db.session.scalars(statement)}
    return g.report_cohorts


def _filters(args: Mapping[str, str]) -> Filters:
    return parse_filters(args, tuple(_cohorts()))


def _funnel(args: Mapping[str, str]) -> tuple[Filters, dict, list[Table]]:
    check_names(args, (*COMMON, "by"))
    filters, by = _filters(args), parse_breakdown(args)
    catalog = current_catalog()
    counts = queries.funnel_counts(db.session, current_user, catalog.modules, filters, by)
    tables = build.funnel_tables(counts, catalog.modules, _quizzes(), by, current_language(), _threshold(), _)
    return filters, {"by": by}, tables


def _quiz_results(args: Mapping[str, str]) -> tuple[Filters, dict, list[Table]]:
    check_names(args, COMMON)
    filters = _filters(args)
    counts = queries.quiz_counts(db.session, current_user, filters)
    dates = queries.version_dates(db.session)
    return filters, {}, build.quiz_tables(counts, _quizzes(), dates, current_language(), _threshold(), _)


def _certificates(args: Mapping[str, str]) -> tuple[Filters, dict, list[Table]]:
    check_names(args, COMMON)
    filters = _filters(args)
    counts = queries.certificate_counts(db.session, current_user, filters, utcnow())
    return filters, {}, build.certificate_tables(counts, _threshold(), _)


def _thresholds() -> Thresholds:
    return Thresholds(min_n=int(current_app.config["REPORT_MIN_N"]))


def _items(args: Mapping[str, str]) -> tuple[Filters, dict, list[Table]]:
    check_names(args, (*COMMON, "quiz", "version", "policy"))
    filters, policy, quizzes = _filters(args), parse_policy(args), _quizzes()
    quiz_id = parse_choice(args, "quiz", tuple(quizzes), next(iter(quizzes), None))
    known = item_queries.versions(db.session, quiz_id) if quiz_id else []
    current = quizzes[quiz_id].content_hash if quiz_id else None
    default = current if current in known else next(iter(known), None)
    version = parse_choice(args, "version", known, default)
    extra: dict[str, Any] = {"quiz": quiz_id, "version": version, "policy": policy, "versions": known, "questions": {}}
    if not quiz_id or not version:
        return filters, extra, []
    query = item_queries.ItemQuery(quiz_id, version, policy, filters, current_user)
    analysis, questions = item_queries.analyse(db.session, query)
    asked = item_queries.asked_questions(analysis, questions)
    lang = filters.lang or current_language()
    extra["questions"] = {qid: questions[qid] for qid in asked}
    return filters, extra, item_tables(analysis, questions, asked, lang, _threshold(), _thresholds(), _)


# The reports that count graded attempts from their rows (course/quizzes/answer_store.py).
# Grading leaves the rows to be written later; these pages write those still pending before
# they read, so every committed submission is in them. One look writes at most this many
# attempts (a few tenths of a second); `flask reports refresh` writes the rest every minute.
FROM_ANSWER_ROWS = frozenset({"funnel", "quizzes", "items"})
ROWS_PER_LOOK = 1000


def _write_pending_rows(name: str) -> int:
    """Write the pending report rows and commit them before the report reads (so on SQLite it
    reads without the write lock); return how many graded attempts still wait."""
    if name not in FROM_ANSWER_ROWS or not write_pending_report_rows(db.session, ROWS_PER_LOOK):
        return 0
    db.session.commit()
    return pending_count(db.session)


REPORTS: dict[str, tuple[Callable, str]] = {
    "funnel": (_funnel, "reports/funnel.html"),
    "quizzes": (_quiz_results, "reports/quizzes.html"),
    "certificates": (_certificates, "reports/certificates.html"),
    "items": (_items, "reports/items.html"),
}


def _bad_parameter(error: BadParameter):
    error_id = secrets.token_hex(4)
    log.info("bad report parameter", extra={"event": "http_error", "status": 400, "error_id": error_id})
    message = _(error.message).format(**error.params)
    title = _("The request could not be understood.")
    body = render_template("error.html", status=400, title=title, message=message, error_id=error_id)
    return body, 400


def _page(name: str):
    build_report, template = REPORTS[name]
    waiting = _write_pending_rows(name)
    try:
        filters, extra, tables = build_report(request.args)
    except BadParameter as error:
        return _bad_parameter(error)
    charts = [table_chart(t) for t in tables]
    same_filters: dict[str, Any] = request.args.to_dict()  # Any: url_for's own keywords are typed
    csv_url = url_for(f"reports.{name}_csv", **same_filters)
    return render_template(
        template,
        **_choices(),
        filters=filters,
        tables=list(zip(tables, charts, strict=True)),
        extra=extra,
        csv_url=csv_url,
        cell_text=cell_text,
        report=name,
        flags=flag_texts(_thresholds(), _),
        thresholds=_thresholds(),
        threshold=_threshold(),
        waiting=waiting,
    )


def _choices() -> dict:
    return {
        "regions": REGIONS,
        "org_types": ORG_TYPES,
        "languages": LANGUAGES,
        "cohorts": _cohorts(),
        "period_bases": PERIOD_BASES,
        "breakdowns": BREAKDOWNS,
        "policies": POLICIES,
        "quizzes": _quizzes(),
        "lang": current_language(),
        "pick": pick,
    }


def _csv(name: str):
    build_report, _template = REPORTS[name]
    waiting = _write_pending_rows(name)
    try:
        filters, extra, tables = build_report(request.args)
    except BadParameter as error:
        return _bad_parameter(error)
    now = utcnow()
    header = list(filters.as_args().items()) + [(k, str(v)) for k, v in extra.items() if isinstance(v, str)]
    header.append(("suppressed_below", str(_threshold())))
    if waiting:
        header.append(("graded_attempts_not_yet_counted", str(waiting)))
    rows = export.csv_rows(_("Report: %(name)s", name=name), header, now, tables)
    log.info("report export", extra={"event": "admin_report_export", "actor_id": current_user.id, "report": name})
    return Response(
        rows,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{export.filename(name, now)}"',
        },
    )


@bp.get("/")
@trainer_allowed
@reads
def index():
    return render_template("reports/index.html")


@bp.get("/funnel")
@trainer_allowed
@writes_late
def funnel():
    return _page("funnel")


@bp.get("/funnel.csv")
@trainer_allowed
@writes_late
def funnel_csv():
    return _csv("funnel")


@bp.get("/quizzes")
@trainer_allowed
@writes_late
def quizzes():
    return _page("quizzes")


@bp.get("/quizzes.csv")
@trainer_allowed
@writes_late
def quizzes_csv():
    return _csv("quizzes")


@bp.get("/certificates")
@trainer_allowed
@reads
def certificates():
    return _page("certificates")


@bp.get("/certificates.csv")
@trainer_allowed
@reads
def certificates_csv():
    return _csv("certificates")


@bp.get("/items")
@trainer_allowed
@writes_late
def items():
    return _page("items")


@bp.get("/items.csv")
@trainer_allowed
@writes_late
def items_csv():
    return _csv("items")
