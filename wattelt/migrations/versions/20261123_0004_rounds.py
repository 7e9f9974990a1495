"""Follow-up interval of organisations: when residents are due for their next measurement round.

Revision ID: 0004_rounds
Revises: 0003_goals
Create Date: 2026-11-23 18:15:15.612351
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_rounds"
down_revision: str | None = "0003_goals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing organisations get the default of 6 months through the server default.
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("follow_up_months", sa.Integer(), server_default="6", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_organisation_follow_up_months"), "follow_up_months BETWEEN 1 AND 24"
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisation_follow_up_months"), type_="check")
        batch_op.drop_column("follow_up_months")
