"""``/api/v1``: the same suppressed figures as the dashboard, as JSON.

Every answer is one of the pydantic models in ``outcomes.results``; the OpenAPI document is
generated from those models (``api.openapi``)."""

from __future__ import annotations

from flask import current_app, g, jsonify, render_template, request
from pydantic import BaseModel

from wattelt import db
from wattelt.api import bp, openapi, tokens
from wattelt.outcomes import service
from wattelt.outcomes.access import NoScope
from wattelt.outcomes.results import Domains, Problem, Summary

PUBLIC = {"api.openapi_document", "api.docs"}
MESSAGES = {
    tokens.Refused.MISSING: "Send your token in the header: Authorization: Bearer <token>.",
    tokens.Refused.INVALID: "This token is unknown, revoked or expired. Ask your administrator for a new one.",
    tokens.Refused.NO_ACCESS: "The account of this token may not see figures.",
}


def problem(status: int, error: str, message: str, fields: dict | None = None):
    body = Problem(error=error, message=message, fields=fields or {})
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="wattelt", error="invalid_token"'
    return response


def _json(model: BaseModel):
    return jsonify(model.model_dump(mode="json"))


@bp.before_request
def _authenticate():
    language = request.args.get("lang", "")
    g.language_override = (
        language
        if language in current_app.config["LANGUAGES"]
        else current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    if request.endpoint in PUBLIC:
        return None
    user, refused = tokens.authenticate(db.session(), request.headers.get("Authorization"))
    if refused is not None:
        status = 403 if refused is tokens.Refused.NO_ACCESS else 401
        return problem(status, refused.value, MESSAGES[refused])
    g.api_user = user
    return None


def _query():
    """The query for this request, or an error response."""
    unknown = sorted(set(request.args) - set(openapi.QUERY_PARAMETERS))
    if unknown:
        return None, problem(
            400,
            "unknown_parameter",
            "Unknown parameter(s): " + ", ".join(unknown),
            {name: "unknown parameter" for name in unknown},
        )
    try:
        query = service.query(
            db.session(),
            g.api_user,
            request.args,
            int(current_app.config["SUPPRESSION_THRESHOLD"]),
            g.language_override,
        )
    except NoScope:
        return None, problem(
            403, "no_scope", "This account is not linked to an organisation or chain."
        )
    if query.parsed.errors:
        return None, problem(
            400,
            "invalid_filter",
            "One or more filters have a value that is not allowed; see fields.",
            query.parsed.errors,
        )
    return query, None


@bp.get("/summary")
def summary():
    query, error = _query()
    if error is not None:
        return error
    result = query.figures()
    return _json(
        Summary(
            k=result.k,
            scope=result.scope,
            filters=result.filters,
            residents=result.residents,
            measured_twice=result.measured_twice,
            wishes=result.wishes,
            goals=result.goals,
        )
    )


@bp.get("/domains")
def domains():
    query, error = _query()
    if error is not None:
        return error
    result = query.figures()
    return _json(
        Domains(k=result.k, scope=result.scope, filters=result.filters, items=result.items)
    )


@bp.get("/compare")
def compare():
    query, error = _query()
    if error is not None:
        return error
    by = request.args.get("by", "")
    if by not in ("organisation", "district"):
        return problem(
            400,
            "invalid_filter",
            "Compare by organisation or district.",
            {"by": "organisation or district"},
        )
    return _json(query.compare(by))  # type: ignore[arg-type]


@bp.get("/filters")
def filters():
    query, error = _query()
    if error is not None:
        return error
    return _json(query.options())


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=openapi.document())
