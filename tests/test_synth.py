"""``flask synth``: synthetic chains for benchmarks. The same seed gives the same data, and the
data passes the app's own rules for answers, rounds, goals, steps and scores."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlmodel import col, func, select

from wattelt import db
from wattelt.demo.synth import synthesise
from wattelt.goals.scores import SCORES
from wattelt.goals.services import helper_of, resolve_helper
from wattelt.measurements import services as measurement_services
from wattelt.measurements.presenting import answer_choices, answer_from_key, key_of
from wattelt.models import (
    Answer,
    Chain,
    District,
    Goal,
    GoalScore,
    Involvement,
    Organisation,
    OutcomeResident,
    Resident,
    Role,
    Step,
    User,
)
from wattelt.models.goal import GOAL_TEXT_MAX, STEP_TEXT_MAX

TODAY = date(2026, 11, 29)

# Everything a person would see of the data, without ids or the moment rows were written.
FINGERPRINT = [
    """SELECT c.name, o.name, o.kind, o.follow_up_months FROM organisation o
       JOIN chain c ON c.id = o.chain_id""",
    "SELECT name, municipality FROM district",
    """SELECT r.code, r.birth_year, r.postcode4, d.name, u.email FROM resident r
       LEFT JOIN district d ON d.id = r.district_id LEFT JOIN users u ON u.id = r.case_director_id""",
    """SELECT r.code, m.questionnaire_key, m.questionnaire_version, m.optional_domains,
              m.present, m.completed_at, a.perspective, a.item, a.value, a.special,
              a.wants_to_work
       FROM answer a JOIN measurement m ON m.id = a.measurement_id
       JOIN resident r ON r.id = m.resident_id""",
    """SELECT r.code, g.text, g.status, g.weight, s.score, m.completed_at FROM goal g
       JOIN resident r ON r.id = g.resident_id
       LEFT JOIN goal_score s ON s.goal_id = g.id
       LEFT JOIN measurement m ON m.id = s.measurement_id""",
    """SELECT r.code, c.purpose, c.granted FROM consent_record c
       JOIN resident r ON r.id = c.resident_id""",
]


def _fingerprint(session) -> str:
    digest = hashlib.sha256()
    for sql in FINGERPRINT:
        rows = sorted(map(repr, session.exec(text(sql)).all()))
        digest.update("\n".join(rows).encode())
    return digest.hexdigest()


def _synth(app, **options) -> str:
    with app.app_context(), db.standalone_session() as session:
        synthesise(session, options.pop("residents", 150), today=TODAY, **options)
        return _fingerprint(session)


@pytest.fixture
def second_app(_databases, tmp_path):
    """Another empty database (PostgreSQL: the same one emptied again) for a second run."""
    from conftest import _close_app, _make_app

    def make():
        folder = tmp_path / f"run{len(made)}"
        folder.mkdir()
        app = _make_app(_databases.fresh(folder))
        made.append(app)
        return app

    made: list = []
    yield make
    for app in made:
        _close_app(app)


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(app, second_app):
    first = _synth(app, rounds=4, seed=11)
    again = _synth(second_app(), rounds=4, seed=11)
    other = _synth(second_app(), rounds=4, seed=12)
    assert first == again
    assert other != first


def test_the_command_reports_what_it_added(app, runner):
    result = runner.invoke(
        args=[
            "synth",
            "--residents",
            "120",
            "--rounds",
            "5",
            "--seed",
            "3",
            "--today",
            "2026-11-29",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "120 residents" in result.output
    with app.app_context():
        session = db.session()
        assert session.exec(select(func.count()).select_from(Resident)).one() == 120
        # Every resident with a completed measurement is in the summary behind the figures.
        assert session.exec(select(func.count()).select_from(OutcomeResident)).one() == 120


@pytest.mark.parametrize("arguments", [["--residents", "0"], ["--residents", "5", "--rounds", "0"]])
def test_the_command_refuses_nonsense(runner, arguments):
    result = runner.invoke(args=["synth", *arguments])
    assert result.exit_code != 0
    assert "Invalid value" in result.output


def test_synthetic_data_passes_the_apps_own_rules(app):
    rounds = 4
    with app.app_context(), db.standalone_session() as session:
        synthesise(session, 160, rounds=rounds, seed=5, today=TODAY, chains=2)

    with app.test_request_context():
        session = db.session()
        chains = session.exec(select(Chain)).all()
        assert len(chains) == 2
        residents = session.exec(select(Resident)).all()
        assert len(residents) == 160
        districts = {d.id: d for d in session.exec(select(District)).all()}
        organisations = {o.id: o for o in session.exec(select(Organisation)).all()}
        users = {u.id: u for u in session.exec(select(User)).all()}
        assert {u.role for u in users.values()} == {
            Role.COACH.value,
            Role.MANAGER.value,
            Role.POLICYMAKER.value,
        }
        assert all(u.password_hash is None for u in users.values())  # invited before use

        seen_perspectives: set[str] = set()
        for resident in residents:
            # Least data: a birth year, a 4-digit postcode of the resident's own district.
            assert 1930 <= resident.birth_year <= TODAY.year - 14
            if resident.postcode4 is not None:
                assert resident.postcode4.isdigit() and len(resident.postcode4) == 4
                assert resident.district_id is not None
            involvements = session.exec(
                select(Involvement)
                .where(Involvement.resident_id == resident.id)
                .order_by(col(Involvement.id))
            ).all()
            registered = organisations[involvements[0].organisation_id]
            # The case director is a coach of the organisation that registered the resident.
            director = users[resident.case_director_id]
            assert director.role == Role.COACH.value
            assert director.organisation_id == registered.id
            chain_of = {organisations[i.organisation_id].chain_id for i in involvements}
            assert chain_of == {registered.chain_id}
            for involvement in involvements:
                professional = users[involvement.professional_id]
                assert professional.organisation_id == involvement.organisation_id
            if resident.district_id is not None:
                assert districts[resident.district_id].municipality in registered.name

            measurements = sorted(
                measurement_services.measurements_of(session, resident),
                key=lambda m: (m.completed_at, m.id),
            )
            assert 1 <= len(measurements) <= rounds
            previous = None
            for measurement in measurements:
                assert measurement.status == "completed"
                assert measurement.started_at <= measurement.completed_at
                assert measurement.completed_at <= datetime(
                    TODAY.year, TODAY.month, TODAY.day, 23, 59, tzinfo=UTC
                ).replace(tzinfo=measurement.completed_at.tzinfo)
                if previous is not None:
                    assert (measurement.completed_at - previous.completed_at).days >= 80
                previous = measurement
                questionnaire = measurement_services.questionnaire_of(measurement)
                items = {item.key: item for item in measurement_services.items(measurement)}
                answers = session.exec(
                    select(Answer).where(Answer.measurement_id == measurement.id)
                ).all()
                perspectives = {a.perspective for a in answers}
                assert "resident" in perspectives
                assert ("network" in perspectives) == (measurement.present == "coach_network")
                seen_perspectives |= perspectives
                for answer in answers:
                    item = items[answer.item]  # only the items of this version's screens
                    # Every stored answer is one the screen offers, read back as given.
                    offered = {c.value for c in answer_choices(questionnaire, item, "nl")}
                    assert key_of(answer) in offered
                    assert answer_from_key(questionnaire, item, key_of(answer)) == (
                        answer.value,
                        answer.special,
                    )
                    assert not (answer.wants_to_work and item.is_grade)
                for perspective in perspectives:
                    assert {a.item for a in answers if a.perspective == perspective} == set(items)

            for goal in session.exec(select(Goal).where(Goal.resident_id == resident.id)).all():
                assert 0 < len(goal.text) <= GOAL_TEXT_MAX
                assert goal.status in ("open", "reached", "stopped")
                assert goal.measurement_id == measurements[0].id
                for step in session.exec(select(Step).where(Step.goal_id == goal.id)).all():
                    assert 0 < len(step.text) <= STEP_TEXT_MAX
                    # The helper is someone the plan's "who does it" list offers.
                    resolve_helper(session, resident, helper_of(step).key)
                scores = session.exec(select(GoalScore).where(GoalScore.goal_id == goal.id)).all()
                later = {m.id for m in measurements[1:]}
                assert {s.measurement_id for s in scores} <= later
                assert all(s.score in SCORES for s in scores)
        assert seen_perspectives == {"resident", "coach", "network"}
