"""The first, plain-Python version of the blocks (``wattelt.outcomes.disclosure``), kept as a
reference: the arrays the dashboard now uses must give exactly the same blocks and sums."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wattelt.outcomes.disclosure import LADDER, Key, _order, generalise


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


def published(blocks, filters) -> dict[str, int] | None:
    from wattelt.outcomes.disclosure import inside

    total: dict[str, int] = {}
    found = False
    for block in blocks:
        if inside(block.key, filters):
            found = True
            for name, value in block.sums.items():
                total[name] = total.get(name, 0) + value
    return total if found else None
