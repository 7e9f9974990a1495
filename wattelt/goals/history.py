"""The plan's history: who changed what, and when, visible to the professionals involved.

A line keeps the old and new value in short (at most :data:`SHORT` characters): enough to see
what changed, without copying whole texts around; the plan itself holds the full text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from wattelt.models import Goal, Organisation, PlanChange, User, utcnow

SHORT = 120

#: What a history line says happened, by kind.
KINDS = {
    "goal_added": _l("Goal added"),
    "goal_text": _l("Goal changed"),
    "goal_reached_when": _l("When the goal is reached: changed"),
    "goal_domains": _l("Life domains changed"),
    "goal_weight": _l("Weight changed"),
    "goal_status": _l("Goal status changed"),
    "goal_score": _l("Goal scored"),
    "step_added": _l("Step added"),
    "step_changed": _l("Step changed"),
    "step_helper": _l("Who does a step changed"),
    "step_due": _l("Date of a step changed"),
    "step_done": _l("Step done"),
    "step_undone": _l("Step not done after all"),
    "step_removed": _l("Step removed"),
    "appointment": _l("Next appointment changed"),
    "case_director": _l("Case director changed"),
}


def short(text: str | None, limit: int = SHORT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def record(
    db: Session,
    resident_id: int,
    kind: str,
    user: User,
    *,
    goal_id: int | None = None,
    step_id: int | None = None,
    old: object = "",
    new: object = "",
    at: datetime | None = None,
) -> None:
    """Add one line to the history, in the caller's transaction (``at``: now)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of plan change: {kind}")
    db.add(
        PlanChange(
            resident_id=resident_id,
            goal_id=goal_id,
            step_id=step_id,
            kind=kind,
            old=short(str(old) if old is not None else ""),
            new=short(str(new) if new is not None else ""),
            user_id=user.id,
            organisation_id=user.organisation_id,
            at=at or utcnow(),
        )
    )


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    kind: str
    what: str
    goal: str | None
    old: str
    new: str
    who: str | None
    organisation: str | None


def lines(db: Session, resident_id: int, limit: int | None = None) -> list[HistoryLine]:
    """The history, newest first."""
    query = (
        select(PlanChange, User.display_name, Organisation.name, Goal.text)
        .join(User, col(User.id) == PlanChange.user_id, isouter=True)
        .join(Organisation, col(Organisation.id) == PlanChange.organisation_id, isouter=True)
        .join(Goal, col(Goal.id) == PlanChange.goal_id, isouter=True)
        .where(PlanChange.resident_id == resident_id)
        .order_by(col(PlanChange.at).desc(), col(PlanChange.id).desc())
    )
    if limit:
        query = query.limit(limit)
    return [
        HistoryLine(
            at=change.at,
            kind=change.kind,
            what=str(KINDS.get(change.kind, change.kind)),
            goal=short(goal_text, 60) if goal_text else None,
            old=change.old,
            new=change.new,
            who=who,
            organisation=organisation,
        )
        for change, who, organisation, goal_text in db.exec(query).all()
    ]
