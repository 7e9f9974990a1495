"""Attacks by someone with an account (or a link to share), played through the web pages:
each test fails when the attack works."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from wattelt.models import Answer

#: ``next`` values that a browser would follow to another host.
FOREIGN_TARGETS = [
    "/\t/evil.example",
    "/\t/evil.example/login",
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https://evil.example/",
    "/ /evil.example",
    "/\n/evil.example",
    "https:/evil.example",
    "evil.example",
]


def app_client(app):
    return app.test_client()


def _stays_here(response) -> bool:
    location = response.headers["Location"]
    cleaned = "".join(ch for ch in location if ch > " ")  # as a browser reads it
    parts = urlsplit(cleaned)
    return "evil.example" not in cleaned and parts.netloc in ("", "localhost")


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_login_never_sends_the_browser_to_another_host(client, make_user, login, target):
    user = make_user(role="coach")
    response = login(client, user, next=target)
    assert _stays_here(response), response.headers["Location"]


def test_login_still_returns_to_a_page_of_this_site(client, make_user, login):
    user = make_user(role="coach")
    response = login(client, user, next="/bewoners?page=2")
    assert response.headers["Location"] == "/bewoners?page=2"


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_switching_language_never_sends_the_browser_to_another_host(client, target):
    response = client.post("/taal", data={"language": "en", "next": target})
    assert response.status_code == 302
    assert _stays_here(response), response.headers["Location"]


def test_switching_language_returns_to_the_same_page(client):
    response = client.post("/taal", data={"language": "en", "next": "/inloggen?x=1"})
    assert response.headers["Location"] == "/inloggen?x=1"


# --- a carer sees their own view of a measurement, not the resident's notes or wishes --------


def test_carer_never_sees_the_residents_notes_or_wishes(
    client, db_session, consent_chain, make_user, login
):
    measurement = consent_chain["measurement"]
    secret = "Ik durf het niet te zeggen maar ik heb schulden"
    resident_answer = db_session.exec(
        select(Answer).where(
            Answer.measurement_id == measurement.id,
            Answer.perspective == "resident",
            Answer.item == "money",
        )
    ).one()
    resident_answer.note = secret
    resident_answer.wants_to_talk = True
    resident_answer.wants_to_work = True
    coach_answer = Answer(
        measurement_id=measurement.id,
        perspective="coach",
        item="money",
        value=1,
        note="Coach: vermoedt verborgen schulden",
        wants_to_work=True,
        answered_by_id=consent_chain["coach"].id,
    )
    db_session.add_all([resident_answer, coach_answer])
    db_session.commit()

    coach = app_client(client.application)
    login(coach, consent_chain["coach"])
    page = coach.get(f"/measurements/{measurement.id}/summary").get_data(as_text=True)
    assert secret in page  # the coach does see it: the page shows notes at all

    login(client, consent_chain["carer"])
    response = client.get(f"/measurements/{measurement.id}/summary")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert secret not in page
    assert "verborgen schulden" not in page
    assert "Ik slaap slecht" not in page
    assert 'class="note"' not in page
    assert "badge" not in page  # no "talk about it" / "work on it" marker of anyone else
