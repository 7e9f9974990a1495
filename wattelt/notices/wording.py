"""What a notice says: in easy words for the resident (short sentences, names, the date in
words), and in short for professionals. Worded when shown, so it follows the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _

from wattelt import clock
from wattelt.models import Notice


@dataclass(frozen=True)
class Shown:
    """A notice as one reader sees it."""

    id: int
    at: datetime
    text: str


def _named(name: str, organisation: str) -> str:
    """``Mila Jansen (MEE)``; just the name when there is no organisation."""
    return f"{name} ({organisation})" if name and organisation else name


def _day(at: datetime, with_year: bool) -> str:
    return format_date(at, "d MMMM yyyy" if with_year else "d MMMM")


def for_resident(notice: Notice) -> str:
    # The year only when it is not this year: "3 december".
    when = _day(notice.at, clock.local(notice.at).year != clock.today().year)
    by = notice.by_name or "Wattelt"
    new = _named(notice.about, notice.about_organisation)
    old = _named(notice.previous, notice.previous_organisation)
    if notice.kind == "case_director":
        if new and old:
            return _(
                "You have a new case director: %(new)s. They look after your plan. "
                "Before, that was %(old)s. %(by)s changed this on %(date)s.",
                new=new,
                old=old,
                by=by,
                date=when,
            )
        if new:
            return _(
                "You have a new case director: %(new)s. They look after your plan. "
                "%(by)s changed this on %(date)s.",
                new=new,
                by=by,
                date=when,
            )
        return _(
            "You have no case director now. Before, that was %(old)s. "
            "%(by)s changed this on %(date)s.",
            old=old,
            by=by,
            date=when,
        )
    if notice.kind == "involvement_ended":
        return _(
            "%(organisation)s no longer helps you. %(by)s changed this on %(date)s.",
            organisation=notice.about,
            by=by,
            date=when,
        )
    if notice.kind == "login_link":
        return _(
            "A new link to log in was made. It is for you. %(by)s made it on %(date)s.",
            by=by,
            date=when,
        )
    return _(
        "A new link to log in was made. It is for %(name)s. %(by)s made it on %(date)s.",
        name=notice.about,
        by=by,
        date=when,
    )


def for_professional(notice: Notice) -> str:
    when = _day(notice.at, with_year=True)
    by = _named(notice.by_name, notice.by_organisation) or "Wattelt"
    new = _named(notice.about, notice.about_organisation)
    old = _named(notice.previous, notice.previous_organisation)
    if notice.kind == "case_director":
        if new and old:
            return _(
                "Case director changed from %(old)s to %(new)s by %(by)s on %(date)s.",
                old=old,
                new=new,
                by=by,
                date=when,
            )
        if new:
            return _(
                "Case director set to %(new)s by %(by)s on %(date)s.", new=new, by=by, date=when
            )
        return _(
            "No case director any more (was %(old)s), by %(by)s on %(date)s.",
            old=old,
            by=by,
            date=when,
        )
    if notice.kind == "involvement_ended":
        return _(
            "%(organisation)s stopped working with the resident; ended by %(by)s on %(date)s.",
            organisation=notice.about,
            by=by,
            date=when,
        )
    if notice.kind == "login_link":
        return _("New login link for the resident, made by %(by)s on %(date)s.", by=by, date=when)
    return _(
        "New login link for %(name)s (network), made by %(by)s on %(date)s.",
        name=notice.about,
        by=by,
        date=when,
    )
