"""Notices: what the resident and their own organisation are told when someone changes who
helps the resident or makes a login link for their account or their network's.

A notice keeps the names as they were at that moment (a person's or organisation's name may
change later), and is kept with the resident's data: erasure removes it."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow

#: case_director: the case director changed (``about``: the new one, ``previous``: the old
#: one; either may be empty); involvement_ended: ``about`` (an organisation) stopped working
#: with the resident; login_link: a new login link for the resident's own account;
#: network_login_link: one for ``about``, someone from their network.
NOTICE_KINDS = ("case_director", "involvement_ended", "login_link", "network_login_link")


class Notice(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(
            "kind IN ('case_director','involvement_ended','login_link','network_login_link')",
            name="kind",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    kind: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow)
    by_name: str = Field(default="", max_length=120)
    by_organisation: str = Field(default="", max_length=120)
    about: str = Field(default="", max_length=120)
    about_organisation: str = Field(default="", max_length=120)
    previous: str = Field(default="", max_length=120)
    previous_organisation: str = Field(default="", max_length=120)
    # When the resident marked it as read on their own page (it stays in "Who looked?").
    seen_at: datetime | None = None
