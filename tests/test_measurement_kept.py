"""Nothing lost on a question screen when the session ends or its form token is stale: the
server's side of keeping answers (the device's side is in test_browser_answers_kept.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from wattelt.models import Answer, Measurement

from conftest import csrf_token, log_in

AUTOSAVE = {"X-Wattelt-Autosave": "1"}


@pytest.fixture
def sanne(make_chain, make_organisation, make_user, make_resident):
    wijkteam = make_organisation(name="Wijkteam", chain=make_chain(name="Samen Sterk"))
    coach = make_user(role="coach", organisation=wijkteam)
    account = make_user(role="resident", username="sanne")
    make_resident(organisation=wijkteam, coach=coach, case_director=coach, account=account)
    return {"coach": coach, "account": account}


def _log_in_again(client, account) -> None:
    """Out and in again (in another tab, say): the session gets a new form token."""
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, account)


def _first_screen(csrf_client, db_session, sanne) -> str:
    from wattelt.models import Resident

    resident = db_session.exec(select(Resident)).first()
    log_in(csrf_client, sanne["coach"])
    token = csrf_token(csrf_client, f"/residents/{resident.id}/measurements/new")
    response = csrf_client.post(
        f"/residents/{resident.id}/measurements/new",
        data={
            "csrf_token": token,
            "questionnaire": "wattelt",
            "present": "alone",
            "mode": "own_device",
        },
    )
    assert response.status_code == 302
    _log_in_again(csrf_client, sanne["account"])
    measurement = db_session.exec(select(Measurement)).one()
    return f"/measurements/{measurement.id}/fill/resident/1"


def _stored(db_session) -> dict[str, Answer]:
    db_session.expire_all()
    return {a.item: a for a in db_session.exec(select(Answer)).all()}


def test_next_with_a_stale_token_shows_the_answer_again_instead_of_an_error(
    csrf_client, db_session, sanne
):
    screen = _first_screen(csrf_client, db_session, sanne)
    old_token = csrf_token(csrf_client, screen)
    _log_in_again(csrf_client, sanne["account"])
    response = csrf_client.post(
        screen, data={"csrf_token": old_token, "answer": "2", "version": "0", "action": "next"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nog niet bewaard" in page and "te lang open" not in page
    assert re.search(r'checked id="answer-\d+" name="answer" type="radio" value="2"', page)
    assert not _stored(db_session)
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        screen, data={"csrf_token": fresh, "answer": "2", "version": "0", "action": "next"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/2")
    assert [a.value for a in _stored(db_session).values()] == [2]


def test_a_background_save_with_a_stale_token_gets_a_fresh_one(csrf_client, db_session, sanne):
    screen = _first_screen(csrf_client, db_session, sanne)
    old_token = csrf_token(csrf_client, screen)
    _log_in_again(csrf_client, sanne["account"])
    data = {"answer": "4", "version": "0", "action": "autosave"}
    response = csrf_client.post(screen, data={**data, "csrf_token": old_token}, headers=AUTOSAVE)
    assert response.status_code == 400 and not _stored(db_session)
    fresh = response.get_json()["csrf_token"]
    response = csrf_client.post(screen, data={**data, "csrf_token": fresh}, headers=AUTOSAVE)
    assert response.get_json()["saved"] is True
    assert [a.value for a in _stored(db_session).values()] == [4]


@pytest.mark.parametrize("headers", [AUTOSAVE, {}], ids=["background", "form"])
def test_a_screen_without_any_token_is_still_refused(csrf_client, db_session, sanne, headers):
    screen = _first_screen(csrf_client, db_session, sanne)
    for token in (None, "forged"):
        data = {"answer": "4", "version": "0", "action": "next"}
        if token:
            data["csrf_token"] = token
        response = csrf_client.post(screen, data=data, headers=headers)
        assert response.status_code == 400 and not _stored(db_session)


def _idle(client) -> None:
    with client.session_transaction() as session:
        session["seen"] = (datetime.now(UTC) - timedelta(minutes=31)).timestamp()


def test_an_idle_residents_next_leads_to_the_residents_login_and_back_to_the_screen(
    csrf_client, db_session, sanne
):
    screen = _first_screen(csrf_client, db_session, sanne)
    token = csrf_token(csrf_client, screen)
    _idle(csrf_client)
    response = csrf_client.post(
        screen, data={"csrf_token": token, "answer": "2", "version": "0", "action": "next"}
    )
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302 and location.path == "/inloggen"
    assert parse_qs(location.query)["next"] == [screen]
    page = csrf_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "niets hebt gedaan" in page
    # The browser kept its cookie: also a reload later goes to the residents' login.
    assert urlsplit(csrf_client.get(screen).headers["Location"]).path == "/inloggen"


def test_an_idle_background_save_gets_an_answer_with_the_way_back(csrf_client, db_session, sanne):
    screen = _first_screen(csrf_client, db_session, sanne)
    token = csrf_token(csrf_client, screen)
    _idle(csrf_client)
    response = csrf_client.post(
        screen,
        data={"csrf_token": token, "answer": "2", "version": "0", "action": "autosave"},
        headers=AUTOSAVE,
    )
    assert response.status_code == 401
    body = response.get_json()
    assert body["logged_out"] is True and not _stored(db_session)
    login = urlsplit(body["login"])
    assert login.path == "/inloggen" and parse_qs(login.query)["next"] == [screen]


def test_a_keep_alive_keeps_the_session_but_changes_nothing(csrf_client, db_session, sanne):
    screen = _first_screen(csrf_client, db_session, sanne)
    token = csrf_token(csrf_client, screen)
    with csrf_client.session_transaction() as session:
        session["seen"] = (datetime.now(UTC) - timedelta(minutes=29)).timestamp()
    response = csrf_client.post(
        screen, data={"csrf_token": token, "action": "keepalive"}, headers=AUTOSAVE
    )
    assert response.get_json() == {"saved": False, "alive": True}
    with csrf_client.session_transaction() as session:
        assert datetime.now(UTC).timestamp() - session["seen"] < 60
    assert not _stored(db_session)
