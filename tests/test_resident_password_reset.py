"""A resident or network member who forgot their password: a coach of the resident's own
organisation asks for a link, a second professional of that organisation confirms it. Played end
to end as the coach who would like to take the account over alone."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from wattelt.models import AccessLog, ErasureRequest, Invitation

from conftest import PASSWORD

CHOSEN = "een nieuw eigen wachtwoord"


def link_on(page) -> str:
    return re.search(r"/welkom\?token=[A-Za-z0-9_-]+", page.get_data(as_text=True)).group(0)


def choose(client, link: str):
    return client.post(link, data={"password": CHOSEN, "confirm": CHOSEN})


@pytest.fixture
def as_(app, consent_chain, login):
    def client_of(name: str):
        client = app.test_client()
        login(client, consent_chain[name])
        return client

    return client_of


def test_a_coach_alone_cannot_reset_a_residents_password(app, consent_chain, as_, db_session):
    sanne, account = consent_chain["sanne"], consent_chain["sanne_account"]
    kees = as_("coach")
    old_session = app.test_client()
    old_session.post("/inloggen", data={"username": "sanne", "password": PASSWORD})
    assert old_session.get("/mijn/privacy").status_code == 200

    link = link_on(kees.post(f"/residents/{sanne.id}/logins/{account.id}/reset"))
    # Kees opens the link himself: it does not work yet.
    assert choose(app.test_client(), link).status_code == 403
    # Nor can he confirm his own request.
    kees.post(f"/residents/{sanne.id}/logins/{account.id}/reset/confirm")
    assert choose(app.test_client(), link).status_code == 403
    assert old_session.get("/mijn/privacy").status_code == 200  # nothing changed

    # Partners and other organisations cannot confirm either.
    for outsider in ("mee_coach", "mee_manager"):
        response = as_(outsider).post(f"/residents/{sanne.id}/logins/{account.id}/reset/confirm")
        assert response.status_code in (303, 403, 404)
        assert choose(app.test_client(), link).status_code == 403

    # Fatima, a colleague of the own organisation, confirms; then the link works once.
    fatima = as_("colleague")
    page = fatima.get(f"/residents/{sanne.id}").get_data(as_text=True)
    assert f"/logins/{account.id}/reset/confirm" in page
    fatima.post(f"/residents/{sanne.id}/logins/{account.id}/reset/confirm")
    assert choose(app.test_client(), link).status_code == 302
    assert choose(app.test_client(), link).status_code == 410
    # The old session ends, the old password no longer works, and it is all logged.
    assert old_session.get("/mijn/privacy").status_code == 302
    refused = app.test_client().post("/inloggen", data={"username": "sanne", "password": PASSWORD})
    assert refused.status_code == 401
    db_session.expire_all()
    logged = {row.what for row in db_session.exec(select(AccessLog)).all()}
    assert {
        "password reset link asked",
        "password reset link confirmed",
        "password reset by link",
    } <= logged


def test_the_manager_may_confirm_a_network_members_reset(app, consent_chain, as_):
    sanne, jan = consent_chain["sanne"], consent_chain["carer"]
    link = link_on(as_("coach").post(f"/residents/{sanne.id}/logins/{jan.id}/reset"))
    as_("manager").post(f"/residents/{sanne.id}/logins/{jan.id}/reset/confirm")
    assert choose(app.test_client(), link).status_code == 302


def test_only_the_own_organisations_coaches_ask_and_only_for_this_residents_logins(
    consent_chain, as_, db_session
):
    sanne, piet = consent_chain["sanne"], consent_chain["piet_account"]
    mee = as_("mee_coach")  # a partner with Sanne's consent
    assert (
        mee.post(
            f"/residents/{sanne.id}/logins/{consent_chain['sanne_account'].id}/reset"
        ).status_code
        == 403
    )
    kees = as_("coach")
    assert kees.post(f"/residents/{sanne.id}/logins/{piet.id}/reset").status_code == 404
    assert (
        kees.post(f"/residents/{sanne.id}/logins/{consent_chain['coach'].id}/reset").status_code
        == 404
    )
    db_session.expire_all()
    assert db_session.exec(select(Invitation)).all() == []


def test_who_asked_and_who_confirmed_cannot_approve_the_residents_erasure(
    app, consent_chain, as_, db_session
):
    """Both could have acted as Sanne: they count as people behind her account."""
    sanne, account = consent_chain["sanne"], consent_chain["sanne_account"]
    link = link_on(as_("coach").post(f"/residents/{sanne.id}/logins/{account.id}/reset"))
    as_("colleague").post(f"/residents/{sanne.id}/logins/{account.id}/reset/confirm")
    as_sanne = app.test_client()
    choose(as_sanne, link)
    asked = as_sanne.post("/mijn/wissen", data={"confirm": "y"})
    assert asked.status_code in (302, 303), asked.status_code
    request = db_session.exec(select(ErasureRequest)).one()
    for name in ("coach", "colleague"):
        decision = as_(name).post(f"/privacy/erasures/{request.id}", data={"decision": "approve"})
        assert decision.status_code in (403, 404)
    db_session.expire_all()
    assert db_session.get(ErasureRequest, request.id).status == "pending"
    # The manager, a third person, may decide.
    assert as_("manager").get(f"/privacy/erasures/{request.id}").status_code == 200
