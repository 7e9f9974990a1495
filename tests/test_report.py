"""The person's report: who may see it, what it shows from real data, and bad data that must not
break it. The pages render the charts' data blocks; the browser test draws them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

from wattelt import create_app
from wattelt.models import AccessLog, Role
from wattelt.questionnaires.loader import DEFINITIONS

from helpers.database import app_config
from helpers.rounds import add_round, everywhere


@pytest.fixture
def team(make_organisation, make_user, make_resident, make_network_member):
    wijkteam = make_organisation(name="Wijkteam")
    elsewhere = make_organisation(name="Elders")
    coach = make_user(role="coach", organisation=wijkteam, display_name="Kees")
    account = make_user(role="resident", username="sanne")
    sanne = make_resident(organisation=wijkteam, coach=coach, case_director=coach, account=account)
    carer = make_user(role="network", username="jan")
    make_network_member(sanne, user=carer)
    return {
        "coach": coach,
        "resident": account,
        "sanne": sanne,
        "carer": carer,
        "manager": make_user(role="manager", organisation=wijkteam),
        "other_coach": make_user(role="coach", organisation=elsewhere),
        "other_resident": make_user(role="resident", username="piet"),
        "policymaker": make_user(role="policymaker"),
        "admin": make_user(role="admin"),
    }


@pytest.fixture
def three_rounds(app, team):
    sanne = team["sanne"]
    add_round(app, sanne, everywhere(3, money=2, friends=3), days_ago=360, grade=5)
    add_round(
        app,
        sanne,
        everywhere(3, money=3, friends="dont_know"),
        days_ago=180,
        grade=6,
        coach=everywhere(2),
    )
    add_round(app, sanne, everywhere(3, money=4, friends=3, housing=2), days_ago=5, grade=7)
    return sanne


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _figure(page: str, chart: str) -> dict:
    block = re.search(
        rf'<script type="application/json" id="{chart}-data">(.*?)</script>', page, re.S
    )
    assert block, f"no data block for {chart}"
    return json.loads(block.group(1))


def _logged(db_session, user, what: str) -> list[str]:
    db_session.expire_all()
    return [
        row.action
        for row in db_session.exec(
            select(AccessLog).where(AccessLog.user_id == user.id, AccessLog.what == what)
        ).all()
    ]


def test_coach_sees_the_change_over_three_rounds(team, three_rounds, client, login, db_session):
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{three_rounds.id}/report"))
    assert "3 metingen" in page
    # The summary in words, in easy Dutch.
    assert "Bij Geld en papieren ging het omhoog van 2 naar 4." in page
    assert "Bij Wonen ging het omlaag van 3 naar 2." in page
    assert "Het rapportcijfer ging omhoog van 5 naar 7." in page
    # The spider web: one line per round, the resident's view shown, the coach's hidden.
    radar = _figure(page, "chart-overview")
    resident = [t for t in radar["data"] if t["meta"]["perspective"] == "resident"]
    assert [t["name"].split(" · ")[0] for t in resident] == ["T0", "T1", "T2"]
    assert all(t["visible"] is True for t in resident)
    assert [t["visible"] for t in radar["data"] if t["meta"]["perspective"] == "coach"] == [False]
    # "Don't know" in T1 is a gap in the line, not a zero.
    friends = _figure(page, "chart-domain-friends")
    assert friends["data"][0]["y"] == [3, None, 3]
    # The table has every round and says what the special answer was.
    table = re.search(r'id="table-resident-caption".*?</table>', page, re.S).group(0)
    assert all(label in table for label in ("T0", "T1", "T2"))
    assert "Weet ik niet" in table
    # plotly.js comes from our own static files, with its stylesheet.
    assert re.search(r'<script src="/static/vendor/plotly/plotly\.min\.js\?v=\w+" defer>', page)
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in page
    assert "cdn" not in page.lower()
    assert _logged(db_session, team["coach"], "report") == ["view"]


def test_perspectives_are_chosen_with_a_plain_get_form(team, three_rounds, client, login):
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{three_rounds.id}/report?perspective=coach"))
    assert re.search(r'id="perspective-coach" name="perspective" value="coach" checked', page)
    assert not re.search(r'value="resident" checked', page)
    radar = _figure(page, "chart-overview")
    assert {t["meta"]["perspective"]: t["visible"] for t in radar["data"]}["coach"] is True
    coach_table = re.search(r'<div class="table-wrap"[^>]*data-perspective="coach"[^>]*>', page)
    assert coach_table and "hidden" not in coach_table.group(0)
    # A view without any answers, or nonsense, falls back to the resident's own view.
    for asked in ("network", "nonsense"):
        page = _page(client.get(f"/residents/{three_rounds.id}/report?perspective={asked}"))
        assert re.search(r'value="resident" checked', page)
        assert 'id="perspective-network"' not in page


def test_printable_version(team, three_rounds, client, login):
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{three_rounds.id}/report?print=1"))
    assert "report-print" in page
    assert 'data-width="640"' in page and 'class="perspective-form' not in page


def test_manager_may_see_the_report(team, three_rounds, client, login, db_session):
    login(client, team["manager"])
    assert "Verslag van" in _page(client.get(f"/residents/{three_rounds.id}/report"))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_coach", 404),  # a coach of an organisation not involved
        ("carer", 403),  # a network member sees their own view only, never the report
        ("resident", 403),
        ("other_resident", 403),
        ("policymaker", 403),
        ("admin", 403),
    ],
)
def test_others_may_not_see_the_report_and_are_logged(
    team, three_rounds, client, login, db_session, who, status
):
    login(client, team[who])
    response = client.get(f"/residents/{three_rounds.id}/report")
    assert response.status_code == status
    assert "Geld en papieren" not in response.get_data(as_text=True)
    assert _logged(db_session, team[who], "report") == ["denied"]


def test_a_report_for_a_resident_that_does_not_exist_is_not_found(team, client, login):
    login(client, team["coach"])
    assert client.get("/residents/999999/report").status_code == 404


def test_the_resident_sees_their_own_results_in_easy_language(
    team, three_rounds, client, login, db_session
):
    login(client, team["resident"])
    home = _page(client.get("/"))
    assert 'href="/mijn-resultaten"' in home
    page = _page(client.get("/mijn-resultaten"))
    assert '<body class="easy' in page
    assert "Jouw uitslag" in page and "Bij Geld en papieren ging het omhoog" in page
    assert 'data-read-aloud="#report-summary"' in page
    assert _logged(db_session, team["resident"], "own report") == ["view"]


@pytest.mark.parametrize("who", ["carer", "coach"])
def test_only_residents_have_their_own_results_page(team, three_rounds, client, login, who):
    login(client, team[who])
    assert client.get("/mijn-resultaten").status_code == 403


def test_without_measurements_the_report_is_a_friendly_empty_page(team, app, client, login):
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{team['sanne'].id}/report"))
    assert "Deze inwoner heeft nog geen afgeronde meting." in page
    assert "plotly" not in page  # no charts, so no chart library either
    # A draft or a stopped measurement is no round yet.
    add_round(app, team["sanne"], everywhere(3), status="draft")
    assert "nog geen afgeronde meting" in _page(client.get(f"/residents/{team['sanne'].id}/report"))
    client.post("/logout")
    login(client, team["resident"])
    assert "Je hebt nog geen afgeronde meting." in _page(client.get("/mijn-resultaten"))


def test_a_single_measurement(team, app, client, login):
    add_round(app, team["sanne"], everywhere(4), days_ago=3, grade=8)
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{team['sanne'].id}/report"))
    assert "Eén meting, van" in page
    assert "Dit is de eerste meting. De volgende keer zie je wat er veranderde." in page
    assert "Het rapportcijfer is 8." in page
    assert len(_figure(page, "chart-overview")["data"]) == 1


def test_ten_measurements(team, app, client, login):
    for number in range(10):
        add_round(app, team["sanne"], everywhere(1 + number // 3), days_ago=900 - 90 * number)
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{team['sanne'].id}/report"))
    assert "10 metingen" in page
    radar = _figure(page, "chart-overview")
    assert [t["name"].split(" · ")[0] for t in radar["data"]] == ["T0", "T7", "T8", "T9"]
    assert _figure(page, "chart-domain-money")["data"][0]["x"] == [f"T{n}" for n in range(10)]
    assert "Bij Geld en papieren ging het omhoog van 1 naar 4." in page


def test_english(team, three_rounds, client, login, db_session):
    coach = db_session.get(type(team["coach"]), team["coach"].id)
    coach.language = "en"
    db_session.add(coach)
    db_session.commit()
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{three_rounds.id}/report"))
    assert "Money and paperwork went up from 2 to 4." in page
    assert "The grade went up from 5 to 7." in page


def test_corrupt_rounds_are_left_out_and_named(team, app, client, login, db_session):
    sanne = team["sanne"]
    add_round(app, sanne, everywhere(2), days_ago=300, grade=5)
    # A value outside the scale and an answer for a domain the version does not have, as if
    # written into the database by hand, and a grade outside 1-10.
    add_round(app, sanne, {**everywhere(3, money=9), "astrology": 4}, days_ago=200, grade=12)
    # A round made with a questionnaire version whose definition file is gone.
    add_round(app, sanne, everywhere(5), days_ago=100, version=99)
    add_round(app, sanne, everywhere(4), days_ago=1, grade=7)
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{sanne.id}/report"))
    assert "Sommige antwoorden konden we niet lezen." in page
    assert "(T2) gebruikte een versie van de vragenlijst die er niet meer is" in page
    assert "antwoord buiten de schaal (9 voor “money”)" in page
    assert "antwoord voor “astrology”" in page
    assert "(12 voor “overall”)" in page
    money = _figure(page, "chart-domain-money")["data"][0]
    # T2 is not drawn; T1's impossible 9 is a gap; the readable rounds keep their labels.
    assert money["x"] == ["T0", "T1", "T3"] and money["y"] == [2, None, 4]
    assert "Bij Geld en papieren ging het omhoog van 2 naar 4." in page


def test_the_resident_is_told_gently_about_unreadable_answers(team, app, client, login):
    add_round(app, team["sanne"], everywhere(2, money=9), days_ago=10)
    login(client, team["resident"])
    page = _page(client.get("/mijn-resultaten"))
    assert "Sommige antwoorden konden we niet lezen." in page
    assert "Je coach kan er samen met je naar kijken." in page
    assert "buiten de schaal" not in page


def test_only_unreadable_rounds_give_the_empty_page_with_the_reason(team, app, client, login):
    add_round(app, team["sanne"], everywhere(2), days_ago=10, version=99)
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{team['sanne'].id}/report"))
    assert "die er niet meer is" in page and "chart-overview-data" not in page


# --- a domain added in a later questionnaire version --------------------------------------------


@pytest.fixture
def app_with_version_2(database_url, tmp_path):
    """The shipped questionnaires plus a version 2 of the default one with an extra domain."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    text = (Path(DEFINITIONS) / "wattelt.v1.toml").read_text()
    text = text.replace("version = 1\n", "version = 2\n", 1)
    text += (
        '\n[[domains]]\nkey = "online"\nicon = "online"\n'
        'title = { nl = "Online", en = "Online" }\n'
        'question = { nl = "Hoe gaat het online?", en = "How is online life?" }\n'
        'explanation = { nl = "Denk aan: je telefoon.", en = "For example: your phone." }\n'
    )
    (folder / "wattelt.v2.toml").write_text(text)
    app = create_app(app_config(database_url, QUESTIONNAIRE_DIR=str(folder)))
    yield app
    app.extensions["wattelt.engine"].dispose()


def test_a_domain_added_in_a_later_version_is_a_gap_before(team, app_with_version_2, login):
    client = app_with_version_2.test_client()
    sanne = team["sanne"]
    add_round(app_with_version_2, sanne, everywhere(2), days_ago=200, version=1)
    add_round(app_with_version_2, sanne, {**everywhere(3), "online": 4}, days_ago=2, version=2)
    login(client, team["coach"])
    page = _page(client.get(f"/residents/{sanne.id}/report"))
    online = _figure(page, "chart-domain-online")
    assert online["data"][0]["y"] == [None, 4]
    assert "Online: 4. Er is nog maar één antwoord." in page
    table = re.search(r'id="table-resident-caption".*?</table>', page, re.S).group(0)
    row = re.search(r"<th scope=\"row\">Online</th>(.*?)</tr>", table, re.S).group(1)
    assert "niet gevraagd" in row and "4 · Goed" in row
    # Everything else compares as usual; the spider web has a gap for T0.
    assert "Bij Wonen ging het omhoog van 2 naar 3." in page
    radar = _figure(page, "chart-overview")["data"]
    assert radar[0]["r"][-2] is None and radar[1]["r"][-2] == 4


def test_roles_without_a_person_view(make_user, client, login):
    for role in (Role.POLICYMAKER, Role.ADMIN):
        user = make_user(role=role)
        login(client, user)
        assert client.get("/caseload").status_code == 403
        client.post("/logout")
