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

from wattelt.demo.population import Spread, add_population
from wattelt.models import Answer, Involvement, Measurement, Resident
from wattelt.outcomes import summary
from wattelt.outcomes.dimensions import Filters, age_band_for
from wattelt.scoring.stats import t_quantile


def populate(session: Session, spread: Spread, count: int, seed: int = 7) -> None:
    add_population(session, random.Random(seed), spread, count)
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


def people(session: Session, organisation_ids: set[int]) -> list[Person]:
    """Every resident with a completed measurement, read from the raw tables."""
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
    found = []
    for resident_id, measurements in rounds.items():
        organisation = first_involvement[resident_id].organisation_id
        if organisation not in organisation_ids:
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
