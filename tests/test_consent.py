"""Consent: the resident's own organisation always sees them, other involved organisations only
with consent; choices are recorded with date and who explained them and work at once."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from wattelt import db
from wattelt.consent.services import counted_residents
from wattelt.models import AccessLog, Answer, ConsentRecord, Measurement
from wattelt.policy import Action, can, visible_residents

from helpers.consent_chain import give_consent

MISSING = "Toestemming ontbreekt"


def _version(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(-?\d+)"', page).group(1)


def _records(db_session) -> int:
    db_session.expire_all()
    return db_session.exec(select(func.count()).select_from(ConsentRecord)).one()


# (user, may see Sanne's page: 200, 403 consent missing, or 404 not involved)
MATRIX = [
    ("coach", 200),  # case director, own organisation
    ("colleague", 200),  # own organisation
    ("manager", 200),  # manager of the own organisation
    ("mee_coach", 200),  # partner with consent
    ("mee_manager", 200),  # treated as their organisation
    ("ggz_coach", 403),  # partner without consent
    ("ggz_manager", 403),
    ("other_coach", 404),  # not involved at all
]


@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_only_own_organisation_or_consent_gives_access(consent_chain, client, login, who, status):
    login(client, consent_chain[who])
    response = client.get(f"/residents/{consent_chain['sanne'].id}")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    if status == 403:
        assert MISSING in page and consent_chain["sanne"].code in page
        assert "1984" not in page and "3531" not in page  # no person-level data
    if status == 404:
        assert consent_chain["sanne"].code not in page


def test_without_consent_the_list_shows_only_the_code(consent_chain, client, login):
    login(client, consent_chain["ggz_coach"])
    page = client.get("/residents/").get_data(as_text=True)
    assert consent_chain["sanne"].code in page
    assert "1984" not in page and "3531" not in page
    assert "alleen de code" in page


def test_missing_consent_is_logged_as_denied(consent_chain, client, login, db_session):
    login(client, consent_chain["ggz_coach"])
    client.get(f"/residents/{consent_chain['sanne'].id}")
    row = db_session.exec(
        select(AccessLog).where(
            AccessLog.user_id == consent_chain["ggz_coach"].id, AccessLog.action == "denied"
        )
    ).one()
    assert row.resident_id == consent_chain["sanne"].id and "no consent" in row.what


def test_visible_residents_applies_consent_in_sql(consent_chain, app):
    with app.app_context():
        session = db.session()
        ggz = {r.id for r in session.exec(visible_residents(consent_chain["ggz_coach"])).all()}
        mee = {r.id for r in session.exec(visible_residents(consent_chain["mee_coach"])).all()}
        assert consent_chain["sanne"].id not in ggz
        assert {consent_chain["sanne"].id, consent_chain["piet"].id} <= mee


def test_resident_network_and_case_director_are_not_affected(consent_chain, app):
    with app.app_context():
        session = db.session()
        sanne = consent_chain["sanne"]
        give_consent(app, sanne, consent_chain["mee"], False)
        assert can(session, consent_chain["sanne_account"], Action.CHANGE, sanne)
        assert can(session, consent_chain["carer"], Action.VIEW, sanne)
        assert can(session, consent_chain["coach"], Action.MANAGE, sanne)
        assert not can(session, consent_chain["mee_coach"], Action.VIEW, sanne)


def test_being_case_director_never_replaces_the_residents_consent(consent_chain, app):
    from wattelt.models import Resident

    with app.app_context():
        session = db.session()
        sanne = session.get(Resident, consent_chain["sanne"].id)
        sanne.case_director_id = consent_chain["ggz_coach"].id  # however it came about
        session.add(sanne)
        session.commit()
        # Sanne said no to GGZ: neither its coach nor its manager sees her.
        assert not can(session, consent_chain["ggz_coach"], Action.VIEW, sanne)
        assert not can(session, consent_chain["ggz_manager"], Action.VIEW, sanne)


def test_withdrawn_consent_works_on_the_very_next_request(consent_chain, app, client, login):
    mee = app.test_client()
    login(mee, consent_chain["mee_coach"])
    assert mee.get(f"/residents/{consent_chain['sanne'].id}").status_code == 200
    login(client, consent_chain["sanne_account"])
    response = client.post(
        "/mijn/toestemming",
        data={
            "version": _version(client, "/mijn/toestemming"),
            "count": "yes",
            f"share_{consent_chain['mee'].id}": "no",
            f"share_{consent_chain['ggz'].id}": "no",
            "explained_by": "",
        },
    )
    assert response.status_code == 302
    # The same MEE session, not logged out: refused at once.
    assert mee.get(f"/residents/{consent_chain['sanne'].id}").status_code == 403
    listed = mee.get("/residents/").get_data(as_text=True)
    assert consent_chain["sanne"].code in listed and "alleen de code" in listed


def test_withdrawal_mid_measurement_refuses_the_next_answer_and_keeps_earlier_ones(
    consent_chain, app, client, login, db_session
):
    give_consent(app, consent_chain["sanne"], consent_chain["ggz"], True)
    login(client, consent_chain["ggz_coach"])
    response = client.post(
        f"/residents/{consent_chain['sanne'].id}/measurements/new",
        data={"questionnaire": "wattelt", "present": "coach", "mode": "together"},
    )
    assert response.status_code == 302
    draft = db_session.exec(select(Measurement).where(Measurement.status == "draft")).one()
    headers = {"X-Wattelt-Autosave": "1"}
    first = client.post(
        f"/measurements/{draft.id}/fill/resident/1",
        data={"answer": "3", "version": "0"},
        headers=headers,
    )
    assert first.status_code == 200
    give_consent(app, consent_chain["sanne"], consent_chain["ggz"], False)
    second = client.post(
        f"/measurements/{draft.id}/fill/resident/2",
        data={"answer": "4", "version": "0"},
        headers=headers,
    )
    assert second.status_code == 403
    db_session.expire_all()
    answers = db_session.exec(select(Answer).where(Answer.measurement_id == draft.id)).all()
    assert [a.value for a in answers] == [3]


def test_resident_records_choices_with_who_explained(consent_chain, client, login, db_session):
    login(client, consent_chain["sanne_account"])
    page = client.get("/mijn/toestemming")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Mag GGZ je antwoorden en je plan zien?" in text
    assert 'class="easy"' in text and "data-read-aloud" in text
    before = _records(db_session)
    response = client.post(
        "/mijn/toestemming",
        data={
            "version": _version(client, "/mijn/toestemming"),
            "count": "yes",
            f"share_{consent_chain['mee'].id}": "yes",
            f"share_{consent_chain['ggz'].id}": "yes",
            "explained_by": str(consent_chain["ggz_coach"].id),
        },
    )
    assert response.status_code == 302
    # Only the one choice that changed is recorded.
    assert _records(db_session) == before + 1
    record = db_session.exec(select(ConsentRecord).order_by(ConsentRecord.id.desc())).first()
    assert (record.organisation_id, record.granted) == (consent_chain["ggz"].id, True)
    assert record.explained_by_id == consent_chain["ggz_coach"].id
    assert record.recorded_by_id == consent_chain["sanne_account"].id
    logged = db_session.exec(
        select(AccessLog).where(AccessLog.what == "consent", AccessLog.action == "change")
    ).one()
    assert logged.resident_id == consent_chain["sanne"].id


def test_coach_records_on_behalf_and_is_the_one_who_explained(
    consent_chain, client, login, db_session
):
    login(client, consent_chain["colleague"])
    response = client.post(
        f"/residents/{consent_chain['sanne'].id}/consent",
        data={
            "version": _version(client, f"/residents/{consent_chain['sanne'].id}/consent"),
            "count": "no",
            f"share_{consent_chain['mee'].id}": "yes",
            f"share_{consent_chain['ggz'].id}": "no",
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    rows = db_session.exec(
        select(ConsentRecord).where(ConsentRecord.explained_by_id == consent_chain["colleague"].id)
    ).all()
    assert {(r.purpose, r.organisation_id, r.granted) for r in rows} == {
        ("count", None, False),
        ("share", consent_chain["ggz"].id, False),
    }


@pytest.mark.parametrize("who", ["mee_coach", "manager"])
def test_others_see_the_choices_but_cannot_record_them(
    consent_chain, client, login, db_session, who
):
    login(client, consent_chain[who])
    page = client.get(f"/residents/{consent_chain['sanne'].id}/consent")
    assert page.status_code == 200 and 'name="count"' not in page.get_data(as_text=True)
    before = _records(db_session)
    response = client.post(
        f"/residents/{consent_chain['sanne'].id}/consent",
        data={"version": "999", "count": "yes", f"share_{consent_chain['mee'].id}": "yes"},
    )
    assert response.status_code == 403
    assert _records(db_session) == before


def test_tampered_consent_form_changes_nothing(consent_chain, client, login, db_session):
    login(client, consent_chain["sanne_account"])
    version = _version(client, "/mijn/toestemming")
    before = _records(db_session)
    base = {
        "version": version,
        "count": "yes",
        f"share_{consent_chain['mee'].id}": "yes",
        f"share_{consent_chain['ggz'].id}": "no",
        "explained_by": "",
    }
    # A value outside yes/no, an explainer who does not work with Sanne, a missing answer.
    for tampered in (
        {**base, "count": "maybe"},
        {**base, "explained_by": str(consent_chain["other_coach"].id)},
        {k: v for k, v in base.items() if k != "count"},
        {**base, "version": "not a number"},
    ):
        assert client.post("/mijn/toestemming", data=tampered).status_code in (400, 409)
    assert _records(db_session) == before
    # A choice for an organisation that is not involved has no field: only the real choices
    # (here the first answer about GGZ) are recorded.
    response = client.post(
        "/mijn/toestemming", data={**base, f"share_{consent_chain['elsewhere'].id}": "yes"}
    )
    assert response.status_code == 302
    assert _records(db_session) == before + 1
    assert (
        db_session.exec(
            select(ConsentRecord).where(
                ConsentRecord.organisation_id == consent_chain["elsewhere"].id
            )
        ).first()
        is None
    )


def test_choices_changed_meanwhile_are_not_overwritten(
    consent_chain, app, client, login, db_session
):
    login(client, consent_chain["sanne_account"])
    stale = _version(client, "/mijn/toestemming")
    give_consent(app, consent_chain["sanne"], consent_chain["ggz"], True, by=consent_chain["coach"])
    before = _records(db_session)
    response = client.post(
        "/mijn/toestemming",
        data={
            "version": stale,
            "count": "yes",
            f"share_{consent_chain['mee'].id}": "yes",
            f"share_{consent_chain['ggz'].id}": "no",
            "explained_by": "",
        },
    )
    assert response.status_code == 409
    assert "zojuist veranderd" in response.get_data(as_text=True)
    assert _records(db_session) == before


def test_counted_residents_follows_the_newest_choice(consent_chain, app):
    with app.app_context():
        session = db.session()
        assert set(session.exec(counted_residents()).all()) == {consent_chain["sanne"].id}
        give_consent(app, consent_chain["sanne"], None, False)
        give_consent(app, consent_chain["piet"], None, True)
        assert set(session.exec(counted_residents()).all()) == {consent_chain["piet"].id}
