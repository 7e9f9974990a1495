"""Where each area of Wattelt declares how to export and how to erase its person-level data.

An area registers once, at import time::

    from wattelt.privacy.registry import register

    register(
        "goals",
        _l("Goals and plan"),
        export=lambda db, resident: [{"goal": ..., "agreed_on": ...}],
        erase=lambda db, resident: ...,
        labels={"goal": _l("Goal"), "agreed_on": _l("Agreed on")},
        order=50,
    )

``export`` returns a list of flat rows (JSON-able values) for the resident; ``erase`` removes or
irreversibly anonymises the area's rows of the resident (free text removed; numbers that the
anonymous figures need may stay). Erasure runs the areas by ``order``, low first, in one
transaction; the accounts go last (order 1000), after every area has let go of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from wattelt.models import Resident

Row = dict[str, Any]
Exporter = Callable[[Session, Resident], list[Row]]
Eraser = Callable[[Session, Resident], None]


@dataclass(frozen=True)
class Area:
    key: str
    title: Any  # a lazy translatable string
    export: Exporter
    erase: Eraser
    labels: dict[str, Any] = field(default_factory=dict)
    order: int = 100


_AREAS: dict[str, Area] = {}


def register(
    key: str,
    title: Any,
    *,
    export: Exporter,
    erase: Eraser,
    labels: dict[str, Any] | None = None,
    order: int = 100,
) -> Area:
    """Declare an area's export and erasure. Registering a key again replaces it (reloads)."""
    area = Area(key, title, export, erase, labels or {}, order)
    _AREAS[key] = area
    return area


def areas() -> list[Area]:
    """Every registered area, in erasure order."""
    from wattelt.privacy import areas as _foundation  # noqa: F401  (registers the foundation's)

    return sorted(_AREAS.values(), key=lambda a: (a.order, a.key))
