"""The Alembic migrations: they build the schema from nothing, undo cleanly, and match the models.

Runs on SQLite always and also on PostgreSQL when ``WATTELT_TEST_DATABASE_URL`` is set. The
PostgreSQL tests use a database of their own (``<test database>_migrations_<pid>``) so that
migrating down does not disturb the session's test database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from sqlmodel import Session

import wattelt.models  # noqa: F401  (registers every table on the metadata)
from wattelt import create_app, migrate
from wattelt.access_chain import GENESIS, verify_database
from wattelt.db import metadata, normalise_url

from helpers.database import POSTGRESQL_URL, app_config, sqlite_url

BACKENDS = ["sqlite", "postgresql"] if POSTGRESQL_URL else ["sqlite"]


@contextmanager
def _postgresql_database(suffix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database next to the test database, dropped afterwards."""
    assert POSTGRESQL_URL
    url = make_url(normalise_url(POSTGRESQL_URL))
    name = f"{url.database}{suffix}"
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_app(request, tmp_path):
    """An app, with its context pushed, on an empty database (no tables) of each backend."""
    with ExitStack() as stack:
        if request.param == "postgresql":
            url = stack.enter_context(_postgresql_database(f"_migrations_{os.getpid()}"))
        else:
            url = sqlite_url(tmp_path / "empty.sqlite")
        app = create_app(app_config(url))
        stack.callback(app.extensions["wattelt.engine"].dispose)
        with app.app_context():
            yield app


def _engine(app):
    return app.extensions["wattelt.engine"]


def _tables(app) -> set[str]:
    return set(inspect(_engine(app)).get_table_names())


def test_upgrade_downgrade_and_upgrade_again(empty_app):
    assert _tables(empty_app) == set()

    migrate.upgrade()
    assert migrate.is_current()
    assert set(metadata.tables) <= _tables(empty_app)

    command.downgrade(migrate.alembic_config(), "base")
    assert _tables(empty_app) == {"alembic_version"}
    assert not migrate.is_current()

    migrate.upgrade()
    assert migrate.is_current()
    assert _tables(empty_app) == set(metadata.tables) | {"alembic_version"}


def test_models_and_migrations_agree(empty_app):
    migrate.upgrade()
    with _engine(empty_app).connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, metadata)
    assert differences == [], (
        "The models differ from the migrations; write a migration "
        "(flask --app app db revision -m '...'):\n" + "\n".join(map(repr, differences))
    )


def test_access_log_is_append_only(empty_app):
    migrate.upgrade()
    engine = _engine(empty_app)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO access_log (id, at, role, action, what, path, address, "
                "prev_hash, row_hash) VALUES (1, CURRENT_TIMESTAMP, 'coach', 'view', 'resident', "
                "'/', '', :genesis, :genesis)"
            ),
            {"genesis": GENESIS},
        )
    statements = [
        "UPDATE access_log SET what = 'nothing'",
        "DELETE FROM access_log",
    ]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE access_log")
    else:
        # REPLACE deletes the old row without firing the delete trigger.
        for verb in ("INSERT OR REPLACE", "REPLACE"):
            statements.append(
                f"{verb} INTO access_log (id, at, role, action, what, path, address, "
                "prev_hash, row_hash) VALUES (1, CURRENT_TIMESTAMP, 'coach', 'view', 'nothing', "
                "'/', '', 'other', 'other')"
            )
            statements.append(
                f"{verb} INTO access_log (at, role, action, what, path, address, "
                "prev_hash, row_hash) VALUES (CURRENT_TIMESTAMP, 'coach', 'view', 'nothing', "
                f"'/', '', '{GENESIS}', 'other')"
            )
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT what FROM access_log")).scalars().all() == [
            "resident"
        ]


def test_existing_log_rows_are_chained_by_the_migration(empty_app):
    migrate.upgrade("0007_outcome_people")
    engine = _engine(empty_app)
    with engine.begin() as connection:
        for at in ("2026-11-30 10:00:02", "2026-11-30 10:00:01", "2026-11-30 10:00:03"):
            connection.execute(
                text(
                    "INSERT INTO access_log (at, role, action, what, path, address) "
                    "VALUES (:at, 'coach', 'view', 'resident', '/', '')"
                ),
                {"at": at},
            )
    migrate.upgrade()
    with Session(engine) as session:
        verdict = verify_database(session)
    assert (verdict.ok, verdict.rows) == (True, 3)
    command.downgrade(migrate.alembic_config(), "0007_outcome_people")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM access_log")).scalar() == 3
