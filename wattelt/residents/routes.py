"""Person-level pages for professionals. Every view gets its resident through the policy layer."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from wattelt import db
from wattelt.auth.services import AccountHasPassword, create_invitation
from wattelt.forms import EmptyForm, choices, version_of
from wattelt.measurements import services as measurement_services
from wattelt.models import District, Involvement, NetworkMember, Resident, Role, User
from wattelt.notices import services as notices
from wattelt.policy import (
    Action,
    can,
    known_residents,
    log_access,
    require_role,
    resident_or_404,
    visible_residents,
)
from wattelt.residents import bp, services
from wattelt.residents.forms import (
    RELATION_LABELS,
    CaseDirectorForm,
    InvolvementForm,
    NetworkMemberForm,
    NewResidentForm,
    ResidentForm,
    SearchForm,
)
from wattelt.routing import page_number

PAGE_SIZE = 50


def _district_choices(form) -> None:
    form.district_id.choices = choices(
        [(None, _("No district"))]
        + [(d.id, f"{d.name} ({d.municipality})") for d in services.districts(db.session())]
    )


@bp.route("/")
@require_role(Role.COACH, Role.MANAGER)
def index():
    form = SearchForm(request.args)
    # Residents without consent for this organisation are listed by code only.
    query = known_residents(current_user)
    if form.validate() and form.q.data:
        query = query.where(col(Resident.code).ilike("%" + form.q.data.strip().upper() + "%"))
    session = db.session()
    total = services.count(session, query)
    page = page_number()
    residents = session.exec(
        query.order_by(col(Resident.created_at).desc(), col(Resident.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    shown = [r.id for r in residents]
    shared = set(
        session.exec(
            visible_residents(current_user)
            .where(col(Resident.id).in_(shown))
            .with_only_columns(col(Resident.id))
        ).all()
    )
    log_access(current_user, [i for i in shown if i in shared], "view", "resident list")
    log_access(
        current_user, [i for i in shown if i not in shared], "view", "resident list (code only)"
    )
    return render_template(
        "residents/index.html",
        form=form,
        # Without consent the page gets the code alone: no birth year, postcode or date.
        residents=[r if r.id in shared else services.code_only(r) for r in residents],
        shared=shared,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        can_create=current_user.role == Role.COACH.value
        and current_user.organisation_id is not None,
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(Role.COACH)
def new():
    if current_user.organisation_id is None:
        abort(403)
    form = NewResidentForm()
    _district_choices(form)
    if form.validate_on_submit():
        resident = services.create_resident(
            db.session(),
            current_user,
            form.birth_year.data,
            form.postcode4.data,
            form.district_id.data,
            form.case_director.data,
        )
        log_access(current_user, resident.id, "change", "resident created")
        flash(_("Resident %(code)s added.", code=resident.code), "success")
        return redirect(url_for("residents.detail", resident_id=resident.id))
    return render_template("residents/new.html", form=form), 400 if form.errors else 200


@bp.route("/<id:resident_id>")
@require_role(Role.COACH, Role.MANAGER)
def detail(resident_id: int):
    resident = resident_or_404(current_user, resident_id, Action.VIEW, "resident details")
    session = db.session()
    may_manage = can(session, current_user, Action.MANAGE, resident)
    return render_template("residents/detail.html", **_detail_context(resident, may_manage))


def _detail_context(resident: Resident, may_manage: bool, **forms) -> dict:
    session = db.session()
    involvements = services.involvements(session, resident)
    active_orgs = [org.id for inv, org, _u in involvements if inv.ended_on is None]
    context = {
        "resident": resident,
        "involvements": involvements,
        "network": session.exec(
            select(NetworkMember)
            .where(NetworkMember.resident_id == resident.id)
            .order_by(NetworkMember.display_name)
        ).all(),
        "relations": RELATION_LABELS,
        "district": session.get(District, resident.district_id) if resident.district_id else None,
        "case_director": session.get(User, resident.case_director_id)
        if resident.case_director_id
        else None,
        "account": session.get(User, resident.account_id) if resident.account_id else None,
        # No new login link for whoever already chose a password (see create_invitation).
        "members_with_password": set(
            session.exec(
                select(NetworkMember.id)
                .join(User, col(User.id) == NetworkMember.user_id)
                .where(
                    NetworkMember.resident_id == resident.id, col(User.password_hash).is_not(None)
                )
            ).all()
        ),
        "may_manage": may_manage,
        "notices": notices.for_viewer(session, current_user, resident, limit=10),
        "may_measure": can(session, current_user, Action.CHANGE, resident),
        "measurements": measurement_services.measurements_of(session, resident),
        "action_form": EmptyForm(),
    }
    if may_manage:
        involvement_form = forms.get("involvement_form") or InvolvementForm(formdata=None)
        partners = services.partner_organisations(session, current_user)
        involvement_form.organisation_id.choices = choices(
            (o.id, o.name) for o in partners if o.id not in active_orgs
        )
        involvement_form.professional_id.choices = choices(
            [(None, _("Not yet known"))]
            + [
                (u.id, u.display_name)
                for u in services.coaches_of(session, [o.id for o in partners])
            ]
        )
        director_form = forms.get("director_form") or CaseDirectorForm(formdata=None)
        director_form.user_id.choices = choices(
            (u.id, u.display_name) for u in services.case_director_candidates(session, resident)
        )
        director_form.version.data = resident.version
        if resident.case_director_id and not director_form.is_submitted():
            director_form.user_id.data = resident.case_director_id
        context.update(
            involvement_form=involvement_form,
            director_form=director_form,
            network_form=forms.get("network_form") or NetworkMemberForm(formdata=None),
        )
    return context


@bp.route("/<id:resident_id>/edit", methods=["GET", "POST"])
@require_role(Role.COACH)
def edit(resident_id: int):
    resident = resident_or_404(current_user, resident_id, Action.MANAGE, "resident details edit")
    form = ResidentForm(obj=resident if request.method == "GET" else None)
    _district_choices(form)
    conflict = False
    if request.method == "GET":
        form.version.data = resident.version
    elif form.validate_on_submit():
        try:
            expected = version_of(form.version.data)
            services.update_details(
                db.session(),
                resident,
                expected,
                form.birth_year.data,
                form.postcode4.data,
                form.district_id.data,
            )
        except (services.ConflictError, ValueError):
            conflict = True
            form.version.data = resident.version
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("residents.detail", resident_id=resident.id))
    status = 409 if conflict else (400 if form.errors else 200)
    return render_template(
        "residents/edit.html", form=form, resident=resident, conflict=conflict
    ), status


@bp.route("/<id:resident_id>/involvements", methods=["POST"])
@require_role(Role.COACH)
def add_involvement(resident_id: int):
    resident = resident_or_404(current_user, resident_id, Action.MANAGE, "involvement add")
    session = db.session()
    form = InvolvementForm()
    partners = services.partner_organisations(session, current_user)
    form.organisation_id.choices = choices((o.id, o.name) for o in partners)
    coaches = services.coaches_of(session, [o.id for o in partners])
    form.professional_id.choices = choices([(None, "")] + [(u.id, u.display_name) for u in coaches])
    if form.validate_on_submit():
        professional = (
            session.get(User, form.professional_id.data) if form.professional_id.data else None
        )
        if professional is not None and professional.organisation_id != form.organisation_id.data:
            form.professional_id.errors.append(
                _("This professional does not work for that organisation.")
            )
        else:
            services.involve(
                session, resident, form.organisation_id.data, form.professional_id.data
            )
            flash(_("Organisation added."), "success")
            return redirect(url_for("residents.detail", resident_id=resident.id) + "#involvements")
    return render_template(
        "residents/detail.html", **_detail_context(resident, True, involvement_form=form)
    ), 400


@bp.route("/<id:resident_id>/involvements/<id:involvement_id>/end", methods=["POST"])
@require_role(Role.COACH)
def end_involvement(resident_id: int, involvement_id: int):
    resident = resident_or_404(current_user, resident_id, Action.MANAGE, "involvement end")
    if not EmptyForm().validate_on_submit():
        abort(400)
    session = db.session()
    involvement = session.get(Involvement, involvement_id)
    if involvement is None or involvement.resident_id != resident.id:
        abort(404)
    if not services.may_end_involvement(session, current_user, resident, involvement):
        abort(403)
    services.end_involvement(session, resident, involvement, current_user)
    flash(_("The organisation no longer works with this resident."), "success")
    return redirect(url_for("residents.detail", resident_id=resident.id) + "#involvements")


@bp.route("/<id:resident_id>/case-director", methods=["POST"])
@require_role(Role.COACH)
def change_case_director(resident_id: int):
    resident = resident_or_404(current_user, resident_id, Action.MANAGE, "case director change")
    session = db.session()
    form = CaseDirectorForm()
    form.user_id.choices = choices(
        (u.id, u.display_name) for u in services.case_director_candidates(session, resident)
    )
    if form.validate_on_submit():
        previous_director = resident.case_director_id
        try:
            services.set_case_director(
                session, resident, version_of(form.version.data), form.user_id.data
            )
        except (services.ConflictError, ValueError):
            flash(
                _(
                    "Someone else changed this resident just now. Check the case director and try again."
                ),
                "error",
            )
            return redirect(
                url_for("residents.detail", resident_id=resident.id) + "#case-director"
            ), 303
        # Imported here: the goals area builds on residents, not the other way round.
        from wattelt.goals.plan import record_case_director

        record_case_director(session, resident, current_user, previous_director)
        flash(_("Case director changed."), "success")
        return redirect(url_for("residents.detail", resident_id=resident.id))
    return render_template(
        "residents/detail.html", **_detail_context(resident, True, director_form=form)
    ), 400


@bp.route("/<id:resident_id>/network", methods=["POST"])
@require_role(Role.COACH)
def add_network_member(resident_id: int):
    resident = resident_or_404(current_user, resident_id, Action.MANAGE, "network add")
    form = NetworkMemberForm()
    if form.validate_on_submit():
        services.add_network_member(
            db.session(), resident, form.display_name.data, form.relation.data, current_user
        )
        flash(_("Added to the network."), "success")
        return redirect(url_for("residents.detail", resident_id=resident.id) + "#network")
    return render_template(
        "residents/detail.html", **_detail_context(resident, True, network_form=form)
    ), 400


@bp.route("/<id:resident_id>/invite", methods=["POST"])
@require_role(Role.COACH)
def invite_resident(resident_id: int):
    resident = resident_or_404(current_user, resident_id, Action.MANAGE, "resident invitation")
    if not EmptyForm().validate_on_submit():
        abort(400)
    session = db.session()
    account = services.account_for_resident(session, resident)
    try:
        token = create_invitation(session, account, current_user)
    except AccountHasPassword:
        return _has_password(resident)
    notices.login_link_made(session, resident, current_user)
    return render_template(
        "residents/invitation.html",
        resident=resident,
        invitee=_("the resident"),
        link=url_for("auth.accept_invitation", token=token, _external=True),
    )


def _has_password(resident: Resident):
    flash(
        _(
            "This person already has a password, so no new login link is made: a link would "
            "let whoever opens it log in as them. Only they can change their password, after "
            "logging in."
        ),
        "error",
    )
    return redirect(url_for("residents.detail", resident_id=resident.id)), 303


@bp.route("/<id:resident_id>/network/<id:member_id>/invite", methods=["POST"])
@require_role(Role.COACH)
def invite_member(resident_id: int, member_id: int):
    resident = resident_or_404(current_user, resident_id, Action.MANAGE, "network invitation")
    if not EmptyForm().validate_on_submit():
        abort(400)
    session = db.session()
    member = session.get(NetworkMember, member_id)
    if member is None or member.resident_id != resident.id:
        abort(404)
    account = services.account_for_member(session, member)
    try:
        token = create_invitation(session, account, current_user)
    except AccountHasPassword:
        return _has_password(resident)
    notices.login_link_made(session, resident, current_user, member)
    return render_template(
        "residents/invitation.html",
        resident=resident,
        invitee=member.display_name,
        link=url_for("auth.accept_invitation", token=token, _external=True),
    )
