"""The caseload's filter: a GET form, so it works without JavaScript and without a CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from wattelt.forms import optional_int

DUE_LABELS = {
    "all": _l("Everyone"),
    "due": _l("Due within a month, or overdue"),
    "overdue": _l("Overdue"),
}
CHANGE_LABELS = {
    "all": _l("Everyone"),
    "declined": _l("At least one life domain worse"),
    "improved": _l("At least one life domain better"),
}
WHO_LABELS = {"mine": _l("My residents"), "all": _l("Everyone of my organisation")}


class CaseloadFilterForm(FlaskForm):
    class Meta:
        csrf = False

    who = SelectField(_l("Whose residents"), default="mine", validate_choice=True)
    coach = SelectField(_l("Coach"), coerce=optional_int, validate_choice=True)
    due = SelectField(_l("New measurement"), default="all", validate_choice=True)
    change = SelectField(_l("Change since the first measurement"), default="all")
    q = StringField(
        _l("Code"),
        validators=[Optional(), Length(max=16, message=_l("Use at most %(max)d characters."))],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.who.choices = list(WHO_LABELS.items())
        self.due.choices = list(DUE_LABELS.items())
        self.change.choices = list(CHANGE_LABELS.items())
