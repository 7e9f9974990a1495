"""Forms of the admin area. Lengths come from the models, so a form never accepts more than the
database column holds."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from wattelt.admin.services import lacks_organisation
from wattelt.models import Chain, District, Organisation, Role, User
from wattelt.models.organisation import (
    DEFAULT_FOLLOW_UP_MONTHS,
    FOLLOW_UP_MONTHS_MAX,
    FOLLOW_UP_MONTHS_MIN,
)

# Most common first; a new account starts as a coach, never as an administrator by accident.
ROLE_LABELS = {
    Role.COACH.value: _l("Coach"),
    Role.MANAGER.value: _l("Manager"),
    Role.POLICYMAKER.value: _l("Policymaker"),
    Role.ADMIN.value: _l("Administrator"),
}

# Deliberately loose: the invitation link proves the address works; this catches typing slips.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def max_length(model, column: str) -> int:
    return model.__table__.c[column].type.length


def optional_id(value):
    """Coerce a select's value to an id or ``None``; garbage raises ValueError, which WTForms
    turns into a field error."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _strip_lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _no_control_characters(_form, field) -> None:
    # PostgreSQL refuses NUL in text; other control characters only cause trouble in lists.
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(_l("Remove the special characters."))


def _text(label, model, column: str, required=None, **kwargs) -> StringField:
    first = DataRequired(required) if required else Optional()
    return StringField(
        label,
        validators=[
            first,
            Length(max=max_length(model, column), message=_l("Use at most %(max)d characters.")),
            _no_control_characters,
        ],
        filters=[_strip],
        render_kw={"autocomplete": "off"},
        **kwargs,
    )


class ChainForm(FlaskForm):
    name = _text(_l("Name"), Chain, "name", _l("Fill in a name."))
    submit = SubmitField(_l("Save"))


class OrganisationForm(FlaskForm):
    name = _text(_l("Name"), Organisation, "name", _l("Fill in a name."))
    kind = _text(_l("Kind of organisation (optional)"), Organisation, "kind")
    chain_id = SelectField(_l("Chain"), coerce=optional_id, validate_choice=True)
    two_factor_required = BooleanField(_l("Members must log in with two-factor authentication"))
    follow_up_months = IntegerField(
        _l("Measure again after (months)"),
        default=DEFAULT_FOLLOW_UP_MONTHS,
        # Left empty, the interval stays as it is (6 months for a new organisation).
        validators=[
            Optional(),
            NumberRange(
                min=FOLLOW_UP_MONTHS_MIN,
                max=FOLLOW_UP_MONTHS_MAX,
                message=_l("Fill in a number from %(min)d to %(max)d."),
            ),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    submit = SubmitField(_l("Save"))


class DistrictForm(FlaskForm):
    name = _text(_l("Name of the district"), District, "name", _l("Fill in a name."))
    municipality = _text(
        _l("Municipality"), District, "municipality", _l("Fill in the municipality.")
    )
    submit = SubmitField(_l("Save"))


# WTForms orders fields by creation; made here, the e-mail field of NewUserForm comes first.
_new_email = EmailField(
    _l("E-mail address"),
    validators=[
        DataRequired(_l("Fill in an e-mail address.")),
        Length(max=max_length(User, "email"), message=_l("Use at most %(max)d characters.")),
        Regexp(EMAIL_PATTERN, message=_l("Fill in an e-mail address like name@example.org.")),
        _no_control_characters,
    ],
    filters=[_strip_lower],
    render_kw={"autocomplete": "off"},
)


class UserForm(FlaskForm):
    """Changing a professional: name, role and organisation. The e-mail address stays."""

    display_name = _text(_l("Name"), User, "display_name", _l("Fill in a name."))
    role = SelectField(_l("Role"), default=Role.COACH.value, validate_choice=True)
    organisation_id = SelectField(_l("Organisation"), coerce=optional_id, validate_choice=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Set after construction: WTForms 3.3 deprecates tuples passed to the constructor.
        self.role.choices = list(ROLE_LABELS.items())

    def validate_organisation_id(self, field) -> None:
        if lacks_organisation(self.role.data, field.data):
            raise ValidationError(_l("Coaches and managers need an organisation."))


class NewUserForm(UserForm):
    email = _new_email  # first on the page and in the error summary: see _new_email
    submit = SubmitField(_l("Add user"))


class UserFilterForm(FlaskForm):
    """The filter above the user list; a GET form, so without CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or e-mail address"),
        validators=[
            Optional(),
            Length(max=max_length(User, "email"), message=_l("Use at most %(max)d characters.")),
        ],
        filters=[_strip],
    )
    role = SelectField(_l("Role"), default="", validate_choice=True)
    organisation_id = SelectField(_l("Organisation"), coerce=optional_id, validate_choice=True)


TOKEN_DAYS = {"30": _l("30 days"), "90": _l("90 days"), "365": _l("1 year"), "0": _l("No end date")}


class ApiTokenForm(FlaskForm):
    """A new token for the figures API."""

    user_id = SelectField(_l("For"), coerce=optional_id, validate_choice=True)
    name = StringField(
        _l("What is it for?"),
        validators=[
            DataRequired(_l("Fill in what the token is for, e.g. the name of the report tool.")),
            Length(max=80, message=_l("Use at most %(max)d characters.")),
            _no_control_characters,
        ],
        filters=[_strip],
        render_kw={"autocomplete": "off"},
    )
    days = SelectField(_l("Works for"), default="365", validate_choice=True)
    submit = SubmitField(_l("Make token"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.days.choices = list(TOKEN_DAYS.items())
