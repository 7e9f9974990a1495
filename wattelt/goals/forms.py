"""Forms of the plan. Choices that come from data (life domains, who does a step, the goals to
score) are filled in by the views; every message is our own, in the user's language."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from wattelt.forms import choices
from wattelt.goals.plan import NOTE_MAX
from wattelt.goals.scores import OUTCOMES, SCORE_LABELS
from wattelt.models.goal import GOAL_TEXT_MAX, STEP_TEXT_MAX

TOO_LONG = _l("Use at most %(max)d characters.")
WEIGHT_LABELS = {
    "1": _l("1 \u2013 the usual weight"),
    "2": _l("2 \u2013 counts double"),
    "3": _l("3 \u2013 counts three times"),
}
STATUS_LABELS = {"open": _l("Open"), "reached": _l("Reached"), "stopped": _l("Stopped")}


class _Friendly:
    """Our own message for a value the field cannot read (WTForms' own is not translated)."""

    bad_value = _l("This is not a date.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(str(self.bad_value)) from error


class LocalDateField(_Friendly, DateField):
    def pre_validate(self, form):
        # A typing slip like year 20026 is not a date anyone plans for.
        if self.data is not None and not date(2000, 1, 1) <= self.data <= date(2100, 12, 31):
            raise ValidationError(_l("Choose a date between the years 2000 and 2100."))


class LocalTimeField(_Friendly, TimeField):
    bad_value = _l("This is not a time. Write it like 14:30.")


class GoalForm(FlaskForm):
    text = TextAreaField(
        _l("What do you want? Write it in your own words."),
        validators=[
            DataRequired(_l("Write down the goal.")),
            Length(max=GOAL_TEXT_MAX, message=TOO_LONG),
        ],
        render_kw={"rows": 3, "maxlength": GOAL_TEXT_MAX},
    )
    reached_when = TextAreaField(
        _l("How will you know you made it?"),
        validators=[
            DataRequired(_l("Write down how you will know the goal is reached.")),
            Length(max=GOAL_TEXT_MAX, message=TOO_LONG),
        ],
        render_kw={"rows": 2, "maxlength": GOAL_TEXT_MAX},
    )
    domains = SelectMultipleField(
        _l("Life domains"),
        validate_choice=False,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    weight = RadioField(
        _l("Weight in the goal attainment score"),
        choices=choices(WEIGHT_LABELS.items()),
        default="1",
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose a weight.")),
            AnyOf(list(WEIGHT_LABELS), message=_l("Choose a weight of 1, 2 or 3.")),
        ],
    )
    version = HiddenField()

    def validate_domains(self, field) -> None:
        allowed = {choice.value for choice in field.choices or []}
        if not field.data:
            raise ValidationError(_l("Choose at least one life domain."))
        if not set(field.data) <= allowed:
            raise ValidationError(_l("Choose life domains from the list."))


class GoalEditForm(GoalForm):
    status = RadioField(
        _l("Status"),
        choices=choices(STATUS_LABELS.items()),
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose a status.")),
            AnyOf(list(STATUS_LABELS), message=_l("Choose open, reached or stopped.")),
        ],
    )


class StepForm(FlaskForm):
    text = StringField(
        _l("What will be done?"),
        validators=[
            DataRequired(_l("Write down what will be done.")),
            Length(max=STEP_TEXT_MAX, message=TOO_LONG),
        ],
        render_kw={"maxlength": STEP_TEXT_MAX, "autocomplete": "off"},
    )
    # Checked by the service against the resident's network and involved organisations.
    helper = SelectField(
        _l("Who does it?"),
        validate_choice=False,
        validators=[InputRequired(_l("Choose who does it."))],
    )
    due_on = LocalDateField(_l("When? (optional)"), validators=[Optional()])
    version = HiddenField()


class StepVersionForm(FlaskForm):
    """A button about one step (remove it), with the version of the step the page showed."""

    version = HiddenField(validators=[InputRequired()])


class StepDoneForm(StepVersionForm):
    """The tick box of one step: done or not."""

    done = HiddenField(validators=[AnyOf(["1", "0"])])


class AppointmentForm(FlaskForm):
    on = LocalDateField(_l("Date"), validators=[Optional()])
    at = LocalTimeField(_l("Time (optional)"), validators=[Optional()])
    note = StringField(
        _l("Where, and with whom? (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": NOTE_MAX, "autocomplete": "off"},
    )
    version = HiddenField()

    def validate_at(self, field) -> None:
        if field.data is not None and self.on.data is None:
            raise ValidationError(_l("Fill in the date too."))


SCORE_CHOICES = choices(SCORE_LABELS.items())


def scores_form(goals) -> FlaskForm:
    """One score (-2..+2) and one outcome per goal, built for the goals of this measurement."""

    class ScoresForm(FlaskForm):
        pass

    for goal in goals:
        label = goal.text if len(goal.text) <= 60 else goal.text[:59] + "\u2026"
        setattr(
            ScoresForm,
            f"score_{goal.id}",
            RadioField(
                label,
                choices=SCORE_CHOICES,
                validate_choice=False,
                validators=[
                    InputRequired(_l("Give this goal a score.")),
                    AnyOf(
                        [c.value for c in SCORE_CHOICES], message=_l("A score goes from -2 to +2.")
                    ),
                ],
            ),
        )
        setattr(
            ScoresForm,
            f"outcome_{goal.id}",
            RadioField(
                label,
                choices=choices(OUTCOMES.items()),
                default="carry_on",
                validate_choice=False,
                validators=[
                    InputRequired(_l("Choose what happens with this goal.")),
                    AnyOf(list(OUTCOMES), message=_l("Choose carry on, reached or stopped.")),
                ],
            ),
        )
        setattr(ScoresForm, f"version_{goal.id}", HiddenField())
    return ScoresForm()
