"""Cohort pages under /admin/cohorts: list, create, edit, archive, trainers and region scopes.

The blueprint is behind the same staff check as /admin (course/access.py): admins open every
view; trainers only the @trainer_allowed ones, which read cohorts and learners through the scope
(course/cohorts/scope.py). Creating, editing, archiving and assigning trainers are admin-only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.access import staff_required, trainer_allowed
from course.accounts.choices import ORG_TYPES, REGIONS
from course.accounts.forms import EmptyForm
from course.accounts.models import User
from course.clock import utcnow
from course.cohorts import services
from course.cohorts.forms import CohortForm, RegionScopeForm, TrainerForm
from course.cohorts.models import Cohort
from course.cohorts.scope import visible_cohort, visible_cohorts
from course.extensions import db
from course.unit_of_work import reads, writes

bp = Blueprint("cohorts", __name__, url_prefix="/admin/cohorts")
bp.before_request(staff_required)
log = logging.getLogger("frontline.cohorts")


def _audit(event: str, target: int, detail: str = "") -> None:
    log.info("cohort action", extra={"event": event, "actor_id": current_user.id, "target": target, "detail": detail})


def _cohort_or_404(cohort_id: int) -> Cohort:
    cohort = visible_cohort(db.session, current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _data(form: CohortForm) -> services.CohortData:
    starts_on = form.starts_on.data
    assert starts_on is not None  # InputRequired: a validated form always has it
    return services.CohortData(
        form.name.data or "", form.region.data or None, form.org_type.data or None, starts_on, form.due_on.data
    )


def _cohort_form(
    form: CohortForm, cohort: Cohort | None, change: Callable[[services.CohortData], Cohort], event: str, done: str
):
    """The create/edit form: on a valid post, `change` (a use case) is committed, logged and the
    cohort's page shown; a refusal is rolled back and flashed over the form, as is a GET."""
    if form.validate_on_submit():
        try:
            saved = change(_data(form))
        except services.CohortError as refusal:
            db.session.rollback()
            flash(_(refusal.message), "error")
        else:
            db.session.commit()
            _audit(event, saved.id)
            flash(done, "success")
            return redirect(url_for("cohorts.detail", cohort_id=saved.id), 303)
    return render_template("cohorts/edit.html", form=form, cohort=cohort), 400 if request.method == "POST" else 200


@bp.get("")
@trainer_allowed
@reads
def cohorts():
    """Cohorts the actor may see (a trainer: their own), archived ones on request."""
    archived = request.args.get("archived") == "1"
    query = visible_cohorts(current_user).where(Cohort.is_archived.is_(archived))
    rows = db.session.scalars(query.order_by(Cohort.starts_on.desc(), Cohort.name)).all()
    counts = services.member_counts(db.session, [cohort.id for cohort in rows])
    return render_template(
        "cohorts/list.html", cohorts=rows, counts=counts, archived=archived, regions=REGIONS, org_types=ORG_TYPES
    )


@bp.route("/new", methods=["GET", "POST"])
@writes
def create():
    def change(data: services.CohortData) -> Cohort:
        return services.create_cohort(db.session, data, utcnow())

    return _cohort_form(CohortForm(), None, change, "cohort_created", _("The cohort has been created."))


@bp.get("/<int:cohort_id>")
@trainer_allowed
@reads
def detail(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    trainers = services.trainers_of(db.session, cohort)
    form = TrainerForm()
    form.trainer.choices = [(t.id, f"{t.full_name} <{t.email}>") for t in services.trainer_accounts(db.session)]
    return render_template(
        "cohorts/detail.html",
        cohort=cohort,
        trainers=trainers,
        trainer_form=form,
        form=EmptyForm(),
        members=services.member_counts(db.session, [cohort.id]).get(cohort.id, 0),
        regions=REGIONS,
        org_types=ORG_TYPES,
    )


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@writes
def edit(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)

    def change(data: services.CohortData) -> Cohort:
        services.edit_cohort(db.session, cohort, data)
        return cohort

    form = CohortForm(obj=cohort if request.method == "GET" else None)
    return _cohort_form(form, cohort, change, "cohort_edited", _("The cohort has been saved."))


@bp.post("/<int:cohort_id>/archive")
@writes
def archive(cohort_id: int):
    """Archive, or bring back from the archive: the form says nothing, the state decides."""
    cohort = _cohort_or_404(cohort_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_archived(db.session, cohort, not cohort.is_archived)
    db.session.commit()
    _audit("cohort_archived" if cohort.is_archived else "cohort_unarchived", cohort.id)
    flash(_("The cohort is archived.") if cohort.is_archived else _("The cohort is active again."), "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id), 303)


@bp.post("/<int:cohort_id>/trainers")
@writes
def add_trainer(cohort_id: int):
    cohort, form = _cohort_or_404(cohort_id), TrainerForm()
    form.trainer.choices = [(t.id, t.email) for t in services.trainer_accounts(db.session)]
    if not form.validate_on_submit():
        flash(_("Choose a trainer from the list."), "error")
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id), 303)
    services.add_trainer(db.session, cohort, db.get_or_404(User, form.trainer.data))
    db.session.commit()
    _audit("cohort_trainer_added", cohort.id, str(form.trainer.data))
    flash(_("The trainer has been assigned."), "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id), 303)


@bp.post("/<int:cohort_id>/trainers/<int:user_id>/remove")
@writes
def remove_trainer(cohort_id: int, user_id: int):
    cohort = _cohort_or_404(cohort_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.remove_trainer(db.session, cohort, user_id)
    db.session.commit()
    _audit("cohort_trainer_removed", cohort.id, str(user_id))
    flash(_("The trainer has been removed from this cohort."), "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id), 303)


@bp.post("/trainers/<int:user_id>/regions")
@writes
def add_region(user_id: int):
    """A region (x organisation type) scope for a trainer, from their account page."""
    trainer, form = db.session.get(User, user_id) or abort(404), RegionScopeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.add_region_scope(db.session, trainer, form.region.data, form.org_type.data or None)
    except services.CohortError as refusal:
        db.session.rollback()
        flash(_(refusal.message), "error")
    else:
        db.session.commit()
        _audit("trainer_region_added", user_id, f"{form.region.data}/{form.org_type.data}")
        flash(_("The trainer now sees the learners of this region."), "success")
    return redirect(url_for("admin.user_detail", user_id=user_id), 303)


@bp.post("/trainers/<int:user_id>/regions/<int:scope_id>/remove")
@writes
def remove_region(user_id: int, scope_id: int):
    trainer = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.remove_region_scope(db.session, trainer, scope_id)
    db.session.commit()
    _audit("trainer_region_removed", user_id, str(scope_id))
    flash(_("The region has been removed from this trainer."), "success")
    return redirect(url_for("admin.user_detail", user_id=user_id), 303)
