"""Consent, erasure requests and two-factor authentication.

Consent is a history: every choice is a new row, never an update, so it is always clear who
recorded which choice when and who explained it. The current choice is the newest row per
resident, purpose and organisation."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow

#: share: an organisation other than the resident's own may see their data;
#: count: their answers may be counted, anonymously, in the chain's figures.
CONSENT_PURPOSES = ("share", "count")
ERASURE_REASONS = ("resident_asked", "retention", "other")
ERASURE_STATES = ("pending", "approved", "rejected")


class ConsentRecord(SQLModel, table=True):
    """One choice of a resident, as recorded at one moment."""

    __tablename__ = "consent_record"
    __table_args__ = (
        CheckConstraint("purpose IN ('share','count')", name="purpose"),
        CheckConstraint(
            "(purpose = 'share') = (organisation_id IS NOT NULL)", name="organisation_for_share"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    purpose: str = Field(max_length=10)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    granted: bool
    # The professional who explained it; None when the resident read it themself.
    explained_by_id: int | None = Field(default=None, foreign_key="users.id")
    recorded_by_id: int | None = Field(default=None, foreign_key="users.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class ErasureRequest(SQLModel, table=True):
    """A request to erase a resident's person-level data. A second authorised person decides.

    The row outlives the erasure: it then points at the anonymous remainder of the resident and
    says who asked and who approved, never what was erased."""

    __tablename__ = "erasure_request"
    __table_args__ = (
        CheckConstraint("reason IN ('resident_asked','retention','other')", name="reason"),
        CheckConstraint("status IN ('pending','approved','rejected')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    reason: str = Field(max_length=20)
    status: str = Field(default="pending", max_length=10)
    # None: flagged by the retention check, not by a person.
    requested_by_id: int | None = Field(default=None, foreign_key="users.id")
    requested_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = None


class TwoFactor(SQLModel, table=True):
    """A professional's TOTP secret (RFC 6238). ``enabled_at`` is empty until the first code
    confirmed the enrolment. ``last_step`` is the newest time step used, so a code works once."""

    __tablename__ = "two_factor"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True)
    secret: str = Field(max_length=64)
    enabled_at: datetime | None = None
    last_step: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)


class RecoveryCode(SQLModel, table=True):
    """A single-use code for when the phone is lost. Only a keyed hash is stored."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    used_at: datetime | None = None
