"""Writing goals (from a measurement's "I want to work on this", or any time) and their steps.

Coaches of every involved organisation may write in the plan. A form that is refused keeps what
the user typed; a form that someone else's change overtook shows that change beside it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from wattelt import db
from wattelt.forms import choices
from wattelt.goals import bp, domains, presenting, scores, services
from wattelt.goals.access import (
    goal_or_404,
    language,
    plan_resident,
    refused,
    step_or_404,
    version_of,
)
from wattelt.goals.forms import GoalEditForm, GoalForm, StepDoneForm, StepForm, StepVersionForm
from wattelt.models import Goal, Measurement, Role, User
from wattelt.policy import log_denied, may_change_plan, require_role
from wattelt.residents.forms import RELATION_LABELS


def _plan_url(resident, anchor: str = "") -> str:
    return url_for("goals.plan_page", resident_id=resident.id) + (f"#{anchor}" if anchor else "")


def _latest_measurement(resident) -> Measurement | None:
    measurements = scores.completed_measurements(db.session(), resident.id)
    return measurements[-1] if measurements else None


def _who_changed(record) -> str:
    user = db.session().get(User, record.updated_by_id) if record.updated_by_id else None
    return user.display_name if user else "?"


# --- goals ------------------------------------------------------------------------------------


@bp.route("/measurements/<id:measurement_id>/goals", methods=["GET", "POST"])
@require_role(Role.COACH)
def from_measurement(measurement_id: int):
    measurement = db.session().get(Measurement, measurement_id)
    if measurement is None:
        log_denied(current_user, None, "goals from measurement")
        abort(404)
    resident = plan_resident(measurement.resident_id, may_change_plan, "goals from measurement")
    if measurement.status != "completed":
        flash(_("Finish the measurement first. Then you can make goals from it."), "error")
        return redirect(url_for("measurements.summary", measurement_id=measurement.id))
    return _new_goal(resident, measurement)


@bp.route("/residents/<id:resident_id>/plan/goals/new", methods=["GET", "POST"])
@require_role(Role.COACH)
def new_goal(resident_id: int):
    resident = plan_resident(resident_id, may_change_plan, "goal add")
    return _new_goal(resident, None)


def _new_goal(resident, measurement: Measurement | None):
    session = db.session()
    lang = language()
    wanted = presenting.wanted_domains(session, measurement) if measurement else {}
    made = (
        session.exec(
            select(Goal).where(Goal.measurement_id == measurement.id).order_by(col(Goal.id))
        ).all()
        if measurement
        else []
    )
    # A wish is covered by an open goal, or by a goal made from this measurement already.
    covered = presenting.open_goal_domains(session, resident) | {
        key
        for keys in services.goal_domains(session, [g.id for g in made]).values()
        for key in keys
    }
    listed = domains.choosable(measurement or _latest_measurement(resident))
    listed = [d for d in listed if d.key in wanted] + [d for d in listed if d.key not in wanted]
    form = GoalForm()
    form.domains.choices = choices((d.key, d.title.get(lang)) for d in listed)
    if request.method == "GET":
        # One goal at a time: the first wanted domain without a goal is ticked already.
        form.domains.data = [k for k in wanted if k not in covered][:1]
    elif form.validate_on_submit():
        goal = services.create_goal(
            session,
            resident,
            current_user,
            text=form.text.data,
            reached_when=form.reached_when.data,
            domains=form.domains.data,
            weight=int(form.weight.data),
            measurement_id=measurement.id if measurement else None,
        )
        flash(_("The goal is saved. You can add its steps on the plan."), "success")
        if measurement is not None:
            return redirect(url_for("goals.from_measurement", measurement_id=measurement.id))
        return redirect(_plan_url(resident, f"goal-{goal.id}"))
    else:
        refused(resident, "goal add")
    return render_template(
        "goals/goal_form.html",
        form=form,
        resident=resident,
        measurement=measurement,
        wanted=[(domains.label(k, lang), note, k in covered) for k, note in wanted.items()],
        made=made,
        wanted_keys=set(wanted),
    ), 400 if form.errors else 200


@bp.route("/residents/<id:resident_id>/plan/goals/<id:goal_id>", methods=["GET", "POST"])
@require_role(Role.COACH)
def edit_goal(resident_id: int, goal_id: int):
    resident = plan_resident(resident_id, may_change_plan, "goal change")
    goal = goal_or_404(resident, goal_id, "goal change")
    session = db.session()
    lang = language()
    keys = services.goal_domains(session, [goal.id])[goal.id]
    source = session.get(Measurement, goal.measurement_id) if goal.measurement_id else None
    listed = domains.choosable(source or _latest_measurement(resident), keep=keys)
    form = GoalEditForm()
    form.domains.choices = choices((d.key, d.title.get(lang)) for d in listed)
    conflict = False
    if request.method == "GET":
        form.text.data, form.reached_when.data = goal.text, goal.reached_when
        form.domains.data, form.weight.data = keys, str(goal.weight)
        form.status.data, form.version.data = goal.status, goal.version
    else:
        if form.validate_on_submit():
            try:
                services.update_goal(
                    session,
                    goal,
                    current_user,
                    version_of(form.version.data),
                    text=form.text.data,
                    reached_when=form.reached_when.data,
                    domains=form.domains.data,
                    weight=int(form.weight.data),
                    status=form.status.data,
                )
            except services.Conflict:
                conflict = True
            else:
                flash(_("The goal is saved."), "success")
                return redirect(_plan_url(resident, f"goal-{goal.id}"))
        refused(resident, "goal change")
        if conflict:
            # The form keeps what this user typed; saving again puts it over the other change.
            form.version.data = goal.version
    return render_template(
        "goals/goal_form.html",
        form=form,
        resident=resident,
        goal=goal,
        conflict=conflict,
        current_domains=[
            domains.label(k, lang) for k in services.goal_domains(session, [goal.id])[goal.id]
        ],
        changed_by=_who_changed(goal) if conflict else None,
    ), 409 if conflict else (400 if form.errors else 200)


# --- steps ------------------------------------------------------------------------------------


def _helper_choices(form: StepForm, resident) -> None:
    """Who may do a step, in groups: the resident, their network, the organisations that help."""
    found = services.helper_choices(db.session(), resident)
    groups: dict[str, list[tuple[str, str]]] = {
        _("The resident"): [("resident", _("The resident (%(code)s)", code=resident.code))]
    }
    if found.network:
        groups[_("Network")] = [
            (
                services.Helper("network", network_member_id=m.id).key,
                _(
                    "%(name)s (%(relation)s)",
                    name=m.display_name,
                    relation=RELATION_LABELS.get(m.relation, m.relation),
                ),
            )
            for m in found.network
        ]
    helpers = [
        (services.Helper("organisation", organisation_id=o.id).key, o.name)
        for o in found.organisations
    ]
    helpers += [
        (
            services.Helper("organisation", organisation_id=o.id, professional_id=u.id).key,
            _("%(name)s (%(organisation)s)", name=u.display_name, organisation=o.name),
        )
        for u, o in found.professionals
    ]
    if helpers:
        groups[_("Organisations that help")] = helpers
    form.helper.choices = groups


def _not_in_plan() -> str:
    return _("Choose the resident, someone from their network or an organisation that helps them.")


@bp.route("/residents/<id:resident_id>/plan/goals/<id:goal_id>/steps/new", methods=["GET", "POST"])
@require_role(Role.COACH)
def new_step(resident_id: int, goal_id: int):
    resident = plan_resident(resident_id, may_change_plan, "step add")
    goal = goal_or_404(resident, goal_id, "step add")
    session = db.session()
    form = StepForm()
    _helper_choices(form, resident)
    closed = False
    if request.method == "GET" and goal.status != "open":
        flash(_("This goal is closed. Open it again first to add a step."), "error")
        return redirect(_plan_url(resident, f"goal-{goal.id}"))
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                step = services.add_step(
                    session,
                    resident,
                    goal,
                    current_user,
                    text=form.text.data,
                    helper_key=form.helper.data,
                    due_on=form.due_on.data,
                )
            except services.GoalClosed:
                closed = True
            except services.NotInPlan:
                form.helper.errors.append(_not_in_plan())
            else:
                flash(_("The step is added."), "success")
                return redirect(_plan_url(resident, f"step-{step.id}"))
        refused(resident, "step add")
    return render_template(
        "goals/step_form.html",
        form=form,
        resident=resident,
        goal=goal,
        step=None,
        closed=closed,
        changed_by=_who_changed(goal) if closed else None,
    ), 409 if closed else (400 if form.errors else 200)


@bp.route(
    "/residents/<id:resident_id>/plan/goals/<id:goal_id>/steps/<id:step_id>",
    methods=["GET", "POST"],
)
@require_role(Role.COACH)
def edit_step(resident_id: int, goal_id: int, step_id: int):
    resident = plan_resident(resident_id, may_change_plan, "step change")
    goal = goal_or_404(resident, goal_id, "step change")
    step = step_or_404(resident, goal, step_id, "step change")
    session = db.session()
    form = StepForm()
    _helper_choices(form, resident)
    current_helper = services.helper_of(step)
    if not any(
        current_helper.key == value
        for group in form.helper.choices.values()
        for value, _label in group
    ):
        # Someone no longer involved keeps their step until it is given to someone else.
        form.helper.choices[_("Until now")] = [
            (current_helper.key, services.helper_name(session, resident, current_helper))
        ]
    conflict = False
    if request.method == "GET":
        form.text.data, form.helper.data = step.text, current_helper.key
        form.due_on.data, form.version.data = step.due_on, step.version
    else:
        if form.validate_on_submit():
            try:
                services.update_step(
                    session,
                    resident,
                    step,
                    current_user,
                    version_of(form.version.data),
                    text=form.text.data,
                    helper_key=form.helper.data,
                    due_on=form.due_on.data,
                )
            except services.Conflict:
                conflict = True
            except services.NotInPlan:
                form.helper.errors.append(_not_in_plan())
            else:
                flash(_("The step is saved."), "success")
                return redirect(_plan_url(resident, f"step-{step.id}"))
        refused(resident, "step change")
        if conflict:
            form.version.data = step.version
    return render_template(
        "goals/step_form.html",
        form=form,
        resident=resident,
        goal=goal,
        step=step,
        conflict=conflict,
        current_who=services.helper_name(session, resident, services.helper_of(step)),
        changed_by=_who_changed(step) if conflict else None,
        remove_form=StepVersionForm(formdata=None),
    ), 409 if conflict else (400 if form.errors else 200)


@bp.route(
    "/residents/<id:resident_id>/plan/goals/<id:goal_id>/steps/<id:step_id>/done",
    methods=["POST"],
)
@require_role(Role.COACH)
def step_done(resident_id: int, goal_id: int, step_id: int):
    resident = plan_resident(resident_id, may_change_plan, "step done")
    goal = goal_or_404(resident, goal_id, "step done")
    step = step_or_404(resident, goal, step_id, "step done")
    tick(resident, step)
    return redirect(_plan_url(resident, f"step-{step.id}")), 303


def tick(resident, step) -> None:
    """Tick a step off or undo that, as the form says; a stale form changes nothing and says
    how the step is now."""
    form = StepDoneForm()
    if not form.validate_on_submit():
        abort(400)
    done = form.done.data == "1"
    try:
        services.set_step_done(
            db.session(), resident, step, current_user, version_of(form.version.data), done
        )
    except services.Conflict:
        if step.removed_at is not None:
            flash(_("Someone else took this step off the plan just now."), "error")
        elif bool(step.done_at) == done:
            flash(_("Someone else already did this just now. Nothing has changed."), "info")
        else:
            flash(
                _(
                    "Someone else changed this step just now: %(state)s. Check it and try again.",
                    state=_("it is done") if step.done_at else _("it is not done yet"),
                ),
                "error",
            )
        return
    flash(_("Ticked off. Well done!") if done else _("The step is open again."), "success")


@bp.route(
    "/residents/<id:resident_id>/plan/goals/<id:goal_id>/steps/<id:step_id>/remove",
    methods=["POST"],
)
@require_role(Role.COACH)
def remove_step(resident_id: int, goal_id: int, step_id: int):
    resident = plan_resident(resident_id, may_change_plan, "step remove")
    goal = goal_or_404(resident, goal_id, "step remove")
    step = step_or_404(resident, goal, step_id, "step remove")
    form = StepVersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.remove_step(
            db.session(), resident, step, current_user, version_of(form.version.data)
        )
    except services.Conflict:
        flash(_("Someone else changed this step just now. Check it and try again."), "error")
        return redirect(
            url_for("goals.edit_step", resident_id=resident.id, goal_id=goal.id, step_id=step.id)
        ), 303
    flash(_("The step is taken off the plan. The history keeps it."), "success")
    return redirect(_plan_url(resident, f"goal-{goal.id}")), 303
