"""Register, log in, log out, my account, change password, reset with a one-time link.

Thin: services do the work. The reset link carries its token in the URL once: the first GET
moves it into the session and redirects, so it never sits in history or a Referer (AUTH-5)."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, login_user, logout_user

from course.access import public
from course.accounts.forms import EmptyForm, LoginForm, PasswordChangeForm, PasswordResetForm, RegistrationForm
from course.accounts.models import User
from course.accounts.services import (
    INVALID_RESET,
    AccountError,
    LoginThrottled,
    Registration,
    ThrottlePolicy,
    authenticate,
    change_password,
    end_all_sessions,
    register,
    reset_password,
    reset_target,
)
from course.accounts.session_user import SessionUser
from course.clock import utcnow
from course.extensions import db
from course.i18n import current_language
from course.security import CARRIED_FORM, CARRIED_MAX, client_ip, safe_next, start_session
from course.unit_of_work import reads, writes

bp = Blueprint("accounts", __name__)
log = logging.getLogger("frontline.accounts")


def _throttle_policy() -> ThrottlePolicy:
    from datetime import timedelta

    config = current_app.config
    return ThrottlePolicy(
        config["LOGIN_FAILURES_PER_ACCOUNT"],
        config["LOGIN_FAILURES_PER_IP"],
        timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
    )


@bp.route("/register", methods=["GET", "POST"])
@public
@writes
def register_view():
    form = RegistrationForm()
    if form.validate_on_submit():
        data = Registration(
            form.email.data or "",
            form.full_name.data or "",
            form.password.data or "",
            form.org_type.data,
            form.region.data,
            form.position.data or None,
            current_language(),
        )
        user = register(db.session, data, utcnow())
        db.session.commit()
        log.info("registration", extra={"event": "register", "target": getattr(user, "id", None)})
        # AUTH-4: the same answer (status and Location) whether or not the e-mail was taken;
        # only a new account is logged in, so a taken address ends on the login form.
        if user is not None:
            session.clear()  # SESS-2: a new session on login
            login_user(SessionUser.of(user))
            start_session(utcnow())
            flash(_("Welcome! Your account is ready and you are logged in."), "success")
        return redirect(url_for("progress.dashboard"))
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@public
@writes
def login():
    form = LoginForm(next=request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), 400 if form.errors else 200
    try:
        user = authenticate(
            db.session, form.email.data or "", form.password.data or "", client_ip(), utcnow(), _throttle_policy()
        )
    except LoginThrottled as refusal:
        db.session.commit()
        log.warning("login throttled", extra={"event": "login_throttled"})
        flash(_(refusal.message), "error")
        return render_template("accounts/login.html", form=form), 429
    except AccountError as refusal:
        db.session.commit()  # keep the failure row: it is what throttles the next guess
        log.info("login failed", extra={"event": "login_failure"})
        flash(_(refusal.message), "error")
        return render_template("accounts/login.html", form=form), 401
    db.session.commit()
    session.clear()  # SESS-2: a new session on login
    login_user(SessionUser.of(user))
    start_session(utcnow())
    target = safe_next(form.next.data)
    log.info("login", extra={"event": "login_success"})
    if form.carried.data and target:  # the interrupted form goes back to its page (issue 16)
        if len(form.carried.data) > CARRIED_MAX:  # more than the session cookie holds
            return render_template("accounts/carry_on.html", target=target, carried=form.carried.data)
        session[CARRIED_FORM] = form.carried.data
    return redirect(target or url_for("progress.dashboard"))


def login_carrying(next_url: str, carried: str, message: str):
    """The login form, carrying back what was posted when the session had ended (issue 16):
    after the login it goes back to `next_url`, whose view reads it again (CARRIED_FORM)."""
    form = LoginForm(formdata=None, next=next_url, carried=carried)
    session.pop("_flashes", None)  # an autosave's "session ended" says the same, less exactly
    return render_template("accounts/login.html", form=form, carried_message=message), 401


@bp.post("/logout")
@writes
def logout():
    """Logging out ends every session of this account, on every device (SESS-2)."""
    if EmptyForm().validate_on_submit():
        end_all_sessions(db.session.get_one(User, current_user.id))
        db.session.commit()
        log.info("logout", extra={"event": "logout"})
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/account")
@reads
def account():
    """My account: change the password, download my data, erase my account."""
    return render_template("accounts/account.html", form=EmptyForm())


@bp.route("/account/password", methods=["GET", "POST"])
@fresh_login_required  # SESS-4
@writes
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = db.session.get_one(User, current_user.id)
        try:
            change_password(user, form.current_password.data or "", form.new_password.data or "")
        except AccountError as refusal:
            flash(_(refusal.message), "error")
            return render_template("accounts/password.html", form=form), 400
        db.session.commit()
        session.clear()
        login_user(SessionUser.of(user))  # this session continues with the new epoch; all others end
        start_session(utcnow())
        log.info("password changed", extra={"event": "password_changed"})
        flash(_("Your password has been changed. Other sessions have been logged out."), "success")
        return redirect(url_for("progress.dashboard"))
    return render_template("accounts/password.html", form=form), 400 if form.errors else 200


@bp.post("/account/reminders")
@writes
def reminders():
    """Turn the weekly reminder e-mail off, or back on."""
    if EmptyForm().validate_on_submit():
        user = db.get_or_404(User, current_user.id)
        user.reminders_opt_out = not user.reminders_opt_out
        db.session.commit()
        flash(_("Reminders are off.") if user.reminders_opt_out else _("Reminders are on."), "success")
    return redirect(url_for("accounts.account"), 303)


RESET_SESSION_KEY = "reset_token"


def _reset_refused():
    """One answer for unknown, used, expired and malformed tokens alike (AUTH-4)."""
    session.pop(RESET_SESSION_KEY, None)
    return render_template("accounts/reset_invalid.html", message=_(INVALID_RESET)), 404, _NO_REFERRER


_NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.get("/reset/<token>")
@public
@reads
def reset_start(token: str):
    if reset_target(db.session, token, utcnow()) is None:
        return _reset_refused()
    session[RESET_SESSION_KEY] = token
    return redirect(url_for("accounts.reset_password_view"), 303)


@bp.route("/reset", methods=["GET", "POST"])
@public
@writes
def reset_password_view():
    token = session.get(RESET_SESSION_KEY, "")
    if reset_target(db.session, token, utcnow()) is None:
        return _reset_refused()
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            user = reset_password(db.session, token, form.new_password.data or "", utcnow())
        except AccountError as refusal:
            db.session.rollback()
            flash(_(refusal.message), "error")
            return render_template("accounts/reset.html", form=form), 400, _NO_REFERRER
        db.session.commit()
        log.info("password reset", extra={"event": "password_reset", "target": user.id})
        logout_user()
        session.clear()  # whoever was logged in on this browser is logged out too
        flash(_("Your new password is set. Log in with it."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form), 400 if form.errors else 200, _NO_REFERRER
