from flask import Blueprint

bp = Blueprint("residents", __name__, url_prefix="/residents", template_folder="templates")

from wattelt.residents import routes  # noqa: E402,F401
