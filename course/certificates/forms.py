"""Certificate forms. Each declares exactly the fields it accepts (AC-4)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import InputRequired, Length, Optional


def _strip(value: str | None) -> str:
    return (value or "").strip()


class VerifyForm(FlaskForm):
    """The code typed from paper on /verify."""

    code = StringField(
        _l("Verification code"),
        filters=[_strip],
        validators=[InputRequired(), Length(max=200)],
        description=_l("As printed on the certificate, for example 7K3M-Q9XD-…"),
    )


class SurnameForm(FlaskForm):
    """The holder's surname, typed by a verifier who wants the full name confirmed."""

    surname = StringField(_l("Holder's surname"), filters=[_strip], validators=[InputRequired(), Length(max=100)])


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        filters=[_strip],
        validators=[InputRequired(), Length(max=500)],
        description=_l("Shown on the public verification page."),
    )
    confirm = BooleanField(validators=[InputRequired(_l("Please tick this box to confirm."))])


STATUS_LABELS = {
    "": _l("Any state"),
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "superseded": _l("Superseded"),
    "withdrawn": _l("Withdrawn"),
    "pending": _l("Being prepared"),
}


# Audit actions as admins read them; the stored action names are data.
ACTION_LABELS = {
    "issued": _l("Issued automatically"),
    "reissued": _l("Reissued (new code; replaces the certificate noted)"),
    "revoked": _l("Revoked (reason noted)"),
    "exported_csv": _l("Exported as CSV (number of certificates noted)"),
    "exported_zip": _l("Downloaded as ZIP (number of certificates noted)"),
    # Account actions (course/admin/users.py), in the same log since issue 16.
    "admin_role_change": _l("Role changed (new role noted)"),
    "admin_activation": _l("Account deactivated or reactivated (noted)"),
    "admin_reset_link": _l("Password reset link made"),
    "admin_reset_mail": _l("Password reset link e-mailed"),
    "account_erased": _l("Account erased"),
}


class FilterForm(FlaskForm):
    """The admin list's filters, sent by GET (no state change, so no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("State"), choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()], default="", validators=[Optional()]
    )
    q = StringField(_l("Name, e-mail or code"), filters=[_strip], validators=[Length(max=100)])
    issued_from = DateField(_l("Issued from"), validators=[Optional()])
    issued_to = DateField(_l("Issued until"), validators=[Optional()])
    sort = SelectField(
        _l("Order"),
        default="issued",
        validators=[Optional()],
        choices=[
            SelectChoice("issued", _l("Newest first")),
            SelectChoice("issued_asc", _l("Oldest first")),
            SelectChoice("name", _l("Name")),
        ],
    )


class AuditFilterForm(FlaskForm):
    """The audit page's filters, sent by GET (no state change, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), default="", validators=[Optional()])
    actor = StringField(_l("Done by (e-mail)"), filters=[_strip], validators=[Length(max=100)])
    target = StringField(_l("Account (name or e-mail)"), filters=[_strip], validators=[Length(max=100)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])


class PreviewForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(
        _l("Name on the sample"), filters=[_strip], default="Олена Петренко", validators=[Length(max=300)]
    )
    lang = SelectField(
        _l("Language"), default="uk", choices=[SelectChoice("uk", "Українська"), SelectChoice("en", "English")]
    )
