"""Who sees and changes a plan: every involved organisation works in it, an uninvolved one sees
nothing (404, logged), managers read, residents see their own, network members read and tick
off their own steps. Every view and change is in the access log."""

from __future__ import annotations

import pytest
from sqlmodel import select

from wattelt.models import AccessLog, Goal, Step

from helpers.goals import completed_measurement, write_goal, write_step


@pytest.fixture
def plan_with_steps(app, plan_chain):
    """``plan_chain`` with Sanne's goal, a step for her, Jan and Petra each, two rounds, and
    a goal of Piet's with a step."""
    steps = dict(plan_chain)
    sanne = steps["sanne"]
    steps["t0"] = completed_measurement(app, sanne, days_ago=100, wants=("money",))
    steps["goal"] = write_goal(app, sanne, steps["kees"], "Ik wil mijn post openen.", days_ago=99)
    steps["own_step"] = write_step(
        app, sanne, steps["goal"], steps["kees"], "resident", "Post openen"
    )
    steps["jan_step"] = write_step(
        app, sanne, steps["goal"], steps["kees"], f"network-{steps['jan'].id}", "Samen sorteren"
    )
    steps["petra_step"] = write_step(
        app, sanne, steps["goal"], steps["kees"], f"network-{steps['petra'].id}", "Koffie drinken"
    )
    steps["t1"] = completed_measurement(app, sanne, days_ago=1)
    piet_goal = write_goal(app, steps["piet"], steps["kees"], "Piets eigen doel.")
    steps["piet_step"] = write_step(
        app, steps["piet"], piet_goal, steps["kees"], "resident", "Piets stap"
    )
    return steps


PLAN_PAGES = [
    "/residents/{sanne}/plan",
    "/residents/{sanne}/plan/history",
    "/residents/{sanne}/plan/print",
]
CHANGE_PAGES = [
    "/residents/{sanne}/plan/goals/new",
    "/residents/{sanne}/plan/goals/{goal}",
    "/residents/{sanne}/plan/goals/{goal}/steps/new",
    "/residents/{sanne}/plan/goals/{goal}/steps/{step}",
    "/residents/{sanne}/plan/appointment",
    "/measurements/{t0}/goals",
    "/measurements/{t1}/goal-scores",
]


def _paths(plan_with_steps, paths):
    ids = {
        "sanne": plan_with_steps["sanne"].id,
        "goal": plan_with_steps["goal"].id,
        "step": plan_with_steps["own_step"].id,
        "t0": plan_with_steps["t0"].id,
        "t1": plan_with_steps["t1"].id,
    }
    return [p.format(**ids) for p in paths]


def _log(db_session, user) -> list[tuple[str, str, int | None]]:
    db_session.expire_all()
    rows = db_session.exec(
        select(AccessLog).where(AccessLog.user_id == user.id).order_by(AccessLog.id)
    ).all()
    return [(r.action, r.what, r.resident_id) for r in rows]


@pytest.mark.parametrize("who", ["kees", "fatima", "mila"])
def test_every_involved_organisation_works_in_the_one_plan(plan_with_steps, client, login, who):
    login(client, plan_with_steps[who])
    for path in _paths(plan_with_steps, PLAN_PAGES + CHANGE_PAGES):
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get(_paths(plan_with_steps, PLAN_PAGES)[0]).get_data(as_text=True)
    assert "Ik wil mijn post openen." in page and "Nieuw doel" in page


@pytest.mark.parametrize("who", ["sem", "other_coach", "other_manager"])
def test_an_uninvolved_organisation_sees_nothing_and_it_is_logged(
    plan_with_steps, client, login, db_session, who
):
    login(client, plan_with_steps[who])
    for path in _paths(
        plan_with_steps, PLAN_PAGES + (CHANGE_PAGES if who != "other_manager" else [])
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Ik wil mijn post openen." not in response.get_data(as_text=True)
    post = client.post(
        _paths(plan_with_steps, ["/residents/{sanne}/plan/goals/{goal}/steps/{step}/done"])[0],
        data={"done": "1", "version": "1"},
    )
    assert post.status_code in (403, 404)
    denied = [entry for entry in _log(db_session, plan_with_steps[who]) if entry[0] == "denied"]
    assert len(denied) >= len(PLAN_PAGES)
    assert {resident for _a, _w, resident in denied} == {plan_with_steps["sanne"].id}
    assert db_session.get(Step, plan_with_steps["own_step"].id).done_at is None


def test_the_manager_reads_the_plan_but_changes_nothing(plan_with_steps, client, login, db_session):
    login(client, plan_with_steps["manager"])
    for path in _paths(plan_with_steps, PLAN_PAGES):
        assert client.get(path).status_code == 200, path
    page = client.get(_paths(plan_with_steps, PLAN_PAGES)[0]).get_data(as_text=True)
    assert "Ik wil mijn post openen." in page
    assert "Nieuw doel" not in page and "Gedaan" not in page and "Stap toevoegen" not in page
    for path in _paths(plan_with_steps, CHANGE_PAGES):
        assert client.get(path).status_code == 403, path
    response = client.post(
        _paths(plan_with_steps, ["/residents/{sanne}/plan/goals/{goal}/steps/{step}/done"])[0],
        data={"done": "1", "version": "1"},
    )
    assert response.status_code == 403
    assert db_session.get(Step, plan_with_steps["own_step"].id).done_at is None


@pytest.mark.parametrize("who", ["policymaker", "admin", "sanne_account", "jan_account"])
def test_roles_without_the_professional_plan_get_403(plan_with_steps, client, login, who):
    login(client, plan_with_steps[who])
    for path in _paths(plan_with_steps, PLAN_PAGES + CHANGE_PAGES):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Ik wil mijn post openen." not in response.get_data(as_text=True)


def test_every_plan_view_is_in_the_access_log(plan_with_steps, client, login, db_session):
    login(client, plan_with_steps["mila"])
    for path in _paths(plan_with_steps, PLAN_PAGES):
        client.get(path)
    sanne = plan_with_steps["sanne"].id
    assert _log(db_session, plan_with_steps["mila"]) == [
        ("view", "plan", sanne),
        ("view", "plan history", sanne),
        ("view", "plan print", sanne),
    ]


def test_the_resident_sees_their_own_plan_only(plan_with_steps, client, login, db_session):
    login(client, plan_with_steps["sanne_account"])
    page = client.get("/my-plan").get_data(as_text=True)
    assert "Ik wil mijn post openen." in page and "Piets eigen doel." not in page
    assert "Dit heb ik gedaan" in page  # for her own step
    assert client.get("/my-plan/print").status_code == 200
    assert ("view", "own plan", plan_with_steps["sanne"].id) in _log(
        db_session, plan_with_steps["sanne_account"]
    )

    other = client.application.test_client()
    login(other, plan_with_steps["piet_account"])
    page = other.get("/my-plan").get_data(as_text=True)
    assert "Piets eigen doel." in page and "Ik wil mijn post openen." not in page


def test_the_resident_ticks_off_their_own_steps_only(plan_with_steps, client, login, db_session):
    login(client, plan_with_steps["sanne_account"])
    own = client.post(
        f"/my-plan/steps/{plan_with_steps['own_step'].id}/done", data={"done": "1", "version": "1"}
    )
    assert own.status_code == 303
    db_session.expire_all()
    assert (
        db_session.get(Step, plan_with_steps["own_step"].id).done_by_id
        == plan_with_steps["sanne_account"].id
    )
    for step in ("jan_step", "piet_step"):
        response = client.post(
            f"/my-plan/steps/{plan_with_steps[step].id}/done", data={"done": "1", "version": "1"}
        )
        assert response.status_code == 404, step
        assert db_session.get(Step, plan_with_steps[step].id).done_at is None
    denied = [e for e in _log(db_session, plan_with_steps["sanne_account"]) if e[0] == "denied"]
    assert len(denied) == 2


def test_the_network_member_reads_the_plan_and_ticks_off_their_own_step(
    plan_with_steps, client, login, db_session
):
    login(client, plan_with_steps["jan_account"])
    page = client.get("/my-plan").get_data(as_text=True)
    assert "Ik wil mijn post openen." in page and "Samen sorteren" in page
    assert page.count("Dit heb ik gedaan") == 1  # only Jan's own step has the button
    response = client.post(
        f"/my-plan/steps/{plan_with_steps['jan_step'].id}/done", data={"done": "1", "version": "1"}
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert (
        db_session.get(Step, plan_with_steps["jan_step"].id).done_by_id
        == plan_with_steps["jan_account"].id
    )
    for step in ("own_step", "petra_step", "piet_step"):
        response = client.post(
            f"/my-plan/steps/{plan_with_steps[step].id}/done", data={"done": "1", "version": "1"}
        )
        assert response.status_code == 404, step
        assert db_session.get(Step, plan_with_steps[step].id).done_at is None
    # Nothing else of the plan can be changed by Jan.
    goal = plan_with_steps["goal"]
    response = client.post(
        f"/residents/{plan_with_steps['sanne'].id}/plan/goals/{goal.id}",
        data={
            "text": "Jans doel",
            "reached_when": "x",
            "domains": "money",
            "weight": "1",
            "status": "open",
            "version": "1",
        },
    )
    assert response.status_code == 403
    assert db_session.get(Goal, goal.id).text == "Ik wil mijn post openen."
    assert ("change", "own step done", plan_with_steps["sanne"].id) in _log(
        db_session, plan_with_steps["jan_account"]
    )


def test_a_goal_or_step_id_of_another_resident_is_404_and_logged(
    plan_with_steps, client, login, db_session
):
    login(client, plan_with_steps["kees"])
    piet_step = db_session.get(Step, plan_with_steps["piet_step"].id)
    sanne = plan_with_steps["sanne"].id
    paths = [
        f"/residents/{sanne}/plan/goals/{piet_step.goal_id}",
        f"/residents/{sanne}/plan/goals/{plan_with_steps['goal'].id}/steps/{piet_step.id}",
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
    assert [e for e in _log(db_session, plan_with_steps["kees"]) if e[0] == "denied"] == [
        ("denied", "goal change", sanne),
        ("denied", "step change", sanne),
    ]


def test_a_refused_form_still_logs_that_the_plan_was_seen(
    plan_with_steps, client, login, db_session
):
    login(client, plan_with_steps["kees"])
    response = client.post(
        f"/residents/{plan_with_steps['sanne'].id}/plan/goals/new",
        data={"text": "", "reached_when": "x", "domains": "money", "weight": "1"},
    )
    assert response.status_code == 400
    assert _log(db_session, plan_with_steps["kees"])[-1] == (
        "view",
        "goal add",
        plan_with_steps["sanne"].id,
    )


def test_a_partner_without_the_residents_consent_sees_no_plan(
    app, plan_with_steps, client, login, db_session
):
    from helpers.factories import involve

    involve(
        app,
        plan_with_steps["sanne"],
        plan_with_steps["schuldhulp"],
        plan_with_steps["sem"],
        consent=False,
    )
    login(client, plan_with_steps["sem"])
    for path in _paths(plan_with_steps, PLAN_PAGES + CHANGE_PAGES):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Ik wil mijn post openen." not in response.get_data(as_text=True)
    denied = db_session.exec(
        select(AccessLog).where(
            AccessLog.user_id == plan_with_steps["sem"].id, AccessLog.action == "denied"
        )
    ).all()
    assert len(denied) == len(PLAN_PAGES + CHANGE_PAGES)
