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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wattelt.outcomes.atom_table import DISTRIBUTION_VALUES, GRADE_CHANGE_THRESHOLD, read
from wattelt.outcomes.disclosure import AtomSums, Key


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


def _sums(rows, names: Sequence[str]) -> AtomSums:
    """Rows of (key, item, s0, s1, ...) as atoms with the first ``len(names)`` sums."""
    width = len(names)
    keys = [row[:7] for row in rows]
    values = np.array([row[8 : 8 + width] for row in rows], dtype=np.int64)
    return AtomSums(names, keys, values.reshape(len(keys), width))


def resident_atoms(db, scope: Scope) -> AtomSums:
    """Per atom: residents measured (``n``) and measured at least twice (``repeated``)."""
    return _sums(read(db, scope.organisation_ids, "residents"), ("n", "repeated"))


def wish_atoms(db, scope: Scope) -> AtomSums:
    """Per atom and item: residents who said at their first measurement (in their own view)
    that they want to work on it (``n`` is left 0: the residents' blocks carry it)."""
    rows = read(db, scope.organisation_ids, "wishes", "resident")
    items = sorted({row[7] for row in rows})
    column = {item: index + 1 for index, item in enumerate(items)}
    position: dict[Key, int] = {}
    for row in rows:
        position.setdefault(row[:7], len(position))
    values = np.zeros((len(position), len(items) + 1), dtype=np.int64)
    if rows:
        at = [position[row[:7]] for row in rows]
        columns = [column[row[7]] for row in rows]
        values[at, columns] = [row[8] for row in rows]
    return AtomSums(["n", *items], list(position), values)


def change_atoms(db, scope: Scope, perspective: str) -> dict[str, AtomSums]:
    """Per item and atom, for residents with a numeric answer at the first AND the latest
    measurement (so measured at least twice): the sums behind every per-domain figure."""
    per_item: dict[str, list] = {}
    for row in read(db, scope.organisation_ids, "change", perspective):
        per_item.setdefault(row[7], []).append(row)
    return {item: _sums(rows, CHANGE_SUMS) for item, rows in per_item.items()}


__all__ = [
    "CHANGE_SUMS",
    "DISTRIBUTION_VALUES",
    "GRADE_CHANGE_THRESHOLD",
    "Key",
    "Scope",
    "change_atoms",
    "resident_atoms",
    "wish_atoms",
]
