"""Attacks by someone with an account (or a link to share), played through the web pages:
each test fails when the attack works."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlmodel import select

from wattelt import create_app, db
from wattelt.auth.services import create_invitation
from wattelt.models import Answer, ConsentRecord, TwoFactor, User

from conftest import PASSWORD
from helpers.database import app_config

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


# --- numbers too large for the database: 404 or the last page, never a 500 ------------------

#: Past PostgreSQL's INTEGER, past SQLite's INTEGER, and past any 64-bit number.
HUGE = [2**31, 2**63, 10**30]

FILL = {"perspective": "resident", "item_key": "money", "kind": "zip", "step": 1}


def _id_paths(app, number: int) -> list[tuple[str, str]]:
    """(method, path) of every route with a database id, that id set to ``number``."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "<id:" not in rule.rule:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        paths.append(
            (
                method,
                re.sub(
                    r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>",
                    lambda m: str(number) if m.group(1) == "id" else str(FILL[m.group(2)]),
                    rule.rule,
                ),
            )
        )
    return paths


@pytest.mark.parametrize("role", ["coach", "admin", "resident", "network"])
def test_ids_too_large_for_the_database_are_not_found(client, consent_chain, login, role):
    user = {
        "coach": consent_chain["coach"],
        "admin": consent_chain["admin"],
        "resident": consent_chain["sanne_account"],
        "network": consent_chain["carer"],
    }[role]
    login(client, user)
    measurement = consent_chain["measurement"].id
    for number in HUGE:
        paths = _id_paths(client.application, number)
        assert len(paths) > 40
        paths.append(("GET", f"/measurements/{measurement}/fill/resident/{number}"))
        for method, path in paths:
            status = client.open(path, method=method, data={"x": "1"}).status_code
            assert status < 500, f"{path} answered {status}"
            if "/fill/" not in path:
                assert status == 404, f"{path} answered {status}"


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("coach", "/residents/"),
        ("coach", "/caseload"),
        ("coach", "/privacy/access-log"),
        ("manager", "/caseload"),
        ("admin", "/admin/users"),
        ("admin", "/privacy/access-log"),
    ],
)
@pytest.mark.parametrize("page", [str(2**31), str(2**63), "9" * 40, "-5", "x", "٣"])
def test_a_huge_page_number_shows_a_page(client, consent_chain, login, role, path, page):
    login(client, consent_chain[role])
    response = client.get(path, query_string={"page": page})
    assert response.status_code == 200, f"{path}?page={page} answered {response.status_code}"


# --- passwords that are only digits, or the user's own name with a digit ---------------------


def _invitation_for(app, role: str = "resident", **fields) -> tuple[User, str]:
    with app.app_context(), db.standalone_session() as session:
        user = User(display_name="Nieuw", role=role, **fields)
        session.add(user)
        session.flush()
        return user, create_invitation(session, user, None)


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("sanne.devries", "4817293056", "alleen cijfers"),
        ("sanne.devries", "sanne.devries1", "je naam"),
        ("sanne.devries", "Sanne.deVries2026", "je naam"),
    ],
)
def test_a_new_resident_cannot_choose_digits_or_their_own_name(
    app, client, username, password, message
):
    user, token = _invitation_for(app)
    response = client.post(
        f"/welkom?token={token}",
        data={"username": username, "password": password, "confirm": password},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    refused = client.post("/inloggen", data={"username": username, "password": password})
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("20261205123", "only numbers"),
        ("nieuwe.coach7", "your name"),
        ("nieuwe.coach2026", "your name"),
    ],
)
def test_a_new_professional_cannot_choose_digits_or_their_e_mail_name(
    app, client, password, message
):
    _user, token = _invitation_for(app, "coach", email="nieuwe.coach@wijkteam.example")
    client.post("/taal", data={"language": "en", "next": "/"})
    response = client.post(
        f"/welkom?token={token}", data={"password": password, "confirm": password}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_good_password_is_still_taken(app, client):
    _user, token = _invitation_for(app)
    response = client.post(
        f"/welkom?token={token}",
        data={
            "username": "sanne.devries",
            "password": "paarse olifant dans",
            "confirm": "paarse olifant dans",
        },
    )
    assert response.status_code == 302


# --- two-factor failures have a name space of their own --------------------------------------


def test_login_names_typed_by_someone_else_cannot_lock_a_two_factor_step(
    app, client, db_session, make_user, make_organisation, login, totp_now
):
    coach = make_user(role="coach", organisation=make_organisation(name="Wijkteam"))
    login(client, coach)
    client.get("/account/two-factor")
    secret = db_session.exec(select(TwoFactor).where(TwoFactor.user_id == coach.id)).one().secret
    enrolled = client.post(
        "/account/two-factor", data={"code": pyotp.TOTP(secret).at(totp_now - 30)}
    )
    assert enrolled.status_code == 200
    client.post("/logout")

    # A colleague who knows how such keys may look types them as login names, from elsewhere,
    # more often than an account may fail.
    insider = app.test_client()
    tries = app.config["LOGIN_MAX_FAILURES_ACCOUNT"] + 1
    for name in (f"2fa:{coach.id}", str(coach.id), f"two_factor:{coach.id}"):
        for _ in range(tries):
            insider.post(
                "/login",
                data={"email": name, "password": "geraden wachtwoord"},
                environ_base={"REMOTE_ADDR": "10.0.0.66"},
            )

    step = client.post("/login", data={"email": coach.email, "password": PASSWORD})
    assert step.headers["Location"] == "/login/code"
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(totp_now)})
    assert done.status_code == 302, "the two-factor step was locked by typed login names"
    assert client.get("/residents/").status_code == 200


# --- without consent an organisation sees the code, nothing more --------------------------


def test_without_consent_the_list_and_the_missing_page_show_only_the_code(
    client, db_session, consent_chain, login
):
    sanne = consent_chain["sanne"]
    # A registration date nobody could guess from anything else on the page.
    sanne.created_at = datetime(2019, 2, 17, 11, 0, tzinfo=UTC)
    db_session.add(sanne)
    db_session.commit()
    login(client, consent_chain["ggz_coach"])  # GGZ helps Sanne; she said no to GGZ
    listed = client.get("/residents/").get_data(as_text=True)
    assert sanne.code in listed
    missing = client.get(f"/residents/{sanne.id}")
    assert missing.status_code == 403
    for page in (listed, missing.get_data(as_text=True)):
        assert "2019" not in page  # the year of registration, in any date format
        assert str(sanne.birth_year) not in page and sanne.postcode4 not in page


def test_with_consent_the_list_still_shows_the_date(client, db_session, consent_chain, login):
    sanne = consent_chain["sanne"]
    sanne.created_at = datetime(2019, 2, 17, 11, 0, tzinfo=UTC)
    db_session.add(sanne)
    db_session.commit()
    login(client, consent_chain["mee_coach"])  # she said yes to MEE
    assert "2019" in client.get("/residents/").get_data(as_text=True)


# --- a 405 keeps its Allow header -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed", "json"),
    [
        ("POST", "/api/v1/summary", {"GET", "HEAD", "OPTIONS"}, True),
        ("DELETE", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}, True),
        ("GET", "/logout", {"POST", "OPTIONS"}, False),
    ],
)
def test_a_wrong_method_answers_405_with_the_allowed_methods(client, method, path, allowed, json):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    assert response.is_json is json


# --- a forged X-Forwarded-Host never reaches a link -------------------------------------------


def test_a_forged_forwarded_host_never_appears_in_an_invitation_link(
    database_url, consent_chain, login, make_user, make_resident
):
    proxied = create_app(app_config(database_url, PROXY_HOPS=1))
    try:
        client = proxied.test_client()
        # Every request, the login too, comes with a forged host beside a real proxy scheme.
        client.environ_base.update(
            {"HTTP_X_FORWARDED_HOST": "evil.example", "HTTP_X_FORWARDED_PROTO": "https"}
        )
        login(client, consent_chain["coach"])
        # A resident whose account has no password yet (a link is only made for such one).
        newcomer = make_resident(
            organisation=consent_chain["wijkteam"],
            coach=consent_chain["coach"],
            case_director=consent_chain["coach"],
            account=make_user(role="resident", password=None),
        )
        page = client.post(f"/residents/{newcomer.id}/invite")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "/welkom?token=" in text
        assert "evil.example" not in text
        assert "https://localhost/welkom?token=" in text  # the proxy's scheme is still trusted
    finally:
        proxied.extensions["wattelt.engine"].dispose()


# --- a resident alone records consent without an explainer ------------------------------------

_OPTION = re.compile(r"<option([^>]*)>")


def test_a_resident_alone_records_consent_without_anyone_as_explainer(
    client, db_session, consent_chain, login
):
    sanne, coach = consent_chain["sanne"], consent_chain["coach"]
    login(client, consent_chain["sanne_account"])
    page = client.get("/mijn/toestemming").get_data(as_text=True)
    select_html = page.split('name="explained_by"', 1)[1].split("</select>", 1)[0]
    selected = [
        re.search(r'value="([^"]*)"', attrs).group(1)
        for attrs in _OPTION.findall(select_html)
        if "selected" in attrs
    ]
    assert selected in ([], [""]), "someone is already filled in as the one who explained"
    assert f'value="{coach.id}"' in select_html  # her case director can still be chosen
    version = re.search(r'name="version"[^>]*value="([^"]*)"', page).group(1)
    # She sends the form as the page gives it, changing only her choice about GGZ.
    response = client.post(
        "/mijn/toestemming",
        data={
            "version": version,
            "count": "yes",
            f"share_{consent_chain['mee'].id}": "yes",
            f"share_{consent_chain['ggz'].id}": "yes",
            "explained_by": selected[0] if selected else "",
        },
    )
    assert response.status_code == 302
    newest = db_session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.resident_id == sanne.id)
        .order_by(ConsentRecord.id.desc())
    ).first()
    assert newest.organisation_id == consent_chain["ggz"].id and newest.granted
    assert newest.explained_by_id is None
    assert newest.recorded_by_id == consent_chain["sanne_account"].id


# --- whose session ended goes back to the login page that fits them ---------------------------


@pytest.mark.parametrize(
    ("who", "login_page"),
    [("sanne_account", "/inloggen"), ("carer", "/inloggen"), ("coach", "/login")],
)
def test_after_the_session_ends_each_user_gets_their_own_login_page(
    app, client, consent_chain, login, who, login_page
):
    user = consent_chain[who]
    summary = f"/measurements/{consent_chain['measurement'].id}/summary"
    login(client, user)
    assert client.get(summary).status_code == 200
    # Logging out on another device ends this session too.
    other = app.test_client()
    login(other, user)
    other.post("/logout")
    response = client.get(summary)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == login_page
    assert summary in location.query  # and back to the page after logging in


def test_a_browser_without_any_session_asking_a_residents_page_gets_the_easy_login(client):
    response = client.get("/mijn/privacy")
    assert urlsplit(response.headers["Location"]).path == "/inloggen"
    assert urlsplit(client.get("/residents/").headers["Location"]).path == "/login"
