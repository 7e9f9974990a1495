"""The person's report (for professionals and for the resident themself) and the caseload.

Every person-level view reaches its resident through the policy layer, which logs the access;
a user whose role has no report (network members, policymakers, admins) is refused, and that
refusal is logged too."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from wattelt import db
from wattelt.forms import choices
from wattelt.models import Organisation, Resident, Role
from wattelt.policy import (
    Action,
    is_resident,
    log_access,
    log_denied,
    may_start_round,
    reads_as_organisation,
    require_role,
    resident_or_404,
    works_with_residents,
)
from wattelt.questionnaires.loader import registry
from wattelt.rounds import bp, report
from wattelt.rounds import caseload as caseloads
from wattelt.rounds.forms import CaseloadFilterForm
from wattelt.rounds.history import load_history
from wattelt.routing import page_number


def _language() -> str:
    return str(get_locale() or "nl")


def _refuse(resident_id: int | None, what: str):
    log_denied(current_user, resident_id, what)
    abort(403)


@bp.route("/residents/<id:resident_id>/report")
@login_required
def resident_report(resident_id: int):
    if not works_with_residents(current_user):
        _refuse(resident_id, "report")
    resident = resident_or_404(current_user, resident_id, Action.VIEW, "report")
    return _report_page(resident, own=False)


@bp.route("/mijn-resultaten")
@login_required
def my_report():
    if not is_resident(current_user):
        _refuse(None, "own report")
    resident = (
        db.session().exec(select(Resident).where(Resident.account_id == current_user.id)).first()
    )
    if resident is None:
        return render_template("rounds/report.html", resident=None, own=True, rounds=[])
    resident = resident_or_404(current_user, resident.id, Action.VIEW, "own report")
    return _report_page(resident, own=True)


def _report_page(resident: Resident, own: bool):
    language = _language()
    history = load_history(db.session(), resident.id, language)  # type: ignore[arg-type]
    shown = report.choose_perspectives(request.args.getlist("perspective"), history.perspectives())
    context = report.build(history, shown, language)
    print_view = request.args.get("print") == "1"
    return render_template(
        "rounds/report.html",
        resident=resident,
        own=own,
        print_view=print_view,
        may_measure=not own and may_start_round(db.session(), current_user, resident),
        self_url=url_for(request.endpoint, **(request.view_args or {})),  # type: ignore[arg-type]
        **context,
    )


@bp.route("/caseload")
@require_role(Role.COACH, Role.MANAGER)
def caseload():
    session = db.session()
    manager = reads_as_organisation(current_user)
    form = CaseloadFilterForm(request.args)
    coaches = caseloads.coaches(session, current_user.organisation_id) if manager else []
    form.coach.choices = choices(
        [(None, _("All coaches")), *((c.id, c.display_name) for c in coaches)]
    )
    form.validate()
    # A value that is not one of the options is reported and the filter falls back to all.
    for name in form.errors:
        form[name].data = form[name].default
    sort = request.args.get("sort", "due")
    filters = caseloads.Filters(
        mine=not manager and form.who.data == "mine",
        coach_id=form.coach.data if manager else None,
        due=form.due.data or "all",
        change=form.change.data or "all",
        code=form.q.data or "",
        sort=sort if sort in caseloads.SORTS else "due",
        descending=request.args.get("dir") == "desc",
        page=page_number(),
    )
    result = caseloads.load(session, current_user, filters, registry())
    log_access(current_user, [row.resident_id for row in result.rows], "view", "caseload")
    organisation = (
        session.get(Organisation, current_user.organisation_id)
        if current_user.organisation_id
        else None
    )
    return render_template(
        "rounds/caseload.html",
        form=form,
        filters=filters,
        caseload=result,
        manager=manager,
        organisation=organisation,
        questionnaires={q.key: q.title.get(_language()) for q in registry().latest_all()},
        args={k: v for k, v in request.args.items() if k not in ("sort", "dir", "page")},
    )
