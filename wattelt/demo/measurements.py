"""The demo's measurements: rounds T0, T1 and T2 a few months apart, with plausible change.

Domains a resident wants to work on tend to improve by the next round; the others mostly stay
the same and sometimes move a step either way. The coach's and the network's views are the
resident's own give or take a step or two (the differences the summary marks). Young residents
use the 'jong' questionnaire; some parents have the optional parenting domain. Sanne has two
finished rounds and fills in her third herself; it is halfway.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from wattelt import clock
from wattelt.demo.world import World
from wattelt.models import OVERALL, Answer, Measurement, Resident, utcnow
from wattelt.questionnaires.loader import registry
from wattelt.questionnaires.schema import Questionnaire

NOTES = {
    "money": "Ik wil minder rekeningen die te laat zijn.",
    "housing": "Mijn huis is te klein voor ons.",
    "friends": "Ik zou graag vaker iemand zien.",
    "daytime": "Ik wil graag vrijwilligerswerk doen.",
    "mental_health": "Ik slaap slecht.",
    "school_work": "Ik wil mijn diploma halen.",
}
MEASURED = 30  # of the demo's residents; the others are new and not measured yet


def _clamp(value: int, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, value))


def _questionnaire_for(resident: Resident) -> Questionnaire:
    young = clock.today().year - resident.birth_year <= 23
    return registry().latest("jong") if young else registry().default()


def build(session: Session, world: World) -> None:
    rng = world.rng
    count = 0
    for index, resident in enumerate(world.residents[:MEASURED]):
        questionnaire = _questionnaire_for(resident)
        optional = ["parenting"] if questionnaire.key == "wattelt" and index % 5 == 2 else []
        domains = questionnaire.domains_for(optional)
        is_sanne = resident.id == world.sanne.id
        rounds = 2 if is_sanne else 1 + (rng.random() < 0.75) + (rng.random() < 0.45)
        perspectives = ["resident"]
        if rng.random() < 0.5:
            perspectives.append("coach")
        if is_sanne or rng.random() < 0.15:
            perspectives.append("network")
        interval = rng.randint(85, 130)
        started = utcnow() - timedelta(days=interval * rounds + rng.randint(10, 40))
        level = rng.uniform(1.8, 3.6)
        own = {d.key: _clamp(round(rng.gauss(level, 0.9))) for d in domains}
        work = {k for k, v in own.items() if v <= 2 and rng.random() < 0.6}
        for number in range(rounds):
            if number:
                own = {
                    k: _clamp(
                        v + rng.choice([0, 1, 1, 1, 2, -1] if k in work else [-1, 0, 0, 0, 1])
                    )
                    for k, v in own.items()
                }
                work = {k for k in work if own[k] <= 3}
            _measurement(
                session, world, resident, questionnaire, optional, started, own, work, perspectives
            )
            count += 1
            started += timedelta(days=interval + rng.randint(-10, 10))
    count += _sanne_draft(session, world)
    world.counts["measurements"] = count


def _measurement(
    session: Session,
    world: World,
    resident: Resident,
    questionnaire: Questionnaire,
    optional: list[str],
    started,
    own: dict[str, int],
    work: set[str],
    perspectives: list[str],
) -> Measurement:
    rng = world.rng
    coach_id = resident.case_director_id
    domains = questionnaire.domains_for(optional)
    measurement = Measurement(
        resident_id=resident.id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        optional_domains=",".join(optional),
        present="coach_network" if "network" in perspectives else "coach",
        mode="together",
        status="completed",
        started_by_id=coach_id,
        started_at=started,
        updated_at=started,
        completed_at=started + timedelta(minutes=rng.randint(25, 50)),
        completed_by_id=coach_id,
        resident_step=len(domains) + 1,
    )
    session.add(measurement)
    session.flush()
    for perspective in perspectives:
        for domain in domains:
            value: int | None = own[domain.key]
            special = None
            if perspective != "resident":
                value = _clamp(own[domain.key] + rng.choice([-2, -1, 0, 0, 0, 0, 0, 1]))
            if rng.random() < 0.05:
                special, value = rng.choice(["dont_know", "rather_not"]), None
            mine = perspective == "resident"
            session.add(
                Answer(
                    measurement_id=measurement.id,
                    perspective=perspective,
                    item=domain.key,
                    value=value,
                    special=special,
                    wants_to_work=mine and domain.key in work,
                    wants_to_talk=mine and value is not None and value <= 2 and rng.random() < 0.4,
                    note=NOTES.get(domain.key) if mine and domain.key in work else None,
                    answered_by_id=coach_id,
                    answered_at=started,
                )
            )
        mean = sum(own.values()) / len(own)
        session.add(
            Answer(
                measurement_id=measurement.id,
                perspective=perspective,
                item=OVERALL,
                value=_clamp(round(rng.gauss(mean * 2, 1.0)), 1, 10),
                answered_by_id=coach_id,
                answered_at=started,
            )
        )
    return measurement


def _sanne_draft(session: Session, world: World) -> int:
    """Sanne fills in her next measurement herself, on her own account, and is halfway."""
    questionnaire = registry().default()
    sanne = world.sanne
    draft = Measurement(
        resident_id=sanne.id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        present="alone",
        mode="own_device",
        started_by_id=sanne.case_director_id,
        resident_step=6,
    )
    session.add(draft)
    session.flush()
    for domain in questionnaire.domains[:5]:
        session.add(
            Answer(
                measurement_id=draft.id,
                perspective="resident",
                item=domain.key,
                value=world.rng.randint(3, 5),
                answered_by_id=sanne.account_id,
            )
        )
    return 1
