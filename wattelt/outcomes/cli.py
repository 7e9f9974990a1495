"""``flask --app app outcomes rebuild``: recompute the summary of rounds behind the figures."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from wattelt import db
from wattelt.outcomes.summary import rebuild

outcomes_cli = AppGroup("outcomes", help="The anonymous outcome figures.")


@outcomes_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every resident's first and latest round (after an upgrade or a data repair)."""
    with db.standalone_session() as session:
        residents = rebuild(session)
    click.echo(f"Summary rebuilt for {residents} resident(s) with a completed measurement.")
