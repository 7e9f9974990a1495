"""The plan in the resident's export and erasure (see wattelt/privacy/registry.py).

Erasure removes every text of the plan (goals in the resident's own words, steps, the next
appointment, the history) and every link to a person, and keeps what the anonymous figures
count: per goal its status, weight, life domains, organisation and its scores (-2..+2) at
completed measurements. It runs before the network and measurements areas, which delete the
network members and the unfinished measurements that steps and scores may point to.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from wattelt.models import (
    Goal,
    GoalDomain,
    GoalScore,
    Measurement,
    NetworkMember,
    Organisation,
    Plan,
    PlanChange,
    Resident,
    Step,
)
from wattelt.privacy.area import Area, Row
from wattelt.privacy.areas import _iso, _name


def _export(db: Session, resident: Resident) -> list[Row]:
    goals = db.exec(
        select(Goal).where(Goal.resident_id == resident.id).order_by(col(Goal.id))
    ).all()
    rows: list[Row] = []
    for goal in goals:
        domains = db.exec(select(GoalDomain.domain).where(GoalDomain.goal_id == goal.id)).all()
        scores = db.exec(
            select(GoalScore.score, Measurement.completed_at)
            .join(Measurement, col(Measurement.id) == GoalScore.measurement_id)
            .where(GoalScore.goal_id == goal.id)
            .order_by(col(Measurement.completed_at))
        ).all()
        organisation = db.get(Organisation, goal.organisation_id) if goal.organisation_id else None
        rows.append(
            {
                "kind": "goal",
                "text": goal.text,
                "reached_when": goal.reached_when,
                "life_domains": ", ".join(sorted(domains)),
                "status": goal.status,
                "weight": goal.weight,
                "organisation": organisation.name if organisation else None,
                "agreed_on": _iso(goal.created_at),
                "scores": ", ".join(f"{_iso(at)}: {score:+d}" for score, at in scores),
                "who": None,
                "when": None,
                "done_on": None,
            }
        )
        steps = db.exec(
            select(Step)
            .where(Step.goal_id == goal.id, col(Step.removed_at).is_(None))
            .order_by(col(Step.id))
        ).all()
        for step in steps:
            member = (
                db.get(NetworkMember, step.network_member_id) if step.network_member_id else None
            )
            helper_org = (
                db.get(Organisation, step.organisation_id) if step.organisation_id else None
            )
            who = {
                "resident": "me",
                "network": member.display_name if member else None,
            }.get(step.helper)
            if who is None:
                who = _name(db, step.professional_id) or (helper_org.name if helper_org else None)
            rows.append(
                {
                    "kind": "step",
                    "text": step.text,
                    "reached_when": None,
                    "life_domains": None,
                    "status": "done" if step.done_at else "open",
                    "weight": None,
                    "organisation": None,
                    "agreed_on": _iso(step.created_at),
                    "scores": None,
                    "who": who,
                    "when": _iso(step.due_on),
                    "done_on": _iso(step.done_at),
                }
            )
    return rows


def _erase(db: Session, resident: Resident) -> None:
    goal_ids = select(Goal.id).where(Goal.resident_id == resident.id)
    unfinished = select(Measurement.id).where(
        Measurement.resident_id == resident.id, Measurement.status != "completed"
    )
    db.exec(delete(PlanChange).where(col(PlanChange.resident_id) == resident.id))
    db.exec(delete(Plan).where(col(Plan.resident_id) == resident.id))
    db.exec(delete(Step).where(col(Step.goal_id).in_(goal_ids)))
    db.exec(
        delete(GoalScore).where(
            col(GoalScore.goal_id).in_(goal_ids), col(GoalScore.measurement_id).in_(unfinished)
        )
    )
    db.exec(update(GoalScore).where(col(GoalScore.goal_id).in_(goal_ids)).values(scored_by_id=None))
    db.exec(
        update(Goal)
        .where(col(Goal.resident_id) == resident.id)
        .values(text="", reached_when="", created_by_id=None, updated_by_id=None)
    )
    db.exec(
        update(Goal)
        .where(col(Goal.resident_id) == resident.id, col(Goal.measurement_id).in_(unfinished))
        .values(measurement_id=None)
    )


AREA = Area(
    "goals",
    _l("Your plan"),
    export=_export,
    erase=_erase,
    tables=("goal", "plan", "plan_change"),
    labels={
        "kind": _l("Goal or step"),
        "text": _l("What"),
        "reached_when": _l("How you know you made it"),
        "life_domains": _l("Life domains"),
        "status": _l("Status"),
        "weight": _l("Weight"),
        "organisation": _l("Organisation"),
        "agreed_on": _l("Since"),
        "scores": _l("Scores"),
        "who": _l("Who does it"),
        "when": _l("When"),
        "done_on": _l("Done on"),
    },
    order=25,
)
