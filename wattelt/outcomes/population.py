"""Which residents may be counted in the anonymous figures: the one place that decides.

Every aggregate (dashboard, API, exports, benchmarks) selects its residents through
:func:`countable_residents`, so a rule added here holds everywhere at once.

Today: every resident with at least one completed measurement (exactly the residents in the
summary table ``outcome_resident``). The resident's consent to be counted anonymously narrows
this further once consent is recorded: add its condition here, e.g.
``.where(col(OutcomeResident.resident_id).in_(consent.countable_resident_ids()))``.
"""

from __future__ import annotations

from sqlalchemy import Select
from sqlmodel import col, select

from wattelt.models import OutcomeResident


def countable_residents() -> Select:
    """A SELECT of the ids of the residents that may be counted."""
    return select(col(OutcomeResident.resident_id))
