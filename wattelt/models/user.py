import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, false
from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow

#: Columns added to tables with rows: the database fills those in as false.
_FALSE = {"server_default": false()}


class Role(StrEnum):
    ADMIN = "admin"
    POLICYMAKER = "policymaker"
    MANAGER = "manager"
    COACH = "coach"
    NETWORK = "network"
    RESIDENT = "resident"

    @property
    def is_professional(self) -> bool:
        """Roles that log in with e-mail and password and work for an organisation or the chain."""
        return self in (Role.ADMIN, Role.POLICYMAKER, Role.MANAGER, Role.COACH)


def new_login_id() -> str:
    return secrets.token_urlsafe(24)


class User(SQLModel, table=True):
    """Anyone who logs in. Professionals use an e-mail address, residents and network members a
    user name they chose when they accepted their invitation. A resident's own account is linked
    from ``Resident.account_id``, a network member's from ``NetworkMember.user_id``."""

    __tablename__ = "users"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin','policymaker','manager','coach','network','resident')", name="role"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=254, unique=True)
    username: str | None = Field(default=None, max_length=40, unique=True)
    display_name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    language: str | None = Field(default=None, max_length=5)
    active: bool = Field(default=True)
    # The password was set with a link that its maker saw on screen (no mail server): until a
    # second person activates the account, it cannot log in (the maker could have used the link).
    awaiting_activation: bool = Field(default=False, sa_column_kwargs=_FALSE)
    # Changing it (new password, deactivation) ends every session of this user at once.
    login_id: str = Field(default_factory=new_login_id, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None

    # Flask-Login's protocol, written out because UserMixin's ``is_active`` clashes with ours.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.login_id

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def login_name(self) -> str:
        return self.email or self.username or ""


class Invitation(SQLModel, table=True):
    """A single-use, expiring link with which someone sets a password.

    Only a hash of the token is stored, so a database leak does not leak usable links. A
    ``reset`` link is for an account that has a password already (a professional's forgotten
    password); it asks for the second factor where one is set up. A link with
    ``needs_activation`` was shown to whoever made it instead of mailed to the person: the
    account it sets a password for waits until a second person activates it
    (``activated_by_id``). A resident's or network member's reset link needs that second person
    before it works at all (``wattelt.residents.password_reset``). Who made and who activated
    count as people behind the account."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    reset: bool = Field(default=False, sa_column_kwargs=_FALSE)
    needs_activation: bool = Field(default=False, sa_column_kwargs=_FALSE)
    activated_by_id: int | None = Field(default=None, foreign_key="users.id")
    activated_at: datetime | None = None
