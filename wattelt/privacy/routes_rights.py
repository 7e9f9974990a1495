"""Export, erasure and retention pages.

Export: the resident in their own account, or the case director / a coach of the resident's own
organisation on their behalf; readable (prints well) and JSON. Erasure: asked by one person,
approved by another (see ``policy.may_decide_erasure``). Retention: residents without activity for
``WATTELT_RETENTION_MONTHS`` are listed and can be flagged for erasure."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wattelt import db
from wattelt.forms import EmptyForm
from wattelt.models import ErasureRequest, Resident, Role, User
from wattelt.policy import (
    Action,
    log_access,
    log_denied,
    may_ask_erasure,
    may_decide_erasure,
    may_export,
    require_role,
    resident_or_404,
)
from wattelt.privacy import rights
from wattelt.privacy.blueprint import bp
from wattelt.privacy.forms import (
    ERASURE_REASON_LABELS,
    DecisionForm,
    ErasureRequestForm,
    MyErasureForm,
)
from wattelt.privacy.presenting import readable
from wattelt.privacy.routes_consent import own_resident


def _allowed_or_403(resident_id: int, capability, what: str) -> Resident:
    """The resident if ``capability`` allows it; 404 when the user may not even see them."""
    resident = resident_or_404(current_user, resident_id, Action.VIEW, what)
    if not capability(db.session(), current_user, resident):
        abort(403)
    return resident


def _export_html(resident: Resident, easy: bool, json_url: str):
    sections = rights.export_sections(db.session(), resident)
    log_access(current_user, resident.id, "export", "export page")
    return render_template(
        "privacy/export.html",
        resident=resident,
        sections=sections,
        easy=easy,
        json_url=json_url,
        export_value=readable,
    )


def _export_json(resident: Resident):
    document = rights.export_document(db.session(), resident)
    log_access(current_user, resident.id, "export", "export json")
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="wattelt-{resident.code}.json"'},
    )


# ---------------------------------------------------------------------- resident's own pages


@bp.route("/mijn/privacy")
@require_role(Role.RESIDENT)
def my_privacy():
    resident = resident_or_404(current_user, own_resident().id, Action.VIEW, "own privacy")
    return render_template(
        "privacy/my_privacy.html",
        resident=resident,
        pending=rights.pending_request(db.session(), resident.id),
    )


@bp.route("/mijn/gegevens")
@require_role(Role.RESIDENT)
def my_export():
    resident = resident_or_404(current_user, own_resident().id, Action.VIEW, "own export")
    return _export_html(resident, True, url_for("privacy.my_export_json"))


@bp.route("/mijn/gegevens.json")
@require_role(Role.RESIDENT)
def my_export_json():
    return _export_json(resident_or_404(current_user, own_resident().id, Action.VIEW, "own export"))


@bp.route("/mijn/wissen", methods=["GET", "POST"])
@require_role(Role.RESIDENT)
def my_erasure():
    resident = resident_or_404(current_user, own_resident().id, Action.CHANGE, "own erasure")
    if not may_ask_erasure(db.session(), current_user, resident):
        abort(403)
    form = MyErasureForm()
    if form.validate_on_submit():
        rights.request_erasure(db.session(), resident, current_user, "resident_asked")
        flash(_("We got your question. Your coach will talk with you about it."), "success")
        return redirect(url_for("privacy.my_privacy"))
    return render_template(
        "privacy/my_erasure.html",
        form=form,
        pending=rights.pending_request(db.session(), resident.id),
    ), 400 if form.errors else 200


# ------------------------------------------------------------------ on the resident's behalf


@bp.route("/residents/<id:resident_id>/export")
@require_role(Role.COACH)
def resident_export(resident_id: int):
    resident = _allowed_or_403(resident_id, may_export, "export")
    return _export_html(
        resident, False, url_for("privacy.resident_export_json", resident_id=resident.id)
    )


@bp.route("/residents/<id:resident_id>/export.json")
@require_role(Role.COACH)
def resident_export_json(resident_id: int):
    return _export_json(_allowed_or_403(resident_id, may_export, "export"))


@bp.route("/residents/<id:resident_id>/erasure", methods=["GET", "POST"])
@require_role(Role.COACH)
def request_erasure(resident_id: int):
    resident = _allowed_or_403(resident_id, may_ask_erasure, "erasure request")
    session = db.session()
    form = ErasureRequestForm()
    if form.validate_on_submit():
        rights.request_erasure(session, resident, current_user, form.reason.data)
        flash(
            _("The erasure is asked. A second person must approve it before anything is erased."),
            "success",
        )
        return redirect(url_for("residents.detail", resident_id=resident.id))
    return render_template(
        "privacy/erasure_request.html",
        form=form,
        resident=resident,
        pending=rights.pending_request(session, resident.id),
    ), 400 if form.errors else 200


# -------------------------------------------------------------------------- deciding


@bp.route("/privacy/erasures")
@require_role(Role.ADMIN, Role.COACH, Role.MANAGER)
def erasures():
    session = db.session()
    rows = rights.erasure_requests(session, current_user)
    log_access(current_user, [resident.id for _erasure, resident in rows], "view", "erasure list")
    # "Decide" only where this person may; the others (who asked, or made the asker's login
    # link) may look.
    decidable = {
        erasure.id
        for erasure, resident in rows
        if may_decide_erasure(session, current_user, erasure, resident)
    }
    return render_template(
        "privacy/erasures.html", rows=rows, reasons=ERASURE_REASON_LABELS, decidable=decidable
    )


@bp.route("/privacy/erasures/<id:request_id>", methods=["GET", "POST"])
@require_role(Role.ADMIN, Role.COACH, Role.MANAGER)
def decide_erasure(request_id: int):
    session = db.session()
    erasure = session.get(ErasureRequest, request_id)
    resident = session.get(Resident, erasure.resident_id) if erasure else None
    if erasure is None or resident is None or erasure.status != "pending":
        abort(404)
    allowed = may_decide_erasure(session, current_user, erasure, resident)
    if not allowed and erasure.requested_by_id != current_user.id:
        log_denied(current_user, resident.id, "erasure decision")
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        if not allowed:
            abort(403)  # asked it yourself: a second person decides
        approve = form.decision.data == "approve"
        code = resident.code
        if rights.decide(session, erasure, resident, current_user, approve):
            flash(
                _("%(code)s is erased.", code=code)
                if approve
                else _("The erasure of %(code)s is rejected. Nothing was erased.", code=code),
                "success",
            )
        else:
            flash(_("Someone else decided on this request just now."), "info")
        return redirect(url_for("privacy.erasures"))
    log_access(current_user, resident.id, "view", "erasure decision")
    requester = session.get(User, erasure.requested_by_id) if erasure.requested_by_id else None
    sections = rights.export_sections(session, resident)
    return render_template(
        "privacy/erasure_decide.html",
        form=form,
        erasure=erasure,
        resident=resident,
        requester=requester,
        allowed=allowed,
        reasons=ERASURE_REASON_LABELS,
        counts=[(s.title, len(s.rows)) for s in sections],
    ), 400 if form.errors else 200


# ------------------------------------------------------------------------------ retention


@bp.route("/privacy/retention", methods=["GET", "POST"])
@require_role(Role.ADMIN, Role.COACH)
def retention():
    session = db.session()
    months = current_app.config["RETENTION_MONTHS"]
    form = EmptyForm()
    if form.validate_on_submit():
        flagged = rights.flag_inactive(session, months, current_user)
        flash(
            _("%(num)d resident(s) flagged for erasure.", num=len(flagged)),
            "success",
        )
        return redirect(url_for("privacy.erasures"))
    residents = rights.inactive_residents(session, months, current_user)
    log_access(current_user, [resident.id for resident in residents], "view", "retention list")
    return render_template("privacy/retention.html", residents=residents, months=months, form=form)
