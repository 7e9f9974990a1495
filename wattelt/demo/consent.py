"""The demo's consent and privacy: most residents consented to the organisations involved with
them, some not to one (Sanne did not consent to GGZ Midden, so its coach sees only that she
exists), most agree to being counted anonymously; one erasure request waits for approval.

No organisation requires two-factor authentication in the demo, so the demo logins in the
README keep working; an admin switches it on per organisation under Management."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from wattelt.demo.world import World
from wattelt.models import ConsentRecord, ErasureRequest, Involvement, utcnow

REFUSE_ONE = 0.12  # share of residents who said no to one of their partners
COUNTED = 0.85  # share who agreed to anonymous counting


def build(session: Session, world: World) -> None:
    rng = world.rng
    wijkteam = world.organisations[0]
    ggz = next(o for o in world.organisations if o.kind == "GGZ")
    if (
        session.exec(
            select(Involvement).where(
                Involvement.resident_id == world.sanne.id, Involvement.organisation_id == ggz.id
            )
        ).first()
        is None
    ):
        ggz_coach = next(u for u in world.users.values() if u.organisation_id == ggz.id)
        session.add(
            Involvement(
                resident_id=world.sanne.id, organisation_id=ggz.id, professional_id=ggz_coach.id
            )
        )
        session.flush()
    records = 0
    for resident in world.residents:
        partners = session.exec(
            select(Involvement.organisation_id)
            .where(
                Involvement.resident_id == resident.id,
                Involvement.organisation_id != wijkteam.id,
            )
            .order_by(col(Involvement.id))
        ).all()
        when = utcnow() - timedelta(days=rng.randint(3, 300))
        refused = None
        if resident.id == world.sanne.id:
            refused = ggz.id
        elif partners and rng.random() < REFUSE_ONE:
            refused = rng.choice(partners)
        for organisation_id in partners:
            session.add(
                ConsentRecord(
                    resident_id=resident.id,
                    purpose="share",
                    organisation_id=organisation_id,
                    granted=organisation_id != refused,
                    explained_by_id=resident.case_director_id,
                    recorded_by_id=resident.case_director_id,
                    recorded_at=when,
                )
            )
            records += 1
        if resident.id == world.sanne.id or rng.random() < COUNTED:
            counted = True
        else:
            counted = rng.random() < 0.5  # the rest: some said no, some were not asked yet
            if not counted and rng.random() < 0.5:
                continue
        session.add(
            ConsentRecord(
                resident_id=resident.id,
                purpose="count",
                granted=counted,
                explained_by_id=resident.case_director_id,
                recorded_by_id=resident.case_director_id,
                recorded_at=when,
            )
        )
        records += 1
    session.flush()

    # One erasure request waits for a second person: Fatima asked it for one of her residents;
    # Kees (same team) or the manager can approve it.
    fatima = world.users["fatima@wijkteam.example"]
    asked = next(
        r
        for r in reversed(world.residents)
        if r.case_director_id == fatima.id and r.id != world.sanne.id
    )
    session.add(
        ErasureRequest(
            resident_id=asked.id,
            reason="resident_asked",
            requested_by_id=fatima.id,
            requested_at=utcnow() - timedelta(days=2),
        )
    )
    session.flush()
    world.counts["consent choices"] = records
    world.counts["erasure requests"] = 1
