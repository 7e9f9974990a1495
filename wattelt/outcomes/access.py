"""Who sees which anonymous figures.

* policymaker: the chain of their organisation (an account without one sees nothing);
* manager: their own organisation, computed within its chain (so a manager's figures are exactly
  the chain's figures for that organisation);
* everyone else (coach, resident, network member, admin): nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from wattelt import clock
from wattelt.models import Chain, District, Organisation, User
from wattelt.outcomes.atoms import Scope
from wattelt.outcomes.dimensions import Options
from wattelt.policy import may_see_dashboard, reads_as_organisation
from wattelt.questionnaires.loader import registry


class NoScope(Exception):
    """The account has no chain or organisation to show figures for."""


@dataclass(frozen=True)
class View:
    scope: Scope
    options: Options


def view_for(db: Session, user: User, language: str = "nl") -> View:
    """The scope and the filter options of a policymaker or manager; raises NoScope otherwise."""
    if not may_see_dashboard(user) or user.organisation_id is None:
        raise NoScope
    own = db.get(Organisation, user.organisation_id)
    if own is None:
        raise NoScope
    chain = db.get(Chain, own.chain_id) if own.chain_id is not None else None
    members = (
        list(
            db.exec(
                select(Organisation)
                .where(Organisation.chain_id == chain.id)
                .order_by(Organisation.name, Organisation.id)
            ).all()
        )
        if chain is not None
        else [own]
    )
    scope = Scope(
        organisation_ids=tuple(o.id for o in members),  # type: ignore[misc]
        chain_id=chain.id if chain else None,
        name=chain.name if chain else own.name,
    )
    manager = reads_as_organisation(user)
    shown = [own] if manager else members
    districts = db.exec(select(District).order_by(District.municipality, District.name)).all()
    questionnaires = {
        (q.key, q.version): f"{q.title.get(language)} (v{q.version})" for q in registry().all()
    }
    return View(
        scope,
        Options(
            organisations={o.id: o.name for o in shown},  # type: ignore[misc]
            districts={d.id: d.name for d in districts},  # type: ignore[misc]
            questionnaires=questionnaires,
            fixed_organisation_id=own.id if manager else None,
        ),
    )


def period_keys(first_year: int | None, today: date | None = None) -> list[str]:
    """Years and quarters a period filter can take: from the first year with a first
    measurement counted in the scope's figures (at most ten years back) to this year, newest
    first."""
    today = today or clock.today()
    start = max(first_year or today.year, today.year - 10)
    keys: list[str] = []
    for year in range(today.year, start - 1, -1):
        keys.append(str(year))
        keys += [f"{year}-Q{q}" for q in range(4, 0, -1)]
    return keys
