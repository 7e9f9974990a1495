"""The one list of areas whose person-level data the resident's export and erasure cover.

Each area is declared where its data lives (an :class:`~wattelt.privacy.area.Area` constant) and
listed here, so export and erasure never depend on which packages happen to be imported.
Erasure runs the areas by ``order``, low first, in one transaction; the accounts go last (order
1000), after every area has let go of them.

Every table with a ``resident_id`` is covered by an area or named in :data:`KEPT` with the
reason it stays (a test holds the list to the models).
"""

from __future__ import annotations

from wattelt.goals.privacy import AREA as PLAN
from wattelt.notices.services import AREA as NOTICES
from wattelt.privacy.area import Area, Row
from wattelt.privacy.areas import FOUNDATION

__all__ = ["AREAS", "KEPT", "Area", "Row", "areas"]

AREAS: tuple[Area, ...] = tuple(
    sorted((*FOUNDATION, PLAN, NOTICES), key=lambda a: (a.order, a.key))
)

#: Tables with a ``resident_id`` that no area erases, and why.
KEPT: dict[str, str] = {
    "access_log": "who looked at whose data: kept as proof, it holds no answers or free text",
    "erasure_request": "the record that erasure was asked, approved and carried out",
    "outcome_resident": "the summary behind the anonymous figures: recomputed from what is left",
    "outcome_item": "the summary behind the anonymous figures: recomputed from what is left",
}


def areas() -> list[Area]:
    """Every area, in erasure order."""
    return list(AREAS)
