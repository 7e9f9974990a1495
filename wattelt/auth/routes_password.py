"""Changing your own password, for everyone who has one, and a forgotten password for
professionals (a reset link by e-mail)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from wattelt import db, mail
from wattelt.auth import bp, links, services, throttle
from wattelt.auth.forms import ChangePasswordForm, ForgotPasswordForm
from wattelt.auth.passwords import MIN_LENGTH
from wattelt.models import User
from wattelt.policy import log_access


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


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    """A reset link by e-mail for a professional. The answer is the same whether or not the
    address belongs to an account; every request counts towards the throttle."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = ForgotPasswordForm()
    mail_on = mail.configured()
    if not mail_on or not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("auth/forgot_password.html", form=form, mail=mail_on), status
    session = db.session()
    email = form.email.data.strip().lower()
    address = request.remote_addr or ""
    verdict = throttle.check(session, email, address, throttle.RESET)
    if verdict.blocked:
        error = _(
            "Too many tries. Wait %(minutes)d minutes and try again, or ask for help.",
            minutes=verdict.minutes,
        )
        return render_template("auth/forgot_password.html", form=form, mail=True, error=error), 429
    throttle.keep_failure(session, email, address, throttle.RESET)  # whatever the mail does
    user = services.find_login(session, email, professional=True)
    if (
        user is not None
        and user.active
        and user.role_enum.is_professional
        and not user.awaiting_activation
    ):
        try:
            links.deliver(session, user, None)
        except mail.MailError:
            session.rollback()  # no new link; the answer stays the same (no user enumeration)
            current_app.logger.warning("password reset link for user %s not sent", user.id)
        else:
            log_access(user, None, "change", "password reset link mailed")
    return render_template("auth/forgot_password.html", form=form, mail=True, sent=email)
