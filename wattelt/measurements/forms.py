"""Forms for starting a measurement and for one question screen, built from the questionnaire."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from wattelt.forms import choices

NOTE_MAX = 1000

PRESENT_LABELS = {
    "coach": _l("The resident and the coach"),
    "alone": _l("The resident alone"),
    "network": _l("The resident with someone from their network"),
    "coach_network": _l("The resident, the coach and someone from the network"),
}
MODE_LABELS = {
    "together": _l("Together on this device"),
    "own_device": _l("The resident fills it in on their own device or account"),
}


class StartForm(FlaskForm):
    questionnaire = RadioField(
        _l("Questionnaire"),
        validate_choice=True,
        validators=[InputRequired(_l("Choose a questionnaire."))],
    )
    optional_domains = SelectMultipleField(
        _l("Extra life domains"),
        validate_choice=True,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    present = RadioField(
        _l("Who is there?"),
        choices=choices(PRESENT_LABELS.items()),
        default="coach",
        validators=[InputRequired(_l("Choose who is there."))],
    )
    mode = RadioField(
        _l("How do you fill it in?"),
        choices=choices(MODE_LABELS.items()),
        default="together",
        validators=[InputRequired(_l("Choose how you fill it in."))],
    )


class StepForm(FlaskForm):
    """One question screen. The answer choices come from the questionnaire's scale."""

    # A blank answer is no answer (the Optional validator lets it through unchecked).
    answer = RadioField(
        validators=[Optional()],
        validate_choice=True,
        filters=[lambda value: (value.strip() or None) if isinstance(value, str) else value],
    )
    wants_to_talk = BooleanField(_l("I want to talk about this"))
    wants_to_work = BooleanField(_l("I want to work on this"))
    note = TextAreaField(
        _l("In your own words (optional)"),
        validators=[
            Optional(),
            Length(max=NOTE_MAX, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )
    version = HiddenField()


class CorrectionForm(FlaskForm):
    answer = RadioField(_l("Correct answer"), validate_choice=True, validators=[InputRequired()])
    reason = TextAreaField(
        _l("Why is it corrected?"),
        validators=[
            InputRequired(_l("Say why the answer is corrected.")),
            Length(max=300, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"rows": 2, "maxlength": 300},
    )
