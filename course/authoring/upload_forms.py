"""Forms of the image upload and the GIFT import; each declares exactly the fields it accepts (AC-4)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import InputRequired, ValidationError

from course.frontmatter import check_id


class ImageUploadForm(FlaskForm):
    file = FileField(_l("Image (PNG, JPEG or WebP)"))
    replace = BooleanField(_l("Replace the image of the same name, if there is one"))


class GiftImportForm(FlaskForm):
    """The module choices are the current release's modules, set by the view."""

    file = FileField(_l("GIFT file (.gift or .txt)"))
    quiz_id = StringField(_l("Quiz id"), validators=[InputRequired(_l("Please fill in this field."))])
    lang = SelectField(
        _l("Language of the questions"), choices=[SelectChoice("uk", "українська"), SelectChoice("en", "English")]
    )
    module = SelectField(_l("Module (optional)"))
    title = StringField(_l("Title (optional: the GIFT category otherwise)"))

    def validate_quiz_id(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if check_id(field.data):
            raise ValidationError(
                _l("Use lower-case Latin letters, digits and hyphens, for example traffic-signs-quiz.")
            )


class GiftConfirmForm(FlaskForm):
    """The dry run's result, signed (course/authoring/gift_import.py)."""

    token = HiddenField()
