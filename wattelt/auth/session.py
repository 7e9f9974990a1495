"""Flask-Login set-up and the idle timeout of a session."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlmodel import select

from wattelt import db
from wattelt.extensions import login_manager
from wattelt.models import User


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    user = db.session().exec(select(User).where(User.login_id == login_id)).first()
    if user is None or not user.active or user.awaiting_activation:
        return None
    return user


def _now() -> float:
    return datetime.now(UTC).timestamp()


#: Kept in the session cookie, also after the session ends (not a secret): whether the last user
#: of this browser logs in on the easy page (residents, network members) or the professionals'.
EASY_LOGIN = "easy_login"

#: Pages only residents open: someone whose cookie is gone entirely came from the easy login.
_RESIDENT_PATHS = ("/mijn/", "/mijn-")


#: When this session logged in: it ends ``SESSION_MAX_HOURS`` later, however active it was.
STARTED = "started"


def remember_login_page(user: User) -> None:
    """Call on logging in: which login page to send this browser to when the session ends."""
    session[EASY_LOGIN] = not user.role_enum.is_professional


def begin_session_clock() -> None:
    """Call on logging in: the absolute lifetime of the session counts from now."""
    session[STARTED] = _now()


def login_page() -> str:
    """The endpoint of the login page that fits whoever last used this browser."""
    easy = session.get(EASY_LOGIN)
    if easy is None:
        easy = request.path.startswith(_RESIDENT_PATHS)
    return "auth.easy_login" if easy else "auth.login"


def end_session() -> None:
    """Log out and clear the session, keeping only the language and which login page fits."""
    kept = {k: session[k] for k in ("language", EASY_LOGIN) if k in session}
    logout_user()
    session.clear()
    session.update(kept)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.before_request
    def _idle_timeout():
        if request.endpoint in ("static", "main.healthz", "main.livez") or request.path.startswith(
            "/api/"
        ):
            return None  # no session for these (the API authenticates with tokens)
        session.permanent = True
        if not current_user.is_authenticated:
            return None
        now = _now()
        started = float(session.setdefault(STARTED, now))
        if now - started > current_app.config["SESSION_MAX_HOURS"] * 3600:
            # A stolen or forgotten session does not live for ever, even when it is used.
            remember_login_page(current_user)
            end_session()
            flash(
                _l(
                    "You were logged out because you were logged in for a long time. Please log in again."
                ),
                "info",
            )
            return _to_login_page()
        idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
        seen = session.get("seen")
        if seen is not None and now - float(seen) > idle:
            remember_login_page(current_user)
            end_session()
            flash(
                _l("You were logged out because you did nothing for a while. Please log in again."),
                "info",
            )
            return _to_login_page()
        session["seen"] = now
        return None

    @login_manager.unauthorized_handler
    def _unauthorized():
        # A resident or network member whose session ended goes to the easy login, not to the
        # professionals' page with its e-mail address field.
        if not session.get("_flashes"):  # not twice when the idle timeout just said why
            flash(login_manager.login_message, login_manager.login_message_category)
        return _to_login_page()


#: Sent by the question screens' background saves: they get an answer they can read, not a page.
AUTOSAVE_HEADER = "X-Wattelt-Autosave"


def _to_login_page():
    if request.method == "GET":
        back = request.full_path
    else:
        # A form sent to a page that can also be opened (a question screen): back to that page.
        rule = request.url_rule
        back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
    url = url_for(login_page(), next=back)
    if request.headers.get(AUTOSAVE_HEADER) == "1":
        return jsonify(saved=False, logged_out=True, login=url), 401
    return redirect(url)
