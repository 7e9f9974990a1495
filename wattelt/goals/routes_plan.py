"""The plan page for professionals, its history, the printable "My plan", the next appointment
and the case director. Coaches of every involved organisation work in it; managers read it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wattelt import db
from wattelt.forms import choices
from wattelt.goals import bp, domains, history, plan, presenting, scores
from wattelt.goals.access import language, plan_resident, refused, version_of
from wattelt.goals.forms import AppointmentForm
from wattelt.models import Role
from wattelt.policy import Action, may_change_case_director, may_change_plan, require_role
from wattelt.residents import services as residents
from wattelt.residents.forms import CaseDirectorForm

HISTORY_ON_PLAN = 5


def _director_form(resident, form=None) -> CaseDirectorForm:
    session = db.session()
    form = form or CaseDirectorForm(formdata=None)
    form.user_id.choices = choices(
        (u.id, u.display_name) for u in residents.case_director_candidates(session, resident)
    )
    if not form.is_submitted():
        form.version.data = resident.version
        if resident.case_director_id:
            form.user_id.data = resident.case_director_id
    return form


def _to_score(session, measurements) -> list:
    """Follow-up measurements whose goals are not all scored yet, newest first."""
    waiting = []
    for measurement in reversed(measurements[1:]):
        goals = scores.goals_to_score(session, measurement)
        if goals and len(scores.scores_at(session, measurement.id)) < len(goals):
            waiting.append(measurement)
    return waiting


def _wanted_without_goal(session, resident, latest) -> list[str]:
    """The latest measurement's "I want to work on this" domains that have no open goal yet."""
    covered = presenting.open_goal_domains(session, resident)
    return [k for k in presenting.wanted_domains(session, latest) if k not in covered]


def render_plan(resident, director_form=None, status: int = 200):
    session = db.session()
    lang = language()
    may_change = may_change_plan(session, current_user, resident)
    may_manage = may_change_case_director(session, current_user, resident)
    measurements = scores.completed_measurements(session, resident.id)
    latest = measurements[-1] if measurements else None
    wanted = _wanted_without_goal(session, resident, latest) if may_change and latest else []
    return render_template(
        "goals/plan.html",
        resident=resident,
        view=presenting.plan_view(session, resident, current_user, lang),
        may_change=may_change,
        may_manage=may_manage,
        director_form=_director_form(resident, director_form) if may_manage else None,
        latest_measurement=latest,
        wanted=[domains.label(k, lang) for k in wanted],
        to_score=_to_score(session, measurements) if may_change else [],
        gas=scores.gas_overview(session, resident.id),
        measured={m.id: m for m in measurements},
        recent=history.lines(session, resident.id, limit=HISTORY_ON_PLAN),
    ), status


@bp.route("/residents/<id:resident_id>/plan")
@require_role(Role.COACH, Role.MANAGER)
def plan_page(resident_id: int):
    resident = plan_resident(resident_id, Action.VIEW, "plan")
    return render_plan(resident)


@bp.route("/residents/<id:resident_id>/plan/history")
@require_role(Role.COACH, Role.MANAGER)
def plan_history(resident_id: int):
    resident = plan_resident(resident_id, Action.VIEW, "plan history")
    return render_template(
        "goals/history.html",
        resident=resident,
        lines=history.lines(db.session(), resident.id),
    )


def render_sheet(resident, back_url: str):
    """The printable one-page "My plan", in the resident's words, for any reader."""
    view = presenting.plan_view(db.session(), resident, current_user, language(), voice="paper")
    # One A4 page: more goals and steps get smaller type, and a dense plan folds its done steps
    # into one line per goal (they are on the screen in full).
    lines = len(view.open) * 2 + sum(len(g.steps) for g in view.open)
    density = "sheet-roomy" if lines <= 14 else "sheet-compact" if lines <= 18 else "sheet-dense"
    if lines > 30:
        density += " sheet-tight"
    return render_template("goals/print.html", view=view, density=density, back_url=back_url)


@bp.route("/residents/<id:resident_id>/plan/print")
@require_role(Role.COACH, Role.MANAGER)
def plan_print(resident_id: int):
    resident = plan_resident(resident_id, Action.VIEW, "plan print")
    return render_sheet(resident, url_for("goals.plan_page", resident_id=resident.id))


@bp.route("/residents/<id:resident_id>/plan/appointment", methods=["GET", "POST"])
@require_role(Role.COACH)
def appointment(resident_id: int):
    resident = plan_resident(resident_id, may_change_plan, "plan appointment")
    session = db.session()
    current = plan.plan_of(session, resident)
    form = AppointmentForm()
    conflict = False
    if request.method == "GET":
        if current is not None:
            form.on.data, form.at.data = current.next_on, current.next_at
            form.note.data = current.next_note
        form.version.data = current.version if current else 0
    else:
        if form.validate_on_submit():
            try:
                plan.set_appointment(
                    session,
                    resident,
                    current_user,
                    version_of(form.version.data),
                    form.on.data,
                    form.at.data,
                    form.note.data or "",
                )
            except plan.Conflict:
                conflict = True
            else:
                flash(_("The next appointment is saved."), "success")
                return redirect(
                    url_for("goals.plan_page", resident_id=resident.id) + "#appointment"
                )
        refused(resident, "plan appointment")
        current = plan.plan_of(session, resident)
        if conflict:
            # What the user typed stays in the form; saving again replaces the other change.
            form.version.data = current.version if current else 0
    return render_template(
        "goals/appointment.html",
        form=form,
        resident=resident,
        conflict=conflict,
        current=current,
    ), 409 if conflict else (400 if form.errors else 200)


@bp.route("/residents/<id:resident_id>/plan/case-director", methods=["POST"])
@require_role(Role.COACH)
def case_director(resident_id: int):
    resident = plan_resident(resident_id, may_change_case_director, "plan case director")
    form = _director_form(resident, CaseDirectorForm())
    if not form.validate_on_submit():
        refused(resident, "plan case director")
        return render_plan(resident, director_form=form, status=400)
    try:
        plan.change_case_director(
            db.session(), resident, current_user, version_of(form.version.data), form.user_id.data
        )
    except (residents.ConflictError, ValueError):
        flash(
            _(
                "Someone else changed this resident just now. Check the case director and try again."
            ),
            "error",
        )
        return redirect(url_for("goals.plan_page", resident_id=resident.id) + "#case-director"), 303
    flash(_("Case director changed."), "success")
    return redirect(url_for("goals.plan_page", resident_id=resident.id))
