"""The summary of rounds carries each resident's district, age band and counting choice, so the
anonymous figures read one table per resident instead of joining the residents and working out
the newest consent for every figure. The (perspective, item) index on outcome_item goes: the
figures read whole residents, and SQLite chose it for scans that are five times faster without.
A partial index holds the few rows with a resident's wish to work on a domain.

Revision ID: 0007_outcome_people
Revises: 0006_dashboard
Create Date: 2026-11-29 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_outcome_people"
down_revision: str | None = "0006_dashboard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The age bands of wattelt.outcomes.dimensions.AGE_BANDS at the time of this migration.
AGE = "(outcome_resident.baseline_year - r.birth_year)"
AGE_BAND = (
    f"CASE WHEN {AGE} <= 17 THEN '0-17' WHEN {AGE} BETWEEN 18 AND 26 THEN '18-26' "
    f"WHEN {AGE} BETWEEN 27 AND 44 THEN '27-44' WHEN {AGE} BETWEEN 45 AND 66 THEN '45-66' "
    f"WHEN {AGE} >= 67 THEN '67+' END"
)


def upgrade() -> None:
    with op.batch_alter_table("outcome_resident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.add_column(
            sa.Column("counted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outcome_resident_district_id_district"),
            "district",
            ["district_id"],
            ["id"],
        )
    with op.batch_alter_table("outcome_item", schema=None) as batch_op:
        batch_op.drop_index("ix_outcome_item_perspective_item")
    wishes = sa.text("perspective = 'resident' AND wants_to_work")
    op.create_index(
        "ix_outcome_item_wishes",
        "outcome_item",
        ["resident_id", "item"],
        unique=False,
        postgresql_where=wishes,
        sqlite_where=wishes,
    )

    # Fill the new columns for the residents already summarised (the same rules as the refresh).
    op.execute(
        "UPDATE outcome_resident SET "
        "district_id = (SELECT r.district_id FROM resident r "
        "WHERE r.id = outcome_resident.resident_id), "
        f"age_band = (SELECT {AGE_BAND} FROM resident r WHERE r.id = outcome_resident.resident_id)"
    )
    op.execute(
        "UPDATE outcome_resident SET counted = EXISTS ("
        "SELECT 1 FROM consent_record c WHERE c.resident_id = outcome_resident.resident_id "
        "AND c.purpose = 'count' AND c.granted AND c.id = ("
        "SELECT max(n.id) FROM consent_record n WHERE n.resident_id = c.resident_id "
        "AND n.purpose = 'count'))"
    )


def downgrade() -> None:
    op.drop_index("ix_outcome_item_wishes", table_name="outcome_item")
    with op.batch_alter_table("outcome_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outcome_item_perspective_item", ["perspective", "item"], unique=False
        )
    with op.batch_alter_table("outcome_resident", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outcome_resident_district_id_district"), type_="foreignkey"
        )
        batch_op.drop_column("counted")
        batch_op.drop_column("age_band")
        batch_op.drop_column("district_id")
