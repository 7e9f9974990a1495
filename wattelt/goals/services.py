"""The one plan of a resident: goals in their own words, life domains, steps and who does them.

Every change of an existing goal or step compares the version the user's form showed with the
one in the database and bumps it (compare-and-set, as in ``measurements.services``). When someone
else saved in between, :class:`Conflict` carries the current record and nothing is written, so
the form can show both. Every change also adds a line to the plan's history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from wattelt.goals import history
from wattelt.goals.domains import find_domain
from wattelt.models import (
    GOAL_STATUSES,
    GOAL_WEIGHTS,
    Goal,
    GoalDomain,
    NetworkMember,
    Organisation,
    Resident,
    Step,
    User,
    utcnow,
)
from wattelt.models.goal import GOAL_TEXT_MAX, STEP_TEXT_MAX
from wattelt.residents.services import active_organisation_ids, coaches_of


class Conflict(Exception):
    """Someone else changed the record since the form was opened; ``current`` is how it is now."""

    def __init__(self, current: object | None):
        super().__init__("changed meanwhile")
        self.current = current


class GoalClosed(Exception):
    """The goal was closed (reached or stopped) meanwhile; steps are added to open goals only."""

    def __init__(self, goal: Goal):
        super().__init__("goal is closed")
        self.goal = goal


class NotInPlan(ValueError):
    """A step was given to someone outside the resident's network and involved organisations."""


# --- who does a step ------------------------------------------------------------------------


@dataclass(frozen=True)
class Helper:
    """Who does a step: the resident, a network member, or an organisation (and professional)."""

    kind: str
    network_member_id: int | None = None
    organisation_id: int | None = None
    professional_id: int | None = None

    @property
    def key(self) -> str:
        """The value of this helper in the form's "who does it" list."""
        if self.kind == "network":
            return f"network-{self.network_member_id}"
        if self.kind == "organisation":
            if self.professional_id:
                return f"professional-{self.professional_id}"
            return f"organisation-{self.organisation_id}"
        return "resident"


RESIDENT = Helper("resident")
_HELPER_KEY = re.compile(r"^(network|organisation|professional)-([1-9][0-9]{0,9})$")


def helper_of(step: Step) -> Helper:
    return Helper(step.helper, step.network_member_id, step.organisation_id, step.professional_id)


@dataclass(frozen=True)
class HelperChoices:
    """Everyone a step of this resident may be given to."""

    network: list[NetworkMember]
    organisations: list[Organisation]
    professionals: list[tuple[User, Organisation]]


def helper_choices(db: Session, resident: Resident) -> HelperChoices:
    """The resident's network and the organisations involved now, with their coaches."""
    network = db.exec(
        select(NetworkMember)
        .where(NetworkMember.resident_id == resident.id)
        .order_by(NetworkMember.display_name)
    ).all()
    organisation_ids = active_organisation_ids(db, resident)
    organisations = db.exec(
        select(Organisation)
        .where(col(Organisation.id).in_(organisation_ids))
        .order_by(Organisation.name)
    ).all()
    by_id = {o.id: o for o in organisations}
    professionals = [(u, by_id[u.organisation_id]) for u in coaches_of(db, organisation_ids)]
    return HelperChoices(list(network), list(organisations), professionals)


def helper_name(db: Session, resident: Resident, helper: Helper) -> str:
    """Who a helper is, in a few words, for the history."""
    if helper.kind == "network":
        member = db.get(NetworkMember, helper.network_member_id)
        return member.display_name if member else "?"
    if helper.kind == "organisation":
        organisation = db.get(Organisation, helper.organisation_id)
        name = organisation.name if organisation else "?"
        professional = db.get(User, helper.professional_id) if helper.professional_id else None
        return f"{professional.display_name} ({name})" if professional else name
    return resident.code


def resolve_helper(db: Session, resident: Resident, key: str | None) -> Helper:
    """The helper a form value names, or :class:`NotInPlan` when it is nobody of this resident."""
    if key == "resident":
        return RESIDENT
    match = _HELPER_KEY.match(key or "")
    if match is None:
        raise NotInPlan(key)
    kind, number = match.group(1), int(match.group(2))
    choices = helper_choices(db, resident)
    if kind == "network" and any(m.id == number for m in choices.network):
        return Helper("network", network_member_id=number)
    if kind == "organisation" and any(o.id == number for o in choices.organisations):
        return Helper("organisation", organisation_id=number)
    if kind == "professional":
        for user, organisation in choices.professionals:
            if user.id == number:
                return Helper(
                    "organisation", organisation_id=organisation.id, professional_id=number
                )
    raise NotInPlan(key)


# --- goals --------------------------------------------------------------------------------------


def _text(value: str | None, limit: int) -> str:
    """Trimmed text; a blank or too long one is refused here too, not only by the form."""
    text = (value or "").strip()
    if not text or len(text) > limit:
        raise ValueError("text is empty or too long")
    return text


def _domains(keys: list[str]) -> list[str]:
    unique = list(dict.fromkeys(keys))
    if not unique or any(find_domain(k) is None for k in unique):
        raise ValueError("a goal needs one or more known life domains")
    return unique


def goal_domains(db: Session, goal_ids: list[int]) -> dict[int, list[str]]:
    """The domain keys of each goal."""
    found: dict[int, list[str]] = {goal_id: [] for goal_id in goal_ids}
    if goal_ids:
        rows = db.exec(
            select(GoalDomain)
            .where(col(GoalDomain.goal_id).in_(goal_ids))
            .order_by(GoalDomain.goal_id, GoalDomain.domain)
        ).all()
        for row in rows:
            found[row.goal_id].append(row.domain)
    return found


def create_goal(
    db: Session,
    resident: Resident,
    user: User,
    *,
    text: str,
    reached_when: str,
    domains: list[str],
    weight: int = 1,
    measurement_id: int | None = None,
) -> Goal:
    if weight not in GOAL_WEIGHTS:
        raise ValueError("weight must be 1, 2 or 3")
    goal = Goal(
        resident_id=resident.id,
        text=_text(text, GOAL_TEXT_MAX),
        reached_when=_text(reached_when, GOAL_TEXT_MAX),
        weight=weight,
        measurement_id=measurement_id,
        organisation_id=user.organisation_id,
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    keys = _domains(domains)
    db.add(goal)
    db.flush()
    db.add_all(GoalDomain(goal_id=goal.id, domain=key) for key in keys)
    history.record(db, resident.id, "goal_added", user, goal_id=goal.id, new=goal.text)
    db.flush()
    # The anonymous figures count goals from the summary of rounds: keep it up to date.
    from wattelt.outcomes import summary

    summary.refresh(db, [resident.id])  # type: ignore[list-item]
    return goal


def update_goal(
    db: Session,
    goal: Goal,
    user: User,
    expected_version: int,
    *,
    text: str,
    reached_when: str,
    domains: list[str],
    weight: int,
    status: str,
) -> Goal:
    """Change a goal unless someone else changed it since ``expected_version``."""
    if weight not in GOAL_WEIGHTS or status not in GOAL_STATUSES:
        raise ValueError("unknown weight or status")
    new = {
        "text": _text(text, GOAL_TEXT_MAX),
        "reached_when": _text(reached_when, GOAL_TEXT_MAX),
        "weight": weight,
        "status": status,
    }
    keys = _domains(domains)
    old = {name: getattr(goal, name) for name in new}
    old_keys = goal_domains(db, [goal.id])[goal.id]
    values = dict(new, updated_by_id=user.id, updated_at=utcnow())
    if status != goal.status:
        values["closed_at"] = None if status == "open" else utcnow()
    compare_and_set(db, Goal, goal, expected_version, values)
    if sorted(keys) != sorted(old_keys):
        db.exec(delete(GoalDomain).where(col(GoalDomain.goal_id) == goal.id))  # type: ignore[call-overload]
        db.add_all(GoalDomain(goal_id=goal.id, domain=key) for key in keys)
        history.record(
            db,
            goal.resident_id,
            "goal_domains",
            user,
            goal_id=goal.id,
            old=", ".join(sorted(old_keys)),
            new=", ".join(sorted(keys)),
        )
    for name, kind in (
        ("text", "goal_text"),
        ("reached_when", "goal_reached_when"),
        ("weight", "goal_weight"),
        ("status", "goal_status"),
    ):
        if old[name] != new[name]:
            history.record(
                db, goal.resident_id, kind, user, goal_id=goal.id, old=old[name], new=new[name]
            )
    db.flush()
    # The anonymous figures count goals from the summary of rounds: keep it up to date.
    from wattelt.outcomes import summary

    summary.refresh(db, [goal.resident_id])  # type: ignore[list-item]
    return goal


def compare_and_set(db: Session, model, record, expected_version: int, values: dict) -> None:
    """Write ``values`` only if the row still has ``expected_version``; else :class:`Conflict`."""
    result = db.exec(
        update(model)  # type: ignore[call-overload]
        .where(col(model.id) == record.id, col(model.version) == expected_version)
        .values(version=expected_version + 1, **values)
    )
    db.refresh(record)
    if result.rowcount != 1:
        raise Conflict(record)


# --- steps --------------------------------------------------------------------------------------


def add_step(
    db: Session,
    resident: Resident,
    goal: Goal,
    user: User,
    *,
    text: str,
    helper_key: str,
    due_on: date | None,
) -> Step:
    db.refresh(goal)
    if goal.status != "open":
        raise GoalClosed(goal)
    helper = resolve_helper(db, resident, helper_key)
    step = Step(
        goal_id=goal.id,
        text=_text(text, STEP_TEXT_MAX),
        helper=helper.kind,
        network_member_id=helper.network_member_id,
        organisation_id=helper.organisation_id,
        professional_id=helper.professional_id,
        due_on=due_on,
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    db.add(step)
    db.flush()
    history.record(
        db, resident.id, "step_added", user, goal_id=goal.id, step_id=step.id, new=step.text
    )
    db.flush()
    return step


def update_step(
    db: Session,
    resident: Resident,
    step: Step,
    user: User,
    expected_version: int,
    *,
    text: str,
    helper_key: str,
    due_on: date | None,
) -> Step:
    """Change what, who and when of a step. A helper who is no longer involved may stay, but a
    step is never given to someone new outside the network and involved organisations."""
    current = helper_of(step)
    helper = current if helper_key == current.key else resolve_helper(db, resident, helper_key)
    new_text = _text(text, STEP_TEXT_MAX)
    old_text, old_due = step.text, step.due_on
    compare_and_set(
        db,
        Step,
        step,
        expected_version,
        {
            "text": new_text,
            "helper": helper.kind,
            "network_member_id": helper.network_member_id,
            "organisation_id": helper.organisation_id,
            "professional_id": helper.professional_id,
            "due_on": due_on,
            "updated_by_id": user.id,
            "updated_at": utcnow(),
        },
    )
    changes = []
    if old_text != new_text:
        changes.append(("step_changed", old_text, new_text))
    if helper != current:
        changes.append(
            ("step_helper", helper_name(db, resident, current), helper_name(db, resident, helper))
        )
    if old_due != due_on:
        changes.append(("step_due", old_due or "", due_on or ""))
    for kind, old, new in changes:
        history.record(
            db, resident.id, kind, user, goal_id=step.goal_id, step_id=step.id, old=old, new=new
        )
    db.flush()
    return step


def set_step_done(
    db: Session, resident: Resident, step: Step, user: User, expected_version: int, done: bool
) -> Step:
    """Tick a step off (or undo that) unless it changed since ``expected_version``."""
    values = {"done_at": utcnow() if done else None, "done_by_id": user.id if done else None}
    compare_and_set(db, Step, step, expected_version, values)
    kind = "step_done" if done else "step_undone"
    history.record(
        db, resident.id, kind, user, goal_id=step.goal_id, step_id=step.id, new=step.text
    )
    db.flush()
    return step


def remove_step(
    db: Session, resident: Resident, step: Step, user: User, expected_version: int
) -> None:
    """Take a step off the plan. It stays in the database and in the history."""
    compare_and_set(
        db, Step, step, expected_version, {"removed_at": utcnow(), "updated_by_id": user.id}
    )
    history.record(
        db, resident.id, "step_removed", user, goal_id=step.goal_id, step_id=step.id, old=step.text
    )
    db.flush()


def steps_of(db: Session, goal_ids: list[int]) -> dict[int, list[Step]]:
    """The steps still on the plan, per goal, in the order they were added."""
    found: dict[int, list[Step]] = {goal_id: [] for goal_id in goal_ids}
    if goal_ids:
        rows = db.exec(
            select(Step)
            .where(col(Step.goal_id).in_(goal_ids), col(Step.removed_at).is_(None))
            .order_by(Step.goal_id, Step.id)
        ).all()
        for step in rows:
            found[step.goal_id].append(step)
    return found


def goals_of(db: Session, resident: Resident) -> list[Goal]:
    """All goals of a resident: open ones first, then the closed ones, each in the order set."""
    return list(
        db.exec(
            select(Goal)
            .where(Goal.resident_id == resident.id)
            .order_by(col(Goal.status) != "open", col(Goal.created_at), col(Goal.id))
        ).all()
    )
