"""Test databases, built by the Alembic migrations (never ``create_all``).

Every pytest-xdist worker (or the single process without ``-n``) prepares its databases once:

- SQLite (the default): the migrations run once into a template file; every test gets its own
  copy of it.
- PostgreSQL (``WATTELT_TEST_DATABASE_URL``): the suite makes a database of its own per worker
  next to the given one (``<name>_gw0``, ``<name>_gw1``, ... or ``<name>_main``), migrates it once
  and empties its tables before every test. The given database itself is only used to connect.
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


def worker() -> str:
    """This pytest-xdist worker's name (``gw0``, ``gw1``, ...), or ``main`` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER") or "main"


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
    """One migrated template file per worker, copied for every test."""

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
        """A new database file in ``directory`` (a test's own ``tmp_path``), just migrated."""
        path = directory / "wattelt.sqlite"
        shutil.copyfile(self.template, path)
        return sqlite_url(path)

    def close(self) -> None:
        pass


class PostgreSQLDatabases:
    """This worker's own database, migrated once, emptied before every test.

    A session-level advisory lock on the worker database's name, held until ``close()``, makes a
    second test run on the same server wait rather than empty this run's tables."""

    def __init__(self, url: str) -> None:
        given = make_url(normalise_url(url))
        self.name = f"{given.database}_{worker()}"
        self.url = given.set(database=self.name).render_as_string(hide_password=False)
        self.admin = create_engine(given, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.lock = self.admin.connect()
        self.lock.exec_driver_sql("SET lock_timeout = '15min'")
        self.lock.execute(text("SELECT pg_advisory_lock(hashtext(:name))"), {"name": self.name})
        try:
            self._create()
            self.engine = create_engine(normalise_url(self.url), poolclass=NullPool)
            run_migrations(self.url)
            with self.engine.connect() as connection:
                tables = connection.scalars(
                    text(
                        "SELECT quote_ident(tablename) FROM pg_tables "
                        "WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
                        "ORDER BY tablename"
                    )
                ).all()
            self.empty = ";\n".join(
                [
                    "SET LOCAL lock_timeout = '10s'",
                    "SET LOCAL session_replication_role = replica",
                    *(f"DELETE FROM {table}" for table in tables),
                    "SELECT setval(c.oid, 1, false) FROM pg_class c "
                    "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace",
                ]
            )
        except BaseException:
            self.close()
            raise

    def _create(self) -> None:
        self.lock.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.lock.exec_driver_sql(f'CREATE DATABASE "{self.name}"')

    def fresh(self, _directory: Path) -> str:
        """This worker's database with every table emptied and every id counting from 1 again
        (the schema stays migrated)."""
        # DELETE, not TRUNCATE: on these small tables it takes a sixth of the time (9 against 55
        # ms). The replica role switches triggers off for this test-only cleanup: the access
        # log's append-only trigger and the foreign keys' (it needs a superuser, which the CI
        # database provides).
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.empty)
        return self.url

    def close(self) -> None:
        if getattr(self, "engine", None) is not None:
            self.engine.dispose()
        try:
            self.lock.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            self.lock.close()
            self.admin.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def describe(url: str) -> str:
    """The URL without its password, for headers and messages."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)
