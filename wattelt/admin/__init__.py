from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from wattelt.admin import routes, routes_structure, routes_users  # noqa: E402,F401
