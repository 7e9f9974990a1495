"""How the plan's views reach a resident, a goal and a step: always through the policy layer,
always logged. Consent (a later issue) narrows ``policy.can``, and with it every plan page."""

from __future__ import annotations

from flask import abort
from flask_babel import get_locale
from flask_login import current_user

from wattelt import db
from wattelt.forms import version_of  # noqa: F401 (used by the goal views)
from wattelt.models import Goal, Resident, Step
from wattelt.policy import Action, Capability, log_denied, log_kept, resident_or_404


def language() -> str:
    return str(get_locale() or "nl")


def plan_resident(resident_id: int, action: Action | Capability, what: str) -> Resident:
    return resident_or_404(current_user, resident_id, action, what)


def goal_or_404(resident: Resident, goal_id: int, what: str) -> Goal:
    """A goal of this resident; another resident's goal id answers 404, logged as refused."""
    goal = db.session().get(Goal, goal_id)
    if goal is None or goal.resident_id != resident.id:
        log_denied(current_user, resident.id, what)
        abort(404)
    return goal


def step_or_404(resident: Resident, goal: Goal, step_id: int, what: str) -> Step:
    step = db.session().get(Step, step_id)
    if step is None or step.goal_id != goal.id or step.removed_at is not None:
        log_denied(current_user, resident.id, what)
        abort(404)
    return step


def refused(resident: Resident, what: str) -> None:
    """A refused form (bad input, or someone else's change in between) writes nothing, yet the
    page that answers it shows the plan: keep that view in the access log.

    The page shows the plan as it is in the database, so this request's work is dropped first;
    the view is logged as kept, so the request's failing status does not roll it back."""
    db.session().rollback()
    log_kept(current_user, resident.id, "view", what)
