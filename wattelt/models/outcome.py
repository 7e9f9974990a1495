from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow


class OutcomeResident(SQLModel, table=True):
    """Per resident with a completed measurement: their first (T0) and latest completed round.

    A summary kept for the anonymous figures, so the dashboard groups a few rows per resident
    instead of every answer. Rounds are ordered by ``completed_at`` then ``id``, exactly as the
    person's report orders them. Rebuilt for a resident whenever one of their measurements is
    completed or corrected, when their counting consent or details change, and after an
    erasure (``wattelt.outcomes.summary.refresh``); ``flask --app app outcomes rebuild``
    rebuilds it for everyone."""

    __tablename__ = "outcome_resident"
    __table_args__ = (
        CheckConstraint("baseline_quarter BETWEEN 1 AND 4", name="baseline_quarter"),
        CheckConstraint("measurements >= 1", name="measurements"),
    )

    resident_id: int = Field(foreign_key="resident.id", primary_key=True)
    # The organisation that registered the resident (their first involvement): every resident
    # counts for exactly one organisation, so organisations partition the figures.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    measurements: int
    baseline_measurement_id: int = Field(foreign_key="measurement.id")
    latest_measurement_id: int = Field(foreign_key="measurement.id")
    questionnaire_key: str = Field(max_length=40)
    questionnaire_version: int
    # Only the year and quarter of the first measurement are kept here: no exact date is needed.
    baseline_year: int
    baseline_quarter: int
    # The questionnaire's change threshold (steps) for the life domains, from the first round.
    change_threshold: int = Field(default=1)
    # The resident's district and age band (at the first measurement), and whether their newest
    # choice lets them be counted anonymously: refreshed whenever these change, so the figures
    # read this one row per resident.
    district_id: int | None = Field(default=None, foreign_key="district.id")
    age_band: str | None = Field(default=None, max_length=8)
    counted: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    refreshed_at: datetime = Field(default_factory=utcnow)


#: The residents' own wishes ("I want to work on this") at their first measurement: few rows of a
#: large table, so the figures read them from a partial index. The condition is spelled the same
#: in the index and in the query (``wattelt.outcomes.atoms.wish_atoms``), as both databases need.
WISHES_INDEX_WHERE = sa.text("outcome_item.perspective = 'resident' AND outcome_item.wants_to_work")
_WISHES_INDEX = sa.text("perspective = 'resident' AND wants_to_work")


class OutcomeItem(SQLModel, table=True):
    """One life domain (or the overall grade) of one resident from one perspective: the numeric
    answer at the first and at the latest completed measurement.

    ``latest_value`` is only set when the latest round is another measurement than the first;
    special answers ("don't know", "rather not say") are never numbers, so they leave the value
    empty."""

    __tablename__ = "outcome_item"
    __table_args__ = (
        CheckConstraint("perspective IN ('resident','coach','network')", name="perspective"),
        sa.Index(
            "ix_outcome_item_wishes",
            "resident_id",
            "item",
            postgresql_where=_WISHES_INDEX,
            sqlite_where=_WISHES_INDEX,
        ),
    )

    resident_id: int = Field(foreign_key="resident.id", primary_key=True)
    perspective: str = Field(max_length=10, primary_key=True)
    item: str = Field(max_length=40, primary_key=True)
    baseline_value: int | None = None
    latest_value: int | None = None
    wants_to_work: bool = Field(default=False)
