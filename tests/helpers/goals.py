"""Data for the plan's tests: a chain with two involved organisations around Sanne, completed
measurements at chosen moments, and goals and steps written through the services themselves."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from wattelt import db
from wattelt.goals import services
from wattelt.models import (
    Answer,
    Goal,
    Measurement,
    Resident,
    Step,
    User,
    utcnow,
)
from wattelt.questionnaires.loader import registry

from helpers import factories

REACHED_WHEN = "Ik heb geen stapel post meer."


def build_plan_chain(
    app, make_chain, make_organisation, make_user, make_resident, make_network_member
):
    """Sanne gets help from the wijkteam (Kees, her case director) and MEE (Mila); Jan is her
    carer with a login, Petra a neighbour without one. Schuldhulp is a chain partner that is not
    involved; 'Elders' is outside the chain. Piet is another resident of the wijkteam."""
    chain = make_chain(name="Samen Sterk")
    wijkteam = make_organisation(name="Wijkteam Oost", chain=chain)
    mee = make_organisation(name="MEE", chain=chain, kind="MEE")
    schuldhulp = make_organisation(name="Schuldhulp", chain=chain, kind="schuldhulpverlening")
    elsewhere = make_organisation(name="Elders", chain=make_chain(name="Ander verband"))
    kees = make_user(role="coach", organisation=wijkteam, display_name="Kees Smit")
    mila = make_user(role="coach", organisation=mee, display_name="Mila Jansen")
    account = make_user(role="resident", username="sanne", display_name="Sanne")
    sanne = make_resident(organisation=wijkteam, coach=kees, case_director=kees, account=account)
    factories.involve(app, sanne, mee, mila, consent=True)
    jan_account = make_user(role="network", username="jan", display_name="Jan")
    jan = make_network_member(sanne, user=jan_account, relation="carer", display_name="Jan")
    petra = make_network_member(sanne, relation="neighbour", display_name="Petra")
    piet_account = make_user(role="resident", username="piet", display_name="Piet")
    piet = make_resident(organisation=wijkteam, coach=kees, account=piet_account)
    ahmed = make_network_member(piet, relation="friend", display_name="Ahmed")
    return {
        "chain": chain,
        "wijkteam": wijkteam,
        "mee": mee,
        "schuldhulp": schuldhulp,
        "elsewhere": elsewhere,
        "kees": kees,
        "fatima": make_user(role="coach", organisation=wijkteam, display_name="Fatima El Amrani"),
        "mila": mila,
        "sem": make_user(role="coach", organisation=schuldhulp, display_name="Sem de Vries"),
        "other_coach": make_user(role="coach", organisation=elsewhere, display_name="Olaf"),
        "manager": make_user(role="manager", organisation=wijkteam, display_name="Mirjam"),
        "other_manager": make_user(role="manager", organisation=elsewhere),
        "policymaker": make_user(role="policymaker", organisation=wijkteam),
        "admin": make_user(role="admin"),
        "sanne_account": account,
        "sanne": sanne,
        "jan_account": jan_account,
        "jan": jan,
        "petra": petra,
        "piet_account": piet_account,
        "piet": piet,
        "ahmed": ahmed,
    }


def completed_measurement(
    app: Flask,
    resident: Resident,
    days_ago: float,
    values: dict[str, int] | None = None,
    wants: tuple[str, ...] = (),
    notes: dict[str, str] | None = None,
) -> Measurement:
    """A measurement with the default questionnaire, completed ``days_ago``, with the resident's
    answers ``values`` (domain key -> 1..5) and "I want to work on this" for ``wants``."""
    questionnaire = registry().default()
    at = utcnow() - timedelta(days=days_ago)
    values = dict(values or {})
    for key in wants:
        values.setdefault(key, 2)
    with app.app_context(), db.standalone_session() as session:
        measurement = Measurement(
            resident_id=resident.id,
            questionnaire_key=questionnaire.key,
            questionnaire_version=questionnaire.version,
            present="coach",
            mode="together",
            status="completed",
            started_at=at - timedelta(hours=1),
            updated_at=at,
            completed_at=at,
        )
        session.add(measurement)
        session.flush()
        for key, value in values.items():
            session.add(
                Answer(
                    measurement_id=measurement.id,
                    perspective="resident",
                    item=key,
                    value=value,
                    wants_to_work=key in wants,
                    note=(notes or {}).get(key),
                )
            )
    return measurement


def write_goal(
    app: Flask,
    resident: Resident,
    author: User,
    text: str = "Ik wil elke week mijn post openen.",
    domains: tuple[str, ...] = ("money",),
    weight: int = 1,
    measurement: Measurement | None = None,
    days_ago: float | None = None,
) -> Goal:
    """A goal written through ``services.create_goal``; ``days_ago`` moves its creation back."""
    with app.app_context(), db.standalone_session() as session:
        goal = services.create_goal(
            session,
            session.get(Resident, resident.id),
            session.get(User, author.id),
            text=text,
            reached_when=REACHED_WHEN,
            domains=list(domains),
            weight=weight,
            measurement_id=measurement.id if measurement else None,
        )
        if days_ago is not None:
            goal.created_at = utcnow() - timedelta(days=days_ago)
            session.add(goal)
    return goal


def write_step(
    app: Flask,
    resident: Resident,
    goal: Goal,
    author: User,
    helper: str = "resident",
    text: str = "De post openen",
    due_on: date | None = None,
) -> Step:
    with app.app_context(), db.standalone_session() as session:
        return services.add_step(
            session,
            session.get(Resident, resident.id),
            session.get(Goal, goal.id),
            session.get(User, author.id),
            text=text,
            helper_key=helper,
            due_on=due_on,
        )
