"""Which residents may be counted in the anonymous figures: the one place that decides.

Every aggregate (dashboard, API, exports, benchmarks) selects its residents through
:func:`countable`, so a rule added here holds everywhere at once.

Counted: every resident with at least one completed measurement (exactly the residents in the
summary table ``outcome_resident``) whose newest choice about anonymous counting is yes
(``wattelt.consent.services.counted_residents``). The summary keeps that choice in its
``counted`` column and is refreshed in the same transaction as every new choice, so a withdrawn
consent drops the resident from the very next figure.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlmodel import col

from wattelt.models import OutcomeResident


def countable() -> ColumnElement[bool]:
    """A condition on ``outcome_resident``: this resident may be counted."""
    return col(OutcomeResident.counted).is_(True)
