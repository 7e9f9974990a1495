"""Password reset links, and activation by a second person of an account whose link was shown.

``invitation.reset``: the link resets the password of an account that has one (a professional's
forgotten password). ``invitation.needs_activation``: the link was shown on screen to whoever
made it (no mail server), so after it is used the account waits (``users.awaiting_activation``)
until a second person activates it; ``activated_by_id`` and ``activated_at`` record who and when.

Revision ID: 0010_account_links
Revises: 0009_notices
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_account_links"
down_revision: str | None = "0009_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "awaiting_activation", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reset", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("needs_activation", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("activated_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("activated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_invitation_activated_by_id_users"), "users", ["activated_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_invitation_activated_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("activated_at")
        batch_op.drop_column("activated_by_id")
        batch_op.drop_column("needs_activation")
        batch_op.drop_column("reset")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("awaiting_activation")
