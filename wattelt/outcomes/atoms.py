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
    width = len(names)
    keys = [key for key, _item, _sums in rows]
    values = np.array([sums[:width] for _key, _item, sums in rows], dtype=np.int64)
    return AtomSums(names, keys, values.reshape(len(keys), width))


def resident_atoms(db, scope: Scope) -> AtomSums:
    """Per atom: residents measured (``n``) and measured at least twice (``repeated``)."""
    return _sums(read(db, scope.organisation_ids, "residents"), ("n", "repeated"))


def wish_atoms(db, scope: Scope) -> AtomSums:
    """Per atom and item: residents who said at their first measurement (in their own view)
    that they want to work on it."""
    found: dict[Key, dict[str, int]] = {}
    for key, item, sums in read(db, scope.organisation_ids, "wishes", "resident"):
        found.setdefault(key, {"n": 0})[item] = int(sums[0])
    return AtomSums.from_mapping(found)


def change_atoms(db, scope: Scope, perspective: str) -> dict[str, AtomSums]:
    """Per item and atom, for residents with a numeric answer at the first AND the latest
    measurement (so measured at least twice): the sums behind every per-domain figure."""
    per_item: dict[str, list] = {}
    for row in read(db, scope.organisation_ids, "change", perspective):
        per_item.setdefault(row[1], []).append(row)
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
