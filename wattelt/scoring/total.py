"""The total score across life domains, and whether one resident's total changed reliably.

**The total is the mean of the answered domains.** A resident's total is the mean of their
numeric answers over the life domains of the questionnaire, not their sum: a skipped or "don't
know" answer would lower a sum and look like decline. The mean is the prorated sum divided by
the number of domains, so it stays on the answer scale (1-5). It needs at least half of the
domains answered (the usual "half rule" for prorating questionnaire scores); with fewer there
is no total.

**The same definition at both time points.** For one resident's change, both totals are taken
over the domains answered with a number in *both* rounds. A domain added in a later questionnaire
version, or answered "don't know" once, then leaves both totals alike instead of moving one.

**Reliable change** (Jacobson & Truax 1991, see :mod:`wattelt.scoring.reliability`) needs the
SD of the totals at baseline and a reliability. Both come from the baseline (T0) of a group of
residents who used the same questionnaire: SD1 is the sample SD of their baseline totals, and the
reliability is Cronbach's alpha over the domains, from the baselines with every domain answered
(listwise, as :func:`~wattelt.scoring.reliability.cronbach_alpha`). Alpha of the mean equals
alpha of the sum (a change of scale), and SD1 is on the scale of the totals, so RC is the same
as on the sum scale. With too small a group, no spread or a reliability outside 0 <= r < 1
there is no reference, and the honest answer is "cannot say" rather than a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from wattelt.scoring.reliability import (
    cronbach_alpha,
    cronbach_alpha_from_variances,
    is_reliable,
    reliable_change_index,
)
from wattelt.scoring.stats import Change, mean, moments_from_sums, sample_sd

#: Alpha and SD from fewer baselines than this vary too much to judge one person's change by.
MIN_REFERENCE_GROUP = 10

Problem = Literal["too_few", "no_spread", "reliability"]


def min_items(k: int) -> int:
    """How many of ``k`` domains need a numeric answer for a total: at least half."""
    return (k + 1) // 2


def total_score(values: Sequence[float | None]) -> float | None:
    """The mean of the numeric values among ``values`` (one per domain; None = no number), or
    None when fewer than half of the domains have a number."""
    numeric = [value for value in values if value is not None]
    if not numeric or len(numeric) < min_items(len(values)):
        return None
    return mean(numeric)


def paired_totals(
    before: Mapping[str, float | None], after: Mapping[str, float | None], items: Sequence[str]
) -> tuple[float, float] | None:
    """(total before, total after) over the ``items`` with a number at both time points, or None
    when fewer than half of ``items`` have one at both."""
    pairs = [(before.get(item), after.get(item)) for item in items]
    complete = [(b, a) for b, a in pairs if b is not None and a is not None]
    if not complete or len(complete) < min_items(len(items)):
        return None
    return mean(b for b, _a in complete), mean(a for _b, a in complete)  # type: ignore[return-value]


@dataclass(frozen=True)
class ChangeReference:
    """What the reliable change index of a total needs from a group's baselines."""

    items: int  # domains in the total
    n: int  # baselines with a total
    n_complete: int  # baselines with every domain answered (the rows of alpha)
    sd1: float | None
    alpha: float | None
    min_group: int = MIN_REFERENCE_GROUP

    @property
    def problem(self) -> Problem | None:
        """Why reliable change cannot be judged with this reference; None when it can."""
        if self.n_complete < self.min_group or self.n < 2:
            return "too_few"
        if self.sd1 is None or self.sd1 <= 0 or self.alpha is None:
            return "no_spread"
        if not 0.0 <= self.alpha < 1.0:
            return "reliability"
        return None

    @property
    def usable(self) -> bool:
        return self.problem is None


def change_reference(
    rows: Sequence[Sequence[float | None]], min_group: int = MIN_REFERENCE_GROUP
) -> ChangeReference:
    """The reference from a baseline table: one row per resident, one column per domain."""
    totals = [total for row in rows if (total := total_score(row)) is not None]
    return ChangeReference(
        items=len(rows[0]) if rows else 0,
        n=len(totals),
        n_complete=sum(1 for row in rows if all(value is not None for value in row)),
        sd1=sample_sd(totals),
        alpha=cronbach_alpha(rows) if rows else None,
        min_group=min_group,
    )


@dataclass(frozen=True)
class Sums:
    """n, sum(x) and sum(x^2) of some values, as aggregated in SQL."""

    n: int
    total: float | Decimal
    squares: float | Decimal

    def variance(self) -> float | None:
        _mean, sd = moments_from_sums(self.n, self.total, self.squares)
        return None if sd is None else sd * sd


def change_reference_from_sums(
    items: int,
    totals: Sums,
    complete_items: Sequence[Sums],
    complete_totals: Sums,
    min_group: int = MIN_REFERENCE_GROUP,
) -> ChangeReference:
    """The same reference as :func:`change_reference`, from sums aggregated in SQL.

    ``totals``: the baseline totals (means of answered domains, at least half answered);
    ``complete_items``: per domain, its values over the baselines with every domain answered;
    ``complete_totals``: the sums of those complete baselines (any linear scale will do)."""
    _mean, sd1 = moments_from_sums(totals.n, totals.total, totals.squares)
    variances = [sums.variance() for sums in complete_items]
    total_variance = complete_totals.variance()
    alpha = None
    if len(variances) == items and None not in variances and total_variance is not None:
        alpha = cronbach_alpha_from_variances(variances, total_variance)  # type: ignore[arg-type]
    return ChangeReference(
        items=items,
        n=totals.n,
        n_complete=complete_totals.n,
        sd1=sd1,
        alpha=alpha,
        min_group=min_group,
    )


def reliable_change(x1: float, x2: float, reference: ChangeReference) -> Change | None:
    """ "improved", "same" (no reliable change) or "declined" by |RC| > 1.96; None when the
    reference cannot be used."""
    if not reference.usable:
        return None
    rc = reliable_change_index(x1, x2, reference.sd1, reference.alpha)  # type: ignore[arg-type]
    if not is_reliable(rc):
        return "same"
    return "improved" if rc > 0 else "declined"
