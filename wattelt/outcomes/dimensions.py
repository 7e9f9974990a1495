"""The filters of the anonymous figures and their validation.

Only coarse categories exist, by design (see ``disclosure``): whole organisations, whole
districts, fixed age bands (age at the first measurement), whole calendar years or quarters of
the first measurement, a questionnaire version and a perspective. Each filter is either "all" or
exactly one value; there are no ranges, no lists and no exact dates.

"Period" means: residents whose first measurement (T0) was completed in that year or quarter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case
from sqlalchemy.sql.elements import ColumnElement

from wattelt import clock
from wattelt.models import PERSPECTIVES

#: (key, lowest age, highest age): age = year of the first measurement - birth year.
AGE_BANDS: list[tuple[str, int | None, int | None]] = [
    ("0-17", None, 17),
    ("18-26", 18, 26),
    ("27-44", 27, 44),
    ("45-66", 45, 66),
    ("67+", 67, None),
]
AGE_BAND_KEYS = [key for key, _low, _high in AGE_BANDS]
EARLIEST_YEAR = 2000
PERIOD = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?$")
QUESTIONNAIRE = re.compile(r"^(?P<key>[a-z][a-z0-9_]{1,39})-(?P<version>[1-9]\d{0,3})$")
PERSPECTIVE_LABELS = {
    "resident": _l("The resident's own view"),
    "coach": _l("The coach's view"),
    "network": _l("The network's view"),
}


def age_band_of(age: ColumnElement) -> ColumnElement:
    """SQL: the age band key of an age in whole years."""
    whens = []
    for key, low, high in AGE_BANDS:
        if low is None:
            whens.append((age <= high, key))
        elif high is None:
            whens.append((age >= low, key))
        else:
            whens.append((age.between(low, high), key))
    return case(*whens)


def age_band_for(age: int) -> str:
    """Python: the same bands (for tests and the independent computation)."""
    for key, low, high in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return key
    raise AssertionError("the bands cover every age")


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    def contains(self, year: int | None, quarter: int | None) -> bool:
        """Does a block with this (year, quarter) lie wholly inside the period? ``None`` marks a
        part that was generalised away, which lies inside no specific period."""
        if year is None or year != self.year:
            return False
        return self.quarter is None or quarter == self.quarter


@dataclass(frozen=True)
class Filters:
    organisation_id: int | None = None
    district_id: int | None = None
    age_band: str | None = None
    period: Period | None = None
    questionnaire: tuple[str, int] | None = None
    perspective: str = "resident"

    def but(self, **changes) -> Filters:
        return replace(self, **changes)

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (the same names the forms and the API use)."""
        params: dict[str, str] = {}
        if self.organisation_id is not None:
            params["organisation"] = str(self.organisation_id)
        if self.district_id is not None:
            params["district"] = str(self.district_id)
        if self.age_band:
            params["age_band"] = self.age_band
        if self.period:
            params["period"] = self.period.key
        if self.questionnaire:
            params["questionnaire"] = f"{self.questionnaire[0]}-{self.questionnaire[1]}"
        if self.perspective != "resident":
            params["perspective"] = self.perspective
        return params


@dataclass(frozen=True)
class Options:
    """The values a viewer may choose, by id or key, with their labels."""

    organisations: dict[int, str]
    districts: dict[int, str]
    questionnaires: dict[tuple[str, int], str]
    fixed_organisation_id: int | None = None


@dataclass
class Parsed:
    filters: Filters
    errors: dict[str, str] = field(default_factory=dict)


PARAMETERS = ("organisation", "district", "age_band", "period", "questionnaire", "perspective")


def parse_filters(args: Mapping[str, str], options: Options, today: date | None = None) -> Parsed:
    """Read the filters from query parameters. A wrong value is reported in ``errors`` (by
    parameter name, in the user's language) and left out; it is never guessed at."""
    today = today or clock.today()
    errors: dict[str, str] = {}
    values: dict = {}

    def _id(name: str, allowed: dict[int, str], message) -> int | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value not in allowed:
            errors[name] = str(message)
            return None
        return value

    values["organisation_id"] = _id(
        "organisation", options.organisations, _l("Choose one of the organisations in the list.")
    )
    values["district_id"] = _id(
        "district", options.districts, _l("Choose one of the districts in the list.")
    )
    band = (args.get("age_band") or "").strip()
    if band and band not in AGE_BAND_KEYS:
        errors["age_band"] = str(_l("Choose one of the age bands in the list."))
    values["age_band"] = band if band in AGE_BAND_KEYS else None

    raw_period = (args.get("period") or "").strip()
    values["period"] = None
    if raw_period:
        match = PERIOD.match(raw_period)
        if match is None:
            errors["period"] = str(
                _l(
                    "Give a period as a year (2026) or a quarter (2026-Q3); exact dates are not used."
                )
            )
        else:
            year = int(match["year"])
            if not EARLIEST_YEAR <= year <= today.year:
                errors["period"] = str(
                    _l(
                        "Choose a year from %(first)d to %(last)d.",
                        first=EARLIEST_YEAR,
                        last=today.year,
                    )
                )
            else:
                quarter = int(match["quarter"]) if match["quarter"] else None
                values["period"] = Period(year, quarter)

    raw_questionnaire = (args.get("questionnaire") or "").strip()
    values["questionnaire"] = None
    if raw_questionnaire:
        match = QUESTIONNAIRE.match(raw_questionnaire)
        wanted = (match["key"], int(match["version"])) if match else None
        if wanted not in options.questionnaires:
            errors["questionnaire"] = str(_l("Choose one of the questionnaires in the list."))
        else:
            values["questionnaire"] = wanted

    perspective = (args.get("perspective") or "resident").strip()
    if perspective not in PERSPECTIVES:
        errors["perspective"] = str(_l("Choose one of the perspectives in the list."))
        perspective = "resident"
    values["perspective"] = perspective

    if options.fixed_organisation_id is not None:
        # A manager sees their own organisation only, whatever the request says.
        if values["organisation_id"] not in (None, options.fixed_organisation_id):
            errors["organisation"] = str(_l("Choose one of the organisations in the list."))
        values["organisation_id"] = options.fixed_organisation_id
    return Parsed(Filters(**values), errors)
