"""Scores of one measurement: per domain, the overall grade, the special answers, and how the
perspectives (resident, coach, network) compare. Pure functions without Flask or a database.

A special answer ("don't know", "rather not say") is never a number: it is counted apart and
left out of every mean, exactly like a skipped question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

DONT_KNOW = "dont_know"
RATHER_NOT = "rather_not"


@dataclass(frozen=True)
class Rating:
    """One stored answer: a numeric value, a special answer, or neither (skipped)."""

    domain: str
    value: int | None
    special: str | None = None


@dataclass(frozen=True)
class MeasurementScores:
    """The scores of one perspective of one measurement."""

    domains: dict[str, int | None]
    grade: int | None
    answered: int
    skipped: int
    dont_know: int
    rather_not: int
    mean: float | None = field(default=None)

    @property
    def special(self) -> int:
        return self.dont_know + self.rather_not


def score_measurement(
    ratings: Iterable[Rating], domain_keys: Sequence[str], grade_key: str = "overall"
) -> MeasurementScores:
    """Per-domain values for ``domain_keys`` (None when not numeric), the grade, the counts of
    answered / skipped / special answers, and the mean of the numeric domain values.

    Ratings for keys outside ``domain_keys`` (and not the grade) are ignored: a domain that was
    not part of this measurement's questionnaire version does not count."""
    by_key = {r.domain: r for r in ratings}
    values: dict[str, int | None] = {}
    dont_know = rather_not = skipped = 0
    for key in domain_keys:
        rating = by_key.get(key)
        if rating is None or (rating.value is None and rating.special is None):
            skipped += 1
            values[key] = None
        elif rating.special == DONT_KNOW:
            dont_know += 1
            values[key] = None
        elif rating.special == RATHER_NOT:
            rather_not += 1
            values[key] = None
        else:
            values[key] = rating.value
    numeric = [v for v in values.values() if v is not None]
    grade = by_key.get(grade_key)
    return MeasurementScores(
        domains=values,
        grade=grade.value if grade is not None else None,
        answered=len(numeric),
        skipped=skipped,
        dont_know=dont_know,
        rather_not=rather_not,
        mean=sum(numeric) / len(numeric) if numeric else None,
    )


@dataclass(frozen=True)
class PerspectiveComparison:
    """One domain seen from every perspective that gave a numeric answer."""

    domain: str
    values: dict[str, int | None]
    spread: int | None
    differs: bool


def compare_perspectives(
    by_perspective: Mapping[str, Iterable[Rating]], domain_keys: Sequence[str], threshold: int
) -> list[PerspectiveComparison]:
    """Per domain: each perspective's value, the spread (highest minus lowest numeric value)
    and whether the views differ by ``threshold`` steps or more — a start for the conversation,
    never a reason to change anyone's answer. Fewer than two numeric views never differ."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    lookup = {p: {r.domain: r.value for r in ratings} for p, ratings in by_perspective.items()}
    result = []
    for key in domain_keys:
        values = {p: answers.get(key) for p, answers in lookup.items()}
        numeric = [v for v in values.values() if v is not None]
        spread = max(numeric) - min(numeric) if len(numeric) >= 2 else None
        result.append(
            PerspectiveComparison(
                domain=key,
                values=values,
                spread=spread,
                differs=spread is not None and spread >= threshold,
            )
        )
    return result
