"""The aggregates behind every figure: sums per smallest group ("atom") of residents.

An atom is one combination of the filter dimensions - organisation, district, age band, year and
quarter of the first measurement, questionnaire version. Every figure is a sum of these sums.
The database keeps them up to date in ``outcome_atom`` (``wattelt.outcomes.atom_table``: GROUP
BY over the summary of rounds, added by difference whenever a resident's summary changes), so a
request reads a few thousand rows, and Python only adds up blocks of them and finishes means,
intervals and effect sizes from (n, sum, sum of squares).

All sums are of integers, so SQLite and PostgreSQL give identical results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np

from wattelt.outcomes.atom_table import (
    DISTRIBUTION_VALUES,
    GRADE_CHANGE_THRESHOLD,
    NO_BAND,
    NO_ID,
    read,
)
from wattelt.outcomes.disclosure import AtomIndex, AtomSums


@dataclass(frozen=True)
class Scope:
    """Whose residents a viewer's figures are about: the organisations of one chain (or one
    organisation without a chain). Disclosure control always works on the whole scope, so a
    manager's figures are exactly the chain's figures for their organisation."""

    organisation_ids: tuple[int, ...]
    chain_id: int | None = None
    name: str = ""


#: The sums kept per atom and item for the change figures.
CHANGE_SUMS: Sequence[str] = (
    "n",
    "sum_baseline",
    "sum_latest",
    "sum_diff",
    "sum_diff2",
    "improved",
    "same",
    "declined",
    *(f"baseline_{v}" for v in DISTRIBUTION_VALUES),
)


#: How many sums each kind of row of the atom table has (``atom_table``).
WIDTH = {"residents": 2, "wishes": 1, "change": len(CHANGE_SUMS), "goals": 5}
_key_of = itemgetter(0, 1, 2, 3, 4, 5, 6)
_item_of = itemgetter(7)


@dataclass
class Rows:
    """One kind of rows of the atom table as arrays: each row's atom (in the scope's index),
    its item ('' for kinds without items) and its sums."""

    ids: np.ndarray
    items: list[str]
    values: np.ndarray

    def per_item(self) -> dict[str, Rows]:
        """The rows of each item, in the order the items first appear (without their items)."""
        codes = _numbering()
        item_codes = np.fromiter(
            map(codes.__getitem__, self.items), dtype=np.int64, count=len(self.items)
        )
        order = np.argsort(item_codes, kind="stable")
        ends = np.cumsum(np.bincount(item_codes, minlength=len(codes))).tolist()
        found: dict[str, Rows] = {}
        start = 0
        for item, end in zip(codes, ends, strict=True):
            rows = order[start:end]
            found[item] = Rows(self.ids[rows], [], self.values[rows])
            start = end
        return found


@dataclass
class ScopeAtoms:
    """Everything the figures of one scope and perspective read: the atoms in one canonical
    index and the rows of every kind, converted without a Python loop per value."""

    index: AtomIndex
    residents: Rows
    wishes: Rows
    change: Rows
    goals: Rows

    def sums(self, names: Sequence[str], rows: Rows, columns: slice | None = None) -> AtomSums:
        values = rows.values if columns is None else rows.values[:, columns]
        keys = [self.index.keys[i] for i in rows.ids.tolist()]
        return AtomSums(names, keys, values)


def _numbering() -> defaultdict:
    """A map that gives every new key the next number (0, 1, ...) when it is first looked up,
    so ``map(numbers.__getitem__, keys)`` numbers a column without a Python loop."""
    numbers: defaultdict = defaultdict()
    numbers.default_factory = numbers.__len__
    return numbers


def _rows(raw: list, width: int, local: defaultdict) -> tuple[np.ndarray, list[str], np.ndarray]:
    ids = np.fromiter(map(local.__getitem__, map(_key_of, raw)), dtype=np.int64, count=len(raw))
    sums = chain.from_iterable(map(itemgetter(slice(8, 8 + width)), raw))
    values = np.fromiter(sums, dtype=np.int64, count=len(raw) * width).reshape(len(raw), width)
    return ids, list(map(_item_of, raw)), values


def read_scope(db, scope: Scope, perspective: str) -> ScopeAtoms:
    """Read the atom table for a scope: residents, wishes (the resident's own view), change in
    ``perspective`` and goals."""
    local = _numbering()  # the atoms as stored, numbered as they come
    found = {}
    for kind, kind_perspective in (
        ("residents", ""),
        ("wishes", "resident"),
        ("change", perspective),
        ("goals", ""),
    ):
        raw = read(db, scope.organisation_ids, kind, kind_perspective, WIDTH[kind])
        found[kind] = _rows(raw, WIDTH[kind], local)
    # "No district" and "no age band" are stored as NO_ID and NO_BAND; the keys say None.
    keys = [
        (o, None if d == NO_ID else d, None if a == NO_BAND else a, y, q, k, v)
        for o, d, a, y, q, k, v in local
    ]
    index = AtomIndex(keys)
    canonical = index.ids(keys) if keys else np.zeros(0, dtype=np.int64)
    rows = {
        kind: Rows(canonical[ids], items, values) for kind, (ids, items, values) in found.items()
    }
    return ScopeAtoms(index=index, **rows)


def resident_atoms(db, scope: Scope) -> AtomSums:
    """Per atom: residents measured (``n``) and measured at least twice (``repeated``)."""
    found = read_scope(db, scope, "resident")
    return found.sums(("n", "repeated"), found.residents)


def wish_sums(found: ScopeAtoms) -> tuple[tuple[str, ...], np.ndarray]:
    """Per atom of the index (rows) and item (columns after ``n``, which is left 0: the
    residents' blocks carry it): residents who said at their first measurement, in their own
    view, that they want to work on it."""
    wishes = found.wishes
    items = sorted(set(wishes.items))
    column = {item: index + 1 for index, item in enumerate(items)}
    values = np.zeros((len(found.index), len(items) + 1), dtype=np.int64)
    if len(wishes.ids):
        columns = np.fromiter(
            map(column.__getitem__, wishes.items), dtype=np.int64, count=len(wishes.items)
        )
        values[wishes.ids, columns] = wishes.values[:, 0]
    return ("n", *items), values


def wish_atoms(db, scope: Scope) -> AtomSums:
    """Per atom and item: residents who want to work on it (``wish_sums``), atoms with
    wishes only."""
    found = read_scope(db, scope, "resident")
    names, values = wish_sums(found)
    keep = np.nonzero(values[:, 1:].any(axis=1))[0]
    return AtomSums(names, [found.index.keys[i] for i in keep.tolist()], values[keep])


def change_atoms(db, scope: Scope, perspective: str) -> dict[str, AtomSums]:
    """Per item and atom, for residents with a numeric answer at the first AND the latest
    measurement (so measured at least twice): the sums behind every per-domain figure."""
    found = read_scope(db, scope, perspective)
    return {item: found.sums(CHANGE_SUMS, rows) for item, rows in found.change.per_item().items()}


__all__ = [
    "CHANGE_SUMS",
    "DISTRIBUTION_VALUES",
    "GRADE_CHANGE_THRESHOLD",
    "Rows",
    "Scope",
    "ScopeAtoms",
    "change_atoms",
    "read_scope",
    "resident_atoms",
    "wish_atoms",
    "wish_sums",
]
