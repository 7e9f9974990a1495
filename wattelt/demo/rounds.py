"""The demo's follow-up: each organisation's interval, and residents that show what rounds do.

After ``measurements``: the partners measure again every 3 or 6 months; one resident has ten
rounds over more than two years (slow, visible progress), one is overdue for the next
measurement, and one has had a single measurement so far. They are Kees Smit's residents
(coach@wijkteam.example), so his caseload shows all of it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from wattelt.demo.measurements import _clamp, _measurement
from wattelt.demo.world import World
from wattelt.models import Involvement, Resident, utcnow
from wattelt.questionnaires.loader import registry

#: Months between measurements, per organisation kind.
INTERVALS = {"wijkteam": 6, "MEE": 3, "schuldhulpverlening": 3, "GGZ": 6}
KEES = "coach@wijkteam.example"


def build(session: Session, world: World) -> None:
    for organisation in world.organisations:
        organisation.follow_up_months = INTERVALS.get(organisation.kind, 6)
        session.add(organisation)
    unmeasured = world.residents[-6:]
    count = _ten_rounds(session, world, unmeasured[0])
    count += _rounds(session, world, unmeasured[1], days_ago=[430, 245])  # overdue at 6 months
    count += _rounds(session, world, unmeasured[2], days_ago=[60])  # one measurement so far
    world.counts["measurements"] = world.counts.get("measurements", 0) + count


def _make_kees_case_director(session: Session, world: World, resident: Resident) -> None:
    kees = world.users[KEES]
    resident.case_director_id = kees.id
    session.add(resident)
    involvement = session.exec(
        select(Involvement).where(
            Involvement.resident_id == resident.id,
            Involvement.organisation_id == kees.organisation_id,
        )
    ).first()
    if involvement is not None:
        involvement.professional_id = kees.id
        session.add(involvement)
    session.flush()


def _ten_rounds(session: Session, world: World, resident: Resident) -> int:
    """Every three months for two and a half years: money and housing first, the rest later."""
    _make_kees_case_director(session, world, resident)
    rng = world.rng
    questionnaire = registry().default()
    domains = questionnaire.domains_for([])
    own = {d.key: _clamp(round(rng.gauss(2.3, 0.7))) for d in domains}
    own["money"], own["housing"], own["friends"] = 1, 2, 2
    work = {"money", "housing", "friends"}
    started = utcnow() - timedelta(days=91 * 10)
    for number in range(10):
        if number:
            own = {key: _clamp(value + _step(rng, key in work)) for key, value in own.items()}
            if number == 4:
                work = {k for k, v in own.items() if v <= 2} or {"meaning"}
        _measurement(
            session,
            world,
            resident,
            questionnaire,
            [],
            started,
            own,
            work,
            ["resident", "coach"] if number % 3 == 0 else ["resident"],
        )
        started += timedelta(days=91)
    return 10


def _step(rng, working_on_it: bool) -> int:
    """Domains someone works on often go up a step; the rest mostly stay, now and then move."""
    chance = rng.random()
    if working_on_it:
        return 1 if chance < 0.4 else (-1 if chance > 0.97 else 0)
    return 1 if chance < 0.06 else (-1 if chance > 0.95 else 0)


def _rounds(session: Session, world: World, resident: Resident, days_ago: list[int]) -> int:
    _make_kees_case_director(session, world, resident)
    rng = world.rng
    questionnaire = registry().default()
    domains = questionnaire.domains_for([])
    own = {d.key: _clamp(round(rng.gauss(2.8, 0.9))) for d in domains}
    work = {k for k, v in own.items() if v <= 2}
    for days in days_ago:
        _measurement(
            session,
            world,
            resident,
            questionnaire,
            [],
            utcnow() - timedelta(days=days),
            own,
            work,
            ["resident", "coach"],
        )
        own = {
            k: _clamp(v + (1 if k in work else rng.choice([-1, 0, 0, 0]))) for k, v in own.items()
        }
    return len(days_ago)
