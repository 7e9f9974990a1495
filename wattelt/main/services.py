"""What each role's home page shows."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from wattelt.models import (
    Chain,
    District,
    Involvement,
    NetworkMember,
    Organisation,
    Resident,
    User,
)
from wattelt.policy import visible_residents


def helpers_of(db: Session, resident: Resident) -> list[dict]:
    """The organisations (and named professionals) working with a resident, case director first."""
    rows = db.exec(
        select(Organisation, User)
        .join(Involvement, col(Involvement.organisation_id) == Organisation.id)
        .join(User, col(User.id) == Involvement.professional_id, isouter=True)
        .where(Involvement.resident_id == resident.id, col(Involvement.ended_on).is_(None))
        .order_by(Organisation.name)
    ).all()
    helpers = [
        {
            "organisation": org.name,
            "professional": user.display_name if user else None,
            "case_director": user is not None and user.id == resident.case_director_id,
        }
        for org, user in rows
    ]
    return sorted(helpers, key=lambda h: not h["case_director"])


def network_of(db: Session, resident: Resident) -> list[NetworkMember]:
    return list(
        db.exec(
            select(NetworkMember)
            .where(NetworkMember.resident_id == resident.id)
            .order_by(NetworkMember.display_name)
        ).all()
    )


def professional_summary(db: Session, user: User) -> dict:
    visible = visible_residents(user).subquery()
    residents = db.exec(select(func.count()).select_from(visible)).one()
    directed = db.exec(
        select(func.count()).select_from(Resident).where(Resident.case_director_id == user.id)
    ).one()
    organisation = db.get(Organisation, user.organisation_id) if user.organisation_id else None
    return {"residents": residents, "directed": directed, "organisation": organisation}


def chain_summary(db: Session, user: User) -> dict:
    """Non-personal facts for policymakers: which partners and districts take part."""
    organisation = db.get(Organisation, user.organisation_id) if user.organisation_id else None
    chain = db.get(Chain, organisation.chain_id) if organisation and organisation.chain_id else None
    partners = (
        db.exec(
            select(Organisation)
            .where(Organisation.chain_id == chain.id)
            .order_by(Organisation.name)
        ).all()
        if chain
        else []
    )
    districts = db.exec(select(District).order_by(District.municipality, District.name)).all()
    return {"chain": chain, "partners": partners, "districts": districts}
