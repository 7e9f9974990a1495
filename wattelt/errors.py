"""Error pages in the site's own layout and the user's language; never a bare stack trace."""

from __future__ import annotations

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (_l("Something went wrong with the form"), _l("Please go back and try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (_l("This page is not for you"), _l("You do not have access to this page.")),
    404: (
        _l("We cannot find this page"),
        _l("The page does not exist, or you do not have access to it."),
    ),
    405: (_l("That did not work"), _l("This page cannot be used in this way.")),
    410: (_l("This link no longer works"), _l("Ask for a new link.")),
    413: (_l("That is too much"), _l("What you sent is too big. Make it shorter and try again.")),
    429: (_l("Too many tries"), _l("Please wait a few minutes and try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "What you saved before is still there. What you just did was not saved. Please try again in a moment."
        ),
    ),
}


def _render(code: int, detail=None):
    title, text = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if request.path.startswith("/api/"):
        # The figures API answers in JSON, also for unknown paths and failures.
        return jsonify(error=f"http_{code}", message=str(detail or title), fields={}), code
    return render_template("error.html", code=code, title=title, text=detail or text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _render(
            400,
            _l("The form was open for too long or did not come from Wattelt. Please try again."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = make_response(_render(error.code))
        # Keep what the error says besides its body: Allow on a 405, WWW-Authenticate on a 401.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _crash(error: Exception):
        # Write nothing of the failed request; the session stays open so the error page can
        # still read the current user, and teardown closes it.
        session = g.get("db_session")
        if session is not None:
            session.rollback()
        app.logger.exception("unhandled error")
        return _render(500)
