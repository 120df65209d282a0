"""Privacy forms: each declares exactly the fields it accepts (AC-4)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import InputRequired


class EraseMineForm(FlaskForm):
    """Erasing one's own account asks for the password again, on top of a fresh login."""

    password = PasswordField(_l("Your password"), validators=[InputRequired(_l("Please fill in this field."))])
    confirm = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[InputRequired(_l("Please tick this box to confirm."))],
    )


class EraseForm(FlaskForm):
    """An admin erasing a learner confirms with a tick."""

    confirm = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[InputRequired(_l("Please tick this box to confirm."))],
    )
