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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from wattelt.outcomes.dimensions import Filters

#: An atom's or block's categories: (organisation, district, age band, year, quarter,
#: questionnaire key, questionnaire version).
Key = tuple


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


class AtomSums:
    """Sums per atom, as the database returned them: the atoms' keys and one row of integer
    sums per atom (columns ``names``; ``names[0]`` is ``"n"``, the residents)."""

    def __init__(self, names: Sequence[str], keys: list[Key], values: np.ndarray) -> None:
        if names[0] != "n":
            raise ValueError("the first sum is the number of residents, n")
        self.names = tuple(names)
        self.keys = keys
        self.values = values.reshape(len(keys), len(self.names)).astype(np.int64, copy=False)

    @classmethod
    def from_mapping(cls, atoms: Mapping[Key, Mapping[str, int]]) -> AtomSums:
        names = ["n"]
        for sums in atoms.values():
            names += [name for name in sums if name not in names]
        keys = list(atoms)
        values = np.array(
            [[atoms[key].get(name, 0) for name in names] for key in keys], dtype=np.int64
        )
        return cls(names, keys, values)

    def __len__(self) -> int:
        return len(self.keys)

    def items(self):
        for key, row in zip(self.keys, self.values.tolist(), strict=True):
            yield key, dict(zip(self.names, row, strict=True))


class AtomIndex:
    """Every atom of a scope in one canonical order, with its group at every step of the
    ladder - worked out once and shared by the blocks of all families (they have mostly the
    same atoms)."""

    def __init__(self, keys: Iterable[Key]) -> None:
        unique = list(set(keys))
        #: Per category: its values in canonical order (``_part_order``), and each one's code.
        self.values: list[list] = []
        self.codes: list[dict] = []
        for position in range(7):
            found = sorted({key[position] for key in unique}, key=_part_order)
            self.values.append(found)
            self.codes.append({value: code for code, value in enumerate(found)})
        parts = np.zeros((len(unique), 7), dtype=np.int64)
        for position, column in enumerate(zip(*unique, strict=True)):
            parts[:, position] = np.fromiter(
                map(self.codes[position].__getitem__, column), dtype=np.int64, count=len(unique)
            )
        # Sorting by the codes, category by category, is sorting by ``_order``.
        order = np.lexsort(parts.T[::-1]) if len(unique) else np.zeros(0, dtype=np.int64)
        self.keys: list[Key] = [unique[i] for i in order.tolist()]
        self._position: dict[Key, int] | None = None
        count = len(self.keys)
        parts = parts[order]
        #: Per step of the ladder: each atom's group, each group's categories as codes (-1: given
        #: up) and its (generalised) key. Groups are numbered in the order of their first atom.
        self.groups: list[np.ndarray] = []
        self.group_parts: list[np.ndarray] = []
        self._group_first: list[np.ndarray] = []  # each group's first atom
        self._group_keys: dict[tuple[int, int], Key] = {}
        # One integer per combination of codes (mixed radix; a given-up category is 0), so that
        # grouping is a one-dimensional unique.
        radix = [len(codes) + 1 for codes in self.codes]
        for dropped in LADDER:
            general = parts.copy()
            general[:, sorted(dropped)] = -1
            combined = np.zeros(count, dtype=np.int64)
            for position in range(7):
                combined = combined * radix[position] + (general[:, position] + 1)
            if count:
                _unique, first, inverse = np.unique(
                    combined, return_index=True, return_inverse=True
                )
            else:
                first = inverse = np.zeros(0, dtype=np.int64)
            order = np.argsort(first, kind="stable")
            number = np.empty(len(order), dtype=np.int64)
            number[order] = np.arange(len(order))
            self.groups.append(number[inverse.reshape(-1)])
            self.group_parts.append(general[first[order]])
            self._group_first.append(first[order])

    def __len__(self) -> int:
        return len(self.keys)

    def group_key(self, step: int, group: int) -> Key:
        """The (generalised) key of a group at a step of the ladder; past the last step: the
        key that keeps no category."""
        found = self._group_keys.get((step, group))
        if found is None:
            if step >= len(LADDER):
                found = generalise(self.keys[0], LADDER[-1])
            else:
                atom = int(self._group_first[step][group])
                found = generalise(self.keys[atom], LADDER[step])
            self._group_keys[(step, group)] = found
        return found

    @property
    def position(self) -> dict[Key, int]:
        if self._position is None:
            self._position = {key: index for index, key in enumerate(self.keys)}
        return self._position

    def ids(self, keys: Sequence[Key]) -> np.ndarray:
        """Each key's atom in this index (every key must be one of its atoms)."""
        return np.fromiter(map(self.position.__getitem__, keys), dtype=np.int64, count=len(keys))


class BlockSet(Sequence[Block]):
    """The blocks of one family: a key per block, the block of every atom, and the sums per
    block as an integer matrix, so a figure for a filter is one masked sum."""

    def __init__(
        self,
        names: tuple[str, ...],
        keys: list[Key] | tuple[np.ndarray, np.ndarray],
        atom_ids: np.ndarray,
        block_of: np.ndarray,
        stage: np.ndarray,
        sums: np.ndarray,
        parts: np.ndarray | None = None,
        index: AtomIndex | None = None,
    ) -> None:
        self.names = names
        self.parts = parts  # blocks x 7 category codes of ``index`` (-1: given up)
        self.index = index
        #: The blocks' keys, or per block its (step of the ladder, group) to make them from.
        self._keys = keys
        self.count = len(keys) if isinstance(keys, list) else len(keys[0])
        self.atom_ids = atom_ids  # the atoms (in ``index``), in canonical order
        self.block_of = block_of  # per atom: its block
        self.stage = stage  # per atom: the step of the ladder that placed it (for the order)
        self.sums = sums  # blocks x names
        self._blocks: list[Block] | None = None
        self._periods: tuple[list[tuple], np.ndarray] | None = None

    @classmethod
    def empty(cls, names: tuple[str, ...]) -> BlockSet:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(names, [], nothing, nothing, nothing, np.zeros((0, len(names)), dtype=np.int64))

    @property
    def keys(self) -> list[Key]:
        if not isinstance(self._keys, list):
            steps, groups = self._keys
            index = self.index
            assert index is not None
            self._keys = [
                index.group_key(step, group)
                for step, group in zip(steps.tolist(), groups.tolist(), strict=True)
            ]
        return self._keys

    @property
    def atom_keys(self) -> list[Key]:
        if self.index is None:
            return []
        return [self.index.keys[i] for i in self.atom_ids.tolist()]

    # The blocks as objects, for tests and tools; the figures use the arrays.
    def _materialise(self) -> list[Block]:
        if self._blocks is None:
            blocks = [Block(key) for key in self.keys]
            for row, block in zip(self.sums.tolist(), blocks, strict=True):
                block.sums = dict(zip(self.names, row, strict=True))
            atom_keys = self.atom_keys
            order = np.lexsort((np.arange(len(atom_keys)), self.stage))
            for index in order.tolist():
                blocks[int(self.block_of[index])].atoms.append(atom_keys[index])
            self._blocks = blocks
        return self._blocks

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):  # type: ignore[override]
        return self._materialise()[index]

    def __iter__(self):
        return iter(self._materialise())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list | BlockSet):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def with_values(self, names: Sequence[str], ids: np.ndarray, values: np.ndarray) -> BlockSet:
        """The same blocks carrying other sums (columns ``names``) of atoms of the index given
        by ``ids`` (-1 or atoms outside these blocks are left out); ``n`` stays the blocks'."""
        columns = [index for index, name in enumerate(names) if name != "n"]
        names = ("n", *(names[index] for index in columns))
        per_atom = np.zeros((len(self.atom_ids), len(names)), dtype=np.int64)
        if self.index is not None and len(ids) and columns:
            where = np.full(len(self.index) + 1, -1, dtype=np.int64)  # the last: for id -1
            where[self.atom_ids] = np.arange(len(self.atom_ids))
            found = where[ids]
            keep = found >= 0
            per_atom[found[keep], 1:] = values[keep][:, columns]
        sums = _sum_by_block(self.block_of, per_atom, self.count)
        sums[:, 0] = self.sums[:, 0]
        return BlockSet(
            names,
            self._keys,
            self.atom_ids,
            self.block_of,
            self.stage,
            sums,
            self.parts,
            self.index,
        )

    def mask(self, filters: Filters) -> np.ndarray:
        """Which blocks lie wholly inside the filtered population."""
        parts, index = self.parts, self.index
        if parts is None or index is None:  # no blocks at all
            return np.zeros(self.count, dtype=bool)
        mask = np.ones(len(parts), dtype=bool)
        for position, value in _checks(filters):
            code = index.codes[position].get(value)
            if code is None:
                return np.zeros(len(parts), dtype=bool)
            mask &= parts[:, position] == code
        if filters.period is not None and len(parts):
            if self._periods is None:
                pairs, inverse = np.unique(parts[:, [YEAR, QUARTER]], axis=0, return_inverse=True)
                years, quarters = index.values[YEAR], index.values[QUARTER]
                self._periods = (
                    [
                        (None if y < 0 else years[y], None if q < 0 else quarters[q])
                        for y, q in pairs.tolist()
                    ],
                    inverse.reshape(-1),
                )
            pairs_list, period_codes = self._periods
            period = filters.period
            inside_period = np.array([period.contains(y, q) for y, q in pairs_list], dtype=bool)
            mask &= inside_period[period_codes]
        return mask

    def published(self, filters: Filters) -> dict[str, int] | None:
        mask = self.mask(filters)
        if not mask.any():
            return None
        totals = self.sums[mask].sum(axis=0).tolist()
        return dict(zip(self.names, totals, strict=True))


def _sum_by_block(block_of: np.ndarray, values: np.ndarray, blocks: int) -> np.ndarray:
    if not blocks or not len(block_of):
        return np.zeros((blocks, values.shape[1]), dtype=np.int64)
    order = np.argsort(block_of, kind="stable")
    starts = np.searchsorted(block_of[order], np.arange(blocks))
    if np.any(np.diff(np.append(starts, len(order))) == 0):  # a block without atoms
        sums = np.zeros((blocks, values.shape[1]), dtype=np.int64)
        np.add.at(sums, block_of, values)
        return sums
    return np.add.reduceat(values[order], starts, axis=0)


def make_blocks(
    atoms: Mapping[Key, Mapping[str, int]] | AtomSums, k: int, index: AtomIndex | None = None
) -> BlockSet:
    """Divide the atoms (with their sums, ``n`` = residents) into blocks of at least k."""
    if not isinstance(atoms, AtomSums):
        atoms = AtomSums.from_mapping(atoms)
    present = atoms.values[:, 0] > 0
    keys = [key for key, keep in zip(atoms.keys, present.tolist(), strict=True) if keep]
    if index is None:
        index = AtomIndex(keys)
    return blocks_of_ids(atoms.names, index.ids(keys), atoms.values[present], k, index)


def blocks_of_ids(
    names: Sequence[str], ids: np.ndarray, values: np.ndarray, k: int, index: AtomIndex
) -> BlockSet:
    """The blocks of atoms given by their ``ids`` in ``index`` (each at most once), with one
    row of sums per atom in ``values`` (columns ``names``; ``names[0]`` is ``"n"``)."""
    return blocks_of_families(names, [(ids, values)], k, index)[0]


def blocks_of_families(
    names: Sequence[str],
    families: Sequence[tuple[np.ndarray, np.ndarray]],
    k: int,
    index: AtomIndex,
) -> list[BlockSet]:
    """The blocks of several families with the same sums (e.g. every life domain) at once:
    for each, (ids of its atoms in ``index``, one row of sums per atom). Each family's blocks
    are exactly those it would get alone; grouping all of them together only saves work."""
    if k < 1:
        raise ValueError("k must be positive")
    names = tuple(names)
    count = len(families)
    width = len(names)
    family = np.concatenate(
        [np.full(len(ids), f, dtype=np.int64) for f, (ids, _v) in enumerate(families)]
        or [np.zeros(0, dtype=np.int64)]
    )
    ids = np.concatenate([ids for ids, _v in families] or [np.zeros(0, dtype=np.int64)])
    values = np.concatenate(
        [v.reshape(len(i), width) for i, v in families] or [np.zeros((0, width), np.int64)]
    ).astype(np.int64, copy=False)
    present = values[:, 0] > 0
    family, ids, values = family[present], ids[present], values[present]
    # One canonical order of the atoms (per family) makes the result independent of the order
    # of the rows; groups then follow the order of their first atom.
    order = np.lexsort((ids, family))
    family, ids, values = family[order], ids[order], values[order]
    n = values[:, 0]
    block_of = np.full(len(ids), -1, dtype=np.int64)
    stage = np.zeros(len(ids), dtype=np.int64)
    # Per block (numbered over all families, in the order they are made): family, step, group.
    block_family: list[np.ndarray] = []
    block_step: list[np.ndarray] = []
    block_group: list[np.ndarray] = []
    block_parts: list[np.ndarray] = [np.zeros((0, 7), dtype=np.int64)]
    made = 0
    remaining = np.arange(len(ids))
    for step in range(len(LADDER)):
        if remaining.size == 0:
            break
        groups = index.groups[step][ids[remaining]]
        per_family = len(index.group_parts[step])
        combined = family[remaining] * per_family + groups
        unique, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        totals = np.bincount(inverse, weights=n[remaining], minlength=len(unique))
        big = np.nonzero(totals >= k)[0]
        big = big[np.argsort(first[big], kind="stable")]  # by family, then first atom
        numbers = np.full(len(unique), -1, dtype=np.int64)
        numbers[big] = np.arange(made, made + len(big))
        made += len(big)
        block_family.append(unique[big] // per_family)
        block_group.append(unique[big] % per_family)
        block_step.append(np.full(len(big), step, dtype=np.int64))
        block_parts.append(index.group_parts[step][unique[big] % per_family])
        placed = numbers[inverse]
        done = placed >= 0
        block_of[remaining[done]] = placed[done]
        stage[remaining[done]] = step
        remaining = remaining[~done]
    nothing = np.zeros(0, dtype=np.int64)
    owner = np.concatenate(block_family or [nothing])
    steps = np.concatenate(block_step or [nothing])
    group_of = np.concatenate(block_group or [nothing])
    parts = np.concatenate(block_parts)
    empty: set[int] = set()
    if remaining.size:
        placed = block_of >= 0
        sizes = np.bincount(block_of[placed], weights=n[placed], minlength=made)
        for f in np.unique(family[remaining]).tolist():
            left = remaining[family[remaining] == f]
            own = np.nonzero(owner == f)[0]
            if not len(own):
                # Fewer than k residents in the whole scope: nothing can be shown.
                empty.add(f)
                continue
            # What is left joins the smallest block (ties: the first in canonical order of
            # their keys), which then keeps no category at all.
            candidates = own[sizes[own] == sizes[own].min()].tolist()
            smallest = min(
                candidates, key=lambda b: _order(index.group_key(int(steps[b]), int(group_of[b])))
            )
            steps[smallest] = len(LADDER)
            parts[smallest] = -1
            block_of[left] = smallest
            stage[left] = len(LADDER)
    sums = _sum_by_block(block_of, values, made)
    # Each family's share: its rows (contiguous, as sorted) and its blocks, numbered anew.
    local = np.zeros(made, dtype=np.int64)
    row_ends = np.searchsorted(family, np.arange(count + 1))
    result: list[BlockSet] = []
    for f in range(count):
        if f in empty:
            result.append(BlockSet.empty(names))
            continue
        own = np.nonzero(owner == f)[0]
        local[own] = np.arange(len(own))
        rows = slice(int(row_ends[f]), int(row_ends[f + 1]))
        result.append(
            BlockSet(
                names,
                (steps[own], group_of[own]),
                ids[rows],
                local[block_of[rows]],
                stage[rows],
                sums[own],
                parts[own],
                index,
            )
        )
    return result


def _checks(filters: Filters) -> list[tuple[int, object]]:
    checks: list[tuple[int, object]] = []
    if filters.organisation_id is not None:
        checks.append((ORGANISATION, filters.organisation_id))
    if filters.district_id is not None:
        checks.append((DISTRICT, filters.district_id))
    if filters.age_band is not None:
        checks.append((AGE, filters.age_band))
    if filters.questionnaire is not None:
        checks += [(Q_KEY, filters.questionnaire[0]), (Q_VERSION, filters.questionnaire[1])]
    return checks


def matcher(filters: Filters) -> Callable[[Key], bool]:
    """A test for "does a block with this key lie wholly inside the filtered population?"."""
    checks = _checks(filters)
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


def published(blocks: Iterable[Block], filters: Filters) -> dict[str, int] | None:
    """The sums over the blocks inside the filter, or None (suppressed) when there are none."""
    if isinstance(blocks, BlockSet):
        return blocks.published(filters)
    total: dict[str, int] = {}
    found = False
    test = matcher(filters)
    for block in blocks:
        if test(block.key):
            found = True
            for name, value in block.sums.items():
                total[name] = total.get(name, 0) + value
    return total if found else None
