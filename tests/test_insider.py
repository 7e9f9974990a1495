"""A determined professional inside the chain: chains of steps that are each allowed must not
undo a resident's choice, take over an account or defeat the two-person rule.

Each test plays one attack end to end through the HTTP interface and fails if it succeeds. The
people are those of ``consent_chain``: Sanne of the wijkteam (Kees directs her case, Fatima is
his colleague), MEE involved with her consent (Mila), GGZ involved without it (Gijs)."""

from __future__ import annotations

import re

from sqlmodel import func, select

from wattelt.models import ErasureRequest, Invitation, Involvement, Resident

from conftest import PASSWORD


def _version(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(-?\d+)"', page).group(1)


def _sanne_chooses(own, consent_chain, mee: str):
    """Sanne, logged in on ``own``, counts, says ``mee`` to MEE and no to GGZ."""
    return own.post(
        "/mijn/toestemming",
        data={
            "version": _version(own, "/mijn/toestemming"),
            "count": "yes",
            f"share_{consent_chain['mee'].id}": mee,
            f"share_{consent_chain['ggz'].id}": "no",
            "explained_by": "",
        },
    )


def _director(db_session, resident) -> int | None:
    db_session.expire_all()
    return db_session.get(Resident, resident.id).case_director_id


def _make_director(client, resident, db_session, user):
    version = db_session.get(Resident, resident.id).version
    return client.post(
        f"/residents/{resident.id}/case-director",
        data={"user_id": str(user.id), "version": str(version)},
    )


def _sees(client, resident) -> int:
    return client.get(f"/residents/{resident.id}").status_code


# --- consent and the case director ------------------------------------------------------------


def test_a_partner_cannot_make_itself_case_director(consent_chain, client, login, db_session):
    sanne, mila = consent_chain["sanne"], consent_chain["mee_coach"]
    login(client, mila)
    assert _make_director(client, sanne, db_session, mila).status_code == 404
    version = str(db_session.get(Resident, sanne.id).version)
    on_plan = client.post(
        f"/residents/{sanne.id}/plan/case-director", data={"user_id": mila.id, "version": version}
    )
    assert on_plan.status_code == 404
    assert _director(db_session, sanne) == consent_chain["coach"].id


def test_a_no_still_works_when_the_partner_directs_the_case(
    consent_chain, app, client, login, db_session
):
    sanne, mila = consent_chain["sanne"], consent_chain["mee_coach"]
    # Kees (her own organisation) makes Mila of MEE case director: MEE has Sanne's consent.
    login(client, consent_chain["coach"])
    assert _make_director(client, sanne, db_session, mila).status_code == 302
    assert _director(db_session, sanne) == mila.id
    mee = app.test_client()
    login(mee, mila)
    assert _sees(mee, sanne) == 200
    # Sanne's consent page still asks about MEE, and her "no" works at once.
    own = app.test_client()
    login(own, consent_chain["sanne_account"])
    page = own.get("/mijn/toestemming").get_data(as_text=True)
    assert f"share_{consent_chain['mee'].id}" in page
    answer = _sanne_chooses(own, consent_chain, mee="no")
    assert answer.status_code == 302
    assert _sees(mee, sanne) == 403
    assert mee.get(f"/residents/{sanne.id}/report").status_code == 403


def test_nobody_becomes_case_director_without_the_residents_consent(
    consent_chain, app, client, login, db_session
):
    sanne, gijs = consent_chain["sanne"], consent_chain["ggz_coach"]
    login(client, consent_chain["coach"])
    assert _make_director(client, sanne, db_session, gijs).status_code == 400
    assert _director(db_session, sanne) == consent_chain["coach"].id
    ggz = app.test_client()
    login(ggz, gijs)
    assert ggz.get(f"/residents/{sanne.id}/report").status_code == 403
    assert ggz.get(f"/residents/{sanne.id}/export").status_code == 403


def test_a_partner_cannot_lock_the_own_organisation_out(
    consent_chain, app, client, login, db_session
):
    sanne = consent_chain["sanne"]
    wijkteam = db_session.exec(
        select(Involvement).where(
            Involvement.resident_id == sanne.id,
            Involvement.organisation_id == consent_chain["wijkteam"].id,
        )
    ).one()
    end = f"/residents/{sanne.id}/involvements/{wijkteam.id}/end"
    mee = app.test_client()
    login(mee, consent_chain["mee_coach"])
    assert mee.post(end).status_code == 404
    # Not even when MEE directs the case (Kees made Mila case director).
    login(client, consent_chain["coach"])
    _make_director(client, sanne, db_session, consent_chain["mee_coach"])
    assert mee.post(end).status_code == 403
    db_session.expire_all()
    assert db_session.get(Involvement, wijkteam.id).ended_on is None
    assert _sees(client, sanne) == 200


def test_only_the_resident_undoes_their_own_no(consent_chain, app, client, login, db_session):
    sanne = consent_chain["sanne"]
    own = app.test_client()
    login(own, consent_chain["sanne_account"])
    _sanne_chooses(own, consent_chain, mee="no")
    path = f"/residents/{sanne.id}/consent"
    login(client, consent_chain["coach"])
    undo = client.post(
        path,
        data={
            "version": _version(client, path),
            "count": "yes",
            f"share_{consent_chain['mee'].id}": "yes",
            f"share_{consent_chain['ggz'].id}": "no",
        },
    )
    assert undo.status_code == 403
    mee = app.test_client()
    login(mee, consent_chain["mee_coach"])
    assert _sees(mee, sanne) == 403
    # Sanne herself can.
    again = _sanne_chooses(own, consent_chain, mee="yes")
    assert again.status_code == 302
    assert _sees(mee, sanne) == 200


# --- accounts -----------------------------------------------------------------------------------


def _links(db_session) -> int:
    db_session.expire_all()
    return db_session.exec(select(func.count()).select_from(Invitation)).one()


def test_a_coach_cannot_take_over_the_residents_account(consent_chain, app, client, login):
    sanne = consent_chain["sanne"]
    login(client, consent_chain["coach"])
    response = client.post(f"/residents/{sanne.id}/invite", follow_redirects=True)
    assert "welkom?token=" not in response.get_data(as_text=True)
    member = consent_chain["member"]
    response = client.post(f"/residents/{sanne.id}/network/{member.id}/invite")
    assert response.status_code == 303
    # Sanne and Jan still log in with their own passwords.
    login(app.test_client(), consent_chain["sanne_account"])
    login(app.test_client(), consent_chain["carer"])


def test_an_admin_cannot_take_over_a_professionals_account(
    consent_chain, app, client, login, db_session
):
    """Without a mail server the admin sees the reset link; using it leaves the account closed
    until a second admin activates it, so the admin cannot log in as the coach."""
    kees = consent_chain["coach"]
    login(client, consent_chain["admin"])
    page = client.post(f"/admin/users/{kees.id}/invite").get_data(as_text=True)
    link = re.search(r"/welkom\?token=[A-Za-z0-9_-]+", page).group(0)
    taken = app.test_client()
    chosen = "een eigen gekozen zin"
    assert taken.post(link, data={"password": chosen, "confirm": chosen}).status_code == 200
    assert taken.get(f"/residents/{consent_chain['sanne'].id}").status_code == 302
    refused = app.test_client().post("/login", data={"email": kees.email, "password": chosen})
    assert refused.status_code == 403
    client.post(f"/admin/users/{kees.id}/activate")
    again = app.test_client().post("/login", data={"email": kees.email, "password": chosen})
    assert again.status_code == 403


def test_whoever_made_the_login_link_cannot_approve_the_erasure_it_asked(
    consent_chain, app, client, login, db_session, make_user, make_resident
):
    kees = consent_chain["coach"]
    account = make_user(role="resident", password=None)
    tess = make_resident(
        organisation=consent_chain["wijkteam"], coach=kees, case_director=kees, account=account
    )
    login(client, kees)
    page = client.post(f"/residents/{tess.id}/invite").get_data(as_text=True)
    link = re.search(r"/welkom\?token=[A-Za-z0-9_-]+", page).group(0)
    # Kees opens the link meant for Tess himself and asks for her erasure "as Tess".
    as_tess = app.test_client()
    assert as_tess.get(link).status_code == 200
    chosen = "een eigen gekozen zin"
    as_tess.post(link, data={"username": "tess", "password": chosen, "confirm": chosen})
    assert as_tess.post("/mijn/wissen", data={"confirm": "y"}).status_code == 302
    request = db_session.exec(select(ErasureRequest)).one()
    decision = client.post(f"/privacy/erasures/{request.id}", data={"decision": "approve"})
    assert decision.status_code in (403, 404)
    db_session.expire_all()
    assert db_session.get(Resident, tess.id) is not None
    # A colleague is a second person.
    colleague = app.test_client()
    login(colleague, consent_chain["colleague"])
    assert colleague.get(f"/privacy/erasures/{request.id}").status_code == 200


def test_the_residents_password_is_unchanged_after_the_attempts(consent_chain, client, login):
    login(client, consent_chain["coach"])
    client.post(f"/residents/{consent_chain['sanne'].id}/invite")
    assert (
        client.post("/inloggen", data={"username": "sanne", "password": PASSWORD}).status_code
        == 302
    )
