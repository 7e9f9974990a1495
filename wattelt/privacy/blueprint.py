"""The privacy blueprint. The views live in ``routes_consent``, ``routes_log`` and
``routes_rights``; the app factory imports them, so importing a service never loads a view."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, template_folder="templates")
