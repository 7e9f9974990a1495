"""Small links into the plan from other areas' pages (the measurement summary, the resident's
page), as template globals, so those pages need only one ``include`` line."""

from __future__ import annotations

from flask_babel import format_date, format_decimal, format_time
from flask_login import current_user

from wattelt import clock, db
from wattelt.goals import bp, domains, presenting, scores
from wattelt.goals.access import language
from wattelt.goals.forms import STATUS_LABELS
from wattelt.models import Measurement, Resident
from wattelt.policy import may_change_plan, uses_easy_language, works_with_residents


@bp.app_template_global()
def plan_links(measurement: Measurement, resident: Resident) -> dict:
    """What the summary of ``measurement`` offers for goals: making goals from its "I want to
    work on this", scoring the goals at a follow-up, and the plan. The summary's view has
    already checked (and logged) that the user may see this resident."""
    session = db.session()
    if uses_easy_language(current_user):
        return {"own": True}
    if not works_with_residents(current_user):
        return {}
    links = {"plan": True}
    if measurement.status == "completed" and may_change_plan(session, current_user, resident):
        links["make"] = True
        links["score"] = scores.is_follow_up(session, measurement) and bool(
            scores.goals_to_score(session, measurement)
        )
    return links


@bp.app_template_global()
def plan_counts(resident: Resident) -> dict:
    """Open and reached goals of a resident, for the link on their page."""
    goals = presenting.services.goals_of(db.session(), resident)
    return {
        "open": sum(1 for g in goals if g.status == "open"),
        "reached": sum(1 for g in goals if g.status == "reached"),
    }


@bp.context_processor
def _helpers() -> dict:
    """Helpers for the plan's own templates."""
    return {
        "format_time": format_time,
        "format_day": _format_day,
        "signed": scores.signed,
        "score_label": lambda score: scores.SCORE_LABELS.get(score, ""),
        "status_labels": STATUS_LABELS,
        "domain_label": lambda key: domains.label(key, language()),
        "history_value": _history_value,
        "now": clock.today(),
        "t_score": lambda value: format_decimal(value, format="0.0"),
    }


def _history_value(kind: str, value: str) -> str:
    """A history line's old or new value in words (statuses, life domains)."""
    if kind == "goal_status":
        return str(STATUS_LABELS.get(value, value))
    if kind == "goal_domains" and value:
        return ", ".join(domains.label(k, language()).title for k in value.split(", "))
    return value


def _format_day(day) -> str:
    """A date with its weekday ("dinsdag 3 december 2026"): appointments are read by day."""
    return format_date(day, "EEEE d MMMM y")
