"""Which residents may be counted in the anonymous figures: the one place that decides.

Every aggregate (dashboard, API, exports, benchmarks) selects its residents through
:func:`countable_residents`, so a rule added here holds everywhere at once.

Counted: every resident with at least one completed measurement (exactly the residents in the
summary table ``outcome_resident``) whose newest choice about anonymous counting is yes. A
withdrawn consent drops the resident from the very next figure.
"""

from __future__ import annotations

from sqlalchemy import Select
from sqlmodel import col, select

from wattelt.consent.services import counted_residents
from wattelt.models import OutcomeResident


def countable_residents() -> Select:
    """A SELECT of the ids of the residents that may be counted."""
    return select(col(OutcomeResident.resident_id)).where(
        col(OutcomeResident.resident_id).in_(counted_residents())
    )
