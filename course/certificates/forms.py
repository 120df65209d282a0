"""Certificate forms. Each declares exactly the fields it accepts (AC-4)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
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


class PreviewForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(
        _l("Name on the sample"), filters=[_strip], default="Олена Петренко", validators=[Length(max=300)]
    )
    lang = SelectField(
        _l("Language"), default="uk", choices=[SelectChoice("uk", "Українська"), SelectChoice("en", "English")]
    )
