"""Chains, organisations, districts and professional accounts: the domain logic behind the
admin pages. Nothing here touches person-level resident data.

Names are unique without regard to case ("Wijkteam Noord" and "wijkteam noord" are one team);
e-mail addresses are stored stripped and lowercased. Uniqueness is checked before writing, and
an :class:`~sqlalchemy.exc.IntegrityError` from a simultaneous request becomes the same
:class:`NameTaken`, so the admin sees a field error instead of a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, or_, select

from wattelt.auth.links import Delivery, deliver
from wattelt.auth.services import cancel_open_invitations
from wattelt.models import (
    Chain,
    District,
    Organisation,
    User,
    new_login_id,
)
from wattelt.models.organisation import FOLLOW_UP_MONTHS_MAX, FOLLOW_UP_MONTHS_MIN
from wattelt.policy import (
    is_professional_role,
    may_change_role,
    professional_accounts,
    role_needs_organisation,
)


class NameTaken(Exception):
    """Another record already has this name (or e-mail address)."""


class NotAllowed(Exception):
    """The action is refused for this user (for example: deactivating yourself)."""


def _flush_unique(db: Session) -> None:
    """Flush; a unique violation from a simultaneous request becomes :class:`NameTaken`."""
    try:
        db.flush()
    except IntegrityError as exc:
        db.rollback()
        raise NameTaken from exc


def _same_name(column, value: str):
    return func.lower(column) == value.strip().lower()


def _taken(db: Session, query, model, except_id: int | None) -> bool:
    if except_id is not None:
        query = query.where(col(model.id) != except_id)
    return db.exec(query).first() is not None


# --------------------------------------------------------------------------- counts


@dataclass
class Counts:
    chains: int
    organisations: int
    districts: int
    users: int
    inactive_users: int


def counts(db: Session) -> Counts:
    def number(query) -> int:
        return db.exec(query).one()

    professional = professional_accounts()
    return Counts(
        chains=number(select(func.count()).select_from(Chain)),
        organisations=number(select(func.count()).select_from(Organisation)),
        districts=number(select(func.count()).select_from(District)),
        users=number(select(func.count()).select_from(User).where(professional, col(User.active))),
        inactive_users=number(
            select(func.count()).select_from(User).where(professional, ~col(User.active))
        ),
    )


# --------------------------------------------------------------------------- chains


def chains(db: Session) -> list[Chain]:
    return list(db.exec(select(Chain).order_by(func.lower(Chain.name))).all())


def chains_with_sizes(db: Session) -> list[tuple[Chain, int]]:
    """Each chain with its number of organisations, counted in SQL."""
    rows = db.exec(
        select(Chain, func.count(col(Organisation.id)))
        .join(Organisation, col(Organisation.chain_id) == Chain.id, isouter=True)
        .group_by(col(Chain.id))
        .order_by(func.lower(Chain.name))
    ).all()
    return [(chain, size) for chain, size in rows]


def chain_name_taken(db: Session, name: str, except_id: int | None = None) -> bool:
    return _taken(db, select(Chain.id).where(_same_name(Chain.name, name)), Chain, except_id)


def save_chain(db: Session, chain: Chain | None, name: str) -> Chain:
    """Create a chain (``chain`` is ``None``) or rename it."""
    if chain_name_taken(db, name, chain.id if chain else None):
        raise NameTaken
    chain = chain or Chain(name=name)
    chain.name = name.strip()
    db.add(chain)
    _flush_unique(db)
    return chain


# --------------------------------------------------------------------- organisations


def organisations(db: Session) -> list[Organisation]:
    return list(db.exec(select(Organisation).order_by(func.lower(Organisation.name))).all())


def organisations_with_details(db: Session) -> list[tuple[Organisation, Chain | None, int]]:
    """Each organisation with its chain and its number of active professionals."""
    staff = (
        select(User.organisation_id, func.count().label("size"))
        .where(col(User.active), professional_accounts())
        .group_by(col(User.organisation_id))
        .subquery()
    )
    rows = db.exec(
        select(Organisation, Chain, func.coalesce(staff.c.size, 0))
        .join(Chain, col(Chain.id) == Organisation.chain_id, isouter=True)
        .join(staff, staff.c.organisation_id == Organisation.id, isouter=True)
        .order_by(func.lower(Organisation.name))
    ).all()
    return [(organisation, chain, size) for organisation, chain, size in rows]


def organisation_name_taken(db: Session, name: str, except_id: int | None = None) -> bool:
    query = select(Organisation.id).where(_same_name(Organisation.name, name))
    return _taken(db, query, Organisation, except_id)


def save_organisation(
    db: Session,
    organisation: Organisation | None,
    name: str,
    kind: str,
    chain_id: int | None,
    two_factor_required: bool | None = None,
    follow_up_months: int | None = None,
) -> Organisation:
    """Create or change an organisation; ``follow_up_months`` None keeps the interval as it is
    (the default for a new one)."""
    if organisation_name_taken(db, name, organisation.id if organisation else None):
        raise NameTaken
    if chain_id is not None and db.get(Chain, chain_id) is None:
        raise ValueError("unknown chain")
    if follow_up_months is not None and not (
        FOLLOW_UP_MONTHS_MIN <= follow_up_months <= FOLLOW_UP_MONTHS_MAX
    ):
        raise ValueError("follow-up interval out of range")
    organisation = organisation or Organisation(name=name)
    organisation.name = name.strip()
    organisation.kind = (kind or "").strip()
    organisation.chain_id = chain_id
    if two_factor_required is not None:
        organisation.two_factor_required = two_factor_required
    if follow_up_months is not None:
        organisation.follow_up_months = follow_up_months
    db.add(organisation)
    _flush_unique(db)
    return organisation


# ------------------------------------------------------------------------- districts


def districts(db: Session) -> list[District]:
    return list(
        db.exec(
            select(District).order_by(func.lower(District.municipality), func.lower(District.name))
        ).all()
    )


def district_name_taken(
    db: Session, name: str, municipality: str, except_id: int | None = None
) -> bool:
    query = select(District.id).where(
        _same_name(District.name, name), _same_name(District.municipality, municipality)
    )
    return _taken(db, query, District, except_id)


def save_district(db: Session, district: District | None, name: str, municipality: str) -> District:
    if district_name_taken(db, name, municipality, district.id if district else None):
        raise NameTaken
    district = district or District(name=name, municipality=municipality)
    district.name = name.strip()
    district.municipality = municipality.strip()
    db.add(district)
    _flush_unique(db)
    return district


# ----------------------------------------------------------------------------- users


def normalise_email(email: str) -> str:
    return email.strip().lower()


def professional_or_none(db: Session, user_id: int) -> User | None:
    """A professional account; residents and network members are not managed here."""
    user = db.get(User, user_id)
    if user is None or not is_professional_role(user.role):
        return None
    return user


def lacks_organisation(role: str, organisation_id: int | None) -> bool:
    """True when ``role`` needs an organisation and has none."""
    return organisation_id is None and role_needs_organisation(role)


@dataclass
class UserFilter:
    role: str | None = None
    organisation_id: int | None = None
    text: str | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def users_query(wanted: UserFilter):
    """Professionals matching ``wanted``, active ones first, then by name."""
    query = select(User).where(professional_accounts(wanted.role))
    if wanted.organisation_id is not None:
        query = query.where(User.organisation_id == wanted.organisation_id)
    if wanted.text:
        pattern = "%" + _escape_like(wanted.text.strip().lower()) + "%"
        query = query.where(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    return query.order_by(col(User.active).desc(), func.lower(User.display_name), col(User.id))


def count(db: Session, query) -> int:
    return db.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()


def email_taken(db: Session, email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.email) == normalise_email(email))
    return _taken(db, query, User, except_id)


def _check_user(db: Session, role: str, organisation_id: int | None) -> None:
    if not is_professional_role(role):
        raise ValueError("not a professional role")
    if lacks_organisation(role, organisation_id):
        raise ValueError("this role needs an organisation")
    if organisation_id is not None and db.get(Organisation, organisation_id) is None:
        raise ValueError("unknown organisation")


def create_user(
    db: Session, email: str, display_name: str, role: str, organisation_id: int | None
) -> User:
    """A professional without a password: they choose one through an invitation link."""
    _check_user(db, role, organisation_id)
    if email_taken(db, email):
        raise NameTaken
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        role=role,
        organisation_id=organisation_id,
    )
    db.add(user)
    _flush_unique(db)
    return user


def update_user(
    db: Session, user: User, by: User, display_name: str, role: str, organisation_id: int | None
) -> User:
    _check_user(db, role, organisation_id)
    if not may_change_role(user, by, role):
        # Otherwise the last admin could lock everyone out of this area.
        raise NotAllowed
    user.display_name = display_name.strip()
    user.role = role
    user.organisation_id = organisation_id
    db.add(user)
    db.flush()
    return user


def deactivate(db: Session, user: User, by: User) -> None:
    """Block the account and end all its sessions at once (a new ``login_id``).

    Open invitation links stop working too: accepting one would make the account active again."""
    if user.id == by.id:
        raise NotAllowed
    user.active = False
    user.login_id = new_login_id()
    cancel_open_invitations(db, user)
    db.add(user)
    db.flush()


def reactivate(db: Session, user: User) -> None:
    user.active = True
    db.add(user)
    db.flush()


def invite(db: Session, user: User, by: User) -> Delivery:
    """A new link for an active professional, mailed to them (see ``wattelt.auth.links``); a
    password reset when they have a password. Never for the admin's own account: they change
    their own password under *Password*."""
    if not user.active or user.id == by.id:
        raise NotAllowed
    return deliver(db, user, by)
