"""The resident's own plan and the plan a network member helps with, in easy language.

Both read the whole plan; the resident ticks off the steps that are theirs, and a network member
only the steps given to them. Nothing else can be changed here."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import select

from wattelt import db
from wattelt.goals import bp, presenting
from wattelt.goals.access import language
from wattelt.goals.routes_goals import tick
from wattelt.goals.routes_plan import render_sheet
from wattelt.models import Goal, NetworkMember, Resident, Role, Step
from wattelt.policy import (
    Action,
    is_resident,
    log_access,
    log_denied,
    may_tick_step,
    require_role,
    resident_or_404,
)


def _own_resident_id() -> int | None:
    session = db.session()
    if is_resident(current_user):
        return session.exec(
            select(Resident.id).where(Resident.account_id == current_user.id)
        ).first()
    return session.exec(
        select(NetworkMember.resident_id).where(NetworkMember.user_id == current_user.id)
    ).first()


def _own_resident(what: str) -> Resident | None:
    resident_id = _own_resident_id()
    if resident_id is None:
        return None
    return resident_or_404(current_user, resident_id, Action.VIEW, what)


@bp.route("/my-plan")
@require_role(Role.RESIDENT, Role.NETWORK)
def my_plan():
    resident = _own_resident("own plan")
    view = (
        presenting.plan_view(db.session(), resident, current_user, language()) if resident else None
    )
    return render_template("goals/own_plan.html", view=view)


@bp.route("/my-plan/print")
@require_role(Role.RESIDENT, Role.NETWORK)
def my_plan_print():
    resident = _own_resident("own plan print")
    if resident is None:
        return redirect(url_for("goals.my_plan"))
    return render_sheet(resident, url_for("goals.my_plan"))


@bp.route("/my-plan/steps/<id:step_id>/done", methods=["POST"])
@require_role(Role.RESIDENT, Role.NETWORK)
def my_step_done(step_id: int):
    """Tick off one's own step. Anything else (another's step, another resident's) is 404."""
    session = db.session()
    what = "own step done"
    step = session.get(Step, step_id)
    goal = session.get(Goal, step.goal_id) if step else None
    resident = session.get(Resident, goal.resident_id) if goal else None
    if resident is None or not may_tick_step(session, current_user, step, resident):
        log_denied(current_user, resident.id if resident else None, what)
        abort(404)
    log_access(current_user, resident.id, "change", what)
    tick(resident, step)
    return redirect(url_for("goals.my_plan") + f"#step-{step.id}"), 303
