"""Database engine and the per-request SQLModel session.

The engine is built from ``app.config`` in :func:`init_app`, never at import time. A view gets
the request's session from :func:`session`; the session is committed once at the end of a
successful request and rolled back otherwise, so a failing request writes nothing half
(:func:`finish`). The only rows a failing request leaves are the ones it asked to keep with
:func:`keep_even_if_failed` (a refused access in the access log, a wrong password in the
throttle): they are written on their own, after the rollback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

# Named constraints: Alembic's batch migrations on SQLite need them, and PostgreSQL error
# messages become readable. Set before any model is imported.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
metadata = SQLModel.metadata


def normalise_url(url: str) -> str:
    """Accept the usual ``postgresql://`` form and use the psycopg 3 driver for it."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, pool_size: int = 4, max_overflow: int = 2) -> Engine:
    """The engine for ``url``. On PostgreSQL each process keeps up to ``pool_size`` connections
    open and opens at most ``max_overflow`` more at busy moments (WATTELT_DB_POOL_SIZE and
    WATTELT_DB_MAX_OVERFLOW; see docs/operations.md for sizing against max_connections)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 15}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Moments are stored in UTC in columns without a zone: the session's time zone must be UTC,
    # whatever the server's default (a Dutch server may well say Europe/Amsterdam).
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"options": "-c timezone=UTC"},
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite builds without the math functions lack sqrt(), which the anonymous figures use
    # (the GAS T-score); PostgreSQL always has it.
    try:
        dbapi_connection.execute("SELECT sqrt(4)")
    except Exception:  # sqlite3.OperationalError: no such function
        dbapi_connection.create_function("sqrt", 1, math.sqrt, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def init_app(app: Flask) -> None:
    app.extensions["wattelt.engine"] = make_engine(
        app.config["DATABASE_URL"],
        pool_size=int(app.config.get("DB_POOL_SIZE", 4)),
        max_overflow=int(app.config.get("DB_MAX_OVERFLOW", 2)),
    )

    @app.after_request
    def _commit(response):
        db = g.pop("db_session", None)
        if db is not None:
            try:
                finish(db, ok=response.status_code < 400)
            finally:
                db.close()
        return response

    @app.teardown_appcontext
    def _close(exc):
        db = g.pop("db_session", None)
        if db is not None:
            try:
                finish(db, ok=False)
            finally:
                db.close()


#: ``Session.info`` key of the writes to keep even when the transaction is rolled back.
_KEEP = "wattelt.db.keep"


def keep_even_if_failed(db: Session, write: Callable[[Session], None]) -> None:
    """Have ``write`` run with this transaction's commit or, when the request (or command) fails
    and its work is rolled back, in a short transaction of its own right after the rollback."""
    db.info.setdefault(_KEEP, []).append(write)


def finish(db: Session, ok: bool) -> None:
    """End the transaction: commit when ``ok``, roll back otherwise. The writes kept with
    :func:`keep_even_if_failed` go in with the commit, or on their own after the rollback."""
    kept = db.info.pop(_KEEP, [])
    if not ok:
        db.rollback()
    for write in kept:
        write(db)
    if ok or kept:
        db.commit()


def engine() -> Engine:
    return current_app.extensions["wattelt.engine"]


def session() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


@contextmanager
def standalone_session() -> Iterator[Session]:
    """A session outside the request cycle (CLI commands, demo data), committed on success."""
    with Session(engine(), expire_on_commit=False) as db:
        try:
            yield db
        except Exception:
            finish(db, ok=False)
            raise
        finish(db, ok=True)
