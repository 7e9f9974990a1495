"""What an area of Wattelt declares about its person-level data: how to export it, how to erase
it, and which tables it covers. The list of all areas is in ``wattelt.privacy.registry``."""

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
    """``export`` returns flat rows (JSON-able values) for the resident; ``erase`` removes or
    irreversibly anonymises the area's rows of the resident (free text removed; numbers that
    the anonymous figures need may stay). ``tables`` names the tables with a ``resident_id``
    whose rows this area exports and erases."""

    key: str
    title: Any  # a lazy translatable string
    export: Exporter
    erase: Eraser
    tables: tuple[str, ...] = ()
    labels: dict[str, Any] = field(default_factory=dict)
    order: int = 100
