from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from wattelt.models.base import utcnow


class Release(SQLModel, table=True):
    """A frozen, dated set of anonymous figures (peildatum) that policymakers, their exports and
    the figures API read instead of live numbers.

    ``figures`` holds the published blocks of every scope (chain) and perspective: every figure
    for every filter is a sum over these blocks, so any filter is answered from the frozen data
    alone. ``members`` holds, per scope and kind of figure, which block each resident was in and
    a fingerprint of what they added to it (no answers), so that the next release can be checked
    against this one (``wattelt.outcomes.releases``). Both are compressed; ``members`` is only
    read when a new release is made."""

    __tablename__ = "release"

    id: int | None = Field(default=None, primary_key=True)
    reference_date: date = Field(index=True)
    k: int
    generated_at: datetime = Field(default_factory=utcnow)
    # Who or what made it: "command" (flask figures release, e.g. from cron) or "admin".
    made_by: str = Field(max_length=20)
    made_by_user_id: int | None = Field(default=None, foreign_key="users.id")
    # Blocks held back because their change since an earlier release would show fewer than k
    # residents, and the residents in them (summed over every kind of figure and scope).
    held_back_blocks: int = Field(default=0)
    held_back_residents: int = Field(default=0)
    figures: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    members: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
