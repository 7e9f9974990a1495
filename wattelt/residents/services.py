"""Residents, the organisations involved with them, their case director and network."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from wattelt import clock
from wattelt.consent import services as consent
from wattelt.models import (
    District,
    Involvement,
    NetworkMember,
    Organisation,
    Resident,
    Role,
    User,
)
from wattelt.notices import services as notices
from wattelt.policy import coach_accounts

# No 0/O, 1/I/L: codes are read aloud and typed over from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class ConflictError(Exception):
    """Someone else changed the record since the form was opened."""


def new_code(db: Session) -> str:
    while True:
        code = "R-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if db.exec(select(Resident.id).where(Resident.code == code)).first() is None:
            return code


def create_resident(
    db: Session,
    created_by: User,
    birth_year: int,
    postcode4: str | None,
    district_id: int | None,
    make_case_director: bool,
) -> Resident:
    """Register a resident; the creator's organisation is involved from the start."""
    resident = Resident(
        code=new_code(db),
        birth_year=birth_year,
        postcode4=postcode4 or None,
        district_id=district_id,
        created_by_id=created_by.id,
        case_director_id=created_by.id if make_case_director else None,
    )
    db.add(resident)
    db.flush()
    db.add(
        Involvement(
            resident_id=resident.id,
            organisation_id=created_by.organisation_id,
            professional_id=created_by.id,
        )
    )
    db.flush()
    return resident


def update_details(
    db: Session,
    resident: Resident,
    expected_version: int,
    birth_year: int,
    postcode4: str | None,
    district_id: int | None,
) -> None:
    """Change the resident's details unless someone else changed them first."""
    result = db.exec(
        update(Resident)
        .where(col(Resident.id) == resident.id, col(Resident.version) == expected_version)
        .values(
            birth_year=birth_year,
            postcode4=postcode4 or None,
            district_id=district_id,
            version=expected_version + 1,
        )
    )
    if result.rowcount != 1:
        raise ConflictError
    db.refresh(resident)
    # The anonymous figures group by district and age band, kept in the summary of rounds.
    from wattelt.outcomes import summary

    summary.refresh(db, [resident.id])  # type: ignore[list-item]


def involvements(
    db: Session, resident: Resident
) -> list[tuple[Involvement, Organisation, User | None]]:
    return list(
        db.exec(
            select(Involvement, Organisation, User)
            .join(Organisation, col(Organisation.id) == Involvement.organisation_id)
            .join(User, col(User.id) == Involvement.professional_id, isouter=True)
            .where(Involvement.resident_id == resident.id)
            .order_by(col(Involvement.ended_on).is_not(None), Organisation.name)
        ).all()
    )


def partner_organisations(db: Session, user: User) -> list[Organisation]:
    """Organisations a professional may involve: those of their own chain."""
    own = db.get(Organisation, user.organisation_id) if user.organisation_id else None
    if own is None:
        return []
    if own.chain_id is None:
        return [own]
    return list(
        db.exec(
            select(Organisation)
            .where(Organisation.chain_id == own.chain_id)
            .order_by(Organisation.name)
        ).all()
    )


def coaches_of(db: Session, organisation_ids: list[int]) -> list[User]:
    if not organisation_ids:
        return []
    return list(
        db.exec(
            select(User)
            .where(
                col(User.organisation_id).in_(organisation_ids),
                coach_accounts(),
                User.active,
            )
            .order_by(User.display_name)
        ).all()
    )


def involve(
    db: Session, resident: Resident, organisation_id: int, professional_id: int | None
) -> Involvement:
    existing = db.exec(
        select(Involvement).where(
            Involvement.resident_id == resident.id, Involvement.organisation_id == organisation_id
        )
    ).first()
    if existing is not None:
        existing.ended_on = None
        if professional_id:
            existing.professional_id = professional_id
        db.add(existing)
        db.flush()
        return existing
    involvement = Involvement(
        resident_id=resident.id, organisation_id=organisation_id, professional_id=professional_id
    )
    db.add(involvement)
    db.flush()
    return involvement


def may_end_involvement(
    db: Session, user: User, resident: Resident, involvement: Involvement
) -> bool:
    """Whoever manages the resident may end a partner's involvement; the involvement of the
    resident's own organisation (the one that registered them) only that organisation's coaches:
    nobody can lock the own organisation out of its resident."""
    own = consent.own_organisation_ids(db, resident)
    return involvement.organisation_id not in own or user.organisation_id in own


def end_involvement(
    db: Session, resident: Resident, involvement: Involvement, by: User | None
) -> None:
    """End the involvement today (and the case director's role, if it was theirs); the resident
    and their own organisation are told (notices)."""
    involvement.ended_on = clock.today()
    db.add(involvement)
    organisation = db.get(Organisation, involvement.organisation_id)
    if organisation is not None:
        notices.involvement_ended(db, resident, by, organisation)
    director = db.get(User, resident.case_director_id) if resident.case_director_id else None
    if director is not None and director.organisation_id == involvement.organisation_id:
        resident.case_director_id = None
        resident.version += 1
        db.add(resident)
        notices.case_director_changed(db, resident, by, director, None)
    db.flush()


def active_organisation_ids(db: Session, resident: Resident) -> list[int]:
    return list(
        db.exec(
            select(Involvement.organisation_id).where(
                Involvement.resident_id == resident.id, col(Involvement.ended_on).is_(None)
            )
        ).all()
    )


def case_director_candidates(db: Session, resident: Resident) -> list[User]:
    """Who may become case director: a coach of an organisation that works with the resident and
    may see their data (their own organisation, or one they consented to). Making someone case
    director never gives an organisation access the resident did not give."""
    organisation_ids = [
        organisation_id
        for organisation_id in active_organisation_ids(db, resident)
        if consent.organisation_may_see(db, organisation_id, resident)
    ]
    return coaches_of(db, organisation_ids)


def set_case_director(db: Session, resident: Resident, expected_version: int, user_id: int) -> None:
    """Raises ValueError for someone who may not become case director (see
    :func:`case_director_candidates`), :class:`ConflictError` when the resident changed."""
    if user_id not in {u.id for u in case_director_candidates(db, resident)}:
        raise ValueError("not a possible case director for this resident")
    result = db.exec(
        update(Resident)
        .where(col(Resident.id) == resident.id, col(Resident.version) == expected_version)
        .values(case_director_id=user_id, version=expected_version + 1)
    )
    if result.rowcount != 1:
        raise ConflictError
    db.refresh(resident)


def add_network_member(
    db: Session, resident: Resident, display_name: str, relation: str, created_by: User
) -> NetworkMember:
    member = NetworkMember(
        resident_id=resident.id,
        display_name=display_name.strip(),
        relation=relation,
        created_by_id=created_by.id,
    )
    db.add(member)
    db.flush()
    return member


def account_for_resident(db: Session, resident: Resident) -> User:
    """The resident's own login (created on first invitation, without a password until accepted)."""
    if resident.account_id:
        user = db.get(User, resident.account_id)
        if user is not None:
            return user
    user = User(display_name=resident.code, role=Role.RESIDENT.value)
    db.add(user)
    db.flush()
    resident.account_id = user.id
    db.add(resident)
    db.flush()
    return user


def account_for_member(db: Session, member: NetworkMember) -> User:
    if member.user_id:
        user = db.get(User, member.user_id)
        if user is not None:
            return user
    user = User(display_name=member.display_name, role=Role.NETWORK.value)
    db.add(user)
    db.flush()
    member.user_id = user.id
    db.add(member)
    db.flush()
    return user


def districts(db: Session) -> list[District]:
    return list(db.exec(select(District).order_by(District.municipality, District.name)).all())


def count(db: Session, query) -> int:
    return db.exec(select(func.count()).select_from(query.subquery())).one()


@dataclass(frozen=True)
class CodeOnly:
    """What an organisation without the resident's consent may know: that the code exists."""

    id: int
    code: str


def code_only(resident: Resident) -> CodeOnly:
    return CodeOnly(id=resident.id, code=resident.code)  # type: ignore[arg-type]
