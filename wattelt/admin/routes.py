"""The admin area: chains, organisations, districts and professional accounts.

Admins see no person-level resident data. The views for the chain's structure live in
``routes_structure``, those for accounts in ``routes_users``; this module holds the overview
and the helpers they share. Every view is guarded by ``require_role(Role.ADMIN)``."""

from __future__ import annotations

from typing import TypeVar

from flask import abort, render_template
from sqlmodel import SQLModel

from wattelt import db
from wattelt.admin import bp, services
from wattelt.models import Role
from wattelt.policy import require_role

M = TypeVar("M", bound=SQLModel)


def get_or_404(model: type[M], record_id: int) -> M:
    record = db.session().get(model, record_id)
    if record is None:
        abort(404)
    return record


def form_status(form) -> int:
    """Re-rendered forms with errors answer 400, so the request's changes are rolled back."""
    return 400 if form.errors else 200


@bp.route("/")
@require_role(Role.ADMIN)
def index():
    return render_template("admin/index.html", counts=services.counts(db.session()))
