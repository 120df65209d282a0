"""User management for admins: role, deactivation, a one-time reset link, erasure.

Routes on the admin blueprint, so the admin check covers them (AC-2). Role changes and erasure
also need a fresh login (SESS-4). Every action is logged with the actor and the target (LOG-1).
The admin never sees or sets a password: a reset link is shown once, and the learner picks the
password (AUTH-5).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required

from course.access import trainer_allowed
from course.accounts.choices import ORG_TYPES, REGIONS
from course.accounts.forms import ConfirmForm, RoleForm
from course.accounts.models import User
from course.accounts.services import AccountError, issue_reset, set_active, set_role
from course.admin.views import bp
from course.certificates.audit import record_audit
from course.certificates.codes import format_code
from course.certificates.forms import STATUS_LABELS
from course.certificates.records import learner_certificates
from course.certificates.records import status_of as certificate_status
from course.clock import utcnow
from course.cohorts.forms import RegionScopeForm
from course.cohorts.models import Cohort, CohortMember
from course.cohorts.scope import visible_cohorts, visible_learner
from course.cohorts.services import region_scopes
from course.content.access import current_catalog
from course.extensions import db
from course.i18n import current_language
from course.mail.models import KIND_RESET
from course.mail.outbox import enqueue
from course.mail.settings import mail_enabled
from course.privacy.forms import EraseForm
from course.privacy.services import erase_user
from course.problems import N_
from course.progress.services import learner_progress, quiz_statuses
from course.quizzes.services import finished_attempts
from course.security import external_url
from course.unit_of_work import reads, writes

log = logging.getLogger("frontline.admin")


def _user_or_404(user_id: int) -> User:
    """The account, if the actor may see it (a trainer: only their learners); else 404 (AC-3)."""
    user = visible_learner(db.session, current_user, user_id)
    if user is None:
        abort(404)
    return user


def _audit(event: str, user: User, detail: str = "") -> None:
    """The server log and the one audit log the admin pages show (issue 16), in the action's
    own transaction: call before the commit."""
    log.info("admin action", extra={"event": event, "actor_id": current_user.id, "target": user.id, "detail": detail})
    actor = db.session.get(User, current_user.id)
    record_audit(db.session, actor, event, None, utcnow(), detail, target_user_id=user.id)


def _not_confirmed(user: User):
    flash(_("Nothing was changed: tick the box to confirm that you mean it."), "error")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


def _done(user: User, message: str):
    flash(message, "success")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


def _refused(user: User, refusal: AccountError):
    db.session.rollback()
    flash(_(refusal.message), "error")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


@bp.get("/users/<int:user_id>")
@trainer_allowed
@reads
def user_detail(user_id: int):
    """The account, and the learner's progress as the learner sees it: lessons, quizzes with
    every graded attempt, certificates. Trainers see it for their learners, without the
    account actions."""
    user, catalog, now = _user_or_404(user_id), current_catalog(), utcnow()
    cohorts = db.session.scalars(
        visible_cohorts(current_user).join(CohortMember).where(CohortMember.user_id == user.id).order_by(Cohort.name)
    ).all()
    return render_template(
        "admin/user.html",
        user=user,
        role_form=RoleForm(role=user.role),
        form=ConfirmForm(),
        erase_form=EraseForm(),
        org_types=ORG_TYPES,
        regions=REGIONS,
        catalog=catalog,
        lang=current_language(),
        progress=learner_progress(db.session, user, catalog.modules),
        quizzes=quiz_statuses(db.session, user, catalog.quizzes, now),
        attempts=finished_attempts(db.session, user.id),
        certificates=learner_certificates(db.session, user),
        now=now,
        certificate_status=certificate_status,
        certificate_labels=STATUS_LABELS,
        format_code=format_code,
        cohorts=cohorts,
        scopes=region_scopes(db.session, user.id) if user.is_trainer else [],
        scope_form=RegionScopeForm(),
        mail_enabled=mail_enabled(current_app.config),
    )


@bp.post("/users/<int:user_id>/role")
@fresh_login_required
@writes
def user_role(user_id: int):
    user, form = _user_or_404(user_id), RoleForm()
    if not form.validate_on_submit():
        if form.errors.keys() == {"confirm"}:
            return _not_confirmed(user)
        abort(400)
    try:
        set_role(user, form.role.data, current_user)
    except AccountError as refusal:
        return _refused(user, refusal)
    _audit("admin_role_change", user, form.role.data)
    db.session.commit()
    return _done(user, _("The role has been changed."))


@bp.post("/users/<int:user_id>/active")
@writes
def user_active(user_id: int):
    """Deactivate or reactivate: the form says which; deactivation ends every session (SESS-2)."""
    user, form = _user_or_404(user_id), ConfirmForm()
    if not form.validate_on_submit():
        if form.errors.keys() != {"confirm"}:
            abort(400)
        if user.is_active:  # deactivating needs the tick; reactivating does not
            return _not_confirmed(user)
    try:
        set_active(user, not user.is_active, current_user)
    except AccountError as refusal:
        return _refused(user, refusal)
    _audit("admin_activation", user, "active" if user.is_active else "inactive")
    db.session.commit()
    return _done(user, _("The account is active.") if user.is_active else _("The account is deactivated."))


@bp.post("/users/<int:user_id>/reset-link")
@writes
def user_reset_link(user_id: int):
    """With e-mail set up, the link goes to the learner through the outbox; without, it is
    shown here once, for the admin to pass on."""
    user, form = _user_or_404(user_id), ConfirmForm()
    if not form.validate_on_submit():
        return _not_confirmed(user) if form.errors.keys() == {"confirm"} else abort(400)
    if mail_enabled(current_app.config):
        if user.erased_at is not None:
            return _refused(user, AccountError(N_("This account was erased.")))
        enqueue(db.session, KIND_RESET, user, utcnow(), actor_id=current_user.id)
        _audit("admin_reset_mail", user)
        db.session.commit()
        return _done(user, _("A password reset link will be e-mailed to %(email)s.", email=user.email))
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    try:
        token = issue_reset(db.session, user, current_user, utcnow(), timedelta(minutes=minutes))
    except AccountError as refusal:
        return _refused(user, refusal)
    _audit("admin_reset_link", user)
    db.session.commit()
    link = external_url("accounts.reset_start", token=token)
    page = render_template("admin/reset_link.html", user=user, link=link, minutes=minutes)
    return page, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.post("/users/<int:user_id>/erase")
@fresh_login_required
@writes
def user_erase(user_id: int):
    user, form = _user_or_404(user_id), EraseForm()
    if not form.validate_on_submit():
        flash(_("Please tick this box to confirm."), "error")
        return redirect(url_for("admin.user_detail", user_id=user.id), 303)
    if user.id == current_user.id:
        return _refused(user, AccountError(N_("Erase your own account from “My account”.")))
    erase_user(db.session, user, utcnow())
    _audit("account_erased", user)
    db.session.commit()
    return _done(user, _("The account has been erased."))
