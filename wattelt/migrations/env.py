"""Alembic environment: uses the Flask app's engine and the SQLModel metadata."""

from alembic import context
from flask import current_app

import wattelt.models  # noqa: F401  (registers every table)
from wattelt.db import metadata

config = context.config


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection") or current_app.extensions["wattelt.engine"]
    if hasattr(connectable, "connect"):
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename). With foreign keys enforced,
        # SQLite refuses to drop a table that rows elsewhere refer to, so they are off while
        # migrating (the pragma only works outside a transaction) and checked afterwards.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # end the transaction the pragma began, so alembic opens its own
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"the migration left broken foreign keys: {broken[:5]}")


run_migrations_online()
