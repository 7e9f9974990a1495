"""A small chain with a resident of every kind of access, for the privacy tests.

Sanne was registered by the wijkteam (her own organisation; Kees is her case director). MEE and
GGZ are involved too: Sanne consented to MEE, not to GGZ. Piet belongs to MEE. An organisation
outside the chain has a coach who is not involved with anyone."""

from __future__ import annotations

from flask import Flask

from wattelt import db
from wattelt.models import Answer, ConsentRecord, Measurement, utcnow

from helpers import factories


def give_consent(
    app: Flask, resident, organisation=None, granted: bool = True, by=None
) -> ConsentRecord:
    """Record a consent choice directly (``organisation=None``: anonymous counting)."""
    record = ConsentRecord(
        resident_id=resident.id,
        purpose="count" if organisation is None else "share",
        organisation_id=organisation.id if organisation else None,
        granted=granted,
        recorded_by_id=by.id if by else None,
        explained_by_id=by.id if by else None,
    )
    factories._save(app, record)
    return record


def add_measurement(
    app: Flask, resident, by, status: str = "completed", note: str | None = "Ik slaap slecht."
) -> Measurement:
    """A measurement with two of the resident's answers (one with a note)."""
    with app.app_context(), db.standalone_session() as session:
        measurement = Measurement(
            resident_id=resident.id,
            questionnaire_key="wattelt",
            questionnaire_version=1,
            present="coach",
            mode="together",
            status=status,
            started_by_id=by.id,
            completed_at=utcnow() if status == "completed" else None,
            completed_by_id=by.id if status == "completed" else None,
        )
        session.add(measurement)
        session.flush()
        session.add(
            Answer(
                measurement_id=measurement.id,
                perspective="resident",
                item="money",
                value=2,
                note=note,
                answered_by_id=by.id,
            )
        )
        session.add(
            Answer(
                measurement_id=measurement.id,
                perspective="resident",
                item="overall",
                value=6,
                answered_by_id=by.id,
            )
        )
    return measurement


def build_consent_chain(app: Flask) -> dict:
    chain = factories.make_chain(app, name="Samen Sterk")
    wijkteam = factories.make_organisation(app, name="Wijkteam", chain=chain)
    mee = factories.make_organisation(app, name="MEE", chain=chain, kind="MEE")
    ggz = factories.make_organisation(app, name="GGZ", chain=chain, kind="GGZ")
    elsewhere = factories.make_organisation(
        app, name="Elders", chain=factories.make_chain(app, name="Other chain")
    )

    def user(role, organisation=None, **kw):
        return factories.make_user(app, role=role, organisation=organisation, **kw)

    people = {
        "coach": user("coach", wijkteam, display_name="Kees"),
        "colleague": user("coach", wijkteam, display_name="Fatima"),
        "mee_coach": user("coach", mee, display_name="Mila"),
        "ggz_coach": user("coach", ggz, display_name="Gijs"),
        "other_coach": user("coach", elsewhere, display_name="Otto"),
        "manager": user("manager", wijkteam, display_name="Mirjam"),
        "mee_manager": user("manager", mee, display_name="Mo"),
        "ggz_manager": user("manager", ggz, display_name="Gerda"),
        "policymaker": user("policymaker", wijkteam, display_name="Bram"),
        "admin": user("admin", display_name="Ayla"),
        "sanne_account": user("resident", username="sanne", display_name="Sanne"),
        "piet_account": user("resident", username="piet", display_name="Piet"),
        "carer": user("network", username="jan", display_name="Jan"),
    }
    sanne = factories.make_resident(
        app,
        organisation=wijkteam,
        coach=people["coach"],
        case_director=people["coach"],
        account=people["sanne_account"],
        postcode4="3531",
        birth_year=1984,
    )
    factories.involve(app, sanne, mee, people["mee_coach"], consent=False)
    factories.involve(app, sanne, ggz, people["ggz_coach"], consent=False)
    give_consent(app, sanne, mee, True, by=people["coach"])
    give_consent(app, sanne, None, True, by=people["coach"])
    piet = factories.make_resident(
        app, organisation=mee, coach=people["mee_coach"], account=people["piet_account"]
    )
    member = factories.make_network_member(
        app, sanne, user=people["carer"], relation="carer", display_name="Jan"
    )
    measurement = add_measurement(app, sanne, people["coach"])
    return {
        "chain": chain,
        "wijkteam": wijkteam,
        "mee": mee,
        "ggz": ggz,
        "elsewhere": elsewhere,
        "sanne": sanne,
        "piet": piet,
        "member": member,
        "measurement": measurement,
        **people,
    }
