"""The read-only figures API (``/api/v1``) for the chain's own BI tools.

Bearer tokens only (made by an admin for a policymaker or manager): no session cookie is read
or set, and CSRF protection does not apply (nothing here changes anything)."""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask.sessions import SecureCookieSessionInterface

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")
PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


class SessionInterface(SecureCookieSessionInterface):
    """The usual signed-cookie session, except that API requests never get a cookie."""

    def save_session(self, app, session, response) -> None:
        if is_api_request():
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    from wattelt.extensions import csrf

    csrf.exempt(bp)
    app.session_interface = SessionInterface()
    app.register_blueprint(bp)


from wattelt.api import routes  # noqa: E402,F401
