"""The one clock of Wattelt: what time and day it is *here*.

Wattelt stores moments in UTC (``wattelt.models.utcnow``). Everything a person sees, and every
day boundary (what "today" is, a date filter, "on which day"), uses the local time zone of the
installation, ``WATTELT_TIMEZONE`` (default ``Europe/Amsterdam``): use :func:`today`,
:func:`now` and :func:`local` instead of ``date.today()`` or ``datetime.now()``, which follow
the server's own zone (often UTC), and format in templates with Flask-Babel's
``format_date``/``format_datetime``, which convert to the same zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Amsterdam"


def zone_named(name: str) -> ZoneInfo:
    """The time zone called ``name``; ``ValueError`` for a name that does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def zone() -> ZoneInfo:
    """The installation's time zone (the default one outside the app, such as in a script)."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return zone_named(name or DEFAULT_TIMEZONE)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def now() -> datetime:
    """The local time, time zone aware."""
    return _utc_now().astimezone(zone())


def today() -> date:
    """The local day: what a coach or resident calls today."""
    return now().date()


def local(moment: datetime) -> datetime:
    """A stored moment in local time (a moment without a zone is UTC, as Wattelt stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def local_date(moment: datetime | date) -> date:
    """The local day of a stored moment (a date stays as it is)."""
    return local(moment).date() if isinstance(moment, datetime) else moment


def day_start(day: date) -> datetime:
    """The moment (in UTC) the local ``day`` begins: the boundary of a date filter."""
    return datetime.combine(day, time.min, tzinfo=zone()).astimezone(UTC)
