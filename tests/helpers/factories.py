"""Factories for test data, used through the ``make_*`` fixtures in ``conftest.py``.

Each writes through its own committed session and returns a detached object whose columns
(including ``id``) are loaded, so tests can pass it around freely.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

from flask import Flask
from sqlmodel import SQLModel

from wattelt import db
from wattelt.auth.passwords import hash_password
from wattelt.models import (
    Chain,
    ConsentRecord,
    District,
    Involvement,
    NetworkMember,
    Organisation,
    Resident,
    Role,
    User,
)
from wattelt.residents.services import new_code

PASSWORD = "correct horse battery"

_numbers = itertools.count(1)


def _next() -> int:
    return next(_numbers)


@functools.lru_cache(maxsize=8)
def _hash(password: str) -> str:
    # argon2 is slow on purpose; one hash per distinct password keeps the suite fast.
    return hash_password(password)


def _save(app: Flask, *objects: SQLModel) -> None:
    with app.app_context(), db.standalone_session() as session:
        session.add_all(objects)
        session.flush()
    # expire_on_commit=False: the committed values stay loaded on the detached objects.


def make_chain(app: Flask, name: str | None = None) -> Chain:
    chain = Chain(name=name or f"Chain {_next()}")
    _save(app, chain)
    return chain


def make_organisation(
    app: Flask, name: str | None = None, chain: Chain | None = None, kind: str = "wijkteam"
) -> Organisation:
    organisation = Organisation(
        name=name or f"Organisation {_next()}", kind=kind, chain_id=chain.id if chain else None
    )
    _save(app, organisation)
    return organisation


def make_district(
    app: Flask, name: str | None = None, municipality: str = "Lindendaal"
) -> District:
    district = District(name=name or f"District {_next()}", municipality=municipality)
    _save(app, district)
    return district


def make_user(
    app: Flask,
    role: Role | str = Role.COACH,
    organisation: Organisation | None = None,
    email: str | None = None,
    password: str | None = PASSWORD,
    username: str | None = None,
    display_name: str | None = None,
    **fields: Any,
) -> User:
    """A user of any role. Coaches and managers without an ``organisation`` get a new one.

    Professionals log in with ``email``, residents and network members with ``username``;
    the missing one is made up. ``password=None`` leaves the account without a password, as
    after an invitation that was not accepted yet."""
    role = Role(role)
    number = _next()
    if organisation is None and role in (Role.COACH, Role.MANAGER):
        organisation = make_organisation(app)
    if role.is_professional:
        email = email or f"{role.value}{number}@example.org"
    else:
        username = username or f"{role.value}{number}"
    user = User(
        role=role.value,
        email=email,
        username=username,
        display_name=display_name or f"{role.value.title()} {number}",
        organisation_id=organisation.id if organisation else None,
        password_hash=_hash(password) if password is not None else None,
        **fields,
    )
    _save(app, user)
    return user


def make_resident(
    app: Flask,
    organisation: Organisation | None = None,
    coach: User | None = None,
    case_director: User | None = None,
    account: User | bool | None = None,
    birth_year: int = 1980,
    postcode4: str | None = None,
    district: District | None = None,
    **fields: Any,
) -> Resident:
    """A resident with one involvement, like ``residents.services.create_resident`` makes.

    The involved organisation is ``organisation``, else the coach's, else a new one; the coach
    (if any) is the involved professional and the creator. ``account=True`` makes the
    resident's own login (a user with role resident)."""
    if organisation is None:
        if coach is not None and coach.organisation_id is not None:
            organisation_id = coach.organisation_id
        else:
            organisation_id = make_organisation(app).id
    else:
        organisation_id = organisation.id
    if account is True:
        account = make_user(app, Role.RESIDENT)
    with app.app_context(), db.standalone_session() as session:
        resident = Resident(
            code=new_code(session),
            birth_year=birth_year,
            postcode4=postcode4,
            district_id=district.id if district else None,
            created_by_id=coach.id if coach else None,
            case_director_id=case_director.id if case_director else None,
            account_id=account.id if account else None,
            **fields,
        )
        session.add(resident)
        session.flush()
        session.add(
            Involvement(
                resident_id=resident.id,
                organisation_id=organisation_id,
                professional_id=coach.id if coach else None,
            )
        )
    return resident


def make_network_member(
    app: Flask,
    resident: Resident,
    user: User | bool | None = None,
    display_name: str | None = None,
    relation: str = "family",
) -> NetworkMember:
    """Someone from ``resident``'s network; ``user=True`` also makes their login (role network)."""
    if user is True:
        user = make_user(app, Role.NETWORK)
    member = NetworkMember(
        resident_id=resident.id,
        display_name=display_name or f"Member {_next()}",
        relation=relation,
        user_id=user.id if user else None,
    )
    _save(app, member)
    return member


def involve(
    app: Flask,
    resident: Resident,
    organisation: Organisation,
    professional: User | None = None,
    *,
    consent: bool,
) -> None:
    """Involve another organisation with ``resident`` (``professional`` its coach for them);
    ``consent=True`` also records the resident's consent for it to see their data."""
    objects: list[SQLModel] = [
        Involvement(
            resident_id=resident.id,
            organisation_id=organisation.id,
            professional_id=professional.id if professional else None,
        )
    ]
    if consent:
        objects.append(
            ConsentRecord(
                resident_id=resident.id,
                purpose="share",
                organisation_id=organisation.id,
                granted=True,
            )
        )
    _save(app, *objects)
