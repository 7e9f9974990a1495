"""Test databases, built by the Alembic migrations (never ``create_all``).

SQLite (the default): the migrations run once per session into a template file, and every test
gets its own copy. PostgreSQL (``WATTELT_TEST_DATABASE_URL``): the schema is rebuilt and migrated
once per session, and every test starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from wattelt import create_app, migrate
from wattelt.db import normalise_url

POSTGRESQL_URL = os.environ.get("WATTELT_TEST_DATABASE_URL") or None
TEST_SECRET_KEY = "test"


def backend() -> str:
    return "postgresql" if POSTGRESQL_URL else "sqlite"


def app_config(database_url: str, **overrides: object) -> dict:
    """The configuration every test app starts from.

    ``ENVIRON`` keeps ``load_config`` away from the real environment and, because the secret key
    is given, from writing a development key into the checkout's instance folder."""
    config: dict = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "ENVIRON": {"WATTELT_SECRET_KEY": TEST_SECRET_KEY, "WATTELT_DATABASE_URL": database_url},
    }
    config.update(overrides)
    return config


def run_migrations(database_url: str, revision: str = "head") -> None:
    """Upgrade the database at ``database_url`` through a throwaway app."""
    app = create_app(app_config(database_url))
    try:
        with app.app_context():
            migrate.upgrade(revision)
    finally:
        app.extensions["wattelt.engine"].dispose()


class SQLiteDatabases:
    """One migrated template file per session, copied for every test."""

    def __init__(self, directory: Path) -> None:
        self.template = directory / "template.sqlite"
        run_migrations(sqlite_url(self.template))
        # The app uses WAL; fold the log into the main file so a plain copy is complete.
        engine = create_engine(sqlite_url(self.template))
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
        engine.dispose()

    def fresh(self, directory: Path) -> str:
        path = directory / "wattelt.sqlite"
        shutil.copyfile(self.template, path)
        return sqlite_url(path)


class PostgreSQLDatabases:
    """The test database migrated once per session, emptied before every test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(normalise_url(url), poolclass=NullPool)
        # Two test runs on one database would empty each other's tables: a session-level
        # advisory lock, held until close(), makes a second run wait for the first.
        self.lock = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self.lock.exec_driver_sql("SET lock_timeout = '15min'")
        self.lock.exec_driver_sql("SELECT pg_advisory_lock(hashtext('wattelt-test-suite'))")
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def _migrate(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        run_migrations(self.url)
        with self.engine.connect() as connection:
            self.tables = connection.scalars(
                text(
                    "SELECT quote_ident(tablename) FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
                    "ORDER BY tablename"
                )
            ).all()

    def fresh(self, _directory: Path) -> str:
        # The access log's triggers refuse TRUNCATE; the replica role switches triggers off for
        # this test-only cleanup (it needs a superuser, which the CI database provides).
        with self.engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            connection.exec_driver_sql("SET session_replication_role = replica")
            connection.exec_driver_sql(
                f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"
            )
            connection.exec_driver_sql("RESET session_replication_role")
        return self.url

    def close(self) -> None:
        self.lock.close()
        self.engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def describe(url: str) -> str:
    """The URL without its password, for headers and messages."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)
