"""The blocks of a scope, kept between requests while the data behind them is unchanged.

Building the blocks is the expensive part of every figure (a few GROUP BY queries over the
summary of rounds); the filters, the comparisons, the API and the exports all finish their
numbers from the same blocks. So each worker keeps the blocks of the last few (scope,
perspective, k) it computed, together with a *version* of the data: one cheap query for the
number of rows and the newest change in every table the figures read. Any change that can alter
a figure - a completed or corrected measurement, a new counting choice, changed details or an
erasure (all of which refresh ``outcome_resident``), a goal set or changed, a goal scored -
changes the version, and the next request builds the blocks anew. A withdrawn consent therefore
still drops the resident from the very next figure.

``WATTELT_FIGURES_CACHE`` sets how many entries a worker keeps (0 turns the cache off).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import func, select
from sqlmodel import Session, col

from wattelt.models import Goal, GoalScore, OutcomeResident


def data_version(db: Session) -> tuple:
    """Row counts and newest changes of the tables behind the figures, in one round trip."""

    def stamp(model, changed) -> list:
        return [
            select(func.count()).select_from(model).scalar_subquery(),
            select(func.max(changed)).scalar_subquery(),
        ]

    query = select(
        *stamp(OutcomeResident, col(OutcomeResident.refreshed_at)),
        *stamp(Goal, col(Goal.updated_at)),
        *stamp(GoalScore, col(GoalScore.scored_at)),
    )
    return tuple(db.connection().execute(query).one())


class BlocksCache:
    """A small least-recently-used map from (scope, perspective, k, data version) to blocks."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_build(self, key: Hashable, build: Callable[[], object]) -> object:
        if self.size <= 0:
            return build()
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        value = build()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
