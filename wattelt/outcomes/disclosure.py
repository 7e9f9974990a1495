"""Disclosure control: no published number ever rests on fewer than k residents, and no two (or
more) published numbers together reveal anything about fewer than k residents.

The method: blocks
------------------
1. **Coarse categories only.** Residents are described by organisation (the one that registered
   them, so organisations do not overlap), district, a fixed age band, the year and quarter of
   the first measurement and the questionnaire version. Every filter is "all" or exactly one of
   these values: no ranges, no lists, no months, no exact dates.

2. **Blocks of at least k residents.** For every kind of figure ("family": residents measured;
   per life domain and perspective, the residents with a first and a latest answer) the
   residents of the viewer's whole scope (the chain) are divided into *blocks* of at least k
   residents, before any filter is applied:

   * start from the finest groups (every combination of the categories, an *atom*);
   * a group of at least k residents becomes a block;
   * the residents left over are grouped again with one category made coarser, in a fixed
     order: quarter -> year -> (no period) -> (no questionnaire) -> (no age band) ->
     (no district) -> (no organisation); every group of at least k becomes a block;
   * whatever is left at the end (fewer than k) joins the smallest block, which then keeps no
     category at all.

   A block carries only the categories its members share. A block that lost its age band
   counts in figures for "all age bands" only, never in those for one age band; and so on.

3. **A figure is the sum over whole blocks.** The figure for a filter adds up the blocks that
   lie wholly inside the filter. When no block does, the figure is suppressed: "fewer than k
   residents". Counts, means, shares, intervals and effect sizes all come from these sums.

Why differencing cannot work
----------------------------
Every published number of a family is a function of the sums of a set of whole blocks, and the
blocks do not depend on the filter. Any difference or combination of published numbers - "all
districts" minus "all but one", a total minus the visible cells of a comparison, a year minus
three of its quarters, the chain minus one organisation - is therefore again a sum over whole
blocks, and each block holds at least k residents. A group of fewer than k residents never
appears as a difference, because it is never a union of blocks. The same holds for the per-domain
counts: each domain has its own blocks, built only from the residents who answered it.

To keep different figures from being played off against each other, every value is published on
one population only: all per-domain figures (first-measurement distribution and mean, latest
mean, change, interval, d_z, improved / same / declined) are about the residents with a numeric
answer at both their first and latest measurement, never a second time for another group.

What this costs: with few residents, fine filters (one age band, one quarter) often show
"fewer than k", and the figures for a filter may leave out residents whose block is coarser than
the filter (they are counted in the wider figures). The dashboard says so. Figures change when
new measurements come in; comparing two moments in time is outside this method (the figures show
no dates finer than a quarter).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from wattelt.outcomes.atoms import Key
from wattelt.outcomes.dimensions import Filters


class _Any:
    """A category a block has given up (shared by none of its levels)."""

    _instance: _Any | None = None

    def __new__(cls) -> _Any:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "*"


ANY = _Any()

# Positions in a key: organisation, district, age band, year, quarter, questionnaire key, version.
ORGANISATION, DISTRICT, AGE, YEAR, QUARTER, Q_KEY, Q_VERSION = range(7)
#: The order in which categories are given up for residents left over (see the module text).
LADDER: list[frozenset[int]] = [
    frozenset(),
    frozenset({QUARTER}),
    frozenset({QUARTER, YEAR}),
    frozenset({QUARTER, YEAR, Q_KEY, Q_VERSION}),
    frozenset({QUARTER, YEAR, Q_KEY, Q_VERSION, AGE}),
    frozenset({QUARTER, YEAR, Q_KEY, Q_VERSION, AGE, DISTRICT}),
    frozenset(range(7)),
]


def generalise(key: Key, dropped: frozenset[int]) -> Key:
    if not dropped:
        return key
    return tuple(ANY if i in dropped else part for i, part in enumerate(key))


def _part_order(part) -> tuple:
    # None (no district) and ANY sort apart from real values, so the order is total and stable.
    if part is None:
        return (0, 0, "")
    if part is ANY:
        return (1, 0, "")
    if isinstance(part, int):
        return (2, part, "")
    return (3, 0, str(part))


def _order(key: Key) -> tuple:
    return tuple(map(_part_order, key))


@dataclass
class Block:
    key: Key
    atoms: list[Key] = field(default_factory=list)
    sums: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.sums.get("n", 0)

    def add(self, sums: Mapping[str, int]) -> None:
        for name, value in sums.items():
            self.sums[name] = self.sums.get(name, 0) + value


class Ladder:
    """Every atom's key at every step of the ladder, and the atoms' canonical order, worked out
    once and shared by the blocks of all families (they have mostly the same atoms)."""

    def __init__(self) -> None:
        self._steps: dict[Key, list[Key]] = {}
        self._order: dict[Key, tuple] = {}

    def steps(self, key: Key) -> list[Key]:
        found = self._steps.get(key)
        if found is None:
            found = self._steps[key] = [generalise(key, dropped) for dropped in LADDER]
        return found

    def order(self, key: Key) -> tuple:
        found = self._order.get(key)
        if found is None:
            found = self._order[key] = _order(key)
        return found


def make_blocks(
    atoms: Mapping[Key, Mapping[str, int]], k: int, ladder: Ladder | None = None
) -> list[Block]:
    """Divide the atoms (with their sums, ``n`` = residents) into blocks of at least k."""
    if k < 1:
        raise ValueError("k must be positive")
    ladder = ladder or Ladder()
    # One canonical order of the atoms makes the result independent of the order of the rows;
    # groups then follow the order of their first atom (dicts keep insertion order).
    remaining = sorted(
        (key for key, sums in atoms.items() if sums.get("n", 0) > 0), key=ladder.order
    )
    blocks: list[Block] = []
    for step in range(len(LADDER)):
        if not remaining:
            break
        groups: dict[Key, list[Key]] = {}
        for key in remaining:
            groups.setdefault(ladder.steps(key)[step], []).append(key)
        remaining = []
        for group_key, members in groups.items():
            if sum(atoms[m]["n"] for m in members) >= k:
                block = Block(group_key)
                for member in members:
                    block.atoms.append(member)
                    block.add(atoms[member])
                blocks.append(block)
            else:
                remaining.extend(members)
    if remaining:
        if not blocks:
            return []  # fewer than k residents in the whole scope: nothing can be shown
        smallest = min(blocks, key=lambda b: (b.n, _order(b.key)))
        smallest.key = generalise(smallest.key, LADDER[-1])
        for member in remaining:
            smallest.atoms.append(member)
            smallest.add(atoms[member])
    return blocks


def attach(blocks: Iterable[Block], atoms: Mapping[Key, Mapping[str, int]]) -> list[Block]:
    """Blocks with the same members, carrying other sums of those atoms (e.g. wishes per domain
    counted on the blocks of residents measured)."""
    result = []
    for block in blocks:
        copy = Block(block.key, list(block.atoms))
        copy.sums["n"] = block.n
        for member in block.atoms:
            copy.add(atoms.get(member, {}))
        result.append(copy)
    return result


def matcher(filters: Filters) -> Callable[[Key], bool]:
    """A test for "does a block with this key lie wholly inside the filtered population?"."""
    checks: list[tuple[int, object]] = []
    if filters.organisation_id is not None:
        checks.append((ORGANISATION, filters.organisation_id))
    if filters.district_id is not None:
        checks.append((DISTRICT, filters.district_id))
    if filters.age_band is not None:
        checks.append((AGE, filters.age_band))
    if filters.questionnaire is not None:
        checks += [(Q_KEY, filters.questionnaire[0]), (Q_VERSION, filters.questionnaire[1])]
    period = filters.period

    def test(key: Key) -> bool:
        # ANY never equals a real value, so a block that gave a category up fails its filter.
        for position, value in checks:
            if key[position] != value:
                return False
        if period is not None:
            year = None if key[YEAR] is ANY else key[YEAR]
            quarter = None if key[QUARTER] is ANY else key[QUARTER]
            return period.contains(year, quarter)
        return True

    return test


def inside(key: Key, filters: Filters) -> bool:
    """Does a block with this key lie wholly inside the filtered population?"""
    return matcher(filters)(key)


def published(
    blocks: Iterable[Block], filters: Filters, where: Callable[[Key], bool] | None = None
) -> dict[str, int] | None:
    """The sums over the blocks inside the filter, or None (suppressed) when there are none."""
    total: dict[str, int] = {}
    found = False
    test = matcher(filters)
    for block in blocks:
        if test(block.key) and (where is None or where(block.key)):
            found = True
            for name, value in block.sums.items():
                total[name] = total.get(name, 0) + value
    return total if found else None
