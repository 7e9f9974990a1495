"""A few hundred anonymous-looking residents with completed rounds, so the anonymous figures of
the demo show real numbers (and, for small groups, suppressed ones).

They have no logins, no network and no notes: only what the figures count - a birth year, a
district, the organisation that registered them (a realistic spread over the chain's partners),
and one to three completed measurements a few months apart. Written with bulk inserts, so the
same code also fills databases with many thousands of residents for tests and benchmarks
(:func:`add_population`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session, col

from wattelt import clock
from wattelt.demo.bulk import bulk_insert, bulk_insert_ids
from wattelt.demo.world import World
from wattelt.models import (
    OVERALL,
    Answer,
    ConsentRecord,
    Goal,
    GoalDomain,
    GoalScore,
    Involvement,
    Measurement,
    Resident,
    Step,
)
from wattelt.outcomes import summary
from wattelt.questionnaires.loader import registry
from wattelt.residents.services import CODE_ALPHABET

DEMO_POPULATION = 420
# Organisations of the demo chain in order: wijkteam, MEE, schuldhulp, GGZ. GGZ registers few
# residents, so some of its figures stay below the threshold.
ORGANISATION_WEIGHTS = (0.45, 0.25, 0.22, 0.08)
DISTRICT_WEIGHTS = (0.45, 0.3, 0.25)


@dataclass(frozen=True)
class Spread:
    """How the generated residents are spread; weights follow the order of the given ids."""

    organisation_ids: list[int]
    district_ids: list[int | None]
    organisation_weights: tuple[float, ...] | None = None
    district_weights: tuple[float, ...] | None = None
    #: First measurements fall in the this many days before ``today``.
    days: int = 720
    #: Coaches (user ids) per organisation: they start and complete the measurements and are
    #: the residents' case directors. Without them those fields stay empty.
    coaches: dict[int, list[int]] | None = None
    #: The 4-digit postcodes of each district; without them residents get none.
    postcodes: dict[int, list[str]] | None = None


def round_weights(max_rounds: int) -> list[float]:
    """How many rounds residents have had, 1 to ``max_rounds``: about a third one round only
    (new, or stopped early), the rest fewer the further the round."""
    if max_rounds == 3:
        return [3, 4, 3]  # the demo's spread
    return [1.0 if count == 1 else 2.0 / count for count in range(1, max_rounds + 1)]


def build(session: Session, world: World) -> None:
    spread = Spread(
        organisation_ids=[o.id for o in world.organisations],  # type: ignore[misc]
        district_ids=[d.id for d in world.districts],  # type: ignore[misc]
        organisation_weights=ORGANISATION_WEIGHTS,
        district_weights=DISTRICT_WEIGHTS,
    )
    count = add_population(session, world.rng, spread, DEMO_POPULATION)
    # The summary behind the figures, for these residents and the ones measured before.
    summary.rebuild(session)
    world.counts["anonymous residents"] = count


def _codes(session: Session, rng: random.Random, count: int) -> list[str]:
    taken = set(session.exec(select(col(Resident.code))).scalars())  # type: ignore[call-overload]
    codes: list[str] = []
    while len(codes) < count:
        code = "R-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def add_population(
    session: Session,
    rng: random.Random,
    spread: Spread,
    count: int,
    today: date | None = None,
    batch: int = 2000,
    counted_share: float = 0.92,
    max_rounds: int = 3,
) -> int:
    """Add ``count`` residents with completed measurements; returns how many were added.

    The summary of rounds is not refreshed here: call ``outcomes.summary.refresh`` (or
    ``rebuild``) afterwards."""
    today = today or clock.today()
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    adults = registry().default()
    young = registry().latest("jong")
    if max_rounds < 1:
        raise ValueError("max_rounds must be at least 1")
    codes = _codes(session, rng, count)
    weights = round_weights(max_rounds)
    coaches = spread.coaches or {}
    postcodes = spread.postcodes or {}
    added = 0
    for start in range(0, count, batch):
        size = min(batch, count - start)
        people = []
        for index in range(size):
            age = _clamp(round(rng.gauss(42, 17)), 14, 90)
            district = rng.choices(spread.district_ids, weights=spread.district_weights)[0]
            if rng.random() < 0.04:
                district = None  # registered without a district
            person = {
                "code": codes[start + index],
                "birth_year": today.year - age,
                "district_id": district,
                "postcode4": None,
            }
            if coaches or postcodes:
                organisation = rng.choices(
                    spread.organisation_ids, weights=spread.organisation_weights
                )[0]
                coach = rng.choice(coaches[organisation]) if coaches.get(organisation) else None
                codes_here = postcodes.get(district) if district is not None else None
                person.update(
                    organisation=organisation,
                    case_director_id=coach,
                    created_by_id=coach,
                    postcode4=rng.choice(codes_here) if codes_here else None,
                )
            people.append(person)
        ids = bulk_insert_ids(
            session, Resident, [{k: v for k, v in p.items() if k != "organisation"} for p in people]
        )
        involvements = []
        measurements = []
        plans = []
        for resident_id, person in zip(ids, people, strict=True):
            organisation = (
                person.get("organisation")
                or rng.choices(spread.organisation_ids, weights=spread.organisation_weights)[0]
            )
            coach = person.get("case_director_id")
            involvements.append(
                {
                    "resident_id": resident_id,
                    "organisation_id": organisation,
                    "professional_id": coach,
                }
            )
            if rng.random() < 0.3:
                other = rng.choice(spread.organisation_ids)
                if other != organisation:
                    partner = rng.choice(coaches[other]) if coaches.get(other) else None
                    involvements.append(
                        {
                            "resident_id": resident_id,
                            "organisation_id": other,
                            "professional_id": partner,
                        }
                    )
            questionnaire = young if today.year - person["birth_year"] <= 23 else adults
            optional = ["parenting"] if questionnaire is adults and rng.random() < 0.15 else []
            rounds = rng.choices(range(1, max_rounds + 1), weights=weights)[0]
            days = spread.days if max_rounds <= 3 else spread.days + 115 * (rounds - 1)
            at = now - timedelta(days=rng.randint(0, days), minutes=rng.randint(0, 600))
            for number in range(rounds):
                if at > now:
                    break
                measurements.append(
                    {
                        "resident_id": resident_id,
                        "questionnaire_key": questionnaire.key,
                        "questionnaire_version": questionnaire.version,
                        "optional_domains": ",".join(optional),
                        "present": "coach",
                        "mode": "together",
                        "status": "completed",
                        "started_by_id": coach,
                        "completed_by_id": coach,
                        "started_at": at - timedelta(minutes=40),
                        "updated_at": at,
                        "completed_at": at,
                    }
                )
                plans.append((questionnaire, optional, number))
                at += timedelta(days=rng.randint(80, 150))
        bulk_insert(session, Involvement, involvements)
        # Most agree to be counted anonymously; those who do not are left out of every figure.
        bulk_insert(
            session,
            ConsentRecord,
            [
                {"resident_id": rid, "purpose": "count", "granted": rng.random() < counted_share}
                for rid in ids
            ],
        )
        measurement_ids = bulk_insert_ids(session, Measurement, measurements)
        answers = _answers(rng, measurement_ids, measurements, plans)
        # Rounds with a network member's view had the network member present as well.
        with_network = sorted(
            {a["measurement_id"] for a in answers if a["perspective"] == "network"}
        )
        for part in range(0, len(with_network), 5000):
            session.execute(
                update(Measurement)
                .where(col(Measurement.id).in_(with_network[part : part + 5000]))
                .values(present="coach_network")
            )
        for part in range(0, len(answers), 20000):
            bulk_insert(session, Answer, answers[part : part + 20000])
        _goals(session, rng, measurement_ids, measurements, answers, involvements)
        added += size
    session.flush()
    return added


def _answers(rng: random.Random, ids: list[int], measurements: list[dict], plans: list) -> list:
    rows: list[dict] = []
    own: dict[str, int] = {}
    work: set[str] = set()
    perspectives: list[str] = ["resident"]
    for measurement_id, row, (questionnaire, optional, number) in zip(
        ids, measurements, plans, strict=True
    ):
        domains = questionnaire.domains_for(optional)
        if number == 0:
            level = rng.uniform(1.8, 3.8)
            own = {d.key: _clamp(round(rng.gauss(level, 0.9)), 1, 5) for d in domains}
            work = {k for k, v in own.items() if v <= 2 and rng.random() < 0.6}
            perspectives = ["resident"]
            if rng.random() < 0.5:
                perspectives.append("coach")
            if rng.random() < 0.12:
                perspectives.append("network")
        else:
            own = {
                k: _clamp(
                    v + rng.choice([0, 1, 1, 1, 2, -1] if k in work else [-1, 0, 0, 0, 1]), 1, 5
                )
                for k, v in own.items()
            }
            work = {k for k in work if own[k] <= 3}
        for perspective in perspectives:
            for domain in domains:
                value: int | None = own[domain.key]
                if perspective != "resident":
                    value = _clamp(own[domain.key] + rng.choice([-2, -1, 0, 0, 0, 0, 1]), 1, 5)
                special = None
                if rng.random() < 0.05:
                    special, value = rng.choice(["dont_know", "rather_not"]), None
                rows.append(
                    {
                        "measurement_id": measurement_id,
                        "perspective": perspective,
                        "item": domain.key,
                        "value": value,
                        "special": special,
                        "wants_to_work": perspective == "resident" and domain.key in work,
                        "wants_to_talk": False,
                        "answered_at": row["completed_at"],
                    }
                )
            mean = sum(own.values()) / len(own)
            rows.append(
                {
                    "measurement_id": measurement_id,
                    "perspective": perspective,
                    "item": OVERALL,
                    "value": _clamp(round(rng.gauss(mean * 2, 1.0)), 1, 10),
                    "special": None,
                    "wants_to_work": False,
                    "wants_to_talk": False,
                    "answered_at": row["completed_at"],
                }
            )
    return rows


GOAL_TEXTS = {
    "money": "Ik wil mijn rekeningen op tijd betalen.",
    "housing": "Ik wil een rustiger huis.",
    "daytime": "Ik wil iets doen overdag.",
    "friends": "Ik wil vaker iemand zien.",
    "mental_health": "Ik wil beter slapen.",
}


def _goals(
    session: Session,
    rng: random.Random,
    measurement_ids: list[int],
    measurements: list[dict],
    answers: list[dict],
    involvements: list[dict],
) -> None:
    """Goals from the first round's wishes, scored at every later round: better where the
    domain's own answer went up. Some goals are reached or stopped by the latest round."""
    rounds: dict[int, list[int]] = {}
    for measurement_id, row in zip(measurement_ids, measurements, strict=True):
        rounds.setdefault(row["resident_id"], []).append(measurement_id)
    own = {
        (a["measurement_id"], a["item"]): a["value"]
        for a in answers
        if a["perspective"] == "resident"
    }
    wishes: dict[int, list[str]] = {}
    for a in answers:
        if a["wants_to_work"]:
            wishes.setdefault(a["measurement_id"], []).append(a["item"])
    registered: dict[int, int] = {}
    for involvement in involvements:
        registered.setdefault(involvement["resident_id"], involvement["organisation_id"])
    goal_rows, planned = [], []
    for resident_id, ids in rounds.items():
        wanted = wishes.get(ids[0], [])
        if not wanted or rng.random() < 0.25:
            continue
        for domain in rng.sample(wanted, min(len(wanted), rng.randint(1, 3))):
            scores = []
            for later in ids[1:]:
                before, after = own.get((ids[0], domain)), own.get((later, domain))
                gained = after - before if before is not None and after is not None else 0
                scores.append((later, max(-2, min(2, gained - 1 + rng.choice([-1, 0, 0, 1])))))
            status = "open"
            if scores and scores[-1][1] >= 0 and rng.random() < 0.35 + 0.2 * scores[-1][1]:
                status = "reached"
            elif scores and scores[-1][1] <= -1 and rng.random() < 0.3:
                status = "stopped"
            goal_rows.append(
                {
                    "resident_id": resident_id,
                    "text": GOAL_TEXTS.get(domain, "Ik wil dat het hier beter gaat."),
                    "reached_when": "Het gaat goed genoeg.",
                    "weight": 2 if rng.random() < 0.15 else 1,
                    "status": status,
                    "measurement_id": ids[0],
                    "organisation_id": registered.get(resident_id),
                }
            )
            planned.append((domain, scores))
    if not goal_rows:
        return
    goal_ids = bulk_insert_ids(session, Goal, goal_rows)
    bulk_insert(
        session,
        GoalDomain,
        [
            {"goal_id": g, "domain": domain}
            for g, (domain, _s) in zip(goal_ids, planned, strict=True)
        ],
    )
    steps = []
    for goal_id, row in zip(goal_ids, goal_rows, strict=True):
        together = row["organisation_id"] is not None and rng.random() < 0.5
        steps.append(
            {
                "goal_id": goal_id,
                "text": "Een eerste stap samen zetten"
                if together
                else "Zelf een eerste stap zetten",
                "helper": "organisation" if together else "resident",
                "organisation_id": row["organisation_id"] if together else None,
            }
        )
    bulk_insert(session, Step, steps)
    scores = [
        {"goal_id": g, "measurement_id": m, "score": score}
        for g, (_d, scored) in zip(goal_ids, planned, strict=True)
        for m, score in scored
    ]
    if scores:
        bulk_insert(session, GoalScore, scores)
