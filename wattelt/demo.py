"""``flask --app app demo``: a realistic demo chain with an account for every role.

One municipality (the fictional Lindendaal), one chain of four partners in three districts, and
a few dozen residents with involvements, case directors and network members. Every demo account
has the password ``wattelt-demo`` (listed in the README). Later areas add measurements and goals.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, select

from wattelt import db, migrate
from wattelt.auth.passwords import hash_password
from wattelt.models import (
    OVERALL,
    Answer,
    Chain,
    District,
    Involvement,
    Measurement,
    NetworkMember,
    Organisation,
    Resident,
    Role,
    User,
    utcnow,
)
from wattelt.questionnaires.loader import registry
from wattelt.residents.services import new_code

DEMO_PASSWORD = "wattelt-demo"
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


def build_demo(reset: bool = False) -> str:
    migrate.upgrade()
    with db.standalone_session() as session:
        if reset:
            _wipe(session)
        elif session.exec(select(Chain).where(Chain.name == "Samen Sterk Lindendaal")).first():
            return "The demo data is already there. Use --reset to build it again."
        summary = _build(session, random.Random(2026))
    return summary


def _wipe(session: Session) -> None:
    """Drop everything by migrating down to nothing and up again (development only)."""
    from flask import current_app

    if current_app.config["WATTELT_ENV"] == "production":
        raise RuntimeError("demo --reset refuses to wipe a production database.")
    session.close()
    migrate.command.downgrade(migrate.alembic_config(), "base")
    migrate.upgrade()


def _build(session: Session, rng: random.Random) -> str:
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
        org.id: [
            u for u in users.values() if u.role == Role.COACH.value and u.organisation_id == org.id
        ]
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
    measured = _measurements(session, rng, residents, sanne, users)
    return (
        f"Demo ready: {len(organisations)} organisations in chain '{chain.name}', "
        f"{len(districts)} districts, {len(residents)} residents, {measured} measurements.\n"
        f"Log in at /login (professionals) or /inloggen (resident 'sanne', carer 'jan'); "
        f"every demo password is '{DEMO_PASSWORD}'."
    )


NOTES = {
    "money": "Ik wil minder rekeningen die te laat zijn.",
    "housing": "Mijn huis is te klein voor ons.",
    "friends": "Ik zou graag vaker iemand zien.",
    "daytime": "Ik wil graag vrijwilligerswerk doen.",
    "mental_health": "Ik slaap slecht.",
}


def _measurements(session: Session, rng: random.Random, residents, sanne, users) -> int:
    """A finished baseline for most residents (some with the coach's and a carer's view), and a
    draft that Sanne is filling in on her own account."""
    questionnaire = registry().default()
    domains = questionnaire.domains_for([])
    count = 0
    for resident in residents[:28]:
        coach_id = resident.case_director_id
        started = utcnow() - timedelta(days=rng.randint(20, 120))
        measurement = Measurement(
            resident_id=resident.id,
            questionnaire_key=questionnaire.key,
            questionnaire_version=questionnaire.version,
            present="coach",
            mode="together",
            status="completed",
            started_by_id=coach_id,
            started_at=started,
            updated_at=started,
            completed_at=started + timedelta(minutes=rng.randint(25, 50)),
            completed_by_id=coach_id,
            resident_step=len(domains) + 1,
        )
        session.add(measurement)
        session.flush()
        level = rng.uniform(2.0, 3.8)
        perspectives = ["resident"]
        if rng.random() < 0.5:
            perspectives.append("coach")
        if resident.id == sanne.id or rng.random() < 0.15:
            perspectives.append("network")
        # The resident's own view per domain; the coach and the network mostly see it the same
        # way, sometimes a step or two apart (the difference the summary marks).
        own = {d.key: max(1, min(5, round(rng.gauss(level, 0.9)))) for d in domains}
        for perspective in perspectives:
            for domain in domains:
                special = None
                value = own[domain.key]
                if perspective != "resident":
                    value = max(1, min(5, value + rng.choice([-2, -1, 0, 0, 0, 0, 0, 1])))
                if rng.random() < 0.05:
                    special, value = rng.choice(["dont_know", "rather_not"]), None
                low = value is not None and value <= 2
                session.add(
                    Answer(
                        measurement_id=measurement.id,
                        perspective=perspective,
                        item=domain.key,
                        value=value,
                        special=special,
                        wants_to_work=perspective == "resident" and low and rng.random() < 0.6,
                        wants_to_talk=perspective == "resident" and low and rng.random() < 0.4,
                        note=NOTES.get(domain.key)
                        if perspective == "resident" and low and rng.random() < 0.3
                        else None,
                        answered_by_id=coach_id,
                        answered_at=started,
                    )
                )
            grade = max(1, min(10, round(rng.gauss(level * 2, 1.2))))
            session.add(
                Answer(
                    measurement_id=measurement.id,
                    perspective=perspective,
                    item=OVERALL,
                    value=grade,
                    answered_by_id=coach_id,
                    answered_at=started,
                )
            )
        count += 1
    # Sanne fills in her next measurement herself and is halfway.
    draft = Measurement(
        resident_id=sanne.id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        present="alone",
        mode="own_device",
        started_by_id=sanne.case_director_id,
        resident_step=6,
    )
    session.add(draft)
    session.flush()
    for domain in domains[:5]:
        session.add(
            Answer(
                measurement_id=draft.id,
                perspective="resident",
                item=domain.key,
                value=rng.randint(2, 5),
                answered_by_id=sanne.account_id,
            )
        )
    session.flush()
    return count + 1
