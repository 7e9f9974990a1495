"""Alembic driven from the Flask app: ``flask --app app db upgrade`` and friends."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)


@functools.cache
def head_revisions() -> frozenset[str]:
    """The newest migration(s) this version of Wattelt ships (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(connection) -> frozenset[str]:
    """The migration(s) the database is at (none for an empty database). Read from Alembic's
    table directly: quick, and without Alembic's log lines on every health check."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def is_current() -> bool:
    """Is the database at the newest migration?"""
    engine = current_app.extensions["wattelt.engine"]
    with engine.connect() as connection:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
    return current == head_revisions()


db_cli = AppGroup("db", help="Database migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    upgrade(revision)
    click.echo(f"Database is at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def downgrade_command(revision: str) -> None:
    """Undo migrations down to REVISION (default: one step)."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def revision_command(message: str, autogenerate: bool) -> None:
    """Write a new migration, by default from the difference between models and database."""
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


@db_cli.command("current")
def current_command() -> None:
    """Show the database's migration."""
    command.current(alembic_config(), verbose=True)


@db_cli.command("check")
def check_command() -> None:
    """Fail when the models have changes that no migration covers."""
    command.check(alembic_config())
    click.echo("Models and migrations agree.")
