from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from wattelt import clock
from wattelt.models.base import utcnow

RELATIONS = ("carer", "partner", "parent", "child", "family", "friend", "neighbour", "other")


class Resident(SQLModel, table=True):
    """An inwoner, known only by a pseudonymous code, a birth year and at most a 4-digit postcode."""

    __table_args__ = (
        CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year"),
        CheckConstraint("postcode4 IS NULL OR length(postcode4) = 4", name="postcode4"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    birth_year: int
    postcode4: str | None = Field(default=None, max_length=4)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    # The regievoerder: the one professional who keeps the single plan together.
    case_director_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    # The resident's own login, once they accepted an invitation.
    account_id: int | None = Field(default=None, foreign_key="users.id", unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    # Bumped on every change so concurrent edits are detected instead of overwritten.
    version: int = Field(default=1)


class Involvement(SQLModel, table=True):
    """An organisation (and optionally its named professional) working with a resident."""

    __table_args__ = (
        UniqueConstraint("resident_id", "organisation_id", name="uq_involvement_resident_org"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    professional_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    started_on: date = Field(default_factory=clock.today)
    ended_on: date | None = None


class NetworkMember(SQLModel, table=True):
    """Someone from the resident's own network (carer, family, friend) who may take part."""

    __tablename__ = "network_member"

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    display_name: str = Field(max_length=80)
    relation: str = Field(max_length=20)
    user_id: int | None = Field(default=None, foreign_key="users.id", unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
