"""Measurement rounds: what changed since the baseline for one person (the report) and across a
professional's residents (the caseload), and when each resident is due to measure again."""

from flask import Blueprint

bp = Blueprint("rounds", __name__, template_folder="templates")

from wattelt.rounds import routes  # noqa: E402,F401
