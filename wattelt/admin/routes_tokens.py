"""Admin pages for the figures API's tokens: make one (shown once), see when each was last
used, revoke."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wattelt import db
from wattelt.admin import bp
from wattelt.admin.forms import ApiTokenForm
from wattelt.admin.routes import form_status
from wattelt.api import tokens
from wattelt.forms import EmptyForm
from wattelt.models import ApiToken, Role, User
from wattelt.policy import may_hold_api_token, require_role


def _form() -> ApiTokenForm:
    form = ApiTokenForm()
    form.user_id.choices = [(None, _("Choose an account"))] + [
        (u.id, f"{u.display_name} ({u.email})") for u in tokens.token_users(db.session())
    ]
    return form


def _page(form: ApiTokenForm, status: int = 200):
    session = db.session()
    return render_template(
        "admin/tokens.html",
        form=form,
        rows=tokens.tokens(session),
        is_active=tokens.is_active,
        action_form=EmptyForm(),
    ), status


@bp.route("/api-tokens")
@require_role(Role.ADMIN)
def api_tokens():
    return _page(_form())


@bp.route("/api-tokens", methods=["POST"])
@require_role(Role.ADMIN)
def new_api_token():
    form = _form()
    if form.validate_on_submit():
        user = db.session().get(User, form.user_id.data) if form.user_id.data else None
        if user is None or not may_hold_api_token(user) or not user.active:
            form.user_id.errors.append(_("Choose a policymaker or manager."))
        else:
            row, token = tokens.create(
                db.session(), user, form.name.data, current_user, int(form.days.data) or None
            )
            return render_template("admin/token_created.html", row=row, user=user, token=token)
    elif not form.user_id.data and not form.user_id.errors:
        form.user_id.errors.append(_("Choose a policymaker or manager."))
    return _page(form, form_status(form) if form.errors else 400)


@bp.route("/api-tokens/<id:token_id>/revoke", methods=["POST"])
@require_role(Role.ADMIN)
def revoke_api_token(token_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    row = db.session().get(ApiToken, token_id)
    if row is None:
        abort(404)
    if tokens.revoke(db.session(), row):
        flash(_("The token “%(name)s” no longer works.", name=row.name), "success")
    else:
        flash(_("This token was already revoked."), "info")
    return redirect(url_for("admin.api_tokens"), 303)
