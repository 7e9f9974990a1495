"""One plan per resident: goals in the resident's own words, their steps, how far each goal got
at every follow-up measurement, the next appointment, and the history of every change.

Every organisation involved with a resident works in this one plan instead of writing its own.
Goals and steps carry a version that every save compares and bumps, so two professionals of
different organisations never silently overwrite each other."""

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow

GOAL_STATUSES = ("open", "reached", "stopped")
HELPER_KINDS = ("resident", "network", "organisation")
#: Weights a goal may get in the Goal Attainment Scaling T-score (1 = the usual weight).
GOAL_WEIGHTS = (1, 2, 3)
GOAL_TEXT_MAX = 300
STEP_TEXT_MAX = 200


class Goal(SQLModel, table=True):
    """A goal of one resident, written in their own words, in one or more life domains."""

    __table_args__ = (
        CheckConstraint("status IN ('open','reached','stopped')", name="status"),
        CheckConstraint("weight BETWEEN 1 AND 3", name="weight"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    text: str = Field(max_length=GOAL_TEXT_MAX)
    # What it will look like when the goal is reached, also in the resident's words.
    reached_when: str = Field(default="", max_length=GOAL_TEXT_MAX)
    weight: int = Field(default=1)
    status: str = Field(default="open", max_length=10)
    # The measurement whose "I want to work on this" the goal came from, if any.
    measurement_id: int | None = Field(default=None, foreign_key="measurement.id", index=True)
    # The organisation of the professional who set the goal: the chain learns what works.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    # Bumped on every change (text, domains, status, a score); a save that expected an older
    # version is a conflict.
    version: int = Field(default=1)


class GoalDomain(SQLModel, table=True):
    """A life domain (questionnaire domain key) a goal belongs to."""

    __tablename__ = "goal_domain"

    goal_id: int = Field(foreign_key="goal.id", primary_key=True)
    domain: str = Field(max_length=40, primary_key=True)


class Step(SQLModel, table=True):
    """A concrete action towards a goal, done by the resident, a named network member of this
    resident, or an involved organisation (optionally its named professional)."""

    __tablename__ = "goal_step"
    __table_args__ = (
        CheckConstraint("helper IN ('resident','network','organisation')", name="helper"),
        CheckConstraint(
            "(helper = 'resident' AND network_member_id IS NULL AND organisation_id IS NULL"
            " AND professional_id IS NULL)"
            " OR (helper = 'network' AND network_member_id IS NOT NULL"
            " AND organisation_id IS NULL AND professional_id IS NULL)"
            " OR (helper = 'organisation' AND network_member_id IS NULL"
            " AND organisation_id IS NOT NULL)",
            name="helper_fields",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    text: str = Field(max_length=STEP_TEXT_MAX)
    helper: str = Field(max_length=12)
    network_member_id: int | None = Field(default=None, foreign_key="network_member.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    professional_id: int | None = Field(default=None, foreign_key="users.id")
    due_on: date | None = None
    done_at: datetime | None = None
    done_by_id: int | None = Field(default=None, foreign_key="users.id")
    # A removed step stays in the database (and its history), it is only no longer shown.
    removed_at: datetime | None = None
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class GoalScore(SQLModel, table=True):
    """How far a goal got by a follow-up measurement: -2 (much less than expected) to +2 (much
    more than expected), 0 being what was expected (Goal Attainment Scaling)."""

    __tablename__ = "goal_score"
    __table_args__ = (
        UniqueConstraint("goal_id", "measurement_id", name="uq_goal_score_goal_measurement"),
        CheckConstraint("score BETWEEN -2 AND 2", name="score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    measurement_id: int = Field(foreign_key="measurement.id", index=True)
    score: int
    scored_by_id: int | None = Field(default=None, foreign_key="users.id")
    scored_at: datetime = Field(default_factory=utcnow)


class Plan(SQLModel, table=True):
    """What belongs to the plan as a whole: the next appointment, in local wall-clock time."""

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", unique=True)
    next_on: date | None = None
    next_at: time | None = None
    next_note: str = Field(default="", max_length=200)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class PlanChange(SQLModel, table=True):
    """One line of a plan's history: who changed what, when, and the old and new value in short.

    Long texts are shortened: the history says what changed, the plan itself holds the text."""

    __tablename__ = "plan_change"

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    step_id: int | None = Field(default=None, foreign_key="goal_step.id")
    kind: str = Field(max_length=30)
    old: str = Field(default="", max_length=200)
    new: str = Field(default="", max_length=200)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    at: datetime = Field(default_factory=utcnow)
