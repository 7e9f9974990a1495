"""The resident marks the notices on their own page as read (they stay in "Who looked?")."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from wattelt import db
from wattelt.forms import EmptyForm
from wattelt.models import Role
from wattelt.notices import services
from wattelt.policy import Action, require_role, resident_or_404
from wattelt.privacy.routes_consent import own_resident

bp = Blueprint("notices", __name__, template_folder="templates")


@bp.route("/mijn/nieuws/gelezen", methods=["POST"])
@require_role(Role.RESIDENT)
def mark_seen():
    resident = resident_or_404(current_user, own_resident().id, Action.CHANGE, "notices read")
    up_to = request.form.get("up_to", "")
    if (
        not EmptyForm().validate_on_submit()
        or not (up_to.isascii() and up_to.isdigit())
        or len(up_to) > 18
    ):
        abort(400)
    services.mark_seen(db.session(), resident, int(up_to))
    return redirect(url_for("main.home"))
