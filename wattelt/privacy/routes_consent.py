"""Consent pages: the resident's own (easy language) and the professional's on their behalf.

Who may record choices: the resident themself, their case director and the coaches of their
own organisation. Everyone else who may see the resident sees the choices, read-only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from wattelt import db
from wattelt.consent import services
from wattelt.forms import version_of
from wattelt.models import Resident, Role
from wattelt.policy import Action, log_access, may_record_consent, require_role, resident_or_404
from wattelt.privacy.blueprint import bp
from wattelt.privacy.forms import consent_form, field_name


def own_resident() -> Resident:
    """The logged-in resident's own record (through the policy layer, so it is logged)."""
    resident = (
        db.session().exec(select(Resident).where(Resident.account_id == current_user.id)).first()
    )
    if resident is None:
        abort(404)
    return resident


def _save(resident: Resident, form, current, explained_by_id: int | None):
    """Record the choices of a valid form; returns the number of changed choices or None on a
    conflict (someone else changed the consent since the form was opened)."""
    wanted = {
        (c.purpose, c.organisation.id if c.organisation else None): form[field_name(c)].data
        == "yes"
        for c in current
    }
    try:
        expected = version_of(form.version.data or -1)
        rows = services.record_choices(
            db.session(),
            resident,
            wanted,
            expected_version=expected,
            recorded_by=current_user,
            explained_by_id=explained_by_id,
        )
    except (services.ConsentConflict, ValueError):
        return None
    if rows:
        log_access(current_user, resident.id, "change", "consent")
    return len(rows)


def _consent_page(resident: Resident, *, easy: bool, editable: bool, back: str):
    session = db.session()
    current = services.current_choices(session, resident)
    explainers = services.explainers(session, resident) if easy else None
    form = consent_form(current, explainers, easy=easy)
    conflict = refused = False
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            explained = form.explained_by.data if easy else current_user.id
            try:
                changed = _save(resident, form, current, explained)
            except services.ResidentsOwnChoice:
                changed, refused = None, True
                flash(
                    _(
                        "The resident said no to this on their own account. Only the resident "
                        "can change that choice."
                    ),
                    "error",
                )
            if changed is not None:
                flash(
                    _("Your choices are saved.") if easy else _("The choices are saved."),
                    "success",
                )
                return redirect(back)
            conflict = not refused
    if request.method == "GET" or conflict or refused:
        form = consent_form(services.current_choices(session, resident), explainers, easy=easy)
        form.version.data = services.consent_version(session, resident)
        # "Who explained this?" starts at "Nobody": the resident may well be alone on their own
        # account, and then nobody explained it. Only the resident can name who did.
    status = 409 if conflict else (403 if refused else (400 if form.errors else 200))
    return render_template(
        "privacy/consent.html",
        resident=resident,
        form=form,
        choices=services.current_choices(session, resident),
        history=services.history(session, resident),
        easy=easy,
        editable=editable,
        conflict=conflict,
        field_name=field_name,
    ), status


@bp.route("/mijn/toestemming", methods=["GET", "POST"])
@require_role(Role.RESIDENT)
def my_consent():
    resident = own_resident()
    resident = resident_or_404(current_user, resident.id, Action.CHANGE, "own consent")
    return _consent_page(resident, easy=True, editable=True, back=url_for("privacy.my_privacy"))


@bp.route("/residents/<id:resident_id>/consent", methods=["GET", "POST"])
@require_role(Role.COACH, Role.MANAGER)
def resident_consent(resident_id: int):
    resident = resident_or_404(current_user, resident_id, Action.VIEW, "consent")
    editable = may_record_consent(db.session(), current_user, resident)
    return _consent_page(
        resident,
        easy=False,
        editable=editable,
        back=url_for("residents.detail", resident_id=resident.id),
    )
