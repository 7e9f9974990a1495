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
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
