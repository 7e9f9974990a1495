"""Admin pages for the chain's structure: chains, organisations and districts."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from wattelt import db
from wattelt.admin import bp, services
from wattelt.admin.forms import ChainForm, DistrictForm, OrganisationForm
from wattelt.admin.routes import form_status, get_or_404
from wattelt.models import Chain, District, Organisation, Role
from wattelt.policy import require_role


def _form_page(form, heading: str, back: str, hints: dict | None = None):
    return (
        render_template(
            "admin/form.html", form=form, heading=heading, back_url=url_for(back), hints=hints or {}
        ),
        form_status(form),
    )


# --------------------------------------------------------------------------- chains


@bp.route("/chains")
@require_role(Role.ADMIN)
def chains():
    return render_template("admin/chains.html", rows=services.chains_with_sizes(db.session()))


@bp.route("/chains/new", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def new_chain():
    return _chain_form(None, _("New chain"))


@bp.route("/chains/<id:chain_id>/edit", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def edit_chain(chain_id: int):
    chain = get_or_404(Chain, chain_id)
    return _chain_form(chain, _("Rename chain %(name)s", name=chain.name))


def _chain_form(chain: Chain | None, heading: str):
    form = ChainForm(obj=chain)
    if form.validate_on_submit():
        try:
            saved = services.save_chain(db.session(), chain, form.name.data)
        except services.NameTaken:
            form.name.errors.append(_("A chain with this name already exists."))
        else:
            flash(_("Chain %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("admin.chains"))
    return _form_page(form, heading, "admin.chains")


# --------------------------------------------------------------------- organisations


@bp.route("/organisations")
@require_role(Role.ADMIN)
def organisations():
    rows = services.organisations_with_details(db.session())
    return render_template("admin/organisations.html", rows=rows)


@bp.route("/organisations/new", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def new_organisation():
    return _organisation_form(None, _("New organisation"))


@bp.route("/organisations/<id:organisation_id>/edit", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def edit_organisation(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    return _organisation_form(organisation, _("Change %(name)s", name=organisation.name))


def _organisation_form(organisation: Organisation | None, heading: str):
    session = db.session()
    form = OrganisationForm(obj=organisation)
    form.chain_id.choices = [(None, _("No chain"))] + [
        (chain.id, chain.name) for chain in services.chains(session)
    ]
    if form.validate_on_submit():
        try:
            saved = services.save_organisation(
                session,
                organisation,
                form.name.data,
                form.kind.data,
                form.chain_id.data,
                two_factor_required=bool(form.two_factor_required.data),
                follow_up_months=form.follow_up_months.data,
            )
        except services.NameTaken:
            form.name.errors.append(_("An organisation with this name already exists."))
        else:
            flash(_("Organisation %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("admin.organisations"))
    hints = {
        "kind": _("For example wijkteam, MEE, schuldhulp or GGZ."),
        "chain_id": _("Policymakers of this organisation see figures of this chain."),
        "two_factor_required": _(
            "Its coaches and managers then set up a code app on their phone at their next login."
        ),
        "follow_up_months": _(
            "Residents are due for a new measurement this many months after their last one (1 to 24)."
        ),
    }
    return _form_page(form, heading, "admin.organisations", hints)


# ------------------------------------------------------------------------- districts


@bp.route("/districts")
@require_role(Role.ADMIN)
def districts():
    return render_template("admin/districts.html", districts=services.districts(db.session()))


@bp.route("/districts/new", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def new_district():
    return _district_form(None, _("New district"))


@bp.route("/districts/<id:district_id>/edit", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def edit_district(district_id: int):
    district = get_or_404(District, district_id)
    return _district_form(district, _("Change district %(name)s", name=district.name))


def _district_form(district: District | None, heading: str):
    form = DistrictForm(obj=district)
    if form.validate_on_submit():
        try:
            saved = services.save_district(
                db.session(), district, form.name.data, form.municipality.data
            )
        except services.NameTaken:
            form.name.errors.append(_("This municipality already has a district with this name."))
        else:
            flash(_("District %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("admin.districts"))
    return _form_page(form, heading, "admin.districts")
