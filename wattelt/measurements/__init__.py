from flask import Blueprint

bp = Blueprint("measurements", __name__, template_folder="templates")

from wattelt.measurements import routes  # noqa: E402,F401
