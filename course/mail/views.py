"""The outbox page for admins (/admin/mail): messages that need a decision.

An attempt whose outcome is unknown is never resent by itself (at most once): the admin sees it
here and chooses to send it again or to set it aside. Admin-only (staff check, not trainer_allowed).
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from course.access import staff_required
from course.accounts.forms import EmptyForm
from course.clock import utcnow
from course.extensions import db
from course.mail import outbox
from course.mail.models import OutboxMessage
from course.mail.settings import mail_enabled
from course.unit_of_work import reads, writes

bp = Blueprint("mail", __name__, url_prefix="/admin/mail")
bp.before_request(staff_required)
log = logging.getLogger("frontline.mail")


@bp.get("")
@reads
def outbox_page():
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return render_template(
        "mail/outbox.html",
        counts=counts,
        messages=outbox.needing_attention(db.session, utcnow()),
        form=EmptyForm(),
        mail_enabled=mail_enabled(current_app.config),
    )


@bp.post("/<int:message_id>/decide")
@writes
def decide(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    resend = request.form.get("action") == "resend"
    outbox.decide(message, resend, utcnow())
    db.session.commit()
    log.info(
        "outbox decision",
        extra={
            "event": "outbox_" + ("resend" if resend else "dismiss"),
            "actor_id": current_user.id,
            "target": message.id,
        },
    )
    flash(_("The message will be sent again.") if resend else _("The message has been set aside."), "success")
    return redirect(url_for("mail.outbox_page"), 303)
