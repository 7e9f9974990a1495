from datetime import datetime

from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow


class AccessLog(SQLModel, table=True):
    """Append-only record of every access to person-level data (NEN 7513 in spirit).

    ``resident_id`` is deliberately not a foreign key: the log must outlive an erased resident;
    nor are ``user_id`` and ``organisation_id`` (the actor's organisation at the time of access).
    Database triggers (see the first migration and ``0008_access_chain``) refuse UPDATE, DELETE
    and a REPLACE on this table; each row's hash over its content and the previous row's hash
    make any change afterwards visible (``wattelt.access_chain``)."""

    __tablename__ = "access_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, index=True)
    role: str = Field(max_length=20)
    resident_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=20)  # view, change, export, denied
    what: str = Field(max_length=80)
    path: str = Field(default="", max_length=255)
    address: str = Field(default="", max_length=45)
    organisation_id: int | None = Field(default=None)
    prev_hash: str = Field(max_length=64, unique=True)
    row_hash: str = Field(max_length=64)


class LoginFailure(SQLModel, table=True):
    """A failed login, kept briefly to throttle guessing per account and per address.

    Only a hash of the account name or address is stored."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # account, two_factor, address
    key_hash: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
