"""Account forms. Each declares exactly the fields it accepts (AC-4: no mass assignment)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import InputRequired, Length, ValidationError

from course.accounts.choices import ORG_TYPES, REGIONS
from course.accounts.passwords import password_problem
from course.accounts.validation import clean_email, clean_text, email_problem, name_problem
from course.security import CARRIED_POST_MAX


def _translated(choices: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(key, _l(label)) for key, label in choices.items()]


def _chosen(choices: dict[str, str]) -> list[SelectChoice]:
    """The choices after an empty first entry: nothing is preselected, so nobody is counted as
    "Police, Vinnytsia Oblast" for not having looked (issue 16)."""
    return [SelectChoice("", _l("Choose…")), *_translated(choices)]


_CHOOSE = InputRequired(_l("Please choose one."))


def _check(problem: str | None) -> None:
    if problem:
        raise ValidationError(_l(problem))


class RegistrationForm(FlaskForm):
    full_name = StringField(_l("Full name"), filters=[lambda v: clean_text(v or "")])
    email = StringField(_l("E-mail"), filters=[lambda v: clean_email(v or "")])
    password = PasswordField(_l("Password"), description=_l("At least 12 characters."))
    org_type = SelectField(_l("Organisation type"), choices=_chosen(ORG_TYPES), validators=[_CHOOSE], default="")
    region = SelectField(_l("Region"), choices=_chosen(REGIONS), validators=[_CHOOSE], default="")
    position = StringField(_l("Position (optional)"), filters=[lambda v: clean_text(v or "")])

    def validate_full_name(self, field: StringField) -> None:
        _check(name_problem(field.data or ""))

    def validate_email(self, field: StringField) -> None:
        _check(email_problem(field.data or ""))

    def validate_password(self, field: PasswordField) -> None:
        _check(password_problem(field.data or "", self.email.data or "", self.full_name.data or ""))

    def validate_position(self, field: StringField) -> None:
        _check(name_problem(field.data or "", required=False))


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[InputRequired(_l("Please fill in this field."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Please fill in this field."))])
    next = HiddenField()
    # What the learner had sent when the session turned out to have ended (quiz answers); the
    # page it was for reads it back after the login (course/quizzes/views.py, course/authoring/views.py).
    carried = HiddenField(validators=[Length(max=CARRIED_POST_MAX)])


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
    confirm = BooleanField(validators=[InputRequired(_l("Please tick this box to confirm."))])


class ConfirmForm(FlaskForm):
    """A dangerous admin action: the box must be ticked; its label, set by the page, says what
    will happen (issue 16). Works without JavaScript; the server checks the tick."""

    confirm = BooleanField(validators=[InputRequired(_l("Please tick this box to confirm."))])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token: logout, mark-as-read and other one-button actions."""
