"""Admin pages for professional accounts. Residents and network members are managed by coaches,
so they never appear here (their ids answer 404)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wattelt import db, mail
from wattelt.admin import bp, services
from wattelt.admin.forms import ROLE_LABELS, NewUserForm, UserFilterForm, UserForm
from wattelt.admin.routes import form_status
from wattelt.auth import activation, two_factor
from wattelt.forms import EmptyForm
from wattelt.mail import MailError
from wattelt.models import Organisation, Role, User, new_login_id
from wattelt.policy import require_role
from wattelt.routing import page_number

PAGE_SIZE = 50


def _professional_or_404(user_id: int) -> User:
    user = services.professional_or_none(db.session(), user_id)
    if user is None:
        abort(404)
    return user


def _organisation_choices(form, empty_label: str) -> dict[int, Organisation]:
    organisations = services.organisations(db.session())
    form.organisation_id.choices = [(None, empty_label)] + [(o.id, o.name) for o in organisations]
    return {o.id: o for o in organisations}


def _role_hints() -> dict:
    return {
        "organisation_id": _(
            "Coaches and managers need one. For a policymaker it decides which chain they see."
        ),
    }


@bp.route("/users")
@require_role(Role.ADMIN)
def users():
    form = UserFilterForm(request.args)
    form.role.choices = [("", _("All roles"))] + list(ROLE_LABELS.items())
    organisations = _organisation_choices(form, _("All organisations"))
    wanted = services.UserFilter()
    if request.args:
        form.validate()
        # A filter with a wrong value is shown with its error and left out, not applied.
        if not form.role.errors:
            wanted.role = form.role.data or None
        if not form.organisation_id.errors:
            wanted.organisation_id = form.organisation_id.data
        if not form.q.errors:
            wanted.text = form.q.data or None
    session = db.session()
    query = services.users_query(wanted)
    total = services.count(session, query)
    pages = max(1, -(-total // PAGE_SIZE))
    page = page_number(last=pages)
    rows = session.exec(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    filters = {
        "q": wanted.text,
        "role": wanted.role,
        "organisation_id": wanted.organisation_id,
    }
    return render_template(
        "admin/users.html",
        form=form,
        users=rows,
        organisations=organisations,
        roles=ROLE_LABELS,
        total=total,
        page=page,
        pages=pages,
        filters={k: v for k, v in filters.items() if v is not None},
        filtered=any(v is not None for v in filters.values()),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def new_user():
    form = NewUserForm()
    _organisation_choices(form, _("No organisation"))
    if form.validate_on_submit():
        try:
            user = services.create_user(
                db.session(),
                form.email.data,
                form.display_name.data,
                form.role.data,
                form.organisation_id.data,
            )
        except services.NameTaken:
            form.email.errors.append(_("A user with this e-mail address already exists."))
        else:
            flash(
                _(
                    "%(name)s added. Now make an invitation link, so they can set a password.",
                    name=user.display_name,
                ),
                "success",
            )
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form, hints=_role_hints()), form_status(form)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def edit_user(user_id: int):
    user = _professional_or_404(user_id)
    form = UserForm(obj=user)
    organisations = _organisation_choices(form, _("No organisation"))
    if form.validate_on_submit():
        try:
            services.update_user(
                db.session(),
                user,
                current_user,
                form.display_name.data,
                form.role.data,
                form.organisation_id.data,
            )
        except services.NotAllowed:
            form.role.errors.append(_("You cannot take away your own administrator role."))
        else:
            flash(_("%(name)s saved.", name=user.display_name), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_edit.html",
        form=form,
        user=user,
        organisation=organisations.get(user.organisation_id),
        roles=ROLE_LABELS,
        hints=_role_hints(),
        action_form=EmptyForm(),
        is_self=user.id == current_user.id,
        two_factor_on=two_factor.is_enrolled(db.session(), user),
        mail_on=mail.configured(),
        waiting=_waiting(user),
    ), form_status(form)


def _waiting(user: User) -> dict | None:
    """What the page says about an account that waits for a second person, or None."""
    session = db.session()
    link = activation.waiting_link(session, user)
    if link is None:
        return None
    maker = session.get(User, link.created_by_id) if link.created_by_id else None
    return {
        "link": link,
        "maker": maker,
        "may_activate": activation.activation_refusal(session, current_user, user) is None,
    }


def _checked_action(user_id: int) -> User:
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _professional_or_404(user_id)


@bp.route("/users/<id:user_id>/deactivate", methods=["POST"])
@require_role(Role.ADMIN)
def deactivate_user(user_id: int):
    user = _checked_action(user_id)
    try:
        services.deactivate(db.session(), user, current_user)
    except services.NotAllowed:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        flash(_("%(name)s is deactivated and logged out.", name=user.display_name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/users/<id:user_id>/reactivate", methods=["POST"])
@require_role(Role.ADMIN)
def reactivate_user(user_id: int):
    user = _checked_action(user_id)
    services.reactivate(db.session(), user)
    flash(_("%(name)s can log in again.", name=user.display_name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/users/<id:user_id>/two-factor/reset", methods=["POST"])
@require_role(Role.ADMIN)
def reset_two_factor(user_id: int):
    """For a professional who lost their phone and their recovery codes."""
    user = _checked_action(user_id)
    two_factor.remove(db.session(), user)
    user.login_id = new_login_id()  # whoever may have their phone is logged out too
    db.session().add(user)
    flash(_("Two-factor authentication of %(name)s is reset.", name=user.display_name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/users/<id:user_id>/invite", methods=["POST"])
@require_role(Role.ADMIN)
def invite_user(user_id: int):
    user = _checked_action(user_id)
    back = redirect(url_for("admin.edit_user", user_id=user.id), 303)
    try:
        delivery = services.invite(db.session(), user, current_user)
    except services.NotAllowed:
        if user.id == current_user.id:
            flash(_("Change your own password under Password."), "error")
        else:
            flash(_("Make the account active again first."), "error")
        return back
    except MailError:
        db.session().rollback()  # no new link: any earlier one still works
        flash(
            _(
                "The e-mail to %(email)s could not be sent, so no new link was made. Any "
                "earlier link still works. Try again later, or ask your system administrator "
                "to check the mail settings.",
                email=mail.masked(user.email or ""),
            ),
            "error",
        )
        return back
    return render_template(
        "admin/invitation.html",
        user=user,
        link=delivery.link,
        sent_to=delivery.sent_to,
        reset=bool(user.password_hash),
    )


@bp.route("/users/<id:user_id>/activate", methods=["POST"])
@require_role(Role.ADMIN)
def activate_user(user_id: int):
    """The second person for an account whose link was shown to the admin who made it."""
    user = _checked_action(user_id)
    refusal = activation.activate(db.session(), user, current_user)
    if refusal is activation.Refusal.SAME_PERSON:
        flash(
            _(
                "You cannot activate this account: you made its link, or the one who made it "
                "made or activated your own account. Ask another administrator."
            ),
            "error",
        )
    elif refusal is activation.Refusal.NOT_WAITING:
        flash(_("This account is not waiting to be activated."), "error")
    else:
        flash(_("%(name)s can log in now.", name=user.display_name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)
