"""Views for logging in and out and accepting an invitation. Logic lives in ``services``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from wattelt import db
from wattelt.auth import bp, routes_two_factor, services, two_factor
from wattelt.auth.forms import EasyLoginForm, LoginForm, SetPasswordForm
from wattelt.auth.passwords import MIN_LENGTH
from wattelt.auth.services import InvitationState, LoginOutcome
from wattelt.auth.session import begin_session_clock, end_session, remember_login_page
from wattelt.forms import EmptyForm
from wattelt.models import User, new_login_id
from wattelt.security import safe_next


def _safe_next() -> str | None:
    return safe_next(request.args.get("next"))


def start_session(user: User) -> None:
    language = session.get("language")
    session.clear()  # a fresh session on login: nothing carried over from before
    login_user(user)
    remember_login_page(user)
    begin_session_clock()
    if language and not user.language:
        user.language = language
        db.session().add(user)


def _do_login(form, login_name: str, professional: bool, template: str):
    result = services.authenticate(
        db.session(), login_name, form.password.data, request.remote_addr or "", professional
    )
    if result.outcome is LoginOutcome.OK:
        if professional and two_factor.is_enrolled(db.session(), result.user):
            routes_two_factor.begin(result.user, _safe_next())
            return redirect(url_for("auth.two_factor_login"))
        start_session(result.user)
        return redirect(_safe_next() or url_for("main.home"))
    if result.outcome is LoginOutcome.WAITING:
        message = _(
            "Your password is right, but a second administrator still has to activate your "
            "account. Ask them to do so."
        )
        return render_template(template, form=form, error=message), 403
    if result.outcome is LoginOutcome.THROTTLED:
        message = _(
            "Too many tries. Wait %(minutes)d minutes and try again, or ask for help.",
            minutes=result.minutes,
        )
        return render_template(template, form=form, error=message), 429
    if professional:
        message = _("The e-mail address or the password is not right. Try again.")
    else:
        message = _("Your name or your password is not right. Try again.")
    return render_template(template, form=form, error=message), 401


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        return _do_login(form, form.email.data, True, "auth/login.html")
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/inloggen", methods=["GET", "POST"])
def easy_login():
    """The login for residents and network members, in easy language."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = EasyLoginForm()
    if form.validate_on_submit():
        return _do_login(form, form.username.data, False, "auth/easy_login.html")
    status = 400 if form.errors else 200
    return render_template("auth/easy_login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    professional = current_user.is_authenticated and current_user.role_enum.is_professional
    if current_user.is_authenticated:
        # A copy of the session cookie (another tab, a shared computer) stops working too.
        current_user.login_id = new_login_id()
        db.session().add(current_user)
    end_session()
    flash(_("You are logged out. See you next time."), "success")
    return redirect(url_for("auth.login" if professional else "main.home"))


@bp.route("/welkom", methods=["GET", "POST"])
def accept_invitation():
    # The token travels in the query string, which the production access log leaves out.
    token = request.args.get("token", "")
    if not token or len(token) > 100:
        abort(404)
    state, invitation = services.look_up_invitation(db.session(), token)
    if state is not InvitationState.VALID:
        status = {InvitationState.UNKNOWN: 404, InvitationState.UNCONFIRMED: 403}.get(state, 410)
        return render_template("auth/invitation_invalid.html", state=state.value), status
    user = db.session().get(User, invitation.user_id)
    if current_user.is_authenticated:
        logout_user()
        session.clear()
    form = SetPasswordForm()
    needs_username = not user.role_enum.is_professional and not user.username
    if not needs_username:
        del form.username
    # A link never stands in for the second factor: whoever set it up gives a code here too.
    needs_code = user.role_enum.is_professional and two_factor.is_enrolled(db.session(), user)
    if not needs_code:
        del form.code
    form._names = (user.login_name,)
    if form.validate_on_submit():
        username = form.username.data if needs_username else None
        problem, status = (
            routes_two_factor.code_problem(user, form.code.data) if needs_code else (None, 200)
        )
        if problem:
            form.code.errors.append(problem)
            return _invitation_page(form, user, invitation), status
        if username and services.username_taken(db.session(), username, user.id):
            form.username.errors.append(_("Someone else already uses this name. Choose another."))
        else:
            accepted = services.accept_invitation(
                db.session(), invitation, form.password.data, username
            )
            if accepted is None:
                return render_template("auth/invitation_invalid.html", state="used"), 410
            if accepted.awaiting_activation:
                return render_template("auth/awaiting_activation.html", user=accepted)
            start_session(accepted)
            flash(_("Welcome! Your password is saved."), "success")
            return redirect(url_for("main.home"))
    return _invitation_page(form, user, invitation), 400 if form.errors else 200


def _invitation_page(form, user: User, invitation) -> str:
    return render_template(
        "auth/accept_invitation.html",
        form=form,
        user=user,
        reset=invitation.reset,
        professional=user.role_enum.is_professional,
        min_length=MIN_LENGTH,
    )
