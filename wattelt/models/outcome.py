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
    # The resident's plan: goals set and reached, and the Goal Attainment T-score (in
    # thousandths) at their latest scored round; refreshed whenever a goal or score changes.
    goals_set: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    goals_reached: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    gas_t_milli: int | None = None
    # Indexed: the newest refresh is part of the version that keeps cached figures honest.
    refreshed_at: datetime = Field(default_factory=utcnow, index=True)


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


#: How many sums an atom row keeps (the change figures need the most, see ``ATOM_KINDS``).
ATOM_SUMS = 18


class OutcomeAtom(SQLModel, table=True):
    """The sums of one smallest group ("atom") of counted residents, kept up to date with every
    refresh of the summary above by adding the difference: the anonymous figures read these few
    rows instead of grouping every resident's rows for every request.

    ``kind`` says what the sums ``s0``.. are (``wattelt.outcomes.atoms.ATOM_KINDS``); ``s0`` is
    always the number of residents. Categories a resident does not have are stored as -1 (no
    organisation or district) and '' (no age band), so that the key has no NULLs. One row of
    kind ``version`` is no atom: it counts the refreshes, for the figures' cache."""

    __tablename__ = "outcome_atom"
    __table_args__ = (
        sa.Index(
            "ix_outcome_atom_empty",
            "kind",
            postgresql_where=sa.text("s0 = 0"),
            sqlite_where=sa.text("s0 = 0"),
        ),
    )

    kind: str = Field(max_length=10, primary_key=True)
    perspective: str = Field(max_length=10, primary_key=True)
    item: str = Field(max_length=40, primary_key=True)
    organisation_id: int = Field(primary_key=True)
    district_id: int = Field(primary_key=True)
    age_band: str = Field(max_length=8, primary_key=True)
    year: int = Field(primary_key=True)
    quarter: int = Field(primary_key=True)
    questionnaire_key: str = Field(max_length=40, primary_key=True)
    questionnaire_version: int = Field(primary_key=True)
    s0: int = Field(default=0, sa_type=sa.BigInteger)
    s1: int = Field(default=0, sa_type=sa.BigInteger)
    s2: int = Field(default=0, sa_type=sa.BigInteger)
    s3: int = Field(default=0, sa_type=sa.BigInteger)
    s4: int = Field(default=0, sa_type=sa.BigInteger)
    s5: int = Field(default=0, sa_type=sa.BigInteger)
    s6: int = Field(default=0, sa_type=sa.BigInteger)
    s7: int = Field(default=0, sa_type=sa.BigInteger)
    s8: int = Field(default=0, sa_type=sa.BigInteger)
    s9: int = Field(default=0, sa_type=sa.BigInteger)
    s10: int = Field(default=0, sa_type=sa.BigInteger)
    s11: int = Field(default=0, sa_type=sa.BigInteger)
    s12: int = Field(default=0, sa_type=sa.BigInteger)
    s13: int = Field(default=0, sa_type=sa.BigInteger)
    s14: int = Field(default=0, sa_type=sa.BigInteger)
    s15: int = Field(default=0, sa_type=sa.BigInteger)
    s16: int = Field(default=0, sa_type=sa.BigInteger)
    s17: int = Field(default=0, sa_type=sa.BigInteger)
