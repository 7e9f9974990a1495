"""Published figures for a filter, and groups side by side.

Every number here is finished from sums over whole blocks (``disclosure``); means, the 95%
confidence interval of the mean change and d_z come from (n, sum, sum of squares) through
``wattelt.scoring.stats``, exactly as the person's report computes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from wattelt.models import OVERALL
from wattelt.outcomes import atoms, goals
from wattelt.outcomes.dimensions import AGE_BANDS, PERSPECTIVE_LABELS, Filters, Options
from wattelt.outcomes.disclosure import (
    YEAR,
    BlockSet,
    blocks_of_families,
    blocks_of_ids,
    published,
)
from wattelt.outcomes.results import (
    AppliedFilters,
    Comparison,
    Count,
    DistributionShare,
    Figures,
    FilterValue,
    Group,
    ItemFigures,
    Wish,
)
from wattelt.questionnaires.loader import registry
from wattelt.scoring.stats import moments_from_sums, paired_change_from_moments

AGE_BAND_LABELS = {
    "0-17": _l("Under 18"),
    "18-26": _l("18 to 26"),
    "27-44": _l("27 to 44"),
    "45-66": _l("45 to 66"),
    "67+": _l("67 and older"),
}
assert set(AGE_BAND_LABELS) == {key for key, _low, _high in AGE_BANDS}


@dataclass(frozen=True)
class ItemInfo:
    key: str
    title: str
    kind: Literal["domain", "grade"]
    scale_min: int
    scale_max: int
    change_threshold: int


def items_for(questionnaire: tuple[str, int] | None, language: str) -> list[ItemInfo]:
    """The life domains (then the overall grade) of one questionnaire version, or of all of them
    (the default questionnaire's order first) when none is chosen."""
    found = registry()
    if questionnaire is not None:
        chosen = [found.get(*questionnaire)]
    else:
        default = found.default()
        chosen = [default] + [q for q in found.all() if q is not default]
    items: dict[str, ItemInfo] = {}
    titles: set[str] = set()
    for q in chosen:
        for domain in q.all_domains:
            if domain.key in items:
                continue
            title = domain.title.get(language)
            if title in titles:
                # Two questionnaires may name different domains alike; charts need one label each.
                title = f"{title} ({q.key})"
            titles.add(title)
            items.setdefault(
                domain.key,
                ItemInfo(
                    domain.key,
                    title,
                    "domain",
                    q.scale.minimum,
                    q.scale.maximum,
                    q.scale.change_threshold,
                ),
            )
    first = chosen[0]
    grade = ItemInfo(
        OVERALL,
        first.grade.title.get(language),
        "grade",
        first.grade.min,
        first.grade.max,
        atoms.GRADE_CHANGE_THRESHOLD,
    )
    return [*items.values(), grade]


@dataclass
class Families:
    """The blocks of every family for one scope and perspective (independent of the filters)."""

    residents: BlockSet
    wishes: BlockSet
    items: dict[str, BlockSet]
    goals: BlockSet
    gas: BlockSet
    #: The year of the first first measurement counted in the scope (None: none yet).
    first_year: int | None = None


#: For the figures' few large GROUP BY queries on PostgreSQL, in the request's transaction only:
#: no JIT compilation (it cost more than the queries themselves) and memory to group in a hash
#: table instead of sorting on disk.
POSTGRESQL_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'")


def families(db: Session, scope: atoms.Scope, perspective: str, k: int) -> Families:
    connection = db.connection()
    if connection.dialect.name == "postgresql":
        for setting in POSTGRESQL_SETTINGS:
            connection.exec_driver_sql(setting)
    found = atoms.read_scope(db, scope, perspective)
    index = found.index
    resident_blocks = blocks_of_ids(
        ("n", "repeated"), found.residents.ids, found.residents.values, k, index
    )
    wish_names, wish_values = atoms.wish_sums(found)
    goal_rows = found.goals
    per_item = found.change.per_item()
    item_blocks = blocks_of_families(
        atoms.CHANGE_SUMS, [(rows.ids, rows.values) for rows in per_item.values()], k, index
    )
    return Families(
        residents=resident_blocks,
        wishes=resident_blocks.with_values(
            wish_names, np.arange(len(index), dtype=np.int64), wish_values
        ),
        items=dict(zip(per_item, item_blocks, strict=True)),
        goals=blocks_of_ids(
            goals.GOAL_SUMS, goal_rows.ids, goal_rows.values[:, goals.GOAL_COLUMNS], k, index
        ),
        gas=blocks_of_ids(
            goals.GAS_SUMS, goal_rows.ids, goal_rows.values[:, goals.GAS_COLUMNS], k, index
        ),
        first_year=min((y for y in index.values[YEAR] if y is not None), default=None),
    )


def _count(sums: dict | None, name: str) -> Count:
    if sums is None:
        return Count(value=None, suppressed=True)
    return Count(value=sums.get(name, 0), suppressed=False)


def finish_item(info: ItemInfo, sums: dict | None) -> ItemFigures:
    values = range(info.scale_min, info.scale_max + 1)
    empty = {
        "n": None,
        "baseline_mean": None,
        "latest_mean": None,
        "change_mean": None,
        "change_ci_low": None,
        "change_ci_high": None,
        "d_z": None,
        "improved": None,
        "same": None,
        "declined": None,
    }
    common = {
        "key": info.key,
        "title": info.title,
        "kind": info.kind,
        "scale_min": info.scale_min,
        "scale_max": info.scale_max,
        "change_threshold": info.change_threshold,
    }
    if sums is None or not sums.get("n"):
        return ItemFigures(
            **common,
            **empty,
            suppressed=True,
            baseline_distribution=[DistributionShare(value=v, share=None) for v in values],
        )
    n = sums["n"]
    mean_diff, sd_diff = moments_from_sums(n, sums["sum_diff"], sums["sum_diff2"])
    change = paired_change_from_moments(n, mean_diff, sd_diff)
    return ItemFigures(
        **common,
        suppressed=False,
        n=n,
        baseline_mean=sums["sum_baseline"] / n,
        latest_mean=sums["sum_latest"] / n,
        change_mean=change.mean_diff,
        change_ci_low=change.ci_low,
        change_ci_high=change.ci_high,
        d_z=change.d_z,
        improved=sums["improved"] / n,
        same=sums["same"] / n,
        declined=sums["declined"] / n,
        baseline_distribution=[
            DistributionShare(value=v, share=sums.get(f"baseline_{v}", 0) / n) for v in values
        ],
    )


def applied(filters: Filters, options: Options) -> AppliedFilters:
    def value(v, label) -> FilterValue | None:
        return None if v is None else FilterValue(value=str(v), label=str(label))

    q = filters.questionnaire
    return AppliedFilters(
        organisation=value(
            filters.organisation_id, options.organisations.get(filters.organisation_id or -1, "")
        ),
        district=value(filters.district_id, options.districts.get(filters.district_id or -1, "")),
        age_band=value(filters.age_band, AGE_BAND_LABELS.get(filters.age_band or "", "")),
        period=value(
            filters.period.key if filters.period else None,
            filters.period.key if filters.period else "",
        ),
        questionnaire=value(
            f"{q[0]}-{q[1]}" if q else None, options.questionnaires.get(q, "") if q else ""
        ),
        perspective=FilterValue(
            value=filters.perspective, label=str(PERSPECTIVE_LABELS[filters.perspective])
        ),
    )


def _items(fam: Families, filters: Filters, language: str) -> list[ItemFigures]:
    return [
        finish_item(info, published(fam.items.get(info.key, []), filters))
        for info in items_for(filters.questionnaire, language)
    ]


def _wishes(fam: Families, filters: Filters, language: str) -> list[Wish]:
    sums = published(fam.wishes, filters)
    wishes = []
    for info in items_for(filters.questionnaire, language):
        if info.kind != "domain":
            continue
        if sums is None:
            wishes.append(Wish(key=info.key, title=info.title, suppressed=True, share=None))
        else:
            share = sums.get(info.key, 0) / sums["n"]
            wishes.append(Wish(key=info.key, title=info.title, suppressed=False, share=share))
    return sorted(wishes, key=lambda w: (w.share is None, -(w.share or 0)))


def figures(
    db: Session,
    scope: atoms.Scope,
    options: Options,
    filters: Filters,
    k: int,
    language: str,
    fam: Families | None = None,
) -> Figures:
    """Everything the dashboard shows for one filter."""
    fam = fam or families(db, scope, filters.perspective, k)
    residents = published(fam.residents, filters)
    return Figures(
        k=k,
        scope=scope.name,
        filters=applied(filters, options),
        residents=_count(residents, "n"),
        measured_twice=_count(residents, "repeated"),
        items=_items(fam, filters, language),
        wishes=_wishes(fam, filters, language),
        goals=goals.finish(published(fam.goals, filters), published(fam.gas, filters)),
    )


def compare(
    db: Session,
    scope: atoms.Scope,
    options: Options,
    filters: Filters,
    by: Literal["organisation", "district"],
    k: int,
    language: str,
    fam: Families | None = None,
) -> Comparison:
    """The same figures for every organisation (or district) side by side, with the total."""
    fam = fam or families(db, scope, filters.perspective, k)
    if by == "organisation":
        field_name, choices = "organisation_id", options.organisations
        # A manager's comparison has only their own organisation; its "total" is the same.
        total_filters = (
            filters if options.fixed_organisation_id else filters.but(organisation_id=None)
        )
    else:
        field_name, choices = "district_id", options.districts
        total_filters = filters.but(district_id=None)

    def group(group_id: int | None, name: str, group_filters: Filters) -> Group:
        residents = published(fam.residents, group_filters)
        return Group(
            id=group_id,
            name=name,
            residents=_count(residents, "n"),
            measured_twice=_count(residents, "repeated"),
            items=_items(fam, group_filters, language),
        )

    groups = [
        group(group_id, name, filters.but(**{field_name: group_id}))
        for group_id, name in choices.items()
    ]
    return Comparison(
        k=k,
        scope=scope.name,
        by=by,
        filters=applied(total_filters, options),
        total=group(None, str(_l("All")), total_filters),
        groups=groups,
    )
