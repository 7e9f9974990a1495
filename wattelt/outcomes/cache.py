"""The blocks of a scope, kept between requests while the data behind them is unchanged.

Building the blocks is the expensive part of every figure (reading the sums per atom and
dividing them into blocks); the filters, the comparisons, the API and the exports all finish
their numbers from the same blocks. So each worker keeps the blocks of the last few (scope,
perspective, k) it computed, together with a *version* of the data: a number that every refresh
of the summary raises in its own transaction (one row, read by its key). Every change that can
alter a figure - a completed or corrected measurement, a new counting choice, changed details, a
goal set, changed or scored, an erasure - refreshes the resident's summary and so changes the
version, and the next request builds the blocks anew. A withdrawn consent therefore still drops
the resident from the very next figure.

``WATTELT_FIGURES_CACHE`` sets how many entries a worker keeps (0 turns the cache off).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlmodel import Session

from wattelt.outcomes import atom_table


def data_version(db: Session) -> int:
    """The version of the sums per atom (one row, read by its key): every refresh of some
    residents' summary raises it in its own transaction, so it changes exactly when the sums
    behind the figures may have changed, as soon as that change is committed."""
    return atom_table.version(db)


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
