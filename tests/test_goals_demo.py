"""The demo includes plans: goals from the "I want to work on this" at T0, steps for every kind of
helper, scores at the follow-ups that follow the change in the goal's domain, and Sanne's rich
plan with a step of her carer Jan."""

from __future__ import annotations

from statistics import mean

from sqlmodel import col, func, select

from wattelt.demo import DEMO_PASSWORD
from wattelt.models import (
    Answer,
    Goal,
    GoalDomain,
    GoalScore,
    Measurement,
    NetworkMember,
    Plan,
    PlanChange,
    Resident,
    Step,
    User,
)


def test_the_demo_has_plans_for_the_measured_residents(runner, app, db_session):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "goals" in result.output

    # The coaches' plans; the anonymous population behind the figures has goals too, but no
    # plan pages anyone works in (no coach, no appointment).
    goals = db_session.exec(select(Goal).where(col(Goal.created_by_id).is_not(None))).all()
    assert len(goals) >= 20
    statuses = {g.status for g in goals}
    assert statuses == {"open", "reached", "stopped"}
    # Every goal comes from its resident's own wish at the first measurement, or is one of
    # Sanne's, and has steps.
    steps = db_session.exec(select(Step).where(col(Step.goal_id).in_([g.id for g in goals]))).all()
    assert {s.goal_id for s in steps} == {g.id for g in goals}
    assert {s.helper for s in steps} == {"resident", "network", "organisation"}
    assert any(s.done_at for s in steps) and any(s.done_at is None for s in steps)
    wished = set(
        db_session.exec(
            select(GoalDomain.goal_id)
            .join(Goal, col(Goal.id) == GoalDomain.goal_id)
            .join(
                Answer,
                (col(Answer.measurement_id) == Goal.measurement_id)
                & (col(Answer.item) == GoalDomain.domain)
                & (col(Answer.perspective) == "resident"),
            )
            .where(col(Answer.wants_to_work).is_(True))
        ).all()
    )
    assert len(wished) >= len(goals) - 3

    # Scores at T1/T2 follow the goal's domain: better where it improved.
    rows = db_session.exec(
        select(GoalScore.score, GoalScore.measurement_id, Goal.measurement_id, GoalDomain.domain)
        .join(Goal, col(Goal.id) == GoalScore.goal_id)
        .join(GoalDomain, col(GoalDomain.goal_id) == Goal.id)
        .where(col(Goal.created_by_id).is_not(None))
    ).all()
    assert len(rows) >= 20
    answers = {
        (a.measurement_id, a.item): a.value
        for a in db_session.exec(select(Answer).where(Answer.perspective == "resident")).all()
    }
    improved, not_improved = [], []
    for score, at, start, domain in rows:
        before, now = answers.get((start, domain)), answers.get((at, domain))
        if before and now:
            (improved if now > before else not_improved).append(score)
    assert improved and not_improved and mean(improved) > mean(not_improved)

    # Every plan has a next appointment and a history.
    planned = set(db_session.exec(select(Plan.resident_id)).all())
    assert planned == {g.resident_id for g in goals}
    assert db_session.exec(select(func.count()).select_from(PlanChange)).one() > len(goals)

    sanne = db_session.exec(
        select(Resident)
        .join(User, col(User.id) == Resident.account_id)
        .where(User.username == "sanne")
    ).one()
    hers = [g for g in goals if g.resident_id == sanne.id]
    assert sum(g.status == "open" for g in hers) >= 3
    assert len({g.organisation_id for g in hers}) >= 2
    jan = db_session.exec(
        select(NetworkMember)
        .join(User, col(User.id) == NetworkMember.user_id)
        .where(User.username == "jan")
    ).one()
    jans = [s for s in steps if s.network_member_id == jan.id and s.goal_id in {g.id for g in hers}]
    assert any(s.done_at is None for s in jans)
    assert db_session.exec(
        select(GoalScore)
        .join(Measurement, col(Measurement.id) == GoalScore.measurement_id)
        .where(Measurement.resident_id == sanne.id)
    ).first()

    # The people of the demo see it.
    for login, path in (("sanne", "/my-plan"), ("jan", "/my-plan")):
        client = app.test_client()
        client.post("/inloggen", data={"username": login, "password": DEMO_PASSWORD})
        page = client.get(path).get_data(as_text=True)
        assert "Ik wil vaker iemand zien." in page, login
    coach = app.test_client()
    coach.post("/login", data={"email": "coach@mee.example", "password": DEMO_PASSWORD})
    page = coach.get(f"/residents/{sanne.id}/plan").get_data(as_text=True)
    assert "T-score" in page and "Schuldhulp Lindendaal" in page
