"""``flask --app app synth``: synthetic chains at the scale of a large city, for benchmarks and
load tests.

For ``residents`` residents it makes ``chains`` chains (samenwerkingsverbanden; by default one
per 100,000 residents), each in a fictional municipality with its districts and their 4-digit
postcodes, its partner organisations (neighbourhood teams, MEE, debt counselling, mental health
care, ...) with coaches and a manager, and a policy adviser. The residents follow the same rules
as the demo's anonymous population (:func:`wattelt.demo.population.add_population`): a birth
year, a district, the organisation that registered them and its coach as case director, one to
``rounds`` completed measurements a few months apart with the resident's own view and often the
coach's and a network member's, change over time that is larger where the resident wanted to
work on a domain, goals with a step and Goal Attainment scores at every follow-up, and a choice
about being counted anonymously. Finally the summary behind the anonymous figures is rebuilt.

Everything is written with bulk inserts in batches, so memory stays flat, and comes from one
random source seeded with ``seed``: the same seed, date and empty database give the same data.
The accounts have no password; an admin can invite them like any other account.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select, text
from sqlmodel import Session, col

from wattelt import clock
from wattelt.demo.population import Spread, add_population
from wattelt.models import (
    Answer,
    Chain,
    District,
    Goal,
    GoalScore,
    Measurement,
    Organisation,
    Role,
    User,
)
from wattelt.outcomes import summary

#: Residents per chain by default: a chain is one municipality's network of support, and a
#: large city's chain has 100,000 residents or more.
RESIDENTS_PER_CHAIN = 100_000
MUNICIPALITIES = [
    ("Bergvliet", "35"),
    ("Kanaalstad", "36"),
    ("Overmeer", "37"),
    ("Lindewaard", "38"),
    ("Dijkhoven", "39"),
    ("Eikendam", "41"),
    ("Hoogveen", "42"),
    ("Zandwijk", "43"),
    ("Molenrade", "44"),
    ("Brugstede", "45"),
]
DISTRICT_NAMES = [
    "Centrum",
    "Noord",
    "Oost",
    "Zuid",
    "West",
    "Haven",
    "Dorp",
    "Nieuwland",
    "Park",
    "Buitenwijk",
]
#: (name pattern, kind, share of the chain's residents it registers)
ORGANISATION_KINDS = [
    ("Wijkteam {m}-Noord", "wijkteam", 0.22),
    ("Wijkteam {m}-Zuid", "wijkteam", 0.20),
    ("MEE {m}", "MEE", 0.14),
    ("Schuldhulp {m}", "schuldhulpverlening", 0.14),
    ("GGZ {m}", "GGZ", 0.09),
    ("Maatschappelijk werk {m}", "maatschappelijk werk", 0.11),
    ("Jeugdhulp {m}", "jeugdhulp", 0.06),
    ("Verslavingszorg {m}", "verslavingszorg", 0.04),
]
#: One coach for about this many residents of an organisation (at least two per organisation).
RESIDENTS_PER_COACH = 45


@dataclass
class Report:
    chains: int = 0
    organisations: int = 0
    districts: int = 0
    accounts: int = 0
    residents: int = 0
    measurements: int = 0
    answers: int = 0
    goals: int = 0
    goal_scores: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        counts = (
            f"Added {self.chains} chains, {self.organisations} organisations, {self.districts} "
            f"districts, {self.accounts} accounts and {self.residents:,} residents; the "
            f"database now holds {self.measurements:,} measurements, {self.answers:,} answers, {self.goals:,} goals, "
            f"{self.goal_scores:,} goal scores"
        )
        timing = ", ".join(f"{what} {seconds:.1f} s" for what, seconds in self.seconds.items())
        return [counts, timing]


def _name(session: Session, model, wanted: str) -> str:
    """``wanted``, or ``wanted (2)``, ... when a name is taken (an earlier synth run)."""
    name, number = wanted, 1
    while session.exec(select(model.id).where(model.name == name)).first():  # type: ignore[call-overload]
        number += 1
        name = f"{wanted} ({number})"
    return name


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def synthesise(
    session: Session,
    residents: int,
    rounds: int = 3,
    seed: int = 1,
    today: date | None = None,
    batch: int = 2000,
    chains: int | None = None,
) -> Report:
    """Add the synthetic chains and residents (see the module text); commits per chain."""
    if residents < 1:
        raise ValueError("residents must be at least 1")
    if not 1 <= rounds <= 20:
        raise ValueError("rounds must be between 1 and 20")
    rng = random.Random(seed)
    today = today or clock.today()
    report = Report()
    started = time.perf_counter()
    if chains is None:
        chains = math.ceil(residents / RESIDENTS_PER_CHAIN)
    chains = min(len(MUNICIPALITIES), max(1, chains), residents)
    for (municipality, prefix), size in zip(
        MUNICIPALITIES[:chains], _split(residents, chains), strict=True
    ):
        spread = _chain(session, rng, municipality, prefix, size, report)
        report.residents += add_population(
            session,
            rng,
            spread,
            size,
            today=today,
            batch=batch,
            max_rounds=rounds,
        )
        session.commit()
    report.seconds["generate"] = time.perf_counter() - started
    started = time.perf_counter()
    # Fresh statistics first: planned on empty tables, the summary's joins take hours.
    session.exec(text("ANALYZE"))  # type: ignore[call-overload]
    summary.rebuild(session)
    session.exec(text("ANALYZE"))  # type: ignore[call-overload]
    session.commit()
    report.seconds["summary"] = time.perf_counter() - started
    _count(session, report)
    return report


def _chain(
    session: Session, rng: random.Random, municipality: str, prefix: str, size: int, report: Report
) -> Spread:
    chain = Chain(name=_name(session, Chain, f"Samen Sterk {municipality}"))
    session.add(chain)
    session.flush()
    report.chains += 1

    count = rng.randint(5, len(DISTRICT_NAMES))
    districts, postcodes = [], {}
    taken = set(
        session.exec(select(District.name).where(District.municipality == municipality)).all()  # type: ignore[call-overload]
    )
    for index, name in enumerate(DISTRICT_NAMES[:count]):
        if name in taken:
            continue
        district = District(name=name, municipality=municipality)
        session.add(district)
        session.flush()
        districts.append(district)
        postcodes[district.id] = [f"{prefix}{index}{digit}" for digit in range(rng.randint(1, 4))]
    report.districts += len(districts)
    district_weights = [rng.uniform(0.5, 2.0) for _ in districts]

    organisations, weights, coaches = [], [], {}
    for pattern, kind, share in ORGANISATION_KINDS:
        organisation = Organisation(
            name=_name(session, Organisation, pattern.format(m=municipality)),
            kind=kind,
            chain_id=chain.id,
            follow_up_months=rng.choice([3, 6, 6]),
        )
        session.add(organisation)
        session.flush()
        organisations.append(organisation)
        weights.append(share)
        slug = f"{kind.replace(' ', '-').lower()}-{organisation.id}"
        staff = max(2, round(size * share / RESIDENTS_PER_COACH))
        accounts = [
            {
                "email": f"coach{number}.{slug}@synth.example",
                "display_name": f"Coach {number} {organisation.name}",
                "role": Role.COACH.value,
                "organisation_id": organisation.id,
            }
            for number in range(1, staff + 1)
        ]
        accounts.append(
            {
                "email": f"manager.{slug}@synth.example",
                "display_name": f"Manager {organisation.name}",
                "role": Role.MANAGER.value,
                "organisation_id": organisation.id,
            }
        )
        ids = list(
            session.execute(
                insert(User).returning(col(User.id), sort_by_parameter_order=True), accounts
            ).scalars()
        )
        coaches[organisation.id] = ids[:-1]
        report.accounts += len(ids)
    session.add(
        User(
            email=f"beleid.{chain.id}@synth.example",
            display_name=f"Beleid {municipality}",
            role=Role.POLICYMAKER.value,
            organisation_id=organisations[0].id,
        )
    )
    report.accounts += 1
    report.organisations += len(organisations)
    session.flush()
    return Spread(
        organisation_ids=[o.id for o in organisations],  # type: ignore[misc]
        district_ids=[d.id for d in districts],
        organisation_weights=tuple(weights),
        district_weights=tuple(district_weights),
        days=540,
        coaches=coaches,
        postcodes=postcodes,
    )


def _count(session: Session, report: Report) -> None:
    def total(model) -> int:
        return session.exec(select(func.count()).select_from(model)).one()[0]  # type: ignore[call-overload]

    report.measurements = total(Measurement)
    report.answers = total(Answer)
    report.goals = total(Goal)
    report.goal_scores = total(GoalScore)
