"""What the access log calls an access: opening a page that could change the plan only looks;
the change is the form that is sent. The resident's "Who looked?" page tells the two apart."""

from __future__ import annotations

import re

from sqlmodel import select

from wattelt.models import AccessLog

from helpers.goals import write_goal

GOAL = {
    "text": "Ik wil elke week mijn post openen.",
    "reached_when": "Ik heb geen stapel post meer.",
    "domains": "money",
    "weight": "1",
}


def _who_looked(app, login, account) -> str:
    client = app.test_client()
    login(client, account)
    page = client.get("/mijn/wie-keek").get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", page.split('id="who-looked"')[1]).split())


def test_opening_the_plans_forms_is_looking_not_changing(app, plan_chain, login, db_session):
    sanne = plan_chain["sanne"]
    goal = write_goal(app, sanne, plan_chain["kees"])
    mila = app.test_client()
    login(mila, plan_chain["mila"])
    for path in (
        f"/residents/{sanne.id}/plan/goals/new",
        f"/residents/{sanne.id}/plan/goals/{goal.id}",
        f"/residents/{sanne.id}/plan/goals/{goal.id}/steps/new",
    ):
        assert mila.get(path).status_code == 200, path
    text = _who_looked(app, login, plan_chain["sanne_account"])
    assert "een coach van MEE keek naar je gegevens" in text
    assert "een coach van MEE veranderde iets" not in text
    kinds = db_session.exec(
        select(AccessLog.action).where(AccessLog.user_id == plan_chain["mila"].id)
    ).all()
    assert set(kinds) == {"view"}


def test_sending_the_form_is_a_change(app, plan_chain, login):
    sanne = plan_chain["sanne"]
    mila = app.test_client()
    login(mila, plan_chain["mila"])
    response = mila.post(f"/residents/{sanne.id}/plan/goals/new", data=GOAL)
    assert response.status_code in (302, 303)
    text = _who_looked(app, login, plan_chain["sanne_account"])
    assert "een coach van MEE veranderde iets of voegde iets toe" in text


def test_a_refused_form_changes_nothing_and_is_logged_as_looking(app, plan_chain, login):
    sanne = plan_chain["sanne"]
    mila = app.test_client()
    login(mila, plan_chain["mila"])
    response = mila.post(f"/residents/{sanne.id}/plan/goals/new", data={**GOAL, "text": ""})
    assert response.status_code == 400
    text = _who_looked(app, login, plan_chain["sanne_account"])
    assert "een coach van MEE keek naar je gegevens" in text
    assert "veranderde" not in text
