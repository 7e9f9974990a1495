"""Coaches register residents, involve partners, choose the case director and invite people."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from wattelt.models import Involvement, NetworkMember, Resident, User

from helpers.consent_chain import give_consent


@pytest.fixture
def team(make_chain, make_organisation, make_user, make_district):
    chain = make_chain(name="Samen Sterk")
    wijkteam = make_organisation(name="Wijkteam", chain=chain)
    mee = make_organisation(name="MEE", chain=chain, kind="MEE")
    outside = make_organisation(name="Elders", chain=make_chain(name="Other"))
    return {
        "wijkteam": wijkteam,
        "mee": mee,
        "outside": outside,
        "coach": make_user(role="coach", organisation=wijkteam, display_name="Kees"),
        "mee_coach": make_user(role="coach", organisation=mee, display_name="Mila"),
        "outside_coach": make_user(role="coach", organisation=outside, display_name="Otto"),
        "manager": make_user(role="manager", organisation=wijkteam),
        "district": make_district(name="Oost"),
    }


def _count(db_session, model) -> int:
    return db_session.exec(select(func.count()).select_from(model)).one()


def test_coach_adds_a_resident_by_code(team, client, login, db_session):
    login(client, team["coach"])
    response = client.post(
        "/residents/new",
        data={
            "birth_year": "1984",
            "postcode4": "3531",
            "district_id": str(team["district"].id),
            "case_director": "y",
        },
    )
    assert response.status_code == 302
    resident = db_session.exec(select(Resident)).one()
    assert re.fullmatch(r"R-[A-HJ-NP-Z2-9]{6}", resident.code)
    assert (resident.birth_year, resident.postcode4, resident.district_id) == (
        1984,
        "3531",
        team["district"].id,
    )
    assert resident.case_director_id == team["coach"].id
    involvement = db_session.exec(select(Involvement)).one()
    assert (involvement.organisation_id, involvement.professional_id) == (
        team["wijkteam"].id,
        team["coach"].id,
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert resident.code in page and "Kees" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"birth_year": "1850"}, "1980"),
        ({"birth_year": "next year"}, "1980"),
        ({"birth_year": ""}, "geboortejaar"),
        ({"birth_year": "1984", "postcode4": "3531AB"}, "4 cijfers"),
        ({"birth_year": "1984", "postcode4": "0123"}, "4 cijfers"),
        ({"birth_year": "1984", "district_id": "999999"}, "Wijk"),
        ({"birth_year": "1984", "district_id": "not-a-number"}, "Wijk"),
    ],
)
def test_bad_resident_details_are_explained_and_nothing_is_saved(
    team, client, login, db_session, data, message
):
    login(client, team["coach"])
    response = client.post("/residents/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(db_session, Resident) == 0


def test_managers_cannot_add_residents(team, client, login):
    login(client, team["manager"])
    assert client.get("/residents/new").status_code == 403
    assert client.post("/residents/new", data={"birth_year": "1980"}).status_code == 403


def test_stale_edit_is_shown_as_a_conflict_not_overwritten(
    team, make_resident, app, login, db_session
):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    kees, fatima = app.test_client(), app.test_client()
    login(kees, team["coach"])
    colleague = team["coach"]
    login(fatima, colleague)
    version = str(resident.version)
    first = kees.post(
        f"/residents/{resident.id}/edit",
        data={"birth_year": "1970", "postcode4": "", "district_id": "", "version": version},
    )
    assert first.status_code == 302
    second = fatima.post(
        f"/residents/{resident.id}/edit",
        data={"birth_year": "1990", "postcode4": "", "district_id": "", "version": version},
    )
    assert second.status_code == 409
    assert "Iemand anders" in second.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Resident, resident.id).birth_year == 1970


def test_involving_a_chain_partner_gives_them_access(team, make_resident, client, login, app):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    mee_client = app.test_client()
    login(mee_client, team["mee_coach"])
    assert mee_client.get(f"/residents/{resident.id}").status_code == 404
    login(client, team["coach"])
    response = client.post(
        f"/residents/{resident.id}/involvements",
        data={"organisation_id": str(team["mee"].id), "professional_id": str(team["mee_coach"].id)},
    )
    assert response.status_code == 302
    # Involved, but the resident has not consented to MEE yet: only that they exist.
    assert mee_client.get(f"/residents/{resident.id}").status_code == 403
    _consent_to(client, resident, team["mee"])
    assert mee_client.get(f"/residents/{resident.id}").status_code == 200


def _consent_to(client, resident, organisation) -> None:
    """The resident's coach records the resident's consent for ``organisation``."""
    page = client.get(f"/residents/{resident.id}/consent").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(
        f"/residents/{resident.id}/consent",
        data={"version": version, "count": "no", f"share_{organisation.id}": "yes"},
    )
    assert response.status_code == 302


def test_organisation_outside_the_chain_cannot_be_involved(
    team, make_resident, client, login, db_session
):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["coach"])
    response = client.post(
        f"/residents/{resident.id}/involvements", data={"organisation_id": str(team["outside"].id)}
    )
    assert response.status_code == 400
    assert _count(db_session, Involvement) == 1


def test_professional_must_work_for_the_chosen_organisation(
    team, make_resident, client, login, db_session
):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["coach"])
    response = client.post(
        f"/residents/{resident.id}/involvements",
        data={"organisation_id": str(team["mee"].id), "professional_id": str(team["coach"].id)},
    )
    assert response.status_code == 400
    assert "werkt niet voor die organisatie" in response.get_data(as_text=True)
    assert _count(db_session, Involvement) == 1


def test_case_director_change_and_stale_change(team, app, make_resident, client, login, db_session):
    resident = make_resident(
        organisation=team["wijkteam"], coach=team["coach"], case_director=team["coach"]
    )
    login(client, team["coach"])
    client.post(
        f"/residents/{resident.id}/involvements",
        data={"organisation_id": str(team["mee"].id), "professional_id": str(team["mee_coach"].id)},
    )
    db_session.expire_all()
    version = db_session.get(Resident, resident.id).version
    # Without the resident's consent for MEE, MEE's coach cannot direct the case.
    refused = client.post(
        f"/residents/{resident.id}/case-director",
        data={"user_id": str(team["mee_coach"].id), "version": str(version)},
    )
    assert refused.status_code == 400
    give_consent(app, resident, team["mee"], True, by=team["coach"])
    ok = client.post(
        f"/residents/{resident.id}/case-director",
        data={"user_id": str(team["mee_coach"].id), "version": str(version)},
    )
    assert ok.status_code == 302
    stale = client.post(
        f"/residents/{resident.id}/case-director",
        data={"user_id": str(team["coach"].id), "version": str(version)},
    )
    assert stale.status_code == 303
    db_session.expire_all()
    assert db_session.get(Resident, resident.id).case_director_id == team["mee_coach"].id
    # A professional of an organisation that is not involved cannot become case director.
    bad = client.post(
        f"/residents/{resident.id}/case-director",
        data={"user_id": str(team["outside_coach"].id), "version": str(version + 1)},
    )
    assert bad.status_code == 400


def test_ending_an_involvement_ends_access(team, make_resident, client, login, app, db_session):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["coach"])
    client.post(
        f"/residents/{resident.id}/involvements",
        data={"organisation_id": str(team["mee"].id), "professional_id": ""},
    )
    mee_involvement = db_session.exec(
        select(Involvement).where(Involvement.organisation_id == team["mee"].id)
    ).one()
    _consent_to(client, resident, team["mee"])
    mee_client = app.test_client()
    login(mee_client, team["mee_coach"])
    assert mee_client.get(f"/residents/{resident.id}").status_code == 200
    assert (
        client.post(f"/residents/{resident.id}/involvements/{mee_involvement.id}/end").status_code
        == 302
    )
    assert mee_client.get(f"/residents/{resident.id}").status_code == 404


def test_involvement_of_another_resident_cannot_be_ended_through_this_one(
    team, make_resident, client, login, db_session
):
    mine = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    theirs = make_resident(organisation=team["mee"], coach=team["mee_coach"])
    their_involvement = db_session.exec(
        select(Involvement).where(Involvement.resident_id == theirs.id)
    ).one()
    login(client, team["coach"])
    assert (
        client.post(f"/residents/{mine.id}/involvements/{their_involvement.id}/end").status_code
        == 404
    )
    db_session.expire_all()
    assert db_session.get(Involvement, their_involvement.id).ended_on is None


@pytest.mark.parametrize(
    ("name", "ok"), [("Jan", True), ("", False), ("   ", False), ("x" * 81, False)]
)
def test_network_member_name_is_checked(team, make_resident, client, login, db_session, name, ok):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["coach"])
    response = client.post(
        f"/residents/{resident.id}/network", data={"display_name": name, "relation": "carer"}
    )
    assert response.status_code == (302 if ok else 400)
    assert _count(db_session, NetworkMember) == (1 if ok else 0)


def test_invited_network_member_logs_in_and_sees_who_helps(
    team, make_resident, client, login, app, db_session
):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["coach"])
    client.post(
        f"/residents/{resident.id}/network", data={"display_name": "Jan", "relation": "carer"}
    )
    member = db_session.exec(select(NetworkMember)).one()
    page = client.post(f"/residents/{resident.id}/network/{member.id}/invite").get_data(
        as_text=True
    )
    link = re.search(r'id="invitation-link">([^<]+)<', page).group(1).replace("&amp;", "&")
    path = link.split("localhost", 1)[1]
    jan = app.test_client()
    response = jan.post(
        path,
        data={
            "username": "jan-m",
            "password": "groene fiets zomer",
            "confirm": "groene fiets zomer",
        },
    )
    assert response.status_code == 302
    home = jan.get("/").get_data(as_text=True)
    assert "Wijkteam" in home
    db_session.expire_all()
    assert (
        db_session.get(NetworkMember, member.id).user_id
        == db_session.exec(select(User.id).where(User.username == "jan-m")).one()
    )


def test_resident_invitation_creates_one_account_and_links_it(
    team, make_resident, client, login, db_session
):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["coach"])
    client.post(f"/residents/{resident.id}/invite")
    client.post(f"/residents/{resident.id}/invite")  # a second link, e.g. the first was lost
    db_session.expire_all()
    account_id = db_session.get(Resident, resident.id).account_id
    assert account_id is not None
    assert (
        db_session.exec(select(func.count()).select_from(User).where(User.role == "resident")).one()
        == 1
    )


@pytest.mark.parametrize("path", ["/residents/999999", "/residents/999999/edit", "/residents/abc"])
def test_tampered_ids_give_the_not_found_page(team, client, login, path):
    login(client, team["coach"])
    response = client.get(path)
    assert response.status_code == 404
    assert "Deze pagina kunnen we niet vinden" in response.get_data(as_text=True)


def test_other_organisations_coach_cannot_change_anything(
    team, make_resident, client, login, db_session
):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["outside_coach"])
    assert (
        client.post(
            f"/residents/{resident.id}/network", data={"display_name": "Eve", "relation": "friend"}
        ).status_code
        == 404
    )
    assert client.post(f"/residents/{resident.id}/invite").status_code == 404
    assert (
        client.post(
            f"/residents/{resident.id}/edit", data={"birth_year": "1950", "version": "1"}
        ).status_code
        == 404
    )
    assert _count(db_session, NetworkMember) == 0
    db_session.expire_all()
    assert db_session.get(Resident, resident.id).account_id is None


def test_manager_sees_but_cannot_manage(team, make_resident, client, login):
    resident = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["manager"])
    page = client.get(f"/residents/{resident.id}").get_data(as_text=True)
    assert resident.code in page and "Wijzig gegevens" not in page
    assert client.post(f"/residents/{resident.id}/invite").status_code == 403


def test_search_by_code(team, make_resident, client, login):
    first = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    second = make_resident(organisation=team["wijkteam"], coach=team["coach"])
    login(client, team["coach"])
    page = client.get("/residents/", query_string={"q": first.code.lower()}).get_data(as_text=True)
    assert first.code in page and second.code not in page
