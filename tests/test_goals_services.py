"""The plan's services: goals and their domains, who may do a step, compare-and-set on every
change, scoring at follow-ups, the next appointment and the history of it all."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select

from wattelt import db
from wattelt.goals import history, plan, scores, services
from wattelt.models import (
    Goal,
    GoalDomain,
    GoalScore,
    Involvement,
    PlanChange,
    Resident,
    Step,
    User,
)

from helpers.goals import completed_measurement, write_goal, write_step


@pytest.fixture
def session(app):
    """The request-like session of the app, inside an app context."""
    with app.app_context():
        yield db.session()


def _changes(db_session, resident) -> list[tuple[str, str, str]]:
    db_session.expire_all()
    rows = db_session.exec(
        select(PlanChange).where(PlanChange.resident_id == resident.id).order_by(PlanChange.id)
    ).all()
    return [(r.kind, r.old, r.new) for r in rows]


# --- goals ---------------------------------------------------------------------------------------


def test_a_goal_keeps_its_words_domains_author_organisation_and_history(
    app, plan_chain, db_session
):
    goal = write_goal(
        app,
        plan_chain["sanne"],
        plan_chain["mila"],
        "  Ik wil vrijwilligerswerk doen.  ",
        ("daytime", "friends"),
    )
    db_session.expire_all()
    saved = db_session.get(Goal, goal.id)
    assert (saved.text, saved.status, saved.weight, saved.version) == (
        "Ik wil vrijwilligerswerk doen.",
        "open",
        1,
        1,
    )
    assert (saved.created_by_id, saved.organisation_id) == (
        plan_chain["mila"].id,
        plan_chain["mee"].id,
    )
    domains = db_session.exec(select(GoalDomain.domain).where(GoalDomain.goal_id == goal.id)).all()
    assert sorted(domains) == ["daytime", "friends"]
    assert _changes(db_session, plan_chain["sanne"]) == [
        ("goal_added", "", "Ik wil vrijwilligerswerk doen.")
    ]


@pytest.mark.parametrize(
    ("text", "domains"),
    [("", ["money"]), ("   ", ["money"]), ("x" * 301, ["money"]), ("Goed", []), ("Goed", ["moon"])],
)
def test_a_goal_without_words_or_known_domains_is_refused(plan_chain, session, text, domains):
    with pytest.raises(ValueError):
        services.create_goal(
            session,
            session.get(Resident, plan_chain["sanne"].id),
            session.get(User, plan_chain["kees"].id),
            text=text,
            reached_when="Klaar",
            domains=domains,
        )
    session.rollback()
    assert session.exec(select(Goal)).all() == []


def test_changing_a_goal_records_each_change_in_short(app, plan_chain, db_session, session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    long_text = "Ik wil " + "heel " * 40 + "graag mijn post openen."
    services.update_goal(
        session,
        session.get(Goal, goal.id),
        session.get(User, plan_chain["mila"].id),
        1,
        text=long_text,
        reached_when="Ik heb geen stapel post meer.",
        domains=["money", "household"],
        weight=2,
        status="open",
    )
    session.commit()
    saved = db_session.get(Goal, goal.id)
    assert (saved.text, saved.weight, saved.version, saved.updated_by_id) == (
        long_text,
        2,
        2,
        plan_chain["mila"].id,
    )
    kinds = {kind: (old, new) for kind, old, new in _changes(db_session, plan_chain["sanne"])}
    assert kinds["goal_domains"] == ("money", "household, money")
    assert kinds["goal_weight"] == ("1", "2")
    old, new = kinds["goal_text"]
    assert old == "Ik wil elke week mijn post openen."
    # The history keeps a short form, the plan the whole text.
    assert len(new) == history.SHORT and new.endswith("\u2026") and long_text.startswith(new[:-1])
    assert "goal_reached_when" not in kinds  # unchanged fields leave no line


def test_a_stale_goal_form_is_a_conflict_and_changes_nothing(app, plan_chain, db_session, session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    fields = dict(reached_when="Klaar", domains=["money"], weight=1, status="open")
    services.update_goal(
        session,
        session.get(Goal, goal.id),
        session.get(User, plan_chain["kees"].id),
        1,
        text="Kees",
        **fields,
    )
    session.commit()
    with pytest.raises(services.Conflict) as conflict:
        services.update_goal(
            session,
            session.get(Goal, goal.id),
            session.get(User, plan_chain["mila"].id),
            1,
            text="Mila",
            **fields,
        )
    session.rollback()
    assert conflict.value.current.text == "Kees"  # what the other saved, to show beside the form
    db_session.expire_all()
    assert (db_session.get(Goal, goal.id).text, db_session.get(Goal, goal.id).version) == (
        "Kees",
        2,
    )
    assert [k for k, _o, _n in _changes(db_session, plan_chain["sanne"])].count("goal_text") == 1


def test_closing_a_goal_in_the_edit_form_sets_when_and_reopening_clears_it(
    app, plan_chain, session
):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    row = session.get(Goal, goal.id)
    fields = dict(text=row.text, reached_when=row.reached_when, domains=["money"], weight=1)
    kees = session.get(User, plan_chain["kees"].id)
    services.update_goal(session, row, kees, 1, status="stopped", **fields)
    assert row.status == "stopped" and row.closed_at is not None
    services.update_goal(session, row, kees, 2, status="open", **fields)
    assert row.status == "open" and row.closed_at is None


# --- who does a step -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("resident", ("resident", None, None, None)),
        ("network-{jan}", ("network", "jan", None, None)),
        ("network-{petra}", ("network", "petra", None, None)),
        ("organisation-{mee}", ("organisation", None, "mee", None)),
        ("professional-{mila}", ("organisation", None, "mee", "mila")),
        ("professional-{fatima}", ("organisation", None, "wijkteam", "fatima")),
    ],
)
def test_a_step_goes_to_the_resident_their_network_or_an_involved_organisation(
    plan_chain, session, key, expected
):
    ids = {
        name: plan_chain[name].id for name in ("jan", "petra", "mee", "mila", "fatima", "wijkteam")
    }
    helper = services.resolve_helper(
        session, session.get(Resident, plan_chain["sanne"].id), key.format(**ids)
    )
    kind, member, organisation, professional = expected
    assert helper == services.Helper(
        kind,
        ids[member] if member else None,
        ids[organisation] if organisation else None,
        ids[professional] if professional else None,
    )


@pytest.mark.parametrize(
    "key",
    [
        "network-{ahmed}",  # Piet's friend, not Sanne's
        "organisation-{schuldhulp}",  # in the chain, not involved with Sanne
        "organisation-{elsewhere}",
        "professional-{sem}",  # a coach of an organisation that is not involved
        "professional-{other_coach}",
        "professional-{kees_account}",  # a resident account is no professional
        "network-999999",
        "someone",
        "",
        "network-1; DROP TABLE goal",
    ],
)
def test_a_step_for_someone_outside_network_and_chain_is_refused(plan_chain, session, key):
    ids = {
        "ahmed": plan_chain["ahmed"].id,
        "schuldhulp": plan_chain["schuldhulp"].id,
        "elsewhere": plan_chain["elsewhere"].id,
        "sem": plan_chain["sem"].id,
        "other_coach": plan_chain["other_coach"].id,
        "kees_account": plan_chain["sanne_account"].id,
    }
    with pytest.raises(services.NotInPlan):
        services.resolve_helper(
            session, session.get(Resident, plan_chain["sanne"].id), key.format(**ids)
        )


def test_an_ended_involvement_keeps_its_step_until_it_is_given_to_someone_else(
    app, plan_chain, db_session, session
):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    step = write_step(
        app,
        plan_chain["sanne"],
        goal,
        plan_chain["kees"],
        helper=f"professional-{plan_chain['mila'].id}",
    )
    involvement = db_session.exec(
        select(Involvement).where(Involvement.organisation_id == plan_chain["mee"].id)
    ).one()
    involvement.ended_on = date(2020, 1, 1)
    db_session.add(involvement)
    db_session.commit()
    sanne = session.get(Resident, plan_chain["sanne"].id)
    kees = session.get(User, plan_chain["kees"].id)
    row = session.get(Step, step.id)
    services.update_step(
        session,
        sanne,
        row,
        kees,
        1,
        text="Samen bellen",
        helper_key=f"professional-{plan_chain['mila'].id}",
        due_on=None,
    )
    assert (row.text, row.professional_id) == ("Samen bellen", plan_chain["mila"].id)
    with pytest.raises(services.NotInPlan):
        services.update_step(
            session,
            sanne,
            row,
            kees,
            2,
            text="x",
            helper_key=f"organisation-{plan_chain['schuldhulp'].id}",
            due_on=None,
        )


def test_no_step_is_added_to_a_goal_that_was_closed_meanwhile(app, plan_chain, session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    row = session.get(Goal, goal.id)
    services.update_goal(
        session,
        row,
        session.get(User, plan_chain["mila"].id),
        1,
        text=row.text,
        reached_when=row.reached_when,
        domains=["money"],
        weight=1,
        status="reached",
    )
    session.commit()
    with pytest.raises(services.GoalClosed):
        services.add_step(
            session,
            session.get(Resident, plan_chain["sanne"].id),
            row,
            session.get(User, plan_chain["kees"].id),
            text="Nog iets",
            helper_key="resident",
            due_on=None,
        )


def test_ticking_a_step_off_and_a_stale_tick(app, plan_chain, db_session, session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    step = write_step(
        app, plan_chain["sanne"], goal, plan_chain["kees"], helper=f"network-{plan_chain['jan'].id}"
    )
    sanne = session.get(Resident, plan_chain["sanne"].id)
    jan = session.get(User, plan_chain["jan_account"].id)
    row = session.get(Step, step.id)
    services.set_step_done(session, sanne, row, jan, 1, True)
    session.commit()
    assert (row.done_by_id, row.version) == (jan.id, 2) and row.done_at is not None
    with pytest.raises(services.Conflict):  # the page still showed version 1
        services.set_step_done(
            session, sanne, row, session.get(User, plan_chain["kees"].id), 1, False
        )
    session.rollback()
    db_session.expire_all()
    assert db_session.get(Step, step.id).done_at is not None
    kinds = [k for k, _o, _n in _changes(db_session, plan_chain["sanne"])]
    assert kinds == ["goal_added", "step_added", "step_done"]


def test_a_removed_step_leaves_the_plan_but_not_the_database(app, plan_chain, db_session, session):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"])
    step = write_step(app, plan_chain["sanne"], goal, plan_chain["kees"])
    services.remove_step(
        session,
        session.get(Resident, plan_chain["sanne"].id),
        session.get(Step, step.id),
        session.get(User, plan_chain["kees"].id),
        1,
    )
    session.commit()
    assert services.steps_of(session, [goal.id]) == {goal.id: []}
    assert db_session.get(Step, step.id).removed_at is not None
    assert _changes(db_session, plan_chain["sanne"])[-1] == ("step_removed", "De post openen", "")


# --- scoring -------------------------------------------------------------------------------------


def test_goals_to_score_are_the_open_ones_set_before_the_follow_up(app, plan_chain, session):
    sanne, kees = plan_chain["sanne"], plan_chain["kees"]
    t0 = completed_measurement(app, sanne, days_ago=100, wants=("money",))
    before = write_goal(app, sanne, kees, "Van T0", measurement=t0, days_ago=99)
    closed = write_goal(app, sanne, kees, "Al bereikt", days_ago=98)
    t1 = completed_measurement(app, sanne, days_ago=10)
    made_from_t1 = write_goal(app, sanne, kees, "Van T1", measurement=t1, days_ago=9)
    later = write_goal(app, sanne, kees, "Later gemaakt", days_ago=5)
    row = session.get(Goal, closed.id)
    row.status = "reached"
    session.commit()
    m0, m1 = session.get(type(t0), t0.id), session.get(type(t1), t1.id)
    assert [g.id for g in scores.goals_to_score(session, m1)] == [before.id]
    assert scores.is_follow_up(session, m1) and not scores.is_follow_up(session, m0)
    assert {made_from_t1.id, later.id}.isdisjoint(g.id for g in scores.goals_to_score(session, m1))


def _t1_with_goals(app, plan_chain, count=2):
    completed_measurement(app, plan_chain["sanne"], days_ago=100)
    goals = [
        write_goal(app, plan_chain["sanne"], plan_chain["kees"], f"Doel {n}", days_ago=99)
        for n in range(count)
    ]
    return goals, completed_measurement(app, plan_chain["sanne"], days_ago=1)


def test_scoring_saves_every_goal_and_closes_the_reached_one(app, plan_chain, db_session, session):
    (first, second), t1 = _t1_with_goals(app, plan_chain)
    scores.save_scores(
        session,
        session.get(type(t1), t1.id),
        session.get(User, plan_chain["mila"].id),
        [
            scores.ScoreEntry(first.id, 1, 2, "reached"),
            scores.ScoreEntry(second.id, 1, -1, "carry_on"),
        ],
    )
    session.commit()
    db_session.expire_all()
    saved = {s.goal_id: s.score for s in db_session.exec(select(GoalScore)).all()}
    assert saved == {first.id: 2, second.id: -1}
    assert db_session.get(Goal, first.id).status == "reached"
    assert db_session.get(Goal, first.id).closed_at is not None
    assert db_session.get(Goal, second.id).status == "open"
    # Scoring again at the same measurement corrects the score; it stays one row per goal.
    scores.save_scores(
        session,
        session.get(type(t1), t1.id),
        session.get(User, plan_chain["kees"].id),
        [
            scores.ScoreEntry(first.id, 2, 1, "carry_on"),
            scores.ScoreEntry(second.id, 2, -1, "stopped"),
        ],
    )
    session.commit()
    db_session.expire_all()
    assert {s.goal_id: s.score for s in db_session.exec(select(GoalScore)).all()} == {
        first.id: 1,
        second.id: -1,
    }
    assert db_session.get(Goal, first.id).status == "open"
    kinds = [
        (k, o, n) for k, o, n in _changes(db_session, plan_chain["sanne"]) if k != "goal_added"
    ]
    assert kinds == [
        ("goal_score", "", "+2"),
        ("goal_status", "open", "reached"),
        ("goal_score", "", "-1"),
        ("goal_score", "+2", "+1"),
        ("goal_status", "reached", "open"),
        ("goal_status", "open", "stopped"),
    ]


@pytest.mark.parametrize(
    "entries",
    [
        lambda a, b: [scores.ScoreEntry(a, 1, 1, "carry_on")],  # a goal left out
        lambda a, b: [
            scores.ScoreEntry(a, 1, 3, "carry_on"),
            scores.ScoreEntry(b, 1, 0, "carry_on"),
        ],
        lambda a, b: [scores.ScoreEntry(a, 1, 0, "done"), scores.ScoreEntry(b, 1, 0, "carry_on")],
    ],
    ids=["missing", "out-of-range", "unknown-outcome"],
)
def test_bad_scores_are_refused_and_nothing_is_saved(app, plan_chain, db_session, session, entries):
    (first, second), t1 = _t1_with_goals(app, plan_chain)
    with pytest.raises(ValueError):
        scores.save_scores(
            session,
            session.get(type(t1), t1.id),
            session.get(User, plan_chain["kees"].id),
            entries(first.id, second.id),
        )
    session.rollback()
    assert db_session.exec(select(GoalScore)).all() == []


def test_scores_on_a_stale_form_are_a_conflict_for_exactly_those_goals(
    app, plan_chain, db_session, session
):
    (first, second), t1 = _t1_with_goals(app, plan_chain)
    row = session.get(Goal, first.id)
    services.update_goal(
        session,
        row,
        session.get(User, plan_chain["mila"].id),
        1,
        text="Door Mila veranderd",
        reached_when=row.reached_when,
        domains=["money"],
        weight=1,
        status="open",
    )
    session.commit()
    with pytest.raises(scores.ScoreConflicts) as conflicts:
        scores.save_scores(
            session,
            session.get(type(t1), t1.id),
            session.get(User, plan_chain["kees"].id),
            [
                scores.ScoreEntry(first.id, 1, 1, "carry_on"),
                scores.ScoreEntry(second.id, 1, 1, "reached"),
            ],
        )
    session.rollback()  # all or nothing: the goal that did not conflict is not scored either
    assert [g.id for g in conflicts.value.goals] == [first.id]
    db_session.expire_all()
    assert db_session.exec(select(GoalScore)).all() == []
    assert db_session.get(Goal, second.id).status == "open"


# --- the plan as a whole -------------------------------------------------------------------------


def test_the_next_appointment_is_set_changed_and_cleared_with_compare_and_set(
    plan_chain, db_session, session
):
    sanne = session.get(Resident, plan_chain["sanne"].id)
    kees = session.get(User, plan_chain["kees"].id)
    saved = plan.set_appointment(
        session, sanne, kees, 0, date(2026, 12, 3), time(10, 0), " Op kantoor "
    )
    session.commit()
    assert (saved.next_on, saved.next_at, saved.next_note, saved.version) == (
        date(2026, 12, 3),
        time(10, 0),
        "Op kantoor",
        1,
    )
    with pytest.raises(services.Conflict):  # a second form that also saw no appointment yet
        plan.set_appointment(session, sanne, kees, 0, date(2026, 12, 4), None, "")
    session.rollback()
    with pytest.raises(ValueError):  # a time needs a date
        plan.set_appointment(session, sanne, kees, 1, None, time(9, 0), "")
    plan.set_appointment(session, sanne, kees, 1, None, None, "vergeten")
    session.commit()
    cleared = plan.plan_of(session, sanne)
    assert (cleared.next_on, cleared.next_at, cleared.next_note) == (None, None, "")
    assert [(k, o, n) for k, o, n in _changes(db_session, plan_chain["sanne"])] == [
        ("appointment", "", "2026-12-03 10:00 \u00b7 Op kantoor"),
        ("appointment", "2026-12-03 10:00 \u00b7 Op kantoor", ""),
    ]


def test_a_case_director_change_is_in_the_history(plan_chain, db_session, session):
    sanne = session.get(Resident, plan_chain["sanne"].id)
    plan.change_case_director(
        session, sanne, session.get(User, plan_chain["kees"].id), 1, plan_chain["mila"].id
    )
    session.commit()
    assert sanne.case_director_id == plan_chain["mila"].id
    assert _changes(db_session, plan_chain["sanne"]) == [
        ("case_director", "Kees Smit", "Mila Jansen")
    ]
