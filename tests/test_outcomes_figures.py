"""The SQL aggregates against an independent computation in plain Python, on generated data,
on SQLite and PostgreSQL alike; and the summary of rounds kept up to date."""

from __future__ import annotations

import statistics

import pytest
from sqlmodel import col, select

from wattelt.demo.population import Spread
from wattelt.models import OVERALL, Answer, Measurement, OutcomeItem, OutcomeResident
from wattelt.outcomes import atoms, figures, summary
from wattelt.outcomes.dimensions import AGE_BAND_KEYS, Filters, Options, Period

from helpers.outcomes import choose_counting, item_figures, people, populate, selected


@pytest.fixture
def chain_data(app, db_session, make_chain, make_organisation, make_district):
    chain = make_chain(name="Samen Sterk")
    organisations = [make_organisation(name=f"Partner {i}", chain=chain) for i in range(3)]
    outsider = make_organisation(name="Elsewhere", chain=make_chain(name="Other chain"))
    districts = [make_district(name=f"Wijk {i}") for i in range(3)]
    spread = Spread(
        organisation_ids=[o.id for o in organisations],
        district_ids=[d.id for d in districts],
        organisation_weights=(0.5, 0.35, 0.15),
        days=500,
    )
    populate(db_session, spread, 320, seed=11, counted_share=0.9)
    # Residents of another chain must never show up in this chain's figures.
    populate(db_session, Spread([outsider.id], [districts[0].id]), 40, seed=12)
    scope = atoms.Scope(tuple(o.id for o in organisations), chain.id, chain.name)
    options = Options(
        organisations={o.id: o.name for o in organisations},
        districts={d.id: d.name for d in districts},
        questionnaires={("wattelt", 1): "Wattelt", ("jong", 1): "Jong"},
    )
    return {
        "scope": scope,
        "options": options,
        "organisations": organisations,
        "districts": districts,
    }


def _filters(data) -> list[Filters]:
    this_year = max(p.year for p in data["population"])
    return [
        Filters(),
        *(Filters(organisation_id=o.id) for o in data["organisations"]),
        *(Filters(district_id=d.id) for d in data["districts"]),
        *(Filters(age_band=band) for band in AGE_BAND_KEYS),
        Filters(period=Period(this_year)),
        Filters(period=Period(this_year, 1)),
        Filters(questionnaire=("jong", 1)),
        Filters(organisation_id=data["organisations"][0].id, district_id=data["districts"][1].id),
        Filters(perspective="coach"),
        Filters(perspective="network", questionnaire=("wattelt", 1)),
    ]


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_figures_agree_with_an_independent_computation(app, db_session, chain_data):
    """With k = 1 every atom is a block, so the published figures must equal the plain
    computation over exactly the filtered residents."""
    data = chain_data
    data["population"] = people(db_session, set(data["scope"].organisation_ids))
    counted = len(data["population"])
    assert 270 < counted < 320  # about 8% did not agree to be counted
    checked = checked_goals = 0
    with app.test_request_context():
        for filters in _filters(data):
            result = figures.figures(db_session, data["scope"], data["options"], filters, 1, "en")
            group = selected(data["population"], filters)
            assert result.residents.value == (len(group) or None)
            assert result.measured_twice.value == (
                sum(p.rounds >= 2 for p in group) if group else None
            )
            for item in result.items:
                expected = item_figures(group, filters.perspective, item.key)
                if expected["n"] == 0:
                    assert item.suppressed and item.n is None
                    continue
                checked += 1
                assert item.n == expected["n"], (filters, item.key)
                for name in (
                    "baseline_mean",
                    "latest_mean",
                    "change_mean",
                    "improved",
                    "same",
                    "declined",
                ):
                    assert _close(getattr(item, name), expected[name]), (filters, item.key, name)
                if expected["n"] >= 2:
                    assert _close(item.change_ci_low, expected["ci_low"])
                    assert _close(item.change_ci_high, expected["ci_high"])
                    assert _close(item.d_z, expected["d_z"])
                for share in item.baseline_distribution:
                    assert _close(share.share, expected["distribution"][share.value])
            if group:
                for wish in result.wishes:
                    wanted = sum(wish.key in p.wishes for p in group) / len(group)
                    assert _close(wish.share, wanted)
            with_goals = [p for p in group if p.goals_set]
            goals = result.goals
            assert goals.available
            assert goals.residents == (len(with_goals) or None)
            if with_goals:
                assert goals.goals_set == sum(p.goals_set for p in with_goals)
                assert goals.goals_reached == sum(p.goals_reached for p in with_goals)
            scored = [p.gas_t for p in group if p.gas_t is not None]
            assert goals.scored_residents == (len(scored) or None)
            if scored:
                # Summed in thousandths in SQL: within half a thousandth per resident.
                assert goals.mean_gas_t == pytest.approx(statistics.fmean(scored), abs=5e-4)
                checked_goals += 1
    assert checked > 100
    assert checked_goals > 10


def test_comparison_groups_are_the_filtered_figures(app, db_session, chain_data):
    data = chain_data
    with app.test_request_context():
        comparison = figures.compare(
            db_session, data["scope"], data["options"], Filters(), "district", 10, "en"
        )
        for group in comparison.groups:
            alone = figures.figures(
                db_session,
                data["scope"],
                data["options"],
                Filters(district_id=group.id),
                10,
                "en",
            )
            assert group.residents == alone.residents
            assert group.items == alone.items
        counted = len(people(db_session, set(data["scope"].organisation_ids)))
        assert comparison.total.residents.value == counted


def test_summary_follows_completion_and_correction(
    app, client, login, db_session, make_organisation, make_user, make_resident
):
    organisation = make_organisation()
    coach = make_user(role="coach", organisation=organisation)
    resident = make_resident(organisation=organisation, coach=coach)
    login(client, coach)

    def measure(value: int) -> int:
        response = client.post(
            f"/residents/{resident.id}/measurements/new",
            data={"questionnaire": "wattelt", "present": "coach", "mode": "together"},
        )
        measurement_id = int(response.headers["Location"].split("/measurements/")[1].split("/")[0])
        with app.app_context():
            from wattelt import db

            session = db.session()
            session.add(
                Answer(
                    measurement_id=measurement_id, perspective="resident", item="money", value=value
                )
            )
            session.add(
                Answer(
                    measurement_id=measurement_id,
                    perspective="resident",
                    item=OVERALL,
                    value=value * 2,
                )
            )
            session.commit()
        response = client.post(f"/measurements/{measurement_id}/complete")
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
        return measurement_id

    first = measure(2)
    db_session.expire_all()
    row = db_session.get(OutcomeResident, resident.id)
    assert (row.measurements, row.baseline_measurement_id, row.latest_measurement_id) == (
        1,
        first,
        first,
    )
    assert row.organisation_id == organisation.id
    money = db_session.get(OutcomeItem, (resident.id, "resident", "money"))
    assert (money.baseline_value, money.latest_value) == (2, None)

    second = measure(4)
    db_session.expire_all()
    row = db_session.get(OutcomeResident, resident.id)
    assert (row.measurements, row.latest_measurement_id) == (2, second)
    money = db_session.get(OutcomeItem, (resident.id, "resident", "money"))
    assert (money.baseline_value, money.latest_value) == (2, 4)

    # A correction of the latest round reaches the summary as well.
    answer = db_session.exec(
        select(Answer).where(Answer.measurement_id == second, Answer.item == "money")
    ).one()
    with app.app_context():
        from wattelt import db
        from wattelt.measurements import services

        session = db.session()
        measurement = session.get(Measurement, second)
        services.correct(
            session, measurement, session.get(Answer, answer.id), 5, None, "typing slip", coach
        )
        session.commit()
    db_session.expire_all()
    assert db_session.get(OutcomeItem, (resident.id, "resident", "money")).latest_value == 5


def test_rebuild_gives_the_same_summary_as_refreshing_each_resident(db_session, chain_data):
    def snapshot():
        db_session.expire_all()
        residents = sorted(
            (
                r.resident_id,
                r.measurements,
                r.baseline_measurement_id,
                r.latest_measurement_id,
                r.baseline_year,
                r.baseline_quarter,
            )
            for r in db_session.exec(select(OutcomeResident)).all()
        )
        items = sorted(
            (
                i.resident_id,
                i.perspective,
                i.item,
                i.baseline_value,
                i.latest_value,
                i.wants_to_work,
            )
            for i in db_session.exec(select(OutcomeItem)).all()
        )
        return residents, items

    rebuilt = snapshot()
    ids = [r[0] for r in rebuilt[0]]
    summary.refresh(db_session, ids[:50])
    summary.refresh(db_session, ids[50:])
    db_session.commit()
    assert snapshot() == rebuilt
    assert len(rebuilt[0]) == 360


def _residents_by_district(db_session, data) -> dict:
    found: dict = {}
    sums = atoms.resident_atoms(db_session, data["scope"])
    for key, row in sums.items():
        found[key[1]] = found.get(key[1], 0) + row["n"]
    return found


def test_the_figures_follow_a_new_counting_choice_and_new_details_at_once(
    chain_data, db_session, make_user
):
    """The summary keeps each resident's district, age band and counting choice; changing any
    of them refreshes it in the same transaction, so the next figure already differs."""
    from wattelt.models import Resident
    from wattelt.residents.services import update_details

    coach = make_user(role="coach", organisation=chain_data["organisations"][0])
    first, second = chain_data["districts"][:2]
    row = db_session.exec(
        select(OutcomeResident).where(
            OutcomeResident.counted,
            OutcomeResident.district_id == first.id,
            col(OutcomeResident.organisation_id).in_(chain_data["scope"].organisation_ids),
        )
    ).first()
    resident = db_session.get(Resident, row.resident_id)
    before = _residents_by_district(db_session, chain_data)

    update_details(db_session, resident, resident.version, resident.birth_year, None, second.id)
    moved = _residents_by_district(db_session, chain_data)
    assert moved[first.id] == before[first.id] - 1
    assert moved[second.id] == before[second.id] + 1

    choose_counting(db_session, resident, False, coach)
    withdrawn = _residents_by_district(db_session, chain_data)
    assert withdrawn[second.id] == before[second.id]
    assert sum(withdrawn.values()) == sum(before.values()) - 1
