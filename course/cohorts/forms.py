"""Cohort, trainer-scope and import forms. Each declares exactly the fields it accepts (AC-4)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from course.accounts.choices import ORG_TYPES, REGIONS
from course.accounts.validation import clean_text, name_problem


def _optional(choices: dict[str, str], empty) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + [SelectChoice(key, _l(label)) for key, label in choices.items()]


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), filters=[lambda v: clean_text(v or "")])
    region = SelectField(_l("Region (optional)"), choices=_optional(REGIONS, _l("Any region")))
    org_type = SelectField(_l("Organisation type (optional)"), choices=_optional(ORG_TYPES, _l("Any organisation")))
    starts_on = DateField(_l("Start date"), validators=[InputRequired(_l("Please fill in this field."))])
    due_on = DateField(_l("Due date (optional)"), validators=[Optional()])

    def validate_name(self, field: StringField) -> None:
        problem = name_problem(field.data or "")
        if problem:
            raise ValidationError(_l(problem))


class RegionScopeForm(FlaskForm):
    region = SelectField(_l("Region"), choices=[SelectChoice(k, _l(v)) for k, v in REGIONS.items()])
    org_type = SelectField(_l("Organisation type"), choices=_optional(ORG_TYPES, _l("Any organisation")))


class TrainerForm(FlaskForm):
    """Choices are the trainer accounts, set by the view."""

    trainer = SelectField(_l("Trainer"), coerce=int, validate_choice=True)


class ImportForm(FlaskForm):
    """Choices are the cohorts the actor may import into, set by the view."""

    cohort = SelectField(_l("Cohort"))
    file = FileField(_l("CSV file"))
