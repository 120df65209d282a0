"""The editor's forms (web layer). One form holds both languages of one entry: uk/en parity is
checked pair by pair, so the two are read, compared and saved together, each with the revision
it was opened on (a file's own base), and a conflict on one never loses the other's text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import InputRequired, Length, Optional, Regexp

from course.authoring.skeletons import ID

MESSAGE_MAX = 300


def base_id(value: str | None) -> int | None:
    """A base revision id from the form: digits, or none (a new file)."""
    return int(value) if value and value.isdigit() else None


class EditForm(FlaskForm):
    text_uk = TextAreaField(_l("Ukrainian"))
    text_en = TextAreaField(_l("English"))
    base_uk = HiddenField()
    base_en = HiddenField()
    message = StringField(
        _l("What changed (optional, shown in the history)"), validators=[Optional(), Length(max=MESSAGE_MAX)]
    )


class PublishForm(FlaskForm):
    message = StringField(
        _l("What is new in this release (optional)"), validators=[Optional(), Length(max=MESSAGE_MAX)]
    )


class NewEntryForm(FlaskForm):
    kind = SelectField(
        _l("What to create"), choices=[SelectChoice("module", _l("A module")), SelectChoice("quiz", _l("A quiz"))]
    )
    entry_id = StringField(
        _l("Id (never changes; Latin lower-case letters, digits and hyphens)"),
        validators=[
            InputRequired(_l("Please fill in this field.")),
            Regexp(
                rf"^{ID.pattern}$",
                message=_l("Use 2 to 61 lower-case Latin letters, digits and hyphens, e.g. first-contact."),
            ),
        ],
    )
    title_uk = StringField(
        _l("Title in Ukrainian"), validators=[InputRequired(_l("Please fill in this field.")), Length(max=200)]
    )
    title_en = StringField(
        _l("Title in English"), validators=[InputRequired(_l("Please fill in this field.")), Length(max=200)]
    )
    module_id = SelectField(_l("Module of the quiz"), choices=[], validate_choice=False)


class DeleteForm(FlaskForm):
    """The confirmation of a deletion: the revision of each file the admin saw go."""

    base_uk = HiddenField()
    base_en = HiddenField()
    message = StringField(_l("Why (optional, shown in the history)"), validators=[Optional(), Length(max=MESSAGE_MAX)])
