"""The demo's people: one municipality (the fictional Lindendaal), one chain of four partners in
three districts, an account for every role, and a few dozen residents with involvements, case
directors and network members."""

from __future__ import annotations

import random

from sqlmodel import Session

from wattelt.auth.passwords import hash_password
from wattelt.demo.world import DEMO_PASSWORD, World
from wattelt.models import (
    Chain,
    District,
    Involvement,
    NetworkMember,
    Organisation,
    Resident,
    Role,
    User,
)
from wattelt.policy import directs_cases
from wattelt.residents.services import new_code

MUNICIPALITY = "Lindendaal"
ORGANISATIONS = [
    ("Wijkteam Lindendaal-Oost", "wijkteam"),
    ("MEE Lindendaal", "MEE"),
    ("Schuldhulp Lindendaal", "schuldhulpverlening"),
    ("GGZ Midden", "GGZ"),
]
DISTRICTS = [
    ("Oost", ["3531", "3532", "3533"]),
    ("Centrum", ["3511", "3512"]),
    ("Noord", ["3551", "3552", "3553"]),
]
# (e-mail, name, role, organisation index or None)
ACCOUNTS = [
    ("admin@wattelt.example", "Ayla Demir", Role.ADMIN, None),
    ("beleid@lindendaal.example", "Bram Visser", Role.POLICYMAKER, 0),
    ("manager@wijkteam.example", "Mirjam de Wit", Role.MANAGER, 0),
    ("coach@wijkteam.example", "Kees Smit", Role.COACH, 0),
    ("fatima@wijkteam.example", "Fatima El Amrani", Role.COACH, 0),
    ("coach@mee.example", "Mila Jansen", Role.COACH, 1),
    ("coach@schuldhulp.example", "Sem de Vries", Role.COACH, 2),
    ("coach@ggz.example", "Gijs Bakker", Role.COACH, 3),
]
RESIDENTS = 36


def build(session: Session, rng: random.Random) -> World:
    chain = Chain(name="Samen Sterk Lindendaal")
    session.add(chain)
    session.flush()
    organisations = []
    for name, kind in ORGANISATIONS:
        org = Organisation(name=name, kind=kind, chain_id=chain.id)
        session.add(org)
        organisations.append(org)
    districts = []
    for name, _postcodes in DISTRICTS:
        district = District(name=name, municipality=MUNICIPALITY)
        session.add(district)
        districts.append(district)
    session.flush()

    password = hash_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for email, name, role, org_index in ACCOUNTS:
        user = User(
            email=email,
            display_name=name,
            role=role.value,
            organisation_id=organisations[org_index].id if org_index is not None else None,
            password_hash=password,
        )
        session.add(user)
        users[email] = user
    session.flush()

    coaches_by_org = {
        org.id: [u for u in users.values() if directs_cases(u) and u.organisation_id == org.id]
        for org in organisations
    }
    wijkteam = organisations[0]
    residents = []
    for index in range(RESIDENTS):
        district_index = rng.randrange(len(DISTRICTS))
        coach = rng.choice(coaches_by_org[wijkteam.id])
        resident = Resident(
            code=new_code(session),
            birth_year=rng.randint(1950, 2006),
            postcode4=rng.choice(DISTRICTS[district_index][1]) if rng.random() < 0.85 else None,
            district_id=districts[district_index].id,
            created_by_id=coach.id,
            case_director_id=coach.id,
        )
        session.add(resident)
        session.flush()
        session.add(
            Involvement(
                resident_id=resident.id, organisation_id=wijkteam.id, professional_id=coach.id
            )
        )
        # Most residents with several problems meet more than one partner.
        for org in organisations[1:]:
            if rng.random() < 0.35 or (index == 0 and org.kind in ("MEE", "schuldhulpverlening")):
                partner = coaches_by_org[org.id][0]
                session.add(
                    Involvement(
                        resident_id=resident.id, organisation_id=org.id, professional_id=partner.id
                    )
                )
        residents.append(resident)
    session.flush()

    # The first resident has their own login and a carer with a login too.
    sanne = residents[0]
    resident_user = User(
        username="sanne", display_name="Sanne", role=Role.RESIDENT.value, password_hash=password
    )
    carer_user = User(
        username="jan", display_name="Jan", role=Role.NETWORK.value, password_hash=password
    )
    session.add(resident_user)
    session.add(carer_user)
    session.flush()
    sanne.account_id = resident_user.id
    session.add(sanne)
    session.add(
        NetworkMember(
            resident_id=sanne.id, display_name="Jan", relation="carer", user_id=carer_user.id
        )
    )
    names = ["Petra", "Ahmed", "Lotte", "Youssef", "Els", "Daan", "Noor", "Wim"]
    relations = ["parent", "friend", "neighbour", "family", "partner"]
    for resident in residents[1:]:
        if rng.random() < 0.4:
            session.add(
                NetworkMember(
                    resident_id=resident.id,
                    display_name=rng.choice(names),
                    relation=rng.choice(relations),
                )
            )
    session.flush()
    return World(
        chain=chain,
        organisations=organisations,
        districts=districts,
        users=users,
        residents=residents,
        sanne=sanne,
        carer=carer_user,
        rng=rng,
    )
