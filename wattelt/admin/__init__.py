from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from wattelt.admin import (  # noqa: E402,F401
    routes,
    routes_releases,
    routes_structure,
    routes_tokens,
    routes_users,
)
