"""One plan per resident: goals, steps, goal attainment scores, the printable plan and history."""

from flask import Blueprint

bp = Blueprint("goals", __name__, template_folder="templates")

from wattelt.goals import (  # noqa: E402,F401
    links,
    privacy,
    routes_goals,
    routes_own,
    routes_plan,
    routes_scores,
)
