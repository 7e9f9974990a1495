"""Generated residents with completed rounds for the figures' tests, and an independent
computation of the figures in plain Python over the raw rows (no window functions, no GROUP BY,
none of the code under test), to check the SQL aggregates against."""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from wattelt.consent.services import consent_version, record_choices
from wattelt.demo.population import Spread, add_population
from wattelt.models import (
    Answer,
    ConsentRecord,
    Goal,
    GoalScore,
    Involvement,
    Measurement,
    Resident,
    User,
)
from wattelt.outcomes import summary
from wattelt.outcomes.dimensions import Filters, age_band_for
from wattelt.scoring.stats import t_quantile


def populate(
    session: Session, spread: Spread, count: int, seed: int = 7, counted_share: float = 1.0
) -> None:
    """``count`` residents with rounds and goals; ``counted_share`` of them agree to be counted
    anonymously (all, unless a test is about the ones who do not)."""
    add_population(session, random.Random(seed), spread, count, counted_share=counted_share)
    summary.rebuild(session)
    session.commit()


@dataclass
class Person:
    id: int
    organisation_id: int
    district_id: int | None
    age_band: str
    year: int
    quarter: int
    questionnaire: tuple[str, int]
    rounds: int
    baseline: dict[tuple[str, str], int | None]  # (perspective, item) -> value
    latest: dict[tuple[str, str], int | None]
    wishes: set[str]
    goals_set: int = 0
    goals_reached: int = 0
    gas_t: float | None = None  # T-score at the latest scored completed round


def choose_counting(session: Session, resident: Resident, counted: bool, coach: User) -> None:
    """The resident's choice whether their answers count in the anonymous figures, recorded
    (and explained) by their coach, as the consent page records it."""
    record_choices(
        session,
        resident,
        {("count", None): counted},
        expected_version=consent_version(session, resident),
        recorded_by=coach,
        explained_by_id=coach.id,
    )


def _counted(session: Session) -> set[int]:
    """Residents whose newest choice about anonymous counting is yes."""
    newest: dict[int, ConsentRecord] = {}
    for record in session.exec(select(ConsentRecord)).all():
        if record.purpose != "count":
            continue
        known = newest.get(record.resident_id)
        if known is None or record.id > known.id:
            newest[record.resident_id] = record
    return {rid for rid, record in newest.items() if record.granted}


def _goal_facts(session: Session, completed: dict[int, Measurement]) -> dict[int, tuple]:
    """Per resident: goals set, goals reached and the GAS T-score (Kiresuk & Sherman, rho 0.3)
    over the goals scored at their latest scored completed measurement."""
    goals = session.exec(select(Goal)).all()
    by_goal = {g.id: g for g in goals}
    scored: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for score in session.exec(select(GoalScore)).all():
        measurement = completed.get(score.measurement_id)
        if measurement is None:
            continue
        goal = by_goal[score.goal_id]
        scored[goal.resident_id][measurement.id].append((goal.weight, score.score))
    facts: dict[int, tuple] = {}
    for goal in goals:
        count, reached, _t = facts.get(goal.resident_id, (0, 0, None))
        facts[goal.resident_id] = (count + 1, reached + (goal.status == "reached"), None)
    for resident_id, rounds in scored.items():
        latest = max(rounds, key=lambda mid: (completed[mid].completed_at, mid))
        pairs = rounds[latest]
        weights = sum(w for w, _x in pairs)
        squares = sum(w * w for w, _x in pairs)
        t = 50 + 10 * sum(w * x for w, x in pairs) / math.sqrt(0.7 * squares + 0.3 * weights**2)
        count, reached, _none = facts[resident_id]
        facts[resident_id] = (count, reached, t)
    return facts


def people(session: Session, organisation_ids: set[int]) -> list[Person]:
    """Every counted resident with a completed measurement, read from the raw tables."""
    counted = _counted(session)
    residents = {r.id: r for r in session.exec(select(Resident)).all()}
    first_involvement: dict[int, Involvement] = {}
    for inv in session.exec(select(Involvement)).all():
        known = first_involvement.get(inv.resident_id)
        if known is None or inv.id < known.id:
            first_involvement[inv.resident_id] = inv
    rounds: dict[int, list[Measurement]] = defaultdict(list)
    for m in session.exec(select(Measurement)).all():
        if m.status == "completed":
            rounds[m.resident_id].append(m)
    answers: dict[int, list[Answer]] = defaultdict(list)
    for a in session.exec(select(Answer)).all():
        answers[a.measurement_id].append(a)
    goal_facts = _goal_facts(session, {m.id: m for ms in rounds.values() for m in ms})
    found = []
    for resident_id, measurements in rounds.items():
        organisation = first_involvement[resident_id].organisation_id
        if organisation not in organisation_ids or resident_id not in counted:
            continue
        measurements.sort(key=lambda m: (m.completed_at, m.id))
        first, last = measurements[0], measurements[-1]
        resident = residents[resident_id]
        at = first.completed_at
        found.append(
            Person(
                id=resident_id,
                organisation_id=organisation,
                district_id=resident.district_id,
                age_band=age_band_for(at.year - resident.birth_year),
                year=at.year,
                quarter=(at.month - 1) // 3 + 1,
                questionnaire=(first.questionnaire_key, first.questionnaire_version),
                rounds=len(measurements),
                baseline={(a.perspective, a.item): a.value for a in answers[first.id]},
                latest=(
                    {(a.perspective, a.item): a.value for a in answers[last.id]}
                    if last.id != first.id
                    else {}
                ),
                wishes={
                    a.item
                    for a in answers[first.id]
                    if a.perspective == "resident" and a.wants_to_work
                },
                goals_set=goal_facts.get(resident_id, (0, 0, None))[0],
                goals_reached=goal_facts.get(resident_id, (0, 0, None))[1],
                gas_t=goal_facts.get(resident_id, (0, 0, None))[2],
            )
        )
    return found


def selected(population: list[Person], filters: Filters) -> list[Person]:
    def keep(p: Person) -> bool:
        if filters.organisation_id is not None and p.organisation_id != filters.organisation_id:
            return False
        if filters.district_id is not None and p.district_id != filters.district_id:
            return False
        if filters.age_band is not None and p.age_band != filters.age_band:
            return False
        if filters.questionnaire is not None and p.questionnaire != filters.questionnaire:
            return False
        if filters.period is not None:
            if p.year != filters.period.year:
                return False
            if filters.period.quarter is not None and p.quarter != filters.period.quarter:
                return False
        return True

    return [p for p in population if keep(p)]


def item_figures(group: list[Person], perspective: str, item: str, threshold: int = 1) -> dict:
    pairs = [
        (p.baseline[(perspective, item)], p.latest[(perspective, item)])
        for p in group
        if p.baseline.get((perspective, item)) is not None
        and p.latest.get((perspective, item)) is not None
    ]
    if not pairs:
        return {"n": 0}
    diffs = [after - before for before, after in pairs]
    n = len(pairs)
    mean_diff = statistics.fmean(diffs)
    result = {
        "n": n,
        "baseline_mean": statistics.fmean(b for b, _ in pairs),
        "latest_mean": statistics.fmean(a for _, a in pairs),
        "change_mean": mean_diff,
        "improved": sum(d >= threshold for d in diffs) / n,
        "same": sum(abs(d) < threshold for d in diffs) / n,
        "declined": sum(d <= -threshold for d in diffs) / n,
        "distribution": {v: sum(b == v for b, _ in pairs) / n for v in range(1, 11)},
    }
    if n >= 2:
        sd = statistics.stdev(diffs)
        half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
        result.update(
            ci_low=mean_diff - half, ci_high=mean_diff + half, d_z=mean_diff / sd if sd else None
        )
    return result


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def release(session: Session, k: int = 10, made_by: str = "command"):
    """Make a release of the figures as they stand (what policymakers read) and commit it."""
    from wattelt.outcomes import releases

    made = releases.make(session, k, made_by)
    session.commit()
    return made
