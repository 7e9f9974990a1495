from datetime import datetime

from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow


class ApiToken(SQLModel, table=True):
    """A bearer token for the read-only figures API, made by an admin for a policymaker or manager.

    The token itself is shown once; only its SHA-256 hash is stored (tokens are long random
    strings, so a fast hash is enough, unlike passwords). ``prefix`` lets people tell tokens
    apart without revealing them."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=12)
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
