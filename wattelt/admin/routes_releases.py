"""Admin page for releases of the anonymous figures: see them, and make one now."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wattelt import db
from wattelt.admin import bp
from wattelt.forms import EmptyForm
from wattelt.models import Role
from wattelt.outcomes import releases
from wattelt.policy import require_role


@bp.route("/releases")
@require_role(Role.ADMIN)
def releases_page():
    return render_template(
        "admin/releases.html",
        rows=releases.listed(db.session()),
        form=EmptyForm(),
        period=current_app.config.get("RELEASE_PERIOD", "quarterly"),
    )


@bp.route("/releases", methods=["POST"])
@require_role(Role.ADMIN)
def make_release():
    if not EmptyForm().validate_on_submit():
        abort(400)
    k = int(current_app.config["SUPPRESSION_THRESHOLD"])
    try:
        made = releases.make(db.session(), k, "admin", user_id=current_user.id)
    except releases.ReleaseRefused as refused:
        flash(_("No release was made: %(reason)s", reason=str(refused)), "error")
        return redirect(url_for("admin.releases_page"), 303)
    flash(_("Release %(id)d is made. Policymakers see it now.", id=made.release.id), "success")
    if made.held_back_blocks:
        flash(
            _(
                "%(blocks)d group(s) with %(residents)d resident(s) in all were held back: their change since an earlier release would show fewer than %(k)d residents. They come back once enough has changed around them.",
                blocks=made.held_back_blocks,
                residents=made.held_back_residents,
                k=k,
            ),
            "info",
        )
    return redirect(url_for("admin.releases_page"), 303)
