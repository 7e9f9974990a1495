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


figures_cli = AppGroup("figures", help="Releases of the anonymous figures for policymakers.")


@figures_cli.command("release")
@click.option(
    "--reference-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The release's reference date (peildatum), YYYY-MM-DD; default today.",
)
@click.option(
    "--if-due",
    is_flag=True,
    help="Only when no release has a reference date in this period yet "
    "(WATTELT_RELEASE_PERIOD: monthly or quarterly); for a daily cron job or timer.",
)
def release_command(reference_date, if_due: bool) -> None:
    """Freeze the figures as they stand now into a new release (checked against every earlier
    release; blocks whose change would show fewer than k residents are held back)."""
    from flask import current_app

    from wattelt.outcomes import releases

    k = int(current_app.config["SUPPRESSION_THRESHOLD"])
    period = current_app.config.get("RELEASE_PERIOD", "quarterly")
    with db.standalone_session() as session:
        if if_due and not releases.due(session, period):
            click.echo(f"No release due: this {releases.period_word(period)} has one already.")
            return
        try:
            made = releases.make(
                session,
                k,
                "command",
                reference_date=reference_date.date() if reference_date else None,
            )
        except releases.ReleaseRefused as refused:
            raise click.ClickException(str(refused)) from None
        release = made.release
        click.echo(
            f"Release {release.id} made: reference date {release.reference_date.isoformat()}, "
            f"k = {release.k}."
        )
        if made.held_back_blocks:
            click.echo(
                f"Held back: {made.held_back_blocks} block(s) with {made.held_back_residents} "
                "resident(s) in all, because their change since an earlier release would show "
                f"fewer than {k} residents. They return once enough has changed around them."
            )
