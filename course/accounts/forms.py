"""Account forms. Each declares exactly the fields it accepts (AC-4: no mass assignment)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from course.accounts.choices import ORG_TYPES, REGIONS
from course.accounts.passwords import password_problem
from course.accounts.validation import clean_email, clean_text, email_problem, name_problem


def _translated(choices: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(key, _l(label)) for key, label in choices.items()]


def _check(problem: str | None) -> None:
    if problem:
        raise ValidationError(_l(problem))


class RegistrationForm(FlaskForm):
    full_name = StringField(_l("Full name"), filters=[lambda v: clean_text(v or "")])
    email = StringField(_l("E-mail"), filters=[lambda v: clean_email(v or "")])
    password = PasswordField(_l("Password"), description=_l("At least 12 characters."))
    org_type = SelectField(_l("Organisation type"), choices=_translated(ORG_TYPES))
    region = SelectField(_l("Region"), choices=_translated(REGIONS))
    position = StringField(_l("Position (optional)"), filters=[lambda v: clean_text(v or "")])

    def validate_full_name(self, field: StringField) -> None:
        _check(name_problem(field.data))

    def validate_email(self, field: StringField) -> None:
        _check(email_problem(field.data))

    def validate_password(self, field: PasswordField) -> None:
        _check(password_problem(field.data or "", self.email.data or "", self.full_name.data or ""))

    def validate_position(self, field: StringField) -> None:
        _check(name_problem(field.data, required=False))


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[InputRequired(_l("Please fill in this field."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Please fill in this field."))])
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Please fill in this field."))]
    )
    new_password = PasswordField(_l("New password"), description=_l("At least 12 characters."))

    def validate_new_password(self, field: PasswordField) -> None:
        _check(password_problem(field.data or ""))


class PasswordResetForm(FlaskForm):
    """The learner's side of an admin-made reset link: only the new password (AUTH-5)."""

    new_password = PasswordField(_l("New password"), description=_l("At least 12 characters."))

    def validate_new_password(self, field: PasswordField) -> None:
        _check(password_problem(field.data or ""))


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("learner", _l("Learner")),
            SelectChoice("trainer", _l("Trainer")),
            SelectChoice("admin", _l("Administrator")),
        ],
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token: logout, mark-as-read and other one-button actions."""
