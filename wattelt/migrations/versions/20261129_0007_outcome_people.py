"""The anonymous figures read kept-up-to-date sums per atom instead of grouping every resident.

The summary of rounds gains each resident's district, age band, counting choice and goal sums,
and a new table ``outcome_atom`` keeps the sums of every smallest group of counted residents,
updated by difference whenever a resident's summary is refreshed. The (perspective, item) index
on outcome_item goes (SQLite chose it for scans that are five times faster without); a partial
index holds the few rows with a resident's wish to work on a domain.

Both tables are derived data: the migration fills them with the same rebuild as
``flask --app app outcomes rebuild``.

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

SUMS = 18


def upgrade() -> None:
    with op.batch_alter_table("outcome_resident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.add_column(
            sa.Column("counted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("goals_set", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("goals_reached", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("gas_t_milli", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outcome_resident_district_id_district"),
            "district",
            ["district_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_outcome_resident_refreshed_at"), ["refreshed_at"], unique=False
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
    key = [
        "kind",
        "perspective",
        "item",
        "organisation_id",
        "district_id",
        "age_band",
        "year",
        "quarter",
        "questionnaire_key",
        "questionnaire_version",
    ]
    op.create_table(
        "outcome_atom",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("perspective", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("item", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("questionnaire_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        *(sa.Column(f"s{i}", sa.BigInteger(), nullable=False) for i in range(SUMS)),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_outcome_atom")),
    )
    op.create_index(
        "ix_outcome_atom_empty",
        "outcome_atom",
        ["kind"],
        unique=False,
        postgresql_where=sa.text("s0 = 0"),
        sqlite_where=sa.text("s0 = 0"),
    )

    # Derived data: rebuild it with the code that keeps it up to date - only where there is any
    # (a new database has none, and must not depend on what later code expects of the tables).
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT 1 FROM outcome_resident LIMIT 1")).first():
        from sqlmodel import Session

        from wattelt.outcomes import summary

        summary.rebuild(Session(bind=connection))


def downgrade() -> None:
    op.drop_index("ix_outcome_atom_empty", table_name="outcome_atom")
    op.drop_table("outcome_atom")
    op.drop_index("ix_outcome_item_wishes", table_name="outcome_item")
    with op.batch_alter_table("outcome_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outcome_item_perspective_item", ["perspective", "item"], unique=False
        )
    with op.batch_alter_table("outcome_resident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_resident_refreshed_at"))
        batch_op.drop_constraint(
            batch_op.f("fk_outcome_resident_district_id_district"), type_="foreignkey"
        )
        for column in ("gas_t_milli", "goals_reached", "goals_set", "counted", "age_band"):
            batch_op.drop_column(column)
        batch_op.drop_column("district_id")
