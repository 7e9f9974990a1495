from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow

DEFAULT_FOLLOW_UP_MONTHS = 6
FOLLOW_UP_MONTHS_MIN = 1
FOLLOW_UP_MONTHS_MAX = 24


class Chain(SQLModel, table=True):
    """A samenwerkingsverband: organisations that work together around residents."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class Organisation(SQLModel, table=True):
    """A chain partner such as a wijkteam, MEE, schuldhulp or GGZ."""

    __table_args__ = (
        CheckConstraint(
            f"follow_up_months BETWEEN {FOLLOW_UP_MONTHS_MIN} AND {FOLLOW_UP_MONTHS_MAX}",
            name="follow_up_months",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    kind: str = Field(default="", max_length=60)
    chain_id: int | None = Field(default=None, foreign_key="chain.id", index=True)
    # Its members must log in with a second factor (TOTP); they enrol at their next login.
    two_factor_required: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # How many months after a completed measurement its residents are due for the next round.
    follow_up_months: int = Field(
        default=DEFAULT_FOLLOW_UP_MONTHS,
        sa_column_kwargs={"server_default": str(DEFAULT_FOLLOW_UP_MONTHS)},
    )
    created_at: datetime = Field(default_factory=utcnow)


class District(SQLModel, table=True):
    """A wijk of a municipality; residents are counted per district, never located more finely."""

    __table_args__ = (
        UniqueConstraint("municipality", "name", name="uq_district_municipality_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    municipality: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
