"""When a resident is due for their next round.

The next round is due ``follow_up_months`` (the organisation's interval) after the latest
completed one. A resident without any round is due now. "Due" means within the coming
:data:`DUE_SOON_DAYS` days (or now); "overdue" means the due date has passed.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Literal

from wattelt import clock

DUE_SOON_DAYS = 30

DueStatus = Literal["never", "overdue", "due", "later"]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier, for negative months); the 31st of a month
    without one becomes its last day (31 August + 6 months = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def as_date(moment: datetime | date | None) -> date | None:
    """The local day of a stored moment (``WATTELT_TIMEZONE``), not the day in UTC."""
    if moment is None:
        return None
    return clock.local_date(moment)


def next_due(last_round: datetime | date | None, months: int) -> date | None:
    """The due date of the next round; None when there is no round yet (due now)."""
    last = as_date(last_round)
    return None if last is None else add_months(last, months)


def due_status(due: date | None, today: date, soon_days: int = DUE_SOON_DAYS) -> DueStatus:
    if due is None:
        return "never"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=soon_days):
        return "due"
    return "later"


def rounds_before(today: date, months: int, within_days: int | None = None) -> date:
    """For filtering in SQL on the date of the latest round: a resident whose latest round is
    *before* the returned date is overdue (``within_days=None``), or due within ``within_days``
    days or overdue.

    Exact around month ends, because it searches with :func:`add_months` itself instead of
    inverting it (which the clamping to a month's last day makes impossible)."""
    if within_days is None:

        def counts(day: date) -> bool:
            return add_months(day, months) < today

        limit = today
    else:
        limit = today + timedelta(days=within_days)

        def counts(day: date) -> bool:
            return add_months(day, months) <= limit

    # A week before the inverse: add_months(day, months) is then at least four days before
    # ``limit`` (clamping at month ends shifts it by three days at most), so it counts.
    day = add_months(limit, -months) - timedelta(days=7)
    while counts(day):
        day += timedelta(days=1)
    return day
