from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow

PERSPECTIVES = ("resident", "coach", "network")
SPECIAL_ANSWERS = ("dont_know", "rather_not")
#: The item key of the overall grade (rapportcijfer) among the domain answers.
OVERALL = "overall"


class Measurement(SQLModel, table=True):
    """One meting of a resident with one exact questionnaire version, from draft to completed.

    A draft that will not be finished (wrong questionnaire, the resident dropped out) is
    ``stopped``: kept as it was, read-only, and left out of rounds and figures.

    The questionnaire is recorded by key and version, so changing a definition file later never
    rewrites what this measurement asked."""

    __table_args__ = (
        CheckConstraint("status IN ('draft','completed','stopped')", name="status"),
        CheckConstraint("mode IN ('together','own_device')", name="mode"),
        # Rounds: a resident's completed measurements in order (first = T0, last = latest).
        Index("ix_measurement_rounds", "resident_id", "status", "completed_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    questionnaire_key: str = Field(max_length=40)
    questionnaire_version: int
    # Optional domains switched on for this measurement, comma-separated keys.
    optional_domains: str = Field(default="", max_length=400)
    present: str = Field(max_length=20)  # alone, coach, network, coach_network
    mode: str = Field(max_length=20)  # together, own_device
    status: str = Field(default="draft", max_length=12)
    started_by_id: int | None = Field(default=None, foreign_key="users.id")
    started_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None
    completed_by_id: int | None = Field(default=None, foreign_key="users.id")
    # Where each perspective stopped, so a closed tab resumes on the same screen.
    resident_step: int = Field(default=0)
    coach_step: int = Field(default=0)
    network_step: int = Field(default=0)

    @property
    def optional_keys(self) -> list[str]:
        return [key for key in self.optional_domains.split(",") if key]


class Answer(SQLModel, table=True):
    """One answer to one item (a life domain or the overall grade) from one perspective.

    A special answer ("don't know", "rather not say") is stored as such, never as a number."""

    __table_args__ = (
        UniqueConstraint("measurement_id", "perspective", "item", name="uq_answer_item"),
        CheckConstraint("perspective IN ('resident','coach','network')", name="perspective"),
        CheckConstraint("special IS NULL OR special IN ('dont_know','rather_not')", name="special"),
        CheckConstraint("NOT (value IS NOT NULL AND special IS NOT NULL)", name="one_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measurement_id: int = Field(foreign_key="measurement.id", index=True)
    perspective: str = Field(max_length=10)
    item: str = Field(max_length=40)
    value: int | None = None
    special: str | None = Field(default=None, max_length=12)
    wants_to_talk: bool = Field(default=False)
    wants_to_work: bool = Field(default=False)
    note: str | None = Field(default=None, max_length=1000)
    answered_by_id: int | None = Field(default=None, foreign_key="users.id")
    answered_at: datetime = Field(default_factory=utcnow)
    # Bumped on every save; a save that expected an older version is a conflict.
    version: int = Field(default=1)


class AnswerCorrection(SQLModel, table=True):
    """A professional's correction of an answer in a completed (locked) measurement."""

    __tablename__ = "answer_correction"

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id", index=True)
    measurement_id: int = Field(foreign_key="measurement.id", index=True)
    old_value: int | None = None
    old_special: str | None = Field(default=None, max_length=12)
    new_value: int | None = None
    new_special: str | None = Field(default=None, max_length=12)
    reason: str = Field(max_length=300)
    corrected_by_id: int | None = Field(default=None, foreign_key="users.id")
    corrected_at: datetime = Field(default_factory=utcnow)
