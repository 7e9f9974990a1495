"""The resident's rights: a copy of all their data (export) and erasure after a second
person's approval; and the retention check that flags residents nobody worked with for long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, update
from sqlmodel import Session, col, select

from wattelt.models import (
    AccessLog,
    ErasureRequest,
    Measurement,
    Resident,
    User,
    utcnow,
)
from wattelt.policy import log_access, may_decide_erasure, sees_all_erasures, write_pending_log
from wattelt.privacy.registry import areas

EXPORT_FORMAT = "wattelt-export"
EXPORT_VERSION = 1


# --------------------------------------------------------------------------------- export


@dataclass
class ExportSection:
    key: str
    title: Any
    labels: dict[str, Any]
    rows: list[dict[str, Any]]


def export_sections(db: Session, resident: Resident) -> list[ExportSection]:
    return [
        ExportSection(area.key, area.title, area.labels, area.export(db, resident))
        for area in areas()
    ]


def export_document(db: Session, resident: Resident, sections=None) -> dict:
    """The machine-readable export (README: "Export format")."""
    sections = sections if sections is not None else export_sections(db, resident)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow().isoformat(),
        "resident": resident.code,
        "areas": {s.key: {"title": str(s.title), "rows": s.rows} for s in sections},
    }


# -------------------------------------------------------------------------------- erasure


class ErasureRefused(Exception):
    """The request cannot be decided by this person (e.g. they asked for it themself)."""


def is_erased(db: Session, resident_id: int) -> bool:
    return (
        db.exec(
            select(ErasureRequest.id).where(
                ErasureRequest.resident_id == resident_id, ErasureRequest.status == "approved"
            )
        ).first()
        is not None
    )


def pending_request(db: Session, resident_id: int) -> ErasureRequest | None:
    return db.exec(
        select(ErasureRequest).where(
            ErasureRequest.resident_id == resident_id, ErasureRequest.status == "pending"
        )
    ).first()


def request_erasure(
    db: Session, resident: Resident, requested_by: User | None, reason: str
) -> ErasureRequest:
    """Ask for erasure; an open request is reused, so asking twice makes one request."""
    existing = pending_request(db, resident.id)
    if existing is not None:
        return existing
    request = ErasureRequest(
        resident_id=resident.id,
        reason=reason,
        requested_by_id=requested_by.id if requested_by else None,
    )
    db.add(request)
    db.flush()
    log_access(requested_by, resident.id, "change", "erasure requested")
    return request


def may_decide(db: Session, user: User, request: ErasureRequest, resident: Resident) -> bool:
    """Decided by the policy layer: :func:`wattelt.policy.may_decide_erasure`."""
    return may_decide_erasure(db, user, request, resident)


def decide(
    db: Session, request: ErasureRequest, resident: Resident, decided_by: User, approve: bool
) -> bool:
    """Approve (and erase at once) or reject. False when someone decided it just before."""
    claimed = db.exec(
        update(ErasureRequest)
        .where(col(ErasureRequest.id) == request.id, col(ErasureRequest.status) == "pending")
        .values(
            status="approved" if approve else "rejected",
            decided_by_id=decided_by.id,
            decided_at=utcnow(),
        )
    )
    if claimed.rowcount != 1:
        return False
    if approve:
        erase(db, resident)
        # The log keeps that it happened and who asked and approved, never the data.
        asked = f"user {request.requested_by_id}" if request.requested_by_id else "retention"
        log_access(decided_by, resident.id, "erasure", f"erased; asked by {asked}")
    else:
        log_access(decided_by, resident.id, "change", "erasure rejected")
    db.flush()
    db.expire_all()
    return True


def erase(db: Session, resident: Resident) -> None:
    """Run every area's erasure in order, in the caller's transaction."""
    for area in areas():
        area.erase(db, resident)
        db.flush()
    # The summary behind the anonymous figures follows what is left (e.g. the coarser birth year).
    from wattelt.outcomes import summary

    summary.refresh(db, [resident.id])  # type: ignore[list-item]


def erasure_requests(db: Session, user: User, status: str = "pending") -> list[tuple]:
    """Requests this user may see: all for an admin, otherwise those they may decide or asked."""
    rows = db.exec(
        select(ErasureRequest, Resident)
        .join(Resident, col(Resident.id) == ErasureRequest.resident_id)
        .where(ErasureRequest.status == status)
        .order_by(col(ErasureRequest.requested_at))
    ).all()
    return [
        (request, resident)
        for request, resident in rows
        if sees_all_erasures(user)
        or request.requested_by_id == user.id
        or may_decide(db, user, request, resident)
    ]


# ------------------------------------------------------------------------------ retention


def retention_cutoff(months: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=round(months * 30.44))


def inactive_residents(db: Session, months: int, user: User | None = None) -> list[Resident]:
    """Residents without any activity (registration, a measurement, a change) for ``months``,
    not erased and not already waiting for erasure. ``user``: only the residents they direct
    (admins and the command line see all)."""
    write_pending_log(db)
    cutoff = retention_cutoff(months)
    query = select(Resident).where(
        col(Resident.created_at) < cutoff,
        ~exists().where(Measurement.resident_id == Resident.id, Measurement.updated_at >= cutoff),
        ~exists().where(
            AccessLog.resident_id == Resident.id,
            col(AccessLog.action).in_(("change", "erasure")),
            AccessLog.at >= cutoff,
        ),
        ~exists().where(
            ErasureRequest.resident_id == Resident.id,
            col(ErasureRequest.status).in_(("pending", "approved")),
        ),
    )
    if user is not None and not sees_all_erasures(user):
        query = query.where(Resident.case_director_id == user.id)
    return list(db.exec(query.order_by(col(Resident.created_at))).all())


def flag_inactive(db: Session, months: int, user: User | None = None) -> list[ErasureRequest]:
    return [
        request_erasure(db, resident, user, "retention")
        for resident in inactive_residents(db, months, user)
    ]
