from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from wattelt.auth import routes, routes_password, routes_two_factor  # noqa: E402,F401
