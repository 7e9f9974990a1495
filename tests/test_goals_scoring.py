"""Goal attainment: the GAS T-score from sums (what SQL adds up) against hand-computed examples,
and the plan's T-scores per resident, per round and per set of goals from real score rows.

T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2), rho = 0.3
(Kiresuk & Sherman 1968)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from wattelt import db
from wattelt.goals import scores
from wattelt.models import Goal, GoalScore, Resident, User
from wattelt.scoring.gas import GasSums, ScoredGoal, gas_sums, gas_t_score, gas_t_score_from_sums

from helpers.goals import completed_measurement, write_goal

# --- pure: from sums --------------------------------------------------------------------------


def test_sums_of_a_worked_example():
    # Scores (+1, 0, -1), weights (2, 1, 1): sum(w*x) = 2 + 0 - 1 = 1, sum(w^2) = 4 + 1 + 1 = 6,
    # sum(w) = 4.
    assert gas_sums([ScoredGoal(1, 2), ScoredGoal(0), ScoredGoal(-1)]) == GasSums(3, 1, 6, 4)


def test_t_score_from_sums_worked_example():
    # Continuing: denominator sqrt(0.7 * 6 + 0.3 * 4^2) = sqrt(4.2 + 4.8) = sqrt(9) = 3,
    # T = 50 + 10 * 1 / 3 = 53.3333333.
    assert gas_t_score_from_sums(GasSums(3, 1, 6, 4)) == pytest.approx(53.3333333, abs=1e-6)


def test_all_goals_as_expected_is_50_whatever_the_weights():
    assert (
        gas_t_score_from_sums(gas_sums([ScoredGoal(0, 3), ScoredGoal(0), ScoredGoal(0, 2)])) == 50.0
    )


def test_rho_changes_the_denominator():
    # Two goals +1, weights 1: sum(w*x) = 2, sum(w^2) = 2, (sum w)^2 = 4.
    # rho = 0.3: sqrt(1.4 + 1.2) = sqrt(2.6) = 1.6124515; T = 50 + 20 / 1.6124515 = 62.4034735.
    # rho = 0:   sqrt(2) = 1.4142136;                    T = 50 + 20 / 1.4142136 = 64.1421356.
    # rho = 1:   sqrt(4) = 2;                            T = 50 + 20 / 2         = 60.
    sums = GasSums(2, 2, 2, 2)
    assert gas_t_score_from_sums(sums) == pytest.approx(62.4034735, abs=1e-6)
    assert gas_t_score_from_sums(sums, rho=0) == pytest.approx(64.1421356, abs=1e-6)
    assert gas_t_score_from_sums(sums, rho=1) == pytest.approx(60.0, abs=1e-12)


def test_no_goals_is_no_score():
    assert gas_t_score_from_sums(GasSums(0, 0, 0, 0)) is None


@pytest.mark.parametrize(
    "sums",
    [
        GasSums(2, 1, 0, 2),  # squared weights cannot be 0 for goals with weights
        GasSums(1, 1, 1, -1),  # negative weights
        GasSums(1, 3, 1, 1),  # one goal of weight 1 scores at most +2
        GasSums(-1, 0, 1, 1),
    ],
)
def test_sums_no_set_of_goals_can_have_are_refused(sums):
    with pytest.raises(ValueError):
        gas_t_score_from_sums(sums)


def test_rho_outside_0_and_1_is_refused():
    with pytest.raises(ValueError):
        gas_t_score_from_sums(GasSums(1, 1, 1, 1), rho=1.5)


@given(st.lists(st.tuples(st.integers(-2, 2), st.integers(1, 3)), min_size=1, max_size=10))
def test_from_sums_equals_the_score_of_the_goals_themselves(goals):
    scored = [ScoredGoal(score, weight) for score, weight in goals]
    expected = gas_t_score([g.score for g in scored], [g.weight for g in scored])
    assert gas_t_score_from_sums(gas_sums(scored)) == pytest.approx(expected, abs=1e-9)


def test_the_t_of_all_goals_is_not_the_mean_of_the_sets():
    # Set A: one goal +2 -> 70. Set B: two goals 0 -> 50. Mean of the sets: 60.
    # All three: sum(w*x) = 2, sum(w^2) = 3, (sum w)^2 = 9; sqrt(2.1 + 2.7) = sqrt(4.8) = 2.1908902;
    # T = 50 + 20 / 2.1908902 = 59.1287093.
    everything = gas_sums([ScoredGoal(2), ScoredGoal(0), ScoredGoal(0)])
    assert gas_t_score_from_sums(everything) == pytest.approx(59.1287093, abs=1e-6)


# --- the plan's T-scores from the database ----------------------------------------------------


def _score(app, measurement, user, entries):
    with app.app_context(), db.standalone_session() as session:
        scores.save_scores(
            session,
            session.get(type(measurement), measurement.id),
            session.get(User, user.id),
            entries,
        )


def _versions(db_session, goals):
    db_session.expire_all()
    return {g.id: db_session.get(Goal, g.id).version for g in goals}


def test_the_plans_t_score_per_resident_round_organisation_and_domain(app, plan_chain, db_session):
    sanne, kees, mila = plan_chain["sanne"], plan_chain["kees"], plan_chain["mila"]
    completed_measurement(app, sanne, days_ago=200, wants=("money", "friends", "daytime"))
    money = write_goal(app, sanne, kees, domains=("money",), weight=2, days_ago=190)
    friends = write_goal(app, sanne, kees, "Ik wil vaker iemand zien.", ("friends",), days_ago=190)
    daytime = write_goal(
        app, sanne, mila, "Ik wil vrijwilligerswerk doen.", ("daytime", "friends"), days_ago=190
    )
    t1 = completed_measurement(app, sanne, days_ago=100)
    versions = _versions(db_session, [money, friends, daytime])
    _score(
        app,
        t1,
        kees,
        [
            scores.ScoreEntry(money.id, versions[money.id], 1, "carry_on"),
            scores.ScoreEntry(friends.id, versions[friends.id], 0, "carry_on"),
            scores.ScoreEntry(daytime.id, versions[daytime.id], -1, "carry_on"),
        ],
    )
    t2 = completed_measurement(app, sanne, days_ago=10)
    versions = _versions(db_session, [money, friends, daytime])
    _score(
        app,
        t2,
        mila,
        [
            scores.ScoreEntry(money.id, versions[money.id], 2, "reached"),
            scores.ScoreEntry(friends.id, versions[friends.id], 1, "carry_on"),
            scores.ScoreEntry(daytime.id, versions[daytime.id], 0, "stopped"),
        ],
    )
    with app.app_context():
        overview = scores.gas_overview(db.session(), sanne.id)

    # T1: scores (+1, 0, -1), weights (2, 1, 1): 53.3333333 (worked out above).
    # T2: scores (+2, +1, 0), weights (2, 1, 1): sum(w*x) = 4 + 1 + 0 = 5, denominator 3,
    #     T = 50 + 50 / 3 = 66.6666667.
    assert [(r.key, r.goals) for r in overview.rounds] == [(t1.id, 3), (t2.id, 3)]
    assert [r.t_score for r in overview.rounds] == pytest.approx([53.3333333, 66.6666667], abs=1e-6)
    assert overview.latest.key == t2.id

    # Per organisation at T2. Wijkteam: money +2 (w 2), friends +1 (w 1): sum(w*x) = 5,
    # sum(w^2) = 5, (sum w)^2 = 9; sqrt(3.5 + 2.7) = sqrt(6.2) = 2.4899799; T = 70.0804832.
    # MEE: daytime 0 -> 50.
    by_organisation = {r.label: (r.goals, r.t_score) for r in overview.by_organisation}
    assert by_organisation["Wijkteam Oost"] == (2, pytest.approx(70.0804832, abs=1e-6))
    assert by_organisation["MEE"] == (1, 50.0)

    # Per life domain at T2: daytime goal counts in both its domains. Friends: +1 (w 1) and 0
    # (w 1): sum(w*x) = 1, sum(w^2) = 2, (sum w)^2 = 4; sqrt(1.4 + 1.2) = 1.6124515;
    # T = 50 + 10 / 1.6124515 = 56.2017367. Money: one goal +2 -> 70.
    by_domain = {r.key: (r.goals, r.t_score) for r in overview.by_domain}
    assert by_domain["friends"] == (2, pytest.approx(56.2017367, abs=1e-6))
    assert by_domain["money"] == (1, pytest.approx(70.0, abs=1e-9))
    assert by_domain["daytime"] == (1, 50.0)


def test_a_plan_without_scores_has_no_t_score(app, plan_chain):
    write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    with app.app_context():
        overview = scores.gas_overview(db.session(), plan_chain["sanne"].id)
    assert overview.rounds == [] and overview.latest is None


def test_the_database_refuses_a_score_outside_minus_2_to_2(app, plan_chain, db_session):
    completed_measurement(app, plan_chain["sanne"], days_ago=50)
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"], days_ago=60)
    t1 = completed_measurement(app, plan_chain["sanne"], days_ago=1)
    db_session.add(GoalScore(goal_id=goal.id, measurement_id=t1.id, score=3))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()
    db_session.add(GoalScore(goal_id=goal.id, measurement_id=t1.id, score=-2))
    db_session.commit()
    db_session.add(GoalScore(goal_id=goal.id, measurement_id=t1.id, score=1))
    with pytest.raises(IntegrityError):  # one score per goal and measurement
        db_session.commit()


def test_the_database_refuses_an_unknown_goal_status_or_weight(app, plan_chain, db_session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    for column, value in (("status", "done"), ("weight", 0)):
        row = db_session.get(Goal, goal.id)
        setattr(row, column, value)
        with pytest.raises(IntegrityError):
            db_session.commit()
        db_session.rollback()
    assert db_session.exec(select(Goal.status, Goal.weight)).one() == ("open", 1)
    assert db_session.get(Resident, plan_chain["sanne"].id) is not None
