from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from wattelt import clock
from wattelt.forms import choices, optional_int

RELATION_LABELS = {
    "carer": _l("Informal carer"),
    "partner": _l("Partner"),
    "parent": _l("Parent"),
    "child": _l("Child"),
    "family": _l("Other family"),
    "friend": _l("Friend"),
    "neighbour": _l("Neighbour"),
    "other": _l("Someone else"),
}


class UpToThisYear(NumberRange):
    """A year from ``min`` up to the local current year, read when the form is checked (a
    worker started in December still accepts a child born in January)."""

    def __call__(self, form, field):
        self.max = clock.today().year
        super().__call__(form, field)


class ResidentForm(FlaskForm):
    birth_year = IntegerField(
        _l("Birth year"),
        validators=[
            InputRequired(_l("Fill in the birth year.")),
            UpToThisYear(min=1900, message=_l("Fill in a year like 1980.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    postcode4 = StringField(
        _l("Postcode, only the 4 digits (optional)"),
        validators=[
            Optional(),
            Regexp(r"^[1-9][0-9]{3}$", message=_l("Use the 4 digits only, like 3511.")),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"},
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    district_id = SelectField(_l("District"), coerce=optional_int, validate_choice=True)
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class NewResidentForm(ResidentForm):
    case_director = BooleanField(
        _l("I am the case director (regievoerder) for this resident"), default=True
    )
    submit = SubmitField(_l("Add resident"))


class InvolvementForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    professional_id = SelectField(
        _l("Professional (optional)"), coerce=optional_int, validate_choice=True
    )
    submit = SubmitField(_l("Add organisation"))


class CaseDirectorForm(FlaskForm):
    user_id = SelectField(_l("Case director"), coerce=int, validate_choice=True)
    version = HiddenField()
    submit = SubmitField(_l("Change case director"))


class NetworkMemberForm(FlaskForm):
    display_name = StringField(
        _l("Name (first name is enough)"),
        validators=[
            DataRequired(_l("Fill in a name.")),
            Length(max=80, message=_l("Use at most 80 characters.")),
        ],
        render_kw={"autocomplete": "off"},
    )
    relation = SelectField(
        _l("Who is this for the resident?"), choices=choices(RELATION_LABELS.items())
    )
    submit = SubmitField(_l("Add to network"))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by code"), validators=[Optional(), Length(max=16)])
