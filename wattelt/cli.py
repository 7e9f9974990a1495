"""Command-line tools: ``flask --app app <command>``."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from alembic.util import CommandError
from flask import Flask, current_app, url_for
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from wattelt import clock, db
from wattelt.auth.passwords import hash_password, password_problem
from wattelt.auth.services import create_invitation
from wattelt.migrate import db_cli
from wattelt.models import Organisation, Role, User
from wattelt.policy import role_needs_organisation

translate_cli = AppGroup("translate", help="Extract, update and compile the translations.")
ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *args])


@translate_cli.command("extract")
def extract() -> None:
    """Collect every translatable text into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--project",
        "Wattelt",
        "-o",
        str(POT),
        str(ROOT / "wattelt"),
    )


@translate_cli.command("update")
def update() -> None:
    """Extract, then merge new texts into every language's catalogue."""
    extract.callback()  # type: ignore[misc]
    _pybabel(
        "update",
        "-i",
        str(POT),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    filled = fill_source_language(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")
    click.echo(f"English: {filled} new text(s) filled in from the source.")


def fill_source_language(po_path: Path) -> int:
    """The source texts are English: an empty English translation is the source text itself.

    Texts already translated (edited wording) are kept."""
    from babel.messages.pofile import read_po, write_po

    with po_path.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    filled = 0
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not all(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    with po_path.open("wb") as handle:
        write_po(handle, catalogue, width=100, omit_header=False)
    return filled


@translate_cli.command("init")
@click.argument("language")
def init(language: str) -> None:
    """Start a catalogue for a new LANGUAGE."""
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", language)


@translate_cli.command("compile")
def compile_() -> None:
    """Compile the catalogues (also done automatically at start-up when they are stale)."""
    from wattelt.i18n import compile_catalogues

    written = compile_catalogues(TRANSLATIONS, force=True)
    click.echo(f"Compiled {len(written)} catalogue(s).")


@click.command("create-user")
@click.option("--email", required=True, help="Login e-mail address.")
@click.option("--name", "display_name", required=True, help="Name shown in Wattelt.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role if r.is_professional]),
    default=Role.ADMIN.value,
    show_default=True,
)
@click.option("--organisation", default=None, help="Name of the user's organisation.")
@click.option(
    "--invite", is_flag=True, help="Print a single-use link instead of asking a password."
)
@with_appcontext
def create_user(
    email: str, display_name: str, role: str, organisation: str | None, invite: bool
) -> None:
    """Create a professional account, for example the first admin."""
    with db.standalone_session() as session:
        if session.exec(select(User).where(User.email == email.strip().lower())).first():
            raise click.ClickException(f"A user with e-mail {email} already exists.")
        org_id = None
        if organisation:
            org = session.exec(
                select(Organisation).where(Organisation.name == organisation)
            ).first()
            if org is None:
                raise click.ClickException(f"No organisation called {organisation!r}.")
            org_id = org.id
        elif role_needs_organisation(role):
            raise click.ClickException("Coaches and managers need --organisation.")
        user = User(
            email=email.strip().lower(),
            display_name=display_name,
            role=role,
            organisation_id=org_id,
        )
        if not invite:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            problem = password_problem(password, email)
            if problem:
                raise click.ClickException(problem)
            user.password_hash = hash_password(password)
        session.add(user)
        session.flush()
        if invite:
            token = create_invitation(session, user, None)
            with current_app.test_request_context():
                link = url_for("auth.accept_invitation", token=token, _external=True)
            click.echo(f"Invitation link (single use): {link}")
    click.echo(f"Created {role} {email}.")


@click.command("synth")
@click.option("--residents", "-n", type=click.IntRange(1, 2_000_000), required=True)
@click.option(
    "--rounds",
    "-r",
    type=click.IntRange(1, 20),
    default=3,
    show_default=True,
    help="The most measurement rounds a resident has.",
)
@click.option("--seed", "-s", type=int, default=1, show_default=True)
@click.option(
    "--chains",
    type=click.IntRange(1, 10),
    default=None,
    help="How many chains (default: one per 100,000 residents).",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The day the data ends (default: today); with the seed it fixes the data.",
)
@with_appcontext
def synth(residents: int, rounds: int, seed: int, chains: int | None, today) -> None:
    """Add synthetic chains and residents at scale, for benchmarks and load tests."""
    from wattelt import migrate
    from wattelt.demo.synth import synthesise

    if current_app.config["WATTELT_ENV"] == "production":
        raise click.ClickException(
            "synth refuses to add synthetic people to a production database."
        )
    migrate.upgrade()
    with db.standalone_session() as session:
        report = synthesise(
            session,
            residents,
            rounds=rounds,
            seed=seed,
            today=today.date() if today else None,
            chains=chains,
        )
    for line in report.lines():
        click.echo(line)


@click.command("demo")
@click.option("--reset", is_flag=True, help="Remove all data first (development databases only).")
@with_appcontext
def demo(reset: bool) -> None:
    """Set up the database and fill it with a realistic demo chain."""
    from wattelt.demo import build_demo

    summary = build_demo(reset=reset)
    click.echo(summary)


@click.command("retention")
@click.option("--flag", is_flag=True, help="Also flag them for erasure (a person approves).")
@click.option(
    "--months",
    type=click.IntRange(min=1),
    default=None,
    help="Instead of WATTELT_RETENTION_MONTHS.",
)
@with_appcontext
def retention(flag: bool, months: int | None) -> None:
    """List residents without activity for longer than the retention period."""
    from wattelt.privacy import rights

    months = months or current_app.config["RETENTION_MONTHS"]
    with db.standalone_session() as session:
        residents = rights.inactive_residents(session, months)
        for resident in residents:
            click.echo(f"{resident.code}\tadded {clock.local_date(resident.created_at)}")
        if flag:
            flagged = rights.flag_inactive(session, months)
            click.echo(f"{len(flagged)} resident(s) flagged for erasure; approve them in Wattelt.")
        else:
            click.echo(f"{len(residents)} resident(s) without activity for {months} months.")


access_log_cli = AppGroup("access-log", help="The access log.")


def _row_hash(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise click.BadParameter("a row hash is 64 hexadecimal characters, as verify prints it.")
    return value


@access_log_cli.command("verify")
@click.option(
    "--expect",
    metavar="HASH",
    callback=_row_hash,
    help="A last hash written down earlier: it must still be in the chain.",
)
@with_appcontext
def verify_access_log(expect: str | None) -> None:
    """Check the access log's hash chain; exit code 1 at the first row that does not fit, or
    when the hash given with --expect is no longer in the chain."""
    from wattelt import access_chain

    with db.standalone_session() as session:
        verdict = access_chain.verify_database(session, expect)
    if not verdict.ok:
        click.echo(
            f"BROKEN at row {verdict.broken}: {verdict.reason} "
            f"(row {verdict.rows} in the order of writing).",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"OK, {verdict.rows} rows. The last row's hash is {verdict.last_hash}.")
    if expect is None:
        return
    if verdict.expected_at is None:
        click.echo(
            f"MISSING: no row has the expected hash {expect}: the log was cut short before it, "
            "or rewritten from an earlier row on.",
            err=True,
        )
        raise SystemExit(1)
    click.echo(
        f"The expected hash is row {verdict.expected_at}: the log up to it is unchanged, "
        f"and {verdict.rows - verdict.expected_at} rows were written since."
    )


def _reasons_not_tracebacks(command: click.Command) -> None:
    """Make the errors an operator can cause (a revision that does not exist, a database that
    cannot be reached) end ``command`` with a clear reason and exit code 1, not a traceback."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _reasons_not_tracebacks(sub)
        return
    callback = command.callback
    if callback is None or getattr(callback, "_wattelt_reasons", False):
        return

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except CommandError as exc:  # Alembic: unknown revision, models and migrations differ
            raise click.ClickException(str(exc)) from None
        except OperationalError as exc:
            raise click.ClickException(
                f"The database cannot be used: {str(exc.orig).strip()} "
                "(check WATTELT_DATABASE_URL and that the database server runs)."
            ) from None

    run._wattelt_reasons = True  # type: ignore[attr-defined]
    command.callback = run


def register(app: Flask) -> None:
    from wattelt.outcomes.cli import figures_cli, outcomes_cli

    for command in (
        db_cli,
        outcomes_cli,
        figures_cli,
        translate_cli,
        create_user,
        demo,
        synth,
        retention,
        access_log_cli,
    ):
        _reasons_not_tracebacks(command)
        app.cli.add_command(command)
