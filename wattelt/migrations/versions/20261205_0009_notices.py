"""Notices: the resident and their own organisation are told when the case director changes,
an organisation stops working with the resident, or a login link is made for the resident or
their network.

Revision ID: 0009_notices
Revises: 0008_access_chain
Create Date: 2026-12-05 12:17:56.438316
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009_notices"
down_revision: str | None = "0008_access_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("by_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("by_organisation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("about", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column(
            "about_organisation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False
        ),
        sa.Column("previous", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column(
            "previous_organisation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False
        ),
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('case_director','involvement_ended','login_link','network_login_link')",
            name=op.f("ck_notice_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_notice_resident_id_resident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_resident_id"), ["resident_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_resident_id"))

    op.drop_table("notice")
