"""My data: download it as JSON (DATA-1) or erase the account (DATA-2). Both need a fresh
login (SESS-4), and both look only at the logged-in learner's own rows (AC-3)."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, logout_user

from course.accounts.models import User
from course.accounts.passwords import verify_password
from course.clock import utcnow
from course.extensions import db
from course.privacy.forms import EraseMineForm
from course.privacy.services import erase_user, export_user
from course.unit_of_work import reads, writes

bp = Blueprint("privacy", __name__)
log = logging.getLogger("frontline.privacy")


@bp.get("/account/export")
@fresh_login_required
@reads
def export():
    now = utcnow()
    data = export_user(db.session, db.session.get_one(User, current_user.id), now)
    log.info("data export", extra={"event": "data_export", "target": current_user.id})
    response = make_response(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    filename = f"frontline-my-data-{now:%Y-%m-%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/erase", methods=["GET", "POST"])
@fresh_login_required
@writes
def erase_mine():
    form = EraseMineForm()
    if form.validate_on_submit():
        user = db.session.get_one(User, current_user.id)
        if not verify_password(user.password_hash, form.password.data or ""):
            flash(_("The password is not correct."), "error")
            return render_template("privacy/erase_mine.html", form=form), 400
        user_id = current_user.id
        erase_user(db.session, user, utcnow())
        db.session.commit()
        log.info("account erased", extra={"event": "account_erased", "target": user_id, "actor_id": user_id})
        logout_user()
        session.clear()
        flash(_("Your account and your personal data have been erased."), "info")
        return redirect(url_for("content.overview"))
    return render_template("privacy/erase_mine.html", form=form), 400 if form.errors else 200
