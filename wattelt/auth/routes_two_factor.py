"""The second login step, enrolment in two-factor authentication, and the guard that sends a
professional who must use it to the enrolment page first."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from wattelt import db
from wattelt.auth import bp, throttle, two_factor
from wattelt.auth.forms import CodeForm
from wattelt.forms import EmptyForm
from wattelt.models import User
from wattelt.security import safe_next

#: How long the code page waits after the password was right.
PENDING_SECONDS = 300
#: Where a professional who still has to enrol may go.
OPEN_DURING_ENROLMENT = {
    "auth.two_factor_setup",
    "auth.logout",
    "main.set_language",
    "main.healthz",
    "static",
}


def _now() -> float:
    return datetime.now(UTC).timestamp()


def begin(user: User, target: str | None) -> None:
    """The password was right; remember who is half logged in until the code is given."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session["pending_2fa"] = {"id": user.login_id, "at": _now(), "next": target}


def _pending_user() -> tuple[User | None, str | None]:
    pending = session.get("pending_2fa")
    if not isinstance(pending, dict) or _now() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None, None
    user = db.session().exec(select(User).where(User.login_id == str(pending.get("id")))).first()
    if user is None or not user.active:
        return None, None
    return user, pending.get("next")


def code_problem(user: User, code: str) -> tuple[str | None, int]:
    """Check a second-factor code of ``user``, throttled: (None, 200) when it is right, else the
    message and the status to answer with. A wrong code is counted even though the request
    fails (committed here)."""
    session_db = db.session()
    # Per user id (not the login id: that changes on every logout), in the two-factor
    # name space: no login name typed on the login page can count against it.
    key = str(user.id)
    address = request.remote_addr or ""
    verdict = throttle.check(session_db, key, address, throttle.TWO_FACTOR)
    if verdict.blocked:
        message = _(
            "Too many tries. Wait %(minutes)d minutes and try again, or ask for help.",
            minutes=verdict.minutes,
        )
        return message, 429
    if two_factor.check_login_code(session_db, user, code):
        throttle.clear_account(session_db, key, throttle.TWO_FACTOR)
        return None, 200
    throttle.keep_failure(session_db, key, address, throttle.TWO_FACTOR)
    return _("This code is not right, or it was used already. Try the next code."), 401


@bp.route("/login/code", methods=["GET", "POST"])
def two_factor_login():
    from wattelt.auth.routes import start_session

    user, target = _pending_user()
    if user is None:
        session.pop("pending_2fa", None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    status = 200
    if form.validate_on_submit():
        error, status = code_problem(user, form.code.data)
        if error is None:
            start_session(user)
            return redirect(safe_next(target) or url_for("main.home"))
    elif form.errors:
        status = 400
    return render_template("auth/two_factor_login.html", form=form, error=error), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    if not current_user.role_enum.is_professional:
        abort(403)
    session_db = db.session()
    required = two_factor.required_for(session_db, current_user)
    if two_factor.is_enrolled(session_db, current_user):
        return render_template(
            "auth/two_factor_status.html",
            required=required,
            remaining=two_factor.remaining_recovery_codes(session_db, current_user),
            form=CodeForm(),
        )
    pending = two_factor.start_enrolment(session_db, current_user)
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(session_db, current_user, form.code.data)
        if codes is not None:
            return render_template("auth/two_factor_codes.html", codes=codes)
        error = _("This code is not right. Look at the app and type the code it shows now.")
    uri = two_factor.provisioning_uri(pending, current_user)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        error=error,
        required=required,
        qr=two_factor.qr_svg(uri),
        secret=pending.secret,
    ), 400 if (error or form.errors) else 200


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    session_db = db.session()
    if not current_user.role_enum.is_professional:
        abort(403)
    if two_factor.required_for(session_db, current_user):
        abort(403)
    form = CodeForm()
    if not form.validate_on_submit() or not two_factor.check_login_code(
        session_db, current_user, form.code.data
    ):
        flash(_("This code is not right. Two-factor authentication is still on."), "error")
        return redirect(url_for("auth.two_factor_setup"), 303)
    two_factor.remove(session_db, current_user)
    flash(_("Two-factor authentication is off."), "success")
    return redirect(url_for("auth.two_factor_setup"))


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def two_factor_new_codes():
    session_db = db.session()
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not two_factor.is_enrolled(session_db, current_user):
        abort(404)
    codes = two_factor.new_recovery_codes(session_db, current_user)
    return render_template("auth/two_factor_codes.html", codes=codes)


@bp.before_app_request
def _require_enrolment():
    """A professional who must use two-factor and has not enrolled goes to enrolment first."""
    if request.endpoint in OPEN_DURING_ENROLMENT or not current_user.is_authenticated:
        return None
    if not current_user.role_enum.is_professional:
        return None
    session_db = db.session()
    if two_factor.required_for(session_db, current_user) and not two_factor.is_enrolled(
        session_db, current_user
    ):
        flash(
            _("Your organisation asks you to use two-factor authentication. Set it up first."),
            "info",
        )
        return redirect(url_for("auth.two_factor_setup"))
    return None
