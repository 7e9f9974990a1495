from flask import abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlmodel import select

from wattelt import db
from wattelt.forms import EmptyForm
from wattelt.main import bp, services
from wattelt.measurements import services as measurements
from wattelt.models import NetworkMember, Resident
from wattelt.notices import services as notices
from wattelt.policy import (
    Action,
    is_network_member,
    is_resident,
    may_see_dashboard,
    resident_or_404,
    works_with_residents,
)
from wattelt.rounds import caseload
from wattelt.security import safe_next


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    session_ = db.session()
    if is_resident(current_user):
        resident = session_.exec(
            select(Resident).where(Resident.account_id == current_user.id)
        ).first()
        if resident is not None:
            resident = resident_or_404(current_user, resident.id, Action.VIEW, "own page")
            return render_template(
                "main/home_resident.html",
                resident=resident,
                notices=notices.for_viewer(session_, current_user, resident, unseen_only=True),
                notices_form=EmptyForm(),
                helpers=services.helpers_of(session_, resident),
                network=services.network_of(session_, resident),
                draft=measurements.open_draft(session_, resident),
                finished=[
                    m
                    for m in measurements.measurements_of(session_, resident)
                    if m.status == "completed"
                ],
            )
        return render_template(
            "main/home_resident.html",
            resident=None,
            helpers=[],
            network=[],
            draft=None,
            finished=[],
        )
    if is_network_member(current_user):
        member = session_.exec(
            select(NetworkMember).where(NetworkMember.user_id == current_user.id)
        ).first()
        resident = None
        helpers = []
        draft = None
        if member is not None:
            resident = resident_or_404(
                current_user, member.resident_id, Action.VIEW, "network page"
            )
            helpers = services.helpers_of(session_, resident)
            draft = measurements.open_draft(session_, resident)
        return render_template(
            "main/home_network.html",
            member=member,
            resident=resident,
            helpers=helpers,
            draft=draft,
        )
    if works_with_residents(current_user):
        overdue, due = caseload.due_counts(session_, current_user)
        return render_template(
            "main/home_professional.html",
            summary=services.professional_summary(session_, current_user),
            overdue=overdue,
            due=due,
        )
    if may_see_dashboard(current_user):
        return render_template(
            "main/home_policymaker.html", **services.chain_summary(session_, current_user)
        )
    return redirect(url_for("admin.index"))


@bp.route("/taal", methods=["POST"])
def set_language():
    """Switch the language; remembered on the account, or in the session before logging in."""
    form = EmptyForm()
    language = request.form.get("language", "")
    if not form.validate_on_submit() or language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["language"] = language
    if current_user.is_authenticated:
        current_user.language = language
        db.session().add(current_user)
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/healthz")
def healthz():
    """Readiness, for the proxy or orchestrator: is the database reachable and at the newest
    migration this version ships? (503 otherwise: do not send users here yet.)"""
    from wattelt.migrate import current_revisions, head_revisions

    try:
        connection = db.session().connection()
        connection.execute(text("SELECT 1"))
        current = current_revisions(connection)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    if current != head_revisions():
        current_app.logger.error(
            "health check: database schema at %s, this version needs %s "
            "(run: flask --app app db upgrade)",
            ", ".join(sorted(current)) or "nothing",
            ", ".join(sorted(head_revisions())),
        )
        return jsonify(status="error", database="ok", schema="not current"), 503
    return jsonify(status="ok", database="ok", schema="current")


@bp.route("/livez")
def livez():
    """Liveness: the process answers. Touches no database, so a database outage does not make
    an orchestrator restart healthy workers."""
    return jsonify(status="ok")
