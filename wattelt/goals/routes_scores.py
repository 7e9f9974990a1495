"""Scoring the goals at a follow-up measurement: every goal together, each -2..+2, and each
closed as reached or stopped or carried on. The resident's answers in the goal's life domains,
then and now, stand beside each goal to talk about."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from wattelt import db
from wattelt.goals import bp, domains, scores, services
from wattelt.goals.access import language, plan_resident, refused, version_of
from wattelt.goals.forms import scores_form
from wattelt.models import Answer, Goal, Measurement, Role, User
from wattelt.policy import log_denied, may_change_plan, require_role

WHAT = "goal scores"


def _answer_label(measurement: Measurement, answer: Answer | None, lang: str) -> str | None:
    if answer is None:
        return None
    questionnaire = domains.questionnaire_for(measurement)
    option = questionnaire.scale.option(answer.special or str(answer.value))
    return option.label.get(lang) if option else None


def _resident_answers(measurement: Measurement) -> dict[str, Answer]:
    rows = db.session().exec(
        select(Answer).where(
            Answer.measurement_id == measurement.id, Answer.perspective == "resident"
        )
    )
    return {a.item: a for a in rows}


def _context(goals: list[Goal], measurement: Measurement, previous: Measurement) -> list[dict]:
    """Per goal: its domains with the resident's answer at the previous measurement and now."""
    session = db.session()
    lang = language()
    keys = services.goal_domains(session, [g.id for g in goals])
    before, now = _resident_answers(previous), _resident_answers(measurement)
    rows = []
    for goal in goals:
        rows.append(
            {
                "goal": goal,
                "domains": [
                    {
                        "label": domains.label(key, lang),
                        "before": _answer_label(previous, before.get(key), lang),
                        "now": _answer_label(measurement, now.get(key), lang),
                    }
                    for key in keys[goal.id]
                ],
            }
        )
    return rows


def _shown_goals() -> list[int]:
    """The goals the form showed (a hidden list), to notice goals that changed meanwhile."""
    try:
        return [int(n) for n in request.form.get("goals", "").split(",") if n]
    except ValueError:
        return []


@bp.route("/measurements/<id:measurement_id>/goal-scores", methods=["GET", "POST"])
@require_role(Role.COACH)
def score_goals(measurement_id: int):
    session = db.session()
    measurement = session.get(Measurement, measurement_id)
    if measurement is None:
        log_denied(current_user, None, WHAT)
        abort(404)
    resident = plan_resident(measurement.resident_id, may_change_plan, WHAT)
    previous = scores.previous_measurement(session, measurement)
    if previous is None:
        flash(
            _("Goals are scored at a follow-up: a finished measurement after the first one."),
            "error",
        )
        return redirect(url_for("measurements.summary", measurement_id=measurement.id))
    goals = scores.goals_to_score(session, measurement)
    form = scores_form(goals)
    conflicts: list[Goal] = []
    gone: list[Goal] = []
    if request.method == "GET":
        existing = scores.scores_at(session, measurement.id)
        for goal in goals:
            if goal.id in existing:
                form[f"score_{goal.id}"].data = str(existing[goal.id].score)
            form[f"outcome_{goal.id}"].data = scores.OUTCOME_OF_STATUS[goal.status]
            form[f"version_{goal.id}"].data = goal.version
    else:
        shown = _shown_goals()
        gone = [session.get(Goal, n) for n in shown if n not in {g.id for g in goals}]
        gone = [g for g in gone if g is not None and g.resident_id == resident.id]
        if form.validate_on_submit() and not gone and sorted(shown) == sorted(g.id for g in goals):
            entries = [
                scores.ScoreEntry(
                    goal_id=goal.id,
                    expected_version=version_of(form[f"version_{goal.id}"].data),
                    score=int(form[f"score_{goal.id}"].data),
                    outcome=form[f"outcome_{goal.id}"].data,
                )
                for goal in goals
            ]
            try:
                scores.save_scores(session, measurement, current_user, entries)
            except scores.ScoreConflicts as error:
                conflicts = error.goals
            else:
                flash(_("The scores are saved."), "success")
                return redirect(url_for("goals.plan_page", resident_id=resident.id) + "#attainment")
        refused(resident, WHAT)
        for goal in conflicts:
            # This user's choices stay; saving again puts them over the other change.
            form[f"version_{goal.id}"].data = goal.version
    current = scores.scores_at(session, measurement.id)
    changers = {
        g.id: session.get(User, g.updated_by_id) for g in [*conflicts, *gone] if g.updated_by_id
    }
    status = 409 if (conflicts or gone) else (400 if form.errors else 200)
    return render_template(
        "goals/scores.html",
        form=form,
        resident=resident,
        measurement=measurement,
        previous=previous,
        rows=_context(goals, measurement, previous),
        conflicts={g.id: g for g in conflicts},
        gone=gone,
        current=current,
        changers=changers,
        score_labels=scores.SCORE_LABELS,
        outcomes=scores.OUTCOMES,
        signed=scores.signed,
    ), status
