"""The sums per atom are kept up to date by difference on every refresh of a resident's summary;
after any mix of changes they must equal a rebuild from scratch."""

from __future__ import annotations

import random

from sqlmodel import select

from wattelt.demo.population import Spread, add_population
from wattelt.goals.services import goal_domains, update_goal
from wattelt.models import Goal, OutcomeAtom, OutcomeResident, Resident, Role
from wattelt.outcomes import summary
from wattelt.outcomes.atom_table import VERSION_KIND
from wattelt.residents.services import update_details

from helpers.outcomes import choose_counting, populate


def _atoms(db_session) -> list[tuple]:
    rows = db_session.exec(select(OutcomeAtom).where(OutcomeAtom.kind != VERSION_KIND)).all()
    return sorted(tuple(getattr(row, name) for name in OutcomeAtom.model_fields) for row in rows)


def test_atoms_kept_by_difference_equal_a_rebuild(
    app, db_session, make_chain, make_organisation, make_district, make_user
):
    chain = make_chain(name="Samen Sterk")
    organisations = [make_organisation(name=f"Partner {i}", chain=chain) for i in range(2)]
    districts = [make_district(name=f"Wijk {i}") for i in range(3)]
    spread = Spread([o.id for o in organisations], [d.id for d in districts], (0.7, 0.3), days=400)
    populate(db_session, spread, 90, seed=31, counted_share=0.85)
    coach = make_user(role=Role.COACH.value, organisation=organisations[0])
    rebuilt_at_start = _atoms(db_session)
    assert rebuilt_at_start

    # New residents, refreshed one by one as completing their measurements would.
    before = set(db_session.exec(select(Resident.id)).all())
    add_population(db_session, random.Random(32), spread, 12, counted_share=0.8)
    new = sorted(set(db_session.exec(select(Resident.id)).all()) - before)
    for resident_id in new:
        summary.refresh(db_session, [resident_id])

    counted = db_session.exec(select(OutcomeResident).where(OutcomeResident.counted)).all()
    not_counted = db_session.exec(
        select(OutcomeResident).where(OutcomeResident.counted.is_(False))  # type: ignore[union-attr]
    ).all()
    for row, granted in ((counted[0], False), (not_counted[0], True)):
        resident = db_session.get(Resident, row.resident_id)
        choose_counting(db_session, resident, granted, coach)
    moved = db_session.get(Resident, counted[1].resident_id)
    update_details(db_session, moved, moved.version, moved.birth_year - 30, None, districts[2].id)
    goal = db_session.exec(select(Goal).where(Goal.status == "open")).first()
    update_goal(
        db_session,
        goal,
        coach,
        goal.version,
        text=goal.text,
        reached_when=goal.reached_when,
        domains=goal_domains(db_session, [goal.id])[goal.id],
        weight=goal.weight,
        status="reached",
    )
    summary.refresh(db_session, [counted[2].resident_id])  # nothing changed: no difference

    kept = _atoms(db_session)
    assert kept != rebuilt_at_start
    assert [row for row in kept if row[10] <= 0] == []  # no atom left without residents
    summary.rebuild(db_session)
    assert kept == _atoms(db_session)
