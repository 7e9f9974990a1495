"""The access log becomes a hash chain and keeps the actor's organisation.

Every row gets ``prev_hash`` (the hash of the row before it; unique, so two rows can never claim
the same predecessor) and ``row_hash`` (SHA-256 over its content and ``prev_hash``, see
``wattelt.access_chain``), and ``organisation_id``: the organisation the user belonged to when
they accessed the data. Existing rows get their user's organisation of today (the best that is
known) and are chained in the order of their time and id.

On SQLite a new trigger refuses an INSERT that would replace a row (``INSERT OR REPLACE`` deletes
the old row without firing the delete trigger). The append-only triggers are put aside while the
existing rows are filled in, and put back afterwards.

Revision ID: 0008_access_chain
Revises: 0007_outcome_people
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from wattelt.access_chain import GENESIS, row_hash

revision: str = "0008_access_chain"
down_revision: str | None = "0007_outcome_people"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END",
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END",
]
NO_REPLACE_SQLITE = (
    "CREATE TRIGGER access_log_no_replace BEFORE INSERT ON access_log "
    "WHEN EXISTS (SELECT 1 FROM access_log WHERE id = NEW.id OR prev_hash = NEW.prev_hash) "
    "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END"
)
HASH = sqlmodel.sql.sqltypes.AutoString(length=64)


def _triggers_off(sqlite: bool) -> None:
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS access_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS access_log_no_delete")
        op.execute("DROP TRIGGER IF EXISTS access_log_no_replace")
    else:
        op.execute("ALTER TABLE access_log DISABLE TRIGGER access_log_append_only")


def _triggers_on(sqlite: bool, no_replace: bool) -> None:
    if sqlite:
        for statement in APPEND_ONLY_SQLITE + ([NO_REPLACE_SQLITE] if no_replace else []):
            op.execute(statement)
    else:
        op.execute("ALTER TABLE access_log ENABLE TRIGGER access_log_append_only")


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    _triggers_off(sqlite)
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", HASH, nullable=True))
        batch_op.add_column(sa.Column("row_hash", HASH, nullable=True))
    op.execute(
        "UPDATE access_log SET organisation_id = "
        "(SELECT users.organisation_id FROM users WHERE users.id = access_log.user_id)"
    )
    log = sa.table(
        "access_log",
        *(
            sa.column(name)
            for name in ("id", "user_id", "role", "organisation_id", "resident_id", "action")
        ),
        sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
        *(sa.column(name) for name in ("what", "path", "address", "prev_hash", "row_hash")),
    )
    rows = bind.execute(sa.select(log).order_by(log.c.at, log.c.id)).mappings().all()
    previous = GENESIS
    for row in rows:
        chained = {**row, "prev_hash": previous}
        previous = row_hash(chained)
        bind.execute(
            log.update()
            .where(log.c.id == row["id"])
            .values(prev_hash=chained["prev_hash"], row_hash=previous)
        )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=HASH, nullable=False)
        batch_op.alter_column("row_hash", existing_type=HASH, nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_access_log_prev_hash"), ["prev_hash"])
    _triggers_on(sqlite, no_replace=True)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _triggers_off(sqlite)
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_access_log_prev_hash"), type_="unique")
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("organisation_id")
    _triggers_on(sqlite, no_replace=False)
