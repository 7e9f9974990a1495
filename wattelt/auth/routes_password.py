"""Changing your own password, for everyone who has one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from wattelt import db
from wattelt.auth import bp, services
from wattelt.auth.forms import ChangePasswordForm
from wattelt.auth.passwords import MIN_LENGTH
from wattelt.models import User


@bp.route("/wachtwoord", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form._names = (current_user.login_name,)
    if form.validate_on_submit():
        session = db.session()
        user = session.get(User, current_user.id)
        if services.change_password(session, user, form.current.data, form.password.data):
            # Imported here: routes imports this module's package at start-up.
            from wattelt.auth.routes import start_session

            start_session(user)  # this device stays logged in; every other one is logged out
            flash(_("Your new password is saved."), "success")
            return redirect(url_for("main.home"))
        form.current.errors.append(_("This is not your password now."))
    return render_template(
        "auth/change_password.html",
        form=form,
        professional=current_user.role_enum.is_professional,
        min_length=MIN_LENGTH,
    ), 400 if form.errors else 200
