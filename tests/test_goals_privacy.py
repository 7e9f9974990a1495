"""The plan in the resident's rights: it is part of the export, and erasure removes its texts
and links to people while the goal scores that the anonymous figures count stay."""

from __future__ import annotations

import json

from sqlmodel import select

from wattelt import db
from wattelt.goals import services as goal_services
from wattelt.models import (
    ErasureRequest,
    Goal,
    GoalDomain,
    GoalScore,
    NetworkMember,
    PlanChange,
    Resident,
    Step,
    User,
)

from helpers.consent_chain import add_measurement

GOAL = "Ik wil mijn post elke week openen."


def _plan(app, consent_chain) -> dict:
    """A goal with a step for Jan, scored +1 at a follow-up measurement."""
    follow_up = add_measurement(app, consent_chain["sanne"], consent_chain["coach"])
    with app.app_context(), db.standalone_session() as session:
        sanne = session.get(Resident, consent_chain["sanne"].id)
        coach = session.get(User, consent_chain["coach"].id)
        jan = session.exec(
            select(NetworkMember).where(NetworkMember.resident_id == sanne.id)
        ).first()
        goal = goal_services.create_goal(
            session, sanne, coach, text=GOAL, reached_when="Geen stapel post.", domains=["money"]
        )
        goal_services.add_step(
            session,
            sanne,
            goal,
            coach,
            text="Samen met Jan de post sorteren",
            helper_key=f"network-{jan.id}",
            due_on=None,
        )
        session.add(GoalScore(goal_id=goal.id, measurement_id=follow_up.id, score=1))
        return {"goal_id": goal.id}


def test_the_export_holds_the_plan_in_the_residents_own_words(consent_chain, app, client, login):
    _plan(app, consent_chain)
    login(client, consent_chain["sanne_account"])
    data = json.loads(client.get("/mijn/gegevens.json").get_data(as_text=True))
    rows = data["areas"]["goals"]["rows"]
    goal = next(r for r in rows if r["kind"] == "goal")
    step = next(r for r in rows if r["kind"] == "step")
    assert goal["text"] == GOAL and goal["life_domains"] == "money" and "+1" in goal["scores"]
    assert step["text"] == "Samen met Jan de post sorteren" and step["who"] == "Jan"
    readable = client.get("/mijn/gegevens").get_data(as_text=True)
    assert GOAL in readable


def test_erasure_removes_the_plans_texts_and_keeps_the_goal_scores(
    consent_chain, app, client, login, db_session
):
    ids = _plan(app, consent_chain)
    login(client, consent_chain["coach"])
    client.post(
        f"/residents/{consent_chain['sanne'].id}/erasure",
        data={"reason": "resident_asked", "confirm": "y"},
    )
    db_session.expire_all()
    request = db_session.exec(select(ErasureRequest)).one()
    approver = app.test_client()
    login(approver, consent_chain["manager"])
    response = approver.post(f"/privacy/erasures/{request.id}", data={"decision": "approve"})
    assert response.status_code == 302

    db_session.expire_all()
    goal = db_session.get(Goal, ids["goal_id"])
    assert (goal.text, goal.reached_when, goal.created_by_id) == ("", "", None)
    assert goal.status == "open" and goal.weight == 1
    assert db_session.exec(
        select(GoalDomain.domain).where(GoalDomain.goal_id == goal.id)
    ).all() == ["money"]
    assert [s.score for s in db_session.exec(select(GoalScore)).all()] == [1]
    assert db_session.exec(select(Step)).all() == []
    assert (
        db_session.exec(
            select(PlanChange).where(PlanChange.resident_id == consent_chain["sanne"].id)
        ).all()
        == []
    )
