"""Flask-Login set-up and the idle timeout of a session."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlmodel import select

from wattelt import db
from wattelt.extensions import login_manager
from wattelt.models import User


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    user = db.session().exec(select(User).where(User.login_id == login_id)).first()
    if user is None or not user.active:
        return None
    return user


def _now() -> float:
    return datetime.now(UTC).timestamp()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.before_request
    def _idle_timeout():
        if request.endpoint in ("static", "main.healthz") or request.path.startswith("/api/"):
            return None  # no session for these (the API authenticates with tokens)
        session.permanent = True
        if not current_user.is_authenticated:
            return None
        idle = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
        seen = session.get("seen")
        if seen is not None and _now() - float(seen) > idle:
            professional = current_user.role_enum.is_professional
            logout_user()
            session.clear()
            flash(
                _l("You were logged out because you did nothing for a while. Please log in again."),
                "info",
            )
            target = "auth.login" if professional else "auth.easy_login"
            return redirect(
                url_for(target, next=request.full_path if request.method == "GET" else None)
            )
        session["seen"] = _now()
        return None
