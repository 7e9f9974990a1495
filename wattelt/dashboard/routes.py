"""The anonymous outcomes dashboard for policymakers (their chain) and managers (their own
organisation): figures, groups side by side and exports.

Views stay thin: ``outcomes.service`` does the work, the same for the API and the exports."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import format_decimal, format_percent, get_locale
from flask_login import current_user

from wattelt import db
from wattelt.dashboard import bp, charts
from wattelt.models import Role
from wattelt.outcomes import export, service
from wattelt.outcomes.access import NoScope
from wattelt.policy import require_role

COMPARE_BY = ("organisation", "district")


def _query():
    """The query, or None for an account without figures; raises NoRelease before the first
    release (answered by ``_no_release``)."""
    try:
        return service.query(
            db.session(),
            current_user,
            request.args,
            int(current_app.config["SUPPRESSION_THRESHOLD"]),
            str(get_locale() or "nl"),
        )
    except NoScope:
        return None


def _no_scope():
    return render_template("dashboard/no_scope.html"), 200


@bp.errorhandler(service.NoRelease)
def _no_release(_error):
    return render_template("dashboard/no_release.html"), 200


@bp.route("/")
@require_role(Role.POLICYMAKER, Role.MANAGER)
def index():
    query = _query()
    if query is None:
        return _no_scope()
    result = query.figures()
    return render_template(
        "dashboard/index.html",
        query=query,
        result=result,
        options=query.options(),
        charts=charts.for_figures(result),
        params=query.params,
    ), 400 if query.parsed.errors else 200


@bp.route("/compare")
@require_role(Role.POLICYMAKER, Role.MANAGER)
def compare():
    query = _query()
    if query is None:
        return _no_scope()
    by = request.args.get("by", "organisation")
    errors = dict(query.parsed.errors)
    if by not in COMPARE_BY:
        errors["by"] = "by"
        by = "organisation"
    comparison = query.compare(by)  # type: ignore[arg-type]
    return render_template(
        "dashboard/compare.html",
        query=query,
        comparison=comparison,
        by=by,
        options=query.options(),
        charts=charts.for_comparison(comparison),
        params=query.params,
        by_error="by" in errors,
    ), 400 if errors else 200


@bp.route("/export.<any(xlsx, zip):kind>")
@require_role(Role.POLICYMAKER, Role.MANAGER)
def download(kind: str):
    query = _query()
    if query is None:
        return _no_scope()
    if query.parsed.errors:
        abort(400)
    data = export.build(query)
    if kind == "xlsx":
        body, mimetype = export.to_xlsx(data), export.XLSX
    else:
        body, mimetype = export.to_zip(data), "application/zip"
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="wattelt-figures.{kind}"'
    return response


@bp.context_processor
def _helpers() -> dict:
    return {
        "format_decimal": format_decimal,
        "format_percent": format_percent,
    }
