"""The worker keeps the blocks behind the anonymous figures while the data is unchanged, and
computes them anew as soon as anything that can alter a figure changes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from wattelt.demo.population import Spread
from wattelt.goals.services import goal_domains, update_goal
from wattelt.models import Goal, OutcomeResident, Resident, Role
from wattelt.outcomes import service

from helpers.outcomes import choose_counting, populate

K = 10


@pytest.fixture
def chain(app, db_session, make_chain, make_organisation, make_district, make_user):
    chain = make_chain(name="Samen Sterk")
    organisations = [make_organisation(name=f"Partner {i}", chain=chain) for i in range(2)]
    districts = [make_district(name=f"Wijk {i}") for i in range(2)]
    populate(
        db_session,
        Spread([o.id for o in organisations], [d.id for d in districts], (0.6, 0.4), days=400),
        150,
        seed=21,
    )
    # Live figures are a manager's (policymakers read releases).
    return {
        "organisation": organisations[0],
        "manager": make_user(role=Role.MANAGER.value, organisation=organisations[0]),
        "coach": make_user(role=Role.COACH.value, organisation=organisations[0]),
    }


def _figures(app, db_session, user):
    with app.test_request_context():
        return service.query(db_session, user, {}, K, "nl").figures()


def test_unchanged_data_reuses_the_blocks(app, db_session, chain):
    first = _figures(app, db_session, chain["manager"])
    with app.app_context():
        cache = service._cache()
    hits = cache.hits
    second = _figures(app, db_session, chain["manager"])
    assert cache.hits == hits + 1
    assert second == first


def test_a_withdrawn_consent_leaves_the_very_next_figure(app, db_session, chain):
    before = _figures(app, db_session, chain["manager"])
    counted = db_session.exec(
        select(OutcomeResident).where(
            OutcomeResident.counted, OutcomeResident.organisation_id == chain["organisation"].id
        )
    ).first()
    resident = db_session.get(Resident, counted.resident_id)
    choose_counting(db_session, resident, False, chain["coach"])
    db_session.commit()
    after = _figures(app, db_session, chain["manager"])
    assert after.residents.value == before.residents.value - 1


def test_a_goal_reached_shows_in_the_very_next_figure(app, db_session, chain):
    before = _figures(app, db_session, chain["manager"])
    goal = db_session.exec(
        select(Goal)
        .join(OutcomeResident, OutcomeResident.resident_id == Goal.resident_id)
        .where(Goal.status == "open", OutcomeResident.organisation_id == chain["organisation"].id)
    ).first()
    update_goal(
        db_session,
        goal,
        chain["coach"],
        goal.version,
        text=goal.text,
        reached_when=goal.reached_when,
        domains=goal_domains(db_session, [goal.id])[goal.id],
        weight=goal.weight,
        status="reached",
    )
    db_session.commit()
    after = _figures(app, db_session, chain["manager"])
    assert after.goals.goals_reached == before.goals.goals_reached + 1


def test_the_cache_can_be_turned_off(database_url, db_session):
    from conftest import _close_app, _make_app

    app = _make_app(database_url, FIGURES_CACHE=0)
    try:
        with app.app_context():
            assert service._cache().size == 0
    finally:
        _close_app(app)


def test_every_refresh_raises_the_version(app, db_session, chain):
    """The version is a counter raised in the refresh's own transaction, not a timestamp: a
    refresh that began before the newest one but commits after it still changes it."""
    from wattelt.outcomes import summary
    from wattelt.outcomes.cache import data_version

    with app.app_context():
        before = data_version(db_session)
        resident_id = db_session.exec(select(OutcomeResident.resident_id)).first()
        summary.refresh(db_session, [resident_id])
        after = data_version(db_session)
        assert after == before + 1
        summary.rebuild(db_session)
        assert data_version(db_session) == after + 1
