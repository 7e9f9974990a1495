"""Releases (peildatum): policymakers read frozen figures, and no two releases can be played off
against each other to learn about fewer than k residents.

The attack of issue 16: a policymaker saves the figures, one resident (Sanne) withdraws her
counting consent, and the next figures' difference gives her answers away. These tests run that
attack over every pair of filters, and check the rule across time for every pair of releases,
every pair of filters and every kind of figure, from what each release stored."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from sqlmodel import select

from wattelt.demo.population import Spread
from wattelt.models import Answer, Measurement, Release, Resident
from wattelt.outcomes import frozen, releases, summary
from wattelt.outcomes.dimensions import AGE_BAND_KEYS, Filters, Period
from wattelt.outcomes.disclosure import inside

from helpers.outcomes import choose_counting, people, populate, release

K = 10


@pytest.fixture
def chain(app, db_session, make_chain, make_organisation, make_district, make_user):
    """160 residents over three partners and two districts, a policymaker, a manager, a coach
    and an admin; no release yet."""
    made = make_chain(name="Samen Sterk")
    organisations = [make_organisation(name=f"Partner {i}", chain=made) for i in range(3)]
    districts = [make_district(name=f"Wijk {i}") for i in range(2)]
    populate(
        db_session,
        Spread(
            [o.id for o in organisations], [d.id for d in districts], (0.6, 0.35, 0.05), days=300
        ),
        160,
        seed=31,
    )
    return {
        "chain": made,
        "organisations": organisations,
        "districts": districts,
        "policymaker": make_user(role="policymaker", organisation=organisations[0]),
        "manager": make_user(role="manager", organisation=organisations[1]),
        "coach": make_user(role="coach", organisation=organisations[0]),
        "admin": make_user(role="admin"),
    }


def _sanne(db_session, chain):
    """A counted resident measured twice, with answers at both rounds."""
    ids = {o.id for o in chain["organisations"]}
    person = next(
        p
        for p in sorted(people(db_session, ids), key=lambda p: p.id)
        if p.rounds >= 2 and sum(v is not None for v in p.latest.values()) >= 10
    )
    return person, db_session.get(Resident, person.id)


def _withdraw(db_session, chain, resident) -> None:
    choose_counting(db_session, resident, False, chain["coach"])
    db_session.commit()


# --- Before the first release ------------------------------------------------------------------


def test_before_the_first_release_policymakers_see_a_plain_page(app, client, login, chain):
    login(client, chain["policymaker"])
    for path in ("/dashboard/", "/dashboard/compare?by=district", "/dashboard/export.xlsx"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Er zijn nog geen cijfers vrijgegeven" in page.get_data(as_text=True)


def test_before_the_first_release_the_api_says_so(app, client, chain):
    from wattelt.api import tokens
    from wattelt.models import User

    with app.app_context():
        from wattelt import db

        session = db.session()
        _row, token = tokens.create(
            session,
            session.get(User, chain["policymaker"].id),
            "BI",
            session.get(User, chain["admin"].id),
            None,
        )
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.get("/api/v1/summary", headers=headers)
    assert answer.status_code == 404 and answer.get_json()["error"] == "no_release"
    assert client.get("/api/v1/releases", headers=headers).get_json() == {"releases": []}


def test_managers_keep_live_figures_of_their_organisation(client, login, chain, db_session):
    login(client, chain["manager"])
    page = client.get("/dashboard/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Live cijfers van vandaag" in text or "Live figures of today" in text


# --- Making releases ---------------------------------------------------------------------------


def test_the_command_makes_a_release_once_per_period(app, runner, chain, db_session):
    first = runner.invoke(args=["figures", "release"])
    assert first.exit_code == 0, first.output
    assert "Release 1 made" in first.output
    again = runner.invoke(args=["figures", "release", "--if-due"])
    assert again.exit_code == 0 and "No release due" in again.output
    future = runner.invoke(args=["figures", "release", "--reference-date", "2999-01-01"])
    assert future.exit_code != 0 and "future" in future.output
    bad = runner.invoke(args=["figures", "release", "--reference-date", "yesterday"])
    assert bad.exit_code != 0
    db_session.expire_all()
    assert len(db_session.exec(select(Release)).all()) == 1


def test_an_admin_makes_a_release_from_the_page(client, login, chain, db_session):
    login(client, chain["admin"])
    page = client.get("/admin/releases")
    assert page.status_code == 200
    made = client.post("/admin/releases", follow_redirects=True)
    assert made.status_code == 200
    assert "Release 1" in made.get_data(as_text=True) or "Cijferset 1" in made.get_data(
        as_text=True
    )
    row = db_session.exec(select(Release)).one()
    assert row.made_by == "admin" and row.made_by_user_id == chain["admin"].id and row.k == K


def test_policymakers_read_the_newest_release_and_can_choose_an_older_one(
    client, login, chain, db_session
):
    release(db_session)
    sanne, resident = _sanne(db_session, chain)
    _withdraw(db_session, chain, resident)
    release(db_session)
    login(client, chain["policymaker"])
    newest = client.get("/dashboard/").get_data(as_text=True)
    assert 'name="release"' in newest and "Release 2" in newest or "Cijferset 2" in newest
    older = client.get("/dashboard/?release=1")
    assert older.status_code == 200
    unknown = client.get("/dashboard/?release=99")
    assert unknown.status_code == 400
    # A withdrawn consent shows in the live figures at once; the release stays as it was.
    assert client.get("/dashboard/export.zip?release=1").status_code == 200


def test_the_api_lists_releases_and_every_answer_names_its_release(app, client, chain, db_session):
    from wattelt.api import tokens
    from wattelt.models import User

    release(db_session)
    release(db_session)
    with app.app_context():
        from wattelt import db

        session = db.session()
        _row, token = tokens.create(
            session,
            session.get(User, chain["policymaker"].id),
            "BI",
            session.get(User, chain["admin"].id),
            None,
        )
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/releases", headers=headers).get_json()["releases"]
    assert [r["id"] for r in listed] == [2, 1]
    for path in ("/summary", "/domains", "/compare?by=district", "/filters"):
        body = client.get(f"/api/v1{path}", headers=headers).get_json()
        assert body["release"] == 2, path
        assert body["reference_date"] and body["generated_at"], path
        older = client.get(
            f"/api/v1{path}{'&' if '?' in path else '?'}release=1", headers=headers
        ).get_json()
        assert older["release"] == 1, path
    one = client.get("/api/v1/releases/1", headers=headers)
    assert one.status_code == 200
    body = one.get_json()
    assert body["info"]["id"] == 1 and body["summary"]["release"] == 1
    assert client.get("/api/v1/releases/99", headers=headers).status_code == 404
    assert client.get("/api/v1/summary?release=abc", headers=headers).status_code == 400


# --- The attack and the rule across time -------------------------------------------------------


def _filters(keys: list[tuple]) -> list[Filters]:
    """ "All", each organisation, district, age band and year, and organisation x district."""
    organisations = sorted({k[0] for k in keys if isinstance(k[0], int)})
    districts = sorted({k[1] for k in keys if isinstance(k[1], int)})
    years = sorted({k[3] for k in keys if isinstance(k[3], int)})
    found = [Filters()]
    found += [Filters(organisation_id=o) for o in organisations]
    found += [Filters(district_id=d) for d in districts]
    found += [Filters(age_band=a) for a in AGE_BAND_KEYS]
    found += [Filters(period=Period(y)) for y in years]
    found += [
        Filters(organisation_id=o, district_id=d) for o, d in product(organisations, districts)
    ]
    return found


def _stored(db_session, chain) -> list[tuple[dict, releases.Members]]:
    """Per release (oldest first): the frozen figures of the chain and who is in which block."""
    key = f"chain:{chain['chain'].id}"
    found = []
    for row in db_session.exec(select(Release).order_by(Release.id)).all():
        scope = frozen.load(row.figures, key, "resident")
        found.append((scope, releases.unpack_members(row.members, key)))
    return found


def _families(scope: dict) -> dict[str, object]:
    fam = scope
    found = {"residents": fam.residents, "goals": fam.goals, "gas": fam.gas}
    found.update({f"item:resident:{item}": blocks for item, blocks in fam.items.items()})
    return found


def violations(db_session, chain, k: int = K) -> list[str]:
    """Every (pair of releases, pair of filters, family) whose difference is about 1 to k-1
    residents: those who are in one selection and not in the other, and those in both whose
    contribution changed. Also checks that what each release stored about its residents adds
    up to exactly the numbers it publishes."""
    stored = _stored(db_session, chain)
    all_keys = []
    for scope, _members in stored:
        for blocks in _families(scope).values():
            all_keys += blocks.keys
    filters = _filters(all_keys)
    selections = []  # per release: family -> filter index -> (ids, prints)
    for scope, members in stored:
        per_family = {}
        for name, blocks in _families(scope).items():
            labels = members.labels.get(name, np.full(len(members.ids), -1))
            prints = members.prints.get(name, np.zeros(len(members.ids), dtype=np.int64))
            per_filter = []
            for f in filters:
                ids = {
                    int(r): int(p)
                    for r, label, p in zip(members.ids, labels, prints, strict=True)
                    if label >= 0 and inside(blocks.keys[label], f)
                }
                published = blocks.published(f)
                assert len(ids) == (published["n"] if published else 0), (name, f)
                per_filter.append(ids)
            per_family[name] = per_filter
        selections.append(per_family)
    found = []
    for i, j in product(range(len(stored)), repeat=2):
        if i > j:
            continue
        for name in selections[j]:
            old_sets = selections[i].get(name)
            if old_sets is None:
                continue
            for (a, new), (b, old) in product(enumerate(selections[j][name]), enumerate(old_sets)):
                about = set(new).symmetric_difference(old)
                about |= {r for r in set(new) & set(old) if new[r] != old[r]}
                if 0 < len(about) < k:
                    found.append(f"releases {i + 1}/{j + 1} {name} {filters[b]} vs {filters[a]}")
    return found


def _changes(db_session, chain) -> None:
    """Between releases: Sanne withdraws; then a coach corrects one answer of another
    resident; then three residents finish a new round... each followed by a release."""
    sanne, resident = _sanne(db_session, chain)
    _withdraw(db_session, chain, resident)
    release(db_session)
    other = next(
        p
        for p in sorted(
            people(db_session, {o.id for o in chain["organisations"]}), key=lambda p: p.id
        )
        if p.rounds >= 2 and p.id != sanne.id
    )
    latest = db_session.exec(
        select(Measurement)
        .where(Measurement.resident_id == other.id, Measurement.status == "completed")
        .order_by(Measurement.completed_at.desc(), Measurement.id.desc())
    ).first()
    answer = db_session.exec(
        select(Answer).where(
            Answer.measurement_id == latest.id,
            Answer.perspective == "resident",
            Answer.value.is_not(None),
            Answer.item != "overall",
        )
    ).first()
    answer.value = 1 if answer.value != 1 else 5
    db_session.add(answer)
    summary.refresh(db_session, [other.id])
    db_session.commit()
    release(db_session)


def test_every_pair_of_releases_and_filters_differs_by_none_or_at_least_k_residents(
    chain, db_session
):
    release(db_session)
    _changes(db_session, chain)
    assert len(db_session.exec(select(Release)).all()) == 3
    assert violations(db_session, chain) == []


def test_without_the_rule_the_same_check_finds_the_residents(chain, db_session, monkeypatch):
    """The check above can fail: with nothing held back, Sanne and the corrected answer stand
    out."""
    monkeypatch.setattr(
        releases, "hold_back", lambda new, earlier, name, blocks, k: np.zeros(blocks, dtype=bool)
    )
    release(db_session)
    _changes(db_session, chain)
    assert violations(db_session, chain)


def _sum_pairs(app, chain, db_session) -> list[tuple[str, str, float, float]]:
    """Sanne's attack: every pair of filters of release 1 and 2, every life domain; where the
    counts differ by one resident, the differences of the sums of first and latest answers."""
    from wattelt.models import User
    from wattelt.outcomes import service

    user = db_session.get(User, chain["policymaker"].id)
    stored = _stored(db_session, chain)
    keys = []
    for scope, _m in stored:
        for blocks in _families(scope).values():
            keys += blocks.keys
    found = []
    with app.test_request_context():
        from wattelt import db

        per_release = []
        for release_id in (1, 2):
            per_filter = []
            for f in _filters(keys):
                args = {**f.as_params(), "release": str(release_id)}
                query = service.query(db.session(), user, args, K, "en")
                per_filter.append({i.key: i for i in query.figures().items})
            per_release.append(per_filter)
    for before, after in product(per_release[0], per_release[1]):
        for key, item in before.items():
            later = after.get(key)
            if item.suppressed or later is None or later.suppressed:
                continue
            if item.n - later.n != 1:
                continue
            baseline = item.baseline_mean * item.n - later.baseline_mean * later.n
            latest = item.latest_mean * item.n - later.latest_mean * later.n
            found.append((key, baseline, latest))
    return found


def _recovered(found, sanne) -> set[str]:
    return {
        key
        for key, baseline, latest in found
        if abs(baseline - (sanne.baseline.get(("resident", key)) or -99)) < 1e-6
        and abs(latest - (sanne.latest.get(("resident", key)) or -99)) < 1e-6
    }


def test_sannes_withdrawn_consent_between_two_releases_does_not_reveal_her_answers(
    app, chain, db_session
):
    release(db_session)
    sanne, resident = _sanne(db_session, chain)
    _withdraw(db_session, chain, resident)
    made = release(db_session)
    assert made.held_back_blocks > 0
    assert _recovered(_sum_pairs(app, chain, db_session), sanne) == set()


def test_without_the_rule_two_releases_give_sanne_away(app, chain, db_session, monkeypatch):
    monkeypatch.setattr(
        releases, "hold_back", lambda new, earlier, name, blocks, k: np.zeros(blocks, dtype=bool)
    )
    release(db_session)
    sanne, resident = _sanne(db_session, chain)
    _withdraw(db_session, chain, resident)
    release(db_session)
    answered = {
        item
        for (p, item), v in sanne.latest.items()
        if p == "resident" and v is not None and sanne.baseline.get((p, item)) is not None
    }
    assert _recovered(_sum_pairs(app, chain, db_session), sanne) >= answered - {"overall"}


def test_releases_without_change_hold_nothing_back(chain, db_session):
    release(db_session)
    made = release(db_session)
    assert made.held_back_blocks == 0
    first, second = _stored(db_session, chain)
    assert first[0] == second[0]
