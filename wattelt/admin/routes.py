from flask import render_template

from wattelt.admin import bp
from wattelt.models import Role
from wattelt.policy import require_role


@bp.route("/")
@require_role(Role.ADMIN)
def index():
    return render_template("admin/index.html")
