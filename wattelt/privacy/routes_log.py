"""The access log, read back: the review for admins (everything) and case directors (their
residents), and "who looked at my data" for the resident, in plain words."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import format_datetime
from flask_login import current_user

from wattelt import db
from wattelt.models import Resident, Role
from wattelt.notices import services as notices
from wattelt.policy import (
    Action,
    log_access,
    may_see_resident_log,
    require_role,
    resident_or_404,
    write_pending_log,
)
from wattelt.privacy import access
from wattelt.privacy.blueprint import bp
from wattelt.privacy.forms import ACTION_LABELS, AccessLogFilterForm
from wattelt.privacy.routes_consent import own_resident
from wattelt.routing import page_number

PAGE_SIZE = 100

bp.add_app_template_global(format_datetime, "format_datetime")


def _review(resident: Resident | None = None):
    form = AccessLogFilterForm(request.args)
    wanted = access.LogFilter(resident_id=resident.id if resident else None)
    if request.args and form.validate():
        wanted.code = form.code.data or None
        wanted.user = form.user.data or None
        wanted.action = form.action.data or None
        wanted.date_from = form.date_from.data
        wanted.date_to = form.date_to.data
    session = db.session()
    write_pending_log(session)
    page = page_number()
    rows = session.exec(
        access.review_query(current_user, wanted)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    shown = sorted({r.id for _log, _user, r, _organisation in rows if r is not None})
    if shown:
        # Reading the log is itself an access to person-level data.
        log_access(current_user, shown, "view", "access log")
    status = 400 if form.errors else 200
    return render_template(
        "privacy/access_log.html",
        form=form,
        rows=rows,
        page=page,
        more=more,
        resident=resident,
        actions=ACTION_LABELS,
        page_url=lambda number: url_for(
            request.endpoint,
            **(request.view_args or {}),
            **{k: v for k, v in request.args.items() if k != "page"},
            page=number,
        ),
    ), status


@bp.route("/privacy/access-log")
@require_role(Role.ADMIN, Role.COACH)
def access_log():
    return _review()


@bp.route("/residents/<id:resident_id>/access-log")
@require_role(Role.COACH)
def resident_access_log(resident_id: int):
    resident = resident_or_404(current_user, resident_id, Action.VIEW, "access log")
    if not may_see_resident_log(db.session(), current_user, resident):
        abort(403)
    return _review(resident)


@bp.route("/mijn/wie-keek")
@require_role(Role.RESIDENT)
def my_access_log():
    resident = resident_or_404(current_user, own_resident().id, Action.VIEW, "who looked")
    session = db.session()
    looks = access.who_looked(session, resident, current_user.id)
    return render_template(
        "privacy/who_looked.html",
        resident=resident,
        looks=looks,
        notices=notices.for_viewer(session, current_user, resident),
    )
