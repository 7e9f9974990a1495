"""``/api/v1``: the same suppressed figures as the dashboard, as JSON.

Every answer is one of the pydantic models in ``outcomes.results``; the OpenAPI document is
generated from those models (``api.openapi``)."""

from __future__ import annotations

from datetime import UTC

from flask import current_app, g, jsonify, render_template, request
from pydantic import BaseModel

from wattelt import db
from wattelt.api import bp, openapi, tokens
from wattelt.outcomes import releases, service
from wattelt.outcomes.access import NoScope
from wattelt.outcomes.results import (
    Domains,
    Problem,
    ReleaseFigures,
    ReleaseInfo,
    ReleaseList,
    Summary,
)

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


def _query(release_id: int | None = None):
    """The query for this request, or an error response."""
    unknown = sorted(set(request.args) - set(openapi.QUERY_PARAMETERS))
    args = dict(request.args)
    if release_id is not None:
        args["release"] = str(release_id)
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
            args,
            int(current_app.config["SUPPRESSION_THRESHOLD"]),
            g.language_override,
        )
    except NoScope:
        return None, problem(
            403, "no_scope", "This account is not linked to an organisation or chain."
        )
    except service.NoRelease:
        return None, problem(
            404,
            "no_release",
            "No figures have been released yet. An administrator makes the first release.",
        )
    if release_id is not None and "release" in query.parsed.errors:
        return None, problem(404, "unknown_release", "There is no release with this id.")
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
    return _json(_summary(query))


def _summary(query) -> Summary:
    result = query.figures()
    return Summary(
        **query.published.model_dump(),
        k=result.k,
        scope=result.scope,
        filters=result.filters,
        residents=result.residents,
        measured_twice=result.measured_twice,
        wishes=result.wishes,
        goals=result.goals,
    )


@bp.get("/domains")
def domains():
    query, error = _query()
    if error is not None:
        return error
    return _json(_domains(query))


def _domains(query) -> Domains:
    result = query.figures()
    return Domains(
        **query.published.model_dump(),
        k=result.k,
        scope=result.scope,
        filters=result.filters,
        items=result.items,
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


def _info(release) -> ReleaseInfo:
    return ReleaseInfo(
        id=release.id,
        reference_date=release.reference_date,
        generated_at=release.generated_at.replace(tzinfo=UTC),
        k=release.k,
        held_back_blocks=release.held_back_blocks,
    )


@bp.get("/releases")
def release_list():
    if sorted(set(request.args) - {"lang"}):
        return problem(400, "unknown_parameter", "This list takes no parameters.")
    return _json(ReleaseList(releases=[_info(r) for r in releases.listed(db.session())]))


@bp.get("/releases/<int:release_id>")
def release_figures(release_id: int):
    query, error = _query(release_id)
    if error is not None:
        return error
    return _json(
        ReleaseFigures(
            **query.published.model_dump(),
            info=_info(query.release),
            summary=_summary(query),
            domains=_domains(query),
        )
    )


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=openapi.document())
