"""Forms of the privacy pages. The consent form is built from the resident's own partners, so
a choice for any other organisation simply has no field (a tampered form changes nothing)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from wattelt.consent.services import Choice
from wattelt.forms import choices, optional_int
from wattelt.models import User

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
ERASURE_REASON_LABELS = {
    "resident_asked": _l("The resident asked for it"),
    "retention": _l("Nobody worked with this resident for a long time"),
    "other": _l("Another reason"),
}
ACTION_LABELS = {
    "view": _l("looked"),
    "change": _l("changed"),
    "export": _l("downloaded"),
    "denied": _l("refused"),
    "erasure": _l("erased"),
}


def field_name(choice: Choice) -> str:
    return "count" if choice.organisation is None else f"share_{choice.organisation.id}"


def consent_form(
    current: list[Choice], explainers: list[User] | None, *, easy: bool, formdata=None
) -> FlaskForm:
    """A yes/no question per choice; ``explainers``: ask who explained it (the resident's page)."""

    class ConsentForm(FlaskForm):
        version = HiddenField()

    for choice in current:
        if choice.organisation is None:
            label = (
                _(
                    "May your answers be counted in the figures of the municipality? Your name is never in them."
                )
                if easy
                else _("Answers may be counted anonymously in the chain's figures")
            )
        else:
            label = (
                _(
                    "May %(organisation)s see your answers and your plan?",
                    organisation=choice.organisation.name,
                )
                if easy
                else _(
                    "%(organisation)s may see the answers, plan and report",
                    organisation=choice.organisation.name,
                )
            )
        setattr(
            ConsentForm,
            field_name(choice),
            RadioField(
                label,
                choices=choices(YES_NO),
                validate_choice=True,
                validators=[InputRequired(_l("Choose yes or no."))],
                default=None if choice.granted is None else ("yes" if choice.granted else "no"),
            ),
        )
    if explainers is not None:
        ConsentForm.explained_by = SelectField(
            _l("Who explained this to you?"),
            coerce=optional_int,
            validate_choice=True,
            choices=choices(
                [(None, _("Nobody. I read it myself."))]
                + [(u.id, u.display_name) for u in explainers]
            ),
        )
    return ConsentForm(formdata=formdata) if formdata is not None else ConsentForm()


class ErasureRequestForm(FlaskForm):
    reason = RadioField(
        _l("Why should the data be erased?"),
        choices=choices(ERASURE_REASON_LABELS.items()),
        validate_choice=True,
        validators=[InputRequired(_l("Choose a reason."))],
    )
    confirm = BooleanField(
        _l("I understand that a second person must approve, and that it cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class MyErasureForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, I want my data to be removed."),
        validators=[DataRequired(_l("Tick the box if you are sure."))],
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Your decision"),
        choices=choices(
            [("approve", _l("Approve: erase now")), ("reject", _l("Reject: keep the data"))]
        ),
        validate_choice=True,
        validators=[InputRequired(_l("Choose approve or reject."))],
    )


class AccessLogFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    code = StringField(_l("Resident code"), validators=[Optional(), Length(max=16)])
    user = StringField(_l("User (name or e-mail)"), validators=[Optional(), Length(max=120)])
    action = SelectField(
        _l("What"),
        choices=choices([(None, _l("Everything"))] + list(ACTION_LABELS.items())),
        validate_choice=True,
        validators=[Optional()],
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])
