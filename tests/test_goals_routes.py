"""The plan's pages: from a measurement to goals, steps, scoring and the printed plan; bad input
gets a clear message and changes nothing; a stale form never overwrites someone else's change."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from wattelt.models import Goal, GoalDomain, GoalScore, Plan, PlanChange, Resident, Step

from helpers.goals import completed_measurement, write_goal, write_step


def _count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.exec(select(func.count()).select_from(model)).one()


def _text(response) -> str:
    return response.get_data(as_text=True)


def _checked(page: str, name: str) -> list[str]:
    return re.findall(
        rf'<input[^>]*checked[^>]*name="{name}"[^>]*value="([^"]*)"', page
    ) + re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"[^>]*checked', page)


GOAL = {
    "text": "Ik wil elke week mijn post openen.",
    "reached_when": "Ik heb geen stapel post meer.",
    "domains": "money",
    "weight": "1",
}


# --- from a measurement to goals -----------------------------------------------------------------


def test_making_goals_from_a_measurement_one_wish_at_a_time(
    app, plan_chain, client, login, db_session
):
    t0 = completed_measurement(
        app,
        plan_chain["sanne"],
        days_ago=3,
        values={"money": 1, "friends": 2, "housing": 4},
        wants=("money", "friends"),
        notes={"money": "De post stapelt op."},
    )
    login(client, plan_chain["kees"])
    summary = _text(client.get(f"/measurements/{t0.id}/summary"))
    assert f'href="/measurements/{t0.id}/goals"' in summary
    assert "Doelen scoren" not in summary  # the first measurement is no follow-up

    page = _text(client.get(f"/measurements/{t0.id}/goals"))
    assert "De post stapelt op." in page  # the resident's own words from the measurement
    assert _checked(page, "domains") == ["money"]  # the first wish is ticked already

    response = client.post(f"/measurements/{t0.id}/goals", data=GOAL)
    assert response.status_code == 302
    goal = db_session.exec(select(Goal)).one()
    assert (goal.text, goal.measurement_id, goal.organisation_id) == (
        GOAL["text"],
        t0.id,
        plan_chain["wijkteam"].id,
    )
    page = _text(client.get(response.headers["Location"]))
    assert _checked(page, "domains") == ["friends"]  # then the next wish without a goal
    assert GOAL["text"] in page  # listed under the goals made from this measurement


def test_goals_are_made_from_finished_measurements_only(app, plan_chain, client, login, db_session):
    login(client, plan_chain["kees"])
    client.post(
        f"/residents/{plan_chain['sanne'].id}/measurements/new",
        data={"questionnaire": "wattelt", "present": "coach", "mode": "together"},
    )
    draft = db_session.exec(select(Goal.id)).all()
    assert draft == []
    from wattelt.models import Measurement

    measurement = db_session.exec(select(Measurement)).one()
    response = client.post(f"/measurements/{measurement.id}/goals", data=GOAL)
    assert response.status_code == 302 and "/summary" in response.headers["Location"]
    assert _count(db_session, Goal) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Schrijf het doel op."),
        ({"text": "   "}, "Schrijf het doel op."),
        ({"text": "x" * 100_000}, "Gebruik niet meer dan 300 tekens."),
        ({"reached_when": ""}, "Schrijf op hoe je weet dat het doel bereikt is."),
        ({"domains": []}, "Kies minstens één leefgebied."),
        ({"domains": ["money", "moon"]}, "Kies leefgebieden uit de lijst."),
        ({"weight": "7"}, "Kies een gewicht van 1, 2 of 3."),
    ],
)
def test_a_bad_goal_gets_a_clear_message_keeps_the_input_and_saves_nothing(
    plan_chain, client, login, db_session, data, message
):
    login(client, plan_chain["kees"])
    form = {**GOAL, **data}
    response = client.post(f"/residents/{plan_chain['sanne'].id}/plan/goals/new", data=form)
    assert response.status_code == 400
    page = _text(response)
    assert message in page
    assert "Ik heb geen stapel post meer." in page or not form["reached_when"]
    assert _count(db_session, Goal) == 0 and _count(db_session, PlanChange) == 0


def test_too_long_for_the_server_is_a_clear_413(plan_chain, client, login, db_session):
    login(client, plan_chain["kees"])
    response = client.post(
        f"/residents/{plan_chain['sanne'].id}/plan/goals/new",
        data={**GOAL, "text": "x" * 2_000_000},
    )
    assert response.status_code == 413
    assert "Dat is te veel" in _text(response) or "te groot" in _text(response)
    assert _count(db_session, Goal) == 0


# --- steps ---------------------------------------------------------------------------------------


def test_adding_steps_for_the_resident_a_network_member_and_a_professional(
    app, plan_chain, client, login, db_session
):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    login(client, plan_chain["mila"])
    url = f"/residents/{plan_chain['sanne'].id}/plan/goals/{goal.id}/steps/new"
    page = _text(client.get(url))
    assert "Jan (Mantelzorger)" in page and "Mila Jansen (MEE)" in page
    assert "Ahmed" not in page and "Schuldhulp" not in page and "Elders" not in page
    for helper in (
        "resident",
        f"network-{plan_chain['jan'].id}",
        f"professional-{plan_chain['mila'].id}",
    ):
        response = client.post(
            url, data={"text": f"Stap voor {helper}", "helper": helper, "due_on": "2026-12-01"}
        )
        assert response.status_code == 302, _text(response)[:300]
    steps = db_session.exec(select(Step).order_by(Step.id)).all()
    assert [(s.helper, s.network_member_id, s.professional_id) for s in steps] == [
        ("resident", None, None),
        ("network", plan_chain["jan"].id, None),
        ("organisation", None, plan_chain["mila"].id),
    ]
    plan = _text(client.get(f"/residents/{plan_chain['sanne'].id}/plan"))
    assert "Stap voor resident" in plan and "Mila Jansen (MEE)" in plan


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"helper": "network-{ahmed}"},
            "Kies de inwoner, iemand uit het netwerk of een organisatie",
        ),
        ({"helper": "organisation-{schuldhulp}"}, "Kies de inwoner, iemand uit het netwerk"),
        ({"helper": "professional-{sem}"}, "Kies de inwoner, iemand uit het netwerk"),
        ({"helper": ""}, "Kies wie het doet."),
        ({"text": ""}, "Schrijf op wat er gedaan wordt."),
        ({"text": "y" * 201}, "Gebruik niet meer dan 200 tekens."),
        ({"due_on": "31-02-2026"}, "Dit is geen datum."),
        ({"due_on": "1900-01-01"}, "Kies een datum tussen het jaar 2000 en 2100."),
    ],
)
def test_a_bad_step_gets_a_clear_message_keeps_the_input_and_saves_nothing(
    app, plan_chain, client, login, db_session, data, message
):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    ids = {k: plan_chain[k].id for k in ("ahmed", "schuldhulp", "sem")}
    form = {"text": "De woningcorporatie bellen", "helper": "resident", "due_on": ""}
    form.update({k: v.format(**ids) for k, v in data.items()})
    login(client, plan_chain["kees"])
    response = client.post(
        f"/residents/{plan_chain['sanne'].id}/plan/goals/{goal.id}/steps/new", data=form
    )
    assert response.status_code == 400
    page = _text(response)
    assert message in page
    if form["text"] and len(form["text"]) <= 200:
        assert form["text"] in page  # what was typed is still there
    assert _count(db_session, Step) == 0


def test_a_step_for_a_goal_that_was_closed_meanwhile_is_kept_in_the_form(
    app, plan_chain, client, login, db_session
):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    other = client.application.test_client()
    login(other, plan_chain["mila"])
    login(client, plan_chain["kees"])
    url = f"/residents/{plan_chain['sanne'].id}/plan/goals/{goal.id}"
    assert client.get(url + "/steps/new").status_code == 200
    other.post(url, data={**GOAL, "status": "reached", "version": "1"})
    response = client.post(
        url + "/steps/new", data={"text": "Nog even bellen", "helper": "resident"}
    )
    assert response.status_code == 409
    page = _text(response)
    assert "Mila Jansen heeft dit doel afgesloten" in page and "Nog even bellen" in page
    assert _count(db_session, Step) == 0


# --- conflicts -----------------------------------------------------------------------------------


def test_two_professionals_on_one_goal_the_later_one_sees_the_other_change(
    app, plan_chain, client, login, db_session
):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    url = f"/residents/{plan_chain['sanne'].id}/plan/goals/{goal.id}"
    mila = client.application.test_client()
    login(mila, plan_chain["mila"])
    login(client, plan_chain["kees"])
    assert 'name="version" type="hidden" value="1"' in _text(client.get(url))
    assert (
        mila.post(
            url, data={**GOAL, "text": "Mila's woorden", "status": "open", "version": "1"}
        ).status_code
        == 302
    )

    stale = client.post(
        url, data={**GOAL, "text": "Kees' woorden", "status": "open", "version": "1"}
    )
    assert stale.status_code == 409
    page = _text(stale)
    assert "Mila Jansen heeft dit doel veranderd" in page
    assert "Mila&#39;s woorden" in page  # the other change, shown
    assert "Kees&#39; woorden" in page  # and what Kees typed, kept in the form
    assert 'name="version" type="hidden" value="2"' in page
    db_session.expire_all()
    assert db_session.get(Goal, goal.id).text == "Mila's woorden"

    again = client.post(
        url, data={**GOAL, "text": "Kees' woorden", "status": "open", "version": "2"}
    )
    assert again.status_code == 302
    db_session.expire_all()
    assert db_session.get(Goal, goal.id).text == "Kees' woorden"
    texts = db_session.exec(
        select(PlanChange.new).where(PlanChange.kind == "goal_text").order_by(PlanChange.id)
    ).all()
    assert texts == ["Mila's woorden", "Kees' woorden"]


def test_a_stale_step_form_shows_the_other_change(app, plan_chain, client, login, db_session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    step = write_step(app, plan_chain["sanne"], goal, plan_chain["kees"])
    url = f"/residents/{plan_chain['sanne'].id}/plan/goals/{goal.id}/steps/{step.id}"
    mila = client.application.test_client()
    login(mila, plan_chain["mila"])
    login(client, plan_chain["kees"])
    mila.post(
        url,
        data={
            "text": "Post openen met Jan",
            "helper": f"network-{plan_chain['jan'].id}",
            "version": "1",
        },
    )
    response = client.post(
        url, data={"text": "Post openen op maandag", "helper": "resident", "version": "1"}
    )
    assert response.status_code == 409
    page = _text(response)
    assert "Post openen met Jan" in page and "Post openen op maandag" in page and "Jan" in page
    db_session.expire_all()
    assert db_session.get(Step, step.id).text == "Post openen met Jan"


def test_ticking_off_a_step_someone_else_just_changed(app, plan_chain, client, login, db_session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    step = write_step(app, plan_chain["sanne"], goal, plan_chain["kees"])
    url = f"/residents/{plan_chain['sanne'].id}/plan/goals/{goal.id}/steps/{step.id}/done"
    mila = client.application.test_client()
    login(mila, plan_chain["mila"])
    login(client, plan_chain["kees"])
    assert mila.post(url, data={"done": "1", "version": "1"}).status_code == 303
    response = client.post(url, data={"done": "1", "version": "1"}, follow_redirects=True)
    assert "Iemand anders deed dit net al" in _text(response)
    response = client.post(url, data={"done": "0", "version": "1"}, follow_redirects=True)
    assert "Iemand anders heeft deze stap net veranderd: hij is gedaan" in _text(response)
    db_session.expire_all()
    saved = db_session.get(Step, step.id)
    assert saved.done_by_id == plan_chain["mila"].id and saved.version == 2


def test_a_bad_version_is_a_conflict_not_a_crash(app, plan_chain, client, login, db_session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    login(client, plan_chain["kees"])
    url = f"/residents/{plan_chain['sanne'].id}/plan/goals/{goal.id}"
    response = client.post(url, data={**GOAL, "text": "Nieuw", "status": "open", "version": "abc"})
    assert response.status_code == 409
    assert db_session.get(Goal, goal.id).text == "Ik wil elke week mijn post openen."


# --- scoring at a follow-up ----------------------------------------------------------------------


@pytest.fixture
def follow_up(app, plan_chain):
    sanne, kees = plan_chain["sanne"], plan_chain["kees"]
    t0 = completed_measurement(app, sanne, days_ago=100, values={"money": 1, "friends": 2})
    goals = [
        write_goal(app, sanne, kees, "Post openen.", ("money",), days_ago=99),
        write_goal(app, sanne, plan_chain["mila"], "Vaker afspreken.", ("friends",), days_ago=99),
    ]
    t1 = completed_measurement(app, sanne, days_ago=1, values={"money": 4, "friends": 2})
    return t0, t1, goals


def _score_form(goals, **overrides) -> dict:
    data = {"goals": ",".join(str(g.id) for g in goals)}
    for goal in goals:
        data[f"score_{goal.id}"] = "0"
        data[f"outcome_{goal.id}"] = "carry_on"
        data[f"version_{goal.id}"] = "1"
    data.update(overrides)
    return data


def test_scoring_every_open_goal_together(plan_chain, client, login, db_session, follow_up):
    t0, t1, (money, friends) = follow_up
    login(client, plan_chain["kees"])
    summary = _text(client.get(f"/measurements/{t1.id}/summary"))
    assert f'href="/measurements/{t1.id}/goal-scores"' in summary
    page = _text(client.get(f"/measurements/{t1.id}/goal-scores"))
    assert "Post openen." in page and "Vaker afspreken." in page
    assert "Geld en papieren: eerst Heel slecht, nu Goed." in page  # the domain then and now
    data = _score_form(
        [money, friends],
        **{f"score_{money.id}": "2", f"outcome_{money.id}": "reached", f"score_{friends.id}": "-1"},
    )
    response = client.post(f"/measurements/{t1.id}/goal-scores", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("#attainment")
    db_session.expire_all()
    assert {s.goal_id: s.score for s in db_session.exec(select(GoalScore)).all()} == {
        money.id: 2,
        friends.id: -1,
    }
    assert db_session.get(Goal, money.id).status == "reached"
    plan = _text(client.get(f"/residents/{plan_chain['sanne'].id}/plan"))
    # Scores +2 and -1, weights 1: sum(w*x) = 1, denominator sqrt(0.7*2 + 0.3*4) = 1.6124515,
    # T = 50 + 10 / 1.6124515 = 56.2 (in Dutch with a decimal comma).
    assert "T-score 56,2" in plan
    assert client.get(f"/measurements/{t0.id}/goal-scores").status_code == 302  # no follow-up


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score_{a}": "3"}, "Een score gaat van -2 tot +2."),
        ({"score_{a}": "-5"}, "Een score gaat van -2 tot +2."),
        ({"score_{a}": "plus"}, "Een score gaat van -2 tot +2."),
        ({"score_{a}": ""}, "Geef dit doel een score."),
        ({"outcome_{a}": "vergeten"}, "Kies doorgaan, bereikt of gestopt."),
    ],
)
def test_bad_scores_get_a_clear_message_and_save_nothing(
    plan_chain, client, login, db_session, follow_up, change, message
):
    _t0, t1, (money, friends) = follow_up
    login(client, plan_chain["kees"])
    data = _score_form([money, friends], **{f"score_{friends.id}": "1"})
    data.update({k.format(a=money.id): v for k, v in change.items()})
    response = client.post(f"/measurements/{t1.id}/goal-scores", data=data)
    assert response.status_code == 400
    page = _text(response)
    assert message in page
    # The other goal's choice is kept.
    assert re.search(
        rf'id="score_{friends.id}-3"[^>]*checked|checked[^>]*id="score_{friends.id}-3"', page
    )
    assert _count(db_session, GoalScore) == 0


def test_scores_on_a_stale_form_show_the_other_scores_and_keep_ones_own(
    plan_chain, client, login, db_session, follow_up
):
    _t0, t1, (money, friends) = follow_up
    url = f"/measurements/{t1.id}/goal-scores"
    mila = client.application.test_client()
    login(mila, plan_chain["mila"])
    login(client, plan_chain["kees"])
    assert (
        mila.post(
            url, data=_score_form([money, friends], **{f"score_{money.id}": "-2"})
        ).status_code
        == 302
    )
    mine = _score_form([money, friends], **{f"score_{money.id}": "1", f"score_{friends.id}": "2"})
    response = client.post(url, data=mine)
    assert response.status_code == 409
    page = _text(response)
    assert "Mila Jansen heeft intussen opgeslagen: -2 Veel minder dan verwacht" in page
    assert re.search(
        rf'checked[^>]*id="score_{money.id}-3"|id="score_{money.id}-3"[^>]*checked', page
    )
    db_session.expire_all()
    assert db_session.exec(select(GoalScore.score).where(GoalScore.goal_id == money.id)).one() == -2
    again = client.post(
        url, data={**mine, f"version_{money.id}": "2", f"version_{friends.id}": "2"}
    )
    assert again.status_code == 302
    db_session.expire_all()
    assert db_session.exec(select(GoalScore.score).where(GoalScore.goal_id == money.id)).one() == 1


def test_a_goal_closed_while_scoring_is_reported_not_dropped(
    plan_chain, client, login, db_session, follow_up
):
    _t0, t1, (money, friends) = follow_up
    login(client, plan_chain["kees"])
    other = client.application.test_client()
    login(other, plan_chain["mila"])
    other.post(
        f"/residents/{plan_chain['sanne'].id}/plan/goals/{friends.id}",
        data={
            **GOAL,
            "text": "Vaker afspreken.",
            "domains": "friends",
            "status": "stopped",
            "version": "1",
        },
    )
    response = client.post(f"/measurements/{t1.id}/goal-scores", data=_score_form([money, friends]))
    assert response.status_code == 409
    assert "Mila Jansen heeft dit doel afgesloten: Vaker afspreken." in _text(response)
    assert _count(db_session, GoalScore) == 0


# --- the plan as a whole -------------------------------------------------------------------------


def test_the_appointment_and_the_case_director_on_the_plan(plan_chain, client, login, db_session):
    login(client, plan_chain["kees"])
    sanne = plan_chain["sanne"].id
    response = client.post(
        f"/residents/{sanne}/plan/appointment",
        data={"on": "2026-12-03", "at": "10:00", "note": "Op kantoor", "version": "0"},
    )
    assert response.status_code == 302
    page = _text(client.get(f"/residents/{sanne}/plan"))
    assert "donderdag 3 december 2026, 10:00" in page and "Op kantoor" in page
    bad = client.post(
        f"/residents/{sanne}/plan/appointment", data={"on": "", "at": "10:00", "version": "1"}
    )
    assert bad.status_code == 400 and "Vul ook de datum in." in _text(bad)
    stale = client.post(
        f"/residents/{sanne}/plan/appointment",
        data={"on": "2026-12-10", "at": "", "note": "Thuis", "version": "0"},
    )
    assert stale.status_code == 409 and "Op kantoor" in _text(stale) and "Thuis" in _text(stale)
    assert db_session.exec(select(Plan.next_note)).one() == "Op kantoor"

    response = client.post(
        f"/residents/{sanne}/plan/case-director",
        data={"user_id": plan_chain["mila"].id, "version": "1"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Resident, sanne).case_director_id == plan_chain["mila"].id
    # A change on the resident's own page goes into the plan's history too.
    client.post(
        f"/residents/{sanne}/case-director", data={"user_id": plan_chain["kees"].id, "version": "2"}
    )
    history = _text(client.get(f"/residents/{sanne}/plan/history"))
    assert history.count("Regievoerder veranderd") == 2 and "Mila Jansen" in history


def test_a_stale_case_director_form_changes_nothing(plan_chain, client, login, db_session):
    login(client, plan_chain["kees"])
    sanne = plan_chain["sanne"].id
    response = client.post(
        f"/residents/{sanne}/plan/case-director",
        data={"user_id": plan_chain["mila"].id, "version": "7"},
    )
    assert response.status_code == 303
    assert db_session.get(Resident, sanne).case_director_id == plan_chain["kees"].id


def test_the_printed_plan_has_goals_steps_helpers_and_the_appointment(
    app, plan_chain, client, login, db_session
):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"], domains=("money", "household"))
    write_step(app, plan_chain["sanne"], goal, plan_chain["kees"], "resident", "Post openen")
    write_step(
        app,
        plan_chain["sanne"],
        goal,
        plan_chain["kees"],
        f"network-{plan_chain['jan'].id}",
        "Samen sorteren",
    )
    login(client, plan_chain["kees"])
    client.post(
        f"/residents/{plan_chain['sanne'].id}/plan/appointment",
        data={"on": "2026-12-03", "at": "10:00", "note": "Op kantoor", "version": "0"},
    )
    for who in ("kees", "sanne_account", "jan_account"):
        reader = client.application.test_client()
        login(reader, plan_chain[who])
        path = (
            "/my-plan/print" if who != "kees" else f"/residents/{plan_chain['sanne'].id}/plan/print"
        )
        page = _text(reader.get(path))
        assert "Mijn plan" in page and "Ik wil elke week mijn post openen." in page, who
        assert "Geld en papieren" in page and "Huishouden" in page
        assert "Ik</span>" in page or "Ik ·" in page  # the resident's step speaks as the resident
        assert "Samen sorteren" in page and "Jan" in page
        assert "donderdag 3 december 2026, 10:00" in page and "Kees Smit" in page
    assert db_session.exec(select(func.count()).select_from(GoalDomain)).one() == 2


def test_the_resident_page_and_home_pages_link_to_the_plan(plan_chain, client, login):
    login(client, plan_chain["kees"])
    page = _text(client.get(f"/residents/{plan_chain['sanne'].id}"))
    assert f'href="/residents/{plan_chain["sanne"].id}/plan"' in page
    for who in ("sanne_account", "jan_account"):
        reader = client.application.test_client()
        login(reader, plan_chain[who])
        assert 'href="/my-plan"' in _text(reader.get("/"))
