"""Who may see or change which resident, for every role, and that every access is logged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from wattelt.models import AccessLog, Involvement, Resident
from wattelt.policy import Action, can

from helpers.consent_chain import give_consent


@pytest.fixture
def partners_chain(make_chain, make_organisation, make_user, make_resident, make_network_member):
    """Two partners in one chain, a third organisation outside it, and their people."""
    chain = make_chain(name="Samen Sterk")
    wijkteam = make_organisation(name="Wijkteam", chain=chain)
    mee = make_organisation(name="MEE", chain=chain, kind="MEE")
    elsewhere = make_organisation(name="Elders", chain=make_chain(name="Other chain"))
    people = {
        "coach": make_user(role="coach", organisation=wijkteam),
        "colleague": make_user(role="coach", organisation=wijkteam),
        "mee_coach": make_user(role="coach", organisation=mee),
        "other_coach": make_user(role="coach", organisation=elsewhere),
        "manager": make_user(role="manager", organisation=wijkteam),
        "other_manager": make_user(role="manager", organisation=elsewhere),
        "policymaker": make_user(role="policymaker", organisation=wijkteam),
        "admin": make_user(role="admin"),
        "sanne_account": make_user(role="resident", username="sanne"),
        "piet_account": make_user(role="resident", username="piet"),
        "carer": make_user(role="network", username="jan"),
    }
    sanne = make_resident(
        organisation=wijkteam,
        coach=people["coach"],
        case_director=people["coach"],
        account=people["sanne_account"],
    )
    piet = make_resident(
        organisation=mee, coach=people["mee_coach"], account=people["piet_account"]
    )
    make_network_member(sanne, user=people["carer"], relation="carer")
    return {
        "orgs": {"wijkteam": wijkteam, "mee": mee, "elsewhere": elsewhere},
        "sanne": sanne,
        "piet": piet,
        **people,
    }


# (user, resident, may view the professional page?)
DETAIL_MATRIX = [
    ("coach", "sanne", 200),
    ("colleague", "sanne", 200),  # same organisation
    ("mee_coach", "sanne", 404),  # chain partner, not involved
    ("other_coach", "sanne", 404),  # another organisation
    ("manager", "sanne", 200),
    ("other_manager", "sanne", 404),
    ("coach", "piet", 404),
    ("mee_coach", "piet", 200),
    ("policymaker", "sanne", 403),
    ("admin", "sanne", 403),
    ("sanne_account", "sanne", 403),  # residents have their own page, not the professional one
    ("carer", "sanne", 403),
]


@pytest.mark.parametrize(("who", "whom", "status"), DETAIL_MATRIX)
def test_resident_page_access(partners_chain, client, login, who, whom, status):
    login(client, partners_chain[who])
    response = client.get(f"/residents/{partners_chain[whom].id}")
    assert response.status_code == status
    if status == 200:
        assert partners_chain[whom].code in response.get_data(as_text=True)
    else:
        assert partners_chain[whom].code not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coach", {"view", "change", "manage"}),
        ("colleague", {"view", "change", "manage"}),
        ("manager", {"view"}),
        ("sanne_account", {"view", "change"}),
        ("carer", {"view"}),
        ("mee_coach", set()),
        ("other_coach", set()),
        ("other_manager", set()),
        ("policymaker", set()),
        ("admin", set()),
        ("piet_account", set()),
    ],
)
def test_policy_answers_per_action(partners_chain, db_session, who, expected):
    allowed = {
        a.value for a in Action if can(db_session, partners_chain[who], a, partners_chain["sanne"])
    }
    assert allowed == expected


def test_a_case_director_of_another_organisation_needs_the_residents_consent(
    partners_chain, app, db_session, client, login
):
    # The MEE coach is Sanne's case director, MEE not involved (yet).
    sanne = db_session.get(Resident, partners_chain["sanne"].id)
    sanne.case_director_id = partners_chain["mee_coach"].id
    db_session.add(sanne)
    db_session.commit()
    login(client, partners_chain["mee_coach"])
    assert client.get(f"/residents/{sanne.id}").status_code == 403  # consent is missing
    give_consent(app, sanne, partners_chain["orgs"]["mee"], True)
    assert client.get(f"/residents/{sanne.id}").status_code == 200
    assert client.get(f"/residents/{sanne.id}/edit").status_code == 200  # directs the case


def test_ended_involvement_ends_access(partners_chain, client, login, db_session):
    involvement = db_session.exec(
        select(Involvement).where(Involvement.resident_id == partners_chain["piet"].id)
    ).one()
    involvement.ended_on = date.today() - timedelta(days=1)
    db_session.add(involvement)
    db_session.commit()
    login(client, partners_chain["mee_coach"])
    assert client.get(f"/residents/{partners_chain['piet'].id}").status_code == 404


def test_resident_list_shows_only_own_organisations_residents(partners_chain, client, login):
    login(client, partners_chain["coach"])
    page = client.get("/residents/").get_data(as_text=True)
    assert partners_chain["sanne"].code in page and partners_chain["piet"].code not in page
    client.post("/logout")
    login(client, partners_chain["other_manager"])
    page = client.get("/residents/").get_data(as_text=True)
    assert partners_chain["sanne"].code not in page and partners_chain["piet"].code not in page


@pytest.mark.parametrize("who", ["policymaker", "admin", "sanne_account", "carer"])
def test_roles_without_caseload_get_no_resident_list(partners_chain, client, login, who):
    login(client, partners_chain[who])
    assert client.get("/residents/").status_code == 403


def test_anonymous_visitor_is_sent_to_login(partners_chain, client):
    response = client.get(f"/residents/{partners_chain['sanne'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_resident_sees_own_page_and_carer_sees_theirs(partners_chain, client, login):
    login(client, partners_chain["sanne_account"])
    page = client.get("/").get_data(as_text=True)
    assert "Wijkteam" in page  # who helps you
    client.post("/logout")
    login(client, partners_chain["carer"])
    assert "Wijkteam" in client.get("/").get_data(as_text=True)


def test_views_and_denials_are_written_to_the_access_log(partners_chain, client, login, db_session):
    login(client, partners_chain["coach"])
    client.get(f"/residents/{partners_chain['sanne'].id}")
    client.get(f"/residents/{partners_chain['piet'].id}")  # not theirs
    client.get("/residents/999999")  # does not exist
    rows = db_session.exec(
        select(AccessLog)
        .where(AccessLog.user_id == partners_chain["coach"].id)
        .order_by(AccessLog.id)
    ).all()
    entries = [(r.resident_id, r.action, r.what, r.role) for r in rows]
    assert (partners_chain["sanne"].id, "view", "resident details", "coach") in entries
    assert (partners_chain["piet"].id, "denied", "resident details", "coach") in entries
    assert (999999, "denied", "resident details", "coach") in entries
    assert all(r.path.startswith("/residents/") and r.address == "127.0.0.1" for r in rows)


def test_list_views_log_every_resident_shown(partners_chain, client, login, db_session):
    login(client, partners_chain["manager"])
    client.get("/residents/")
    logged = db_session.exec(
        select(AccessLog.resident_id).where(AccessLog.what == "resident list")
    ).all()
    assert logged == [partners_chain["sanne"].id]


def test_resident_home_is_logged_as_own_access(partners_chain, client, login, db_session):
    login(client, partners_chain["sanne_account"])
    client.get("/")
    row = db_session.exec(
        select(AccessLog).where(AccessLog.user_id == partners_chain["sanne_account"].id)
    ).one()
    assert (row.resident_id, row.action, row.role) == (
        partners_chain["sanne"].id,
        "view",
        "resident",
    )


def test_policymaker_home_shows_no_person(partners_chain, client, login):
    login(client, partners_chain["policymaker"])
    page = client.get("/").get_data(as_text=True)
    assert "Samen Sterk" in page
    assert partners_chain["sanne"].code not in page and partners_chain["piet"].code not in page
