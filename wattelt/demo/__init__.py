"""``flask --app app demo``: a realistic demo chain with an account for every role.

The steps run in order on one seeded random source, so the demo is the same every time:
``people`` (chain, organisations, districts, accounts, residents, network), then
``measurements`` (rounds T0, T1, T2 with change over time), then ``goals`` (a plan per measured
resident, scored at the follow-ups), then ``consent`` (choices about sharing and counting, one
erasure request), then ``population`` (a few hundred anonymous residents, so the anonymous
figures have real numbers), then ``rounds`` (follow-up intervals; residents with ten rounds,
overdue, one measurement). Every demo account has the password
``wattelt-demo`` (listed in the README). Last, it makes the first release of the anonymous
figures, which is what policymakers read.
"""

from __future__ import annotations

import random

from sqlmodel import Session, select

from wattelt import db, migrate
from wattelt.demo import consent, goals, measurements, people, population, rounds
from wattelt.demo.world import DEMO_PASSWORD, World
from wattelt.models import Chain

__all__ = ["DEMO_PASSWORD", "World", "build_demo"]

STEPS = [measurements.build, rounds.build, goals.build, consent.build, population.build]


def build_demo(reset: bool = False) -> str:
    migrate.upgrade()
    with db.standalone_session() as session:
        if reset:
            _wipe(session)
        elif session.exec(select(Chain).where(Chain.name == "Samen Sterk Lindendaal")).first():
            return "The demo data is already there. Use --reset to build it again."
        world = _build(session, random.Random(2026))
    counts = ", ".join(f"{n} {what}" for what, n in world.counts.items())
    return (
        f"Demo ready: {len(world.organisations)} organisations in chain '{world.chain.name}', "
        f"{len(world.districts)} districts, {len(world.residents)} residents"
        f"{', ' + counts if counts else ''}.\n"
        "Log in at /login (professionals) or /inloggen (resident 'sanne', carer 'jan'); "
        f"every demo password is '{DEMO_PASSWORD}'."
    )


def _build(session: Session, rng: random.Random) -> World:
    world = people.build(session, rng)
    for step in STEPS:
        step(session, world)
        session.flush()
    _first_release(session)
    return world


def _first_release(session: Session) -> None:
    """Policymakers read releases only: the demo makes the first one, so that its *Figures*
    show numbers at once."""
    from flask import current_app

    from wattelt.outcomes import releases

    releases.make(session, int(current_app.config["SUPPRESSION_THRESHOLD"]), "command")


def _wipe(session: Session) -> None:
    """Drop everything by migrating down to nothing and up again (development only)."""
    from flask import current_app

    if current_app.config["WATTELT_ENV"] == "production":
        raise RuntimeError("demo --reset refuses to wipe a production database.")
    session.close()
    migrate.command.downgrade(migrate.alembic_config(), "base")
    migrate.upgrade()
