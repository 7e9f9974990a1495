"""The published figures as data: what the dashboard shows, the API returns and the exports
write. Pydantic models, so the API's OpenAPI document is generated from the same definitions
that produce the responses.

A suppressed value is ``null`` with ``suppressed: true``; a group of fewer than k residents is
never described by a number, not even by the count 0."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Count(_Model):
    value: int | None = Field(description="The number of residents; null when suppressed.")
    suppressed: bool


class DistributionShare(_Model):
    value: int = Field(description="An answer on the scale (for example 1 to 5).")
    share: float | None = Field(description="Share (0 to 1) of residents with this answer.")


class ItemFigures(_Model):
    """One life domain (or the overall grade): residents with a numeric answer at their first
    and at their latest measurement."""

    key: str
    title: str
    kind: Literal["domain", "grade"]
    scale_min: int
    scale_max: int
    suppressed: bool
    n: int | None = Field(description="Residents with a first and a latest answer.")
    baseline_mean: float | None
    latest_mean: float | None
    change_mean: float | None = Field(description="Mean of latest minus first.")
    change_ci_low: float | None = Field(description="95% confidence interval, lower bound.")
    change_ci_high: float | None = Field(description="95% confidence interval, upper bound.")
    d_z: float | None = Field(description="Effect size: mean change / SD of the changes.")
    improved: float | None = Field(description="Share (0 to 1) improved by the threshold.")
    same: float | None
    declined: float | None
    change_threshold: int = Field(description="Steps that count as a change.")
    baseline_distribution: list[DistributionShare]


class Wish(_Model):
    """A life domain residents want to work on (ticked at their first measurement)."""

    key: str
    title: str
    suppressed: bool
    share: float | None = Field(description="Share (0 to 1) of the residents measured.")


class GoalFigures(_Model):
    """Goals and Goal Attainment Scaling. ``available`` is false until goals are recorded."""

    available: bool
    suppressed: bool
    residents: int | None = Field(description="Residents with at least one goal.")
    goals_set: int | None
    goals_reached: int | None
    reached_share: float | None = Field(description="Share (0 to 1) of goals reached.")
    scored_residents: int | None = Field(
        description="Residents whose goals were scored at a follow-up (null: fewer than k)."
    )
    mean_gas_t: float | None = Field(
        description="Mean GAS T-score at each resident's latest scored follow-up (50 = as "
        "expected; null: fewer than k scored residents)."
    )


class FilterValue(_Model):
    value: str
    label: str


class AppliedFilters(_Model):
    organisation: FilterValue | None
    district: FilterValue | None
    age_band: FilterValue | None
    period: FilterValue | None
    questionnaire: FilterValue | None
    perspective: FilterValue


class Figures(_Model):
    k: int = Field(description="Smallest group shown.")
    scope: str = Field(description="The chain (or organisation) the figures are about.")
    filters: AppliedFilters
    residents: Count = Field(description="Residents measured at least once.")
    measured_twice: Count = Field(description="Residents measured at least twice.")
    items: list[ItemFigures]
    wishes: list[Wish]
    goals: GoalFigures


class Group(_Model):
    id: int | None = Field(description="Organisation or district id; null for the total.")
    name: str
    residents: Count
    measured_twice: Count
    items: list[ItemFigures]


class Published(_Model):
    """Which figures an answer gives: a release (frozen on its reference date), or - for a
    manager's own organisation only - live figures (``release`` null)."""

    release: int | None = Field(
        default=None, description="The release's id; null: live figures (managers only)."
    )
    reference_date: date | None = Field(
        default=None, description="The release's reference date (peildatum); today when live."
    )
    generated_at: datetime | None = Field(
        default=None, description="When the release was made (UTC); now when live."
    )


class Comparison(Published):
    k: int
    scope: str
    by: Literal["organisation", "district"]
    filters: AppliedFilters
    total: Group
    groups: list[Group]


class Option(_Model):
    value: str
    label: str


class FilterOptions(Published):
    """The values each filter accepts for this account."""

    organisation: list[Option]
    district: list[Option]
    age_band: list[Option]
    period: list[Option]
    questionnaire: list[Option]
    perspective: list[Option]
    releases: list[Option] = Field(
        default_factory=list,
        description="The releases to choose from (parameter release), newest first.",
    )


class Problem(_Model):
    """An error: ``error`` is a stable code, ``message`` says what to do."""

    error: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class Summary(Published):
    """Counts, what residents want to work on, and goals."""

    k: int
    scope: str
    filters: AppliedFilters
    residents: Count
    measured_twice: Count
    wishes: list[Wish]
    goals: GoalFigures


class Domains(Published):
    """Per life domain (and the overall grade) the change from the first to the latest
    measurement."""

    k: int
    scope: str
    filters: AppliedFilters
    items: list[ItemFigures]


class ReleaseInfo(_Model):
    """A release: frozen figures with a reference date (peildatum)."""

    id: int
    reference_date: date
    generated_at: datetime
    k: int = Field(description="Smallest group in this release.")
    held_back_blocks: int = Field(
        description="Blocks left out because their change since an earlier release would "
        "show fewer than k residents."
    )


class ReleaseList(_Model):
    releases: list[ReleaseInfo] = Field(description="Newest first.")


class ReleaseFigures(Published):
    """One release: its summary and its per-domain figures for the filters given."""

    info: ReleaseInfo
    summary: Summary
    domains: Domains
