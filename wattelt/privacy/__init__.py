"""The resident's privacy: consent, who looked at their data, export, erasure and retention.

The views for consent live in ``routes_consent``, the access log in ``routes_log``, export,
erasure and retention in ``routes_rights``. Export and erasure of each area of Wattelt are
declared in ``registry``; the foundation's areas in ``areas``."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, template_folder="templates")

from wattelt.privacy import routes_consent, routes_log, routes_rights  # noqa: E402,F401
