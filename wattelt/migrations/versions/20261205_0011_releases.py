"""Releases: frozen, dated sets of anonymous figures (peildatum) for policymakers.

Revision ID: 0011_releases
Revises: 0010_account_links
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_releases"
down_revision: str | None = "0010_account_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("generated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("made_by", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("made_by_user_id", sa.Integer(), nullable=True),
        sa.Column("held_back_blocks", sa.Integer(), nullable=False),
        sa.Column("held_back_residents", sa.Integer(), nullable=False),
        sa.Column("figures", sa.LargeBinary(), nullable=False),
        sa.Column("members", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["made_by_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("release") as batch:
        batch.create_index(batch.f("ix_release_reference_date"), ["reference_date"])


def downgrade() -> None:
    with op.batch_alter_table("release") as batch:
        batch.drop_index(batch.f("ix_release_reference_date"))
    op.drop_table("release")
