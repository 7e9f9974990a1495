"""The resident's rights: export (readable and JSON), erasure after a second person's approval,
retention; and reading the access log back (admins, case directors, the resident)."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import func, select

from wattelt import db
from wattelt.consent.services import counted_residents
from wattelt.db import metadata
from wattelt.models import (
    AccessLog,
    Answer,
    ConsentRecord,
    ErasureRequest,
    Involvement,
    Measurement,
    NetworkMember,
    Resident,
    User,
)
from wattelt.privacy.area import Area
from wattelt.privacy.areas import coarse_birth_year
from wattelt.privacy.registry import KEPT, areas

from helpers.consent_chain import add_measurement


def _count(db_session, model, *where) -> int:
    db_session.expire_all()
    return db_session.exec(select(func.count()).select_from(model).where(*where)).one()


# --------------------------------------------------------------------------------- export


def test_resident_downloads_all_their_data_readable_and_as_json(
    consent_chain, client, login, db_session
):
    login(client, consent_chain["sanne_account"])
    page = client.get("/mijn/gegevens")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert consent_chain["sanne"].code in text and "Ik slaap slecht." in text and "Jan" in text
    assert 'class="easy"' in text
    response = client.get("/mijn/gegevens.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert document["format"] == "wattelt-export" and document["version"] == 1
    assert document["resident"] == consent_chain["sanne"].code
    areas_ = document["areas"]
    assert {"resident", "involvements", "network", "measurements", "consent", "account"} <= set(
        areas_
    )
    assert areas_["resident"]["rows"][0]["postcode4"] == "3531"
    assert {r["item"] for r in areas_["measurements"]["rows"]} == {"money", "overall"}
    assert areas_["account"]["rows"][0]["login_name"] == "sanne"
    assert "password" not in json.dumps(document)
    logged = db_session.exec(
        select(AccessLog.what).where(
            AccessLog.action == "export", AccessLog.resident_id == consent_chain["sanne"].id
        )
    ).all()
    assert sorted(logged) == ["export json", "export page"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("coach", 200), ("colleague", 200), ("mee_coach", 403), ("manager", 403), ("ggz_coach", 403)],
)
def test_professional_exports_on_behalf_only_for_their_own_resident(
    consent_chain, client, login, who, status
):
    login(client, consent_chain[who])
    assert client.get(f"/residents/{consent_chain['sanne'].id}/export").status_code == status
    assert client.get(f"/residents/{consent_chain['sanne'].id}/export.json").status_code == status


def test_export_and_erasure_run_every_listed_area(consent_chain, app, monkeypatch):
    from wattelt.privacy import registry, rights

    calls = []
    extra = Area(
        "test_area",
        "Test",
        export=lambda session, resident: [{"thing": resident.id}],
        erase=lambda session, resident: calls.append(resident.id),
        order=50,
    )
    monkeypatch.setattr(registry, "AREAS", (*registry.AREAS, extra))
    with app.test_request_context():
        session = db.session()
        resident = session.get(Resident, consent_chain["sanne"].id)
        document = rights.export_document(session, resident)
        assert document["areas"]["test_area"]["rows"] == [{"thing": resident.id}]
        rights.erase(session, resident)
        session.rollback()
    assert calls == [consent_chain["sanne"].id]


def test_every_table_with_a_resident_is_erased_by_an_area_or_kept_for_a_reason():
    """A new table that holds residents' data cannot slip past export and erasure."""
    covered = {table for area in areas() for table in area.tables}
    with_resident = {t.name for t in metadata.tables.values() if "resident_id" in t.c}
    assert with_resident - covered - set(KEPT) == set()
    assert not covered & set(KEPT), "a table is both erased and kept"
    assert set(KEPT) <= with_resident, "KEPT names a table that does not exist"


def test_the_areas_do_not_depend_on_what_was_imported_before():
    """Erasure from a script (no app, no blueprints imported) covers the plan and notices."""
    import subprocess
    import sys

    code = (
        "from wattelt.privacy.registry import areas; "
        "print(' '.join(sorted(a.key for a in areas())))"
    )
    keys = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert {"goals", "notices", "measurements", "consent", "account"} <= set(keys)


# -------------------------------------------------------------------------------- erasure


def _ask(client, resident, reason="resident_asked"):
    return client.post(f"/residents/{resident.id}/erasure", data={"reason": reason, "confirm": "y"})


def _request(db_session) -> ErasureRequest:
    db_session.expire_all()
    return db_session.exec(select(ErasureRequest).order_by(ErasureRequest.id.desc())).first()


def test_the_one_who_asks_can_never_approve(consent_chain, client, login, db_session):
    login(client, consent_chain["coach"])
    assert _ask(client, consent_chain["sanne"]).status_code == 302
    request = _request(db_session)
    assert request.status == "pending" and request.requested_by_id == consent_chain["coach"].id
    response = client.post(f"/privacy/erasures/{request.id}", data={"decision": "approve"})
    assert response.status_code == 403
    assert _request(db_session).status == "pending"
    assert db_session.get(Resident, consent_chain["sanne"].id).code == consent_chain["sanne"].code


@pytest.mark.parametrize(
    "who", ["mee_coach", "ggz_coach", "policymaker", "other_coach", "sanne_account"]
)
def test_only_authorised_people_see_or_decide_a_request(
    consent_chain, app, client, login, db_session, who
):
    asker = app.test_client()
    login(asker, consent_chain["coach"])
    _ask(asker, consent_chain["sanne"])
    request = _request(db_session)
    login(client, consent_chain[who])
    response = client.post(f"/privacy/erasures/{request.id}", data={"decision": "approve"})
    assert response.status_code in (403, 404)
    assert _request(db_session).status == "pending"


def test_approved_erasure_removes_person_data_and_keeps_the_figures(
    consent_chain, app, client, login, db_session
):
    sanne = consent_chain["sanne"]
    draft = add_measurement(app, sanne, consent_chain["coach"], status="draft", note="nog bezig")
    asker = app.test_client()
    login(asker, consent_chain["coach"])
    _ask(asker, sanne)
    request = _request(db_session)
    login(client, consent_chain["manager"])  # a second authorised person of the own organisation
    page = client.get(f"/privacy/erasures/{request.id}")
    assert page.status_code == 200 and sanne.code in page.get_data(as_text=True)
    response = client.post(f"/privacy/erasures/{request.id}", data={"decision": "approve"})
    assert response.status_code == 302

    db_session.expire_all()
    husk = db_session.get(Resident, sanne.id)
    assert husk.code != sanne.code and husk.code.startswith("X-")
    assert husk.postcode4 is None and husk.birth_year == coarse_birth_year(1984) == 1982
    assert husk.account_id is None and husk.case_director_id is None
    # The open draft was stopped and erased with the rest; the completed one keeps its numbers.
    assert db_session.get(Measurement, draft.id) is None
    kept = db_session.exec(
        select(Answer).join(Measurement).where(Measurement.resident_id == sanne.id)
    ).all()
    assert sorted(a.value for a in kept) == [2, 6]
    assert all(a.note is None and a.answered_by_id is None for a in kept)
    # Network, accounts and links to people are gone.
    assert _count(db_session, NetworkMember, NetworkMember.resident_id == sanne.id) == 0
    for account in ("sanne_account", "carer"):
        assert db_session.get(User, consent_chain[account].id) is None
    assert all(
        i.professional_id is None and i.ended_on is not None
        for i in db_session.exec(select(Involvement).where(Involvement.resident_id == sanne.id))
    )
    # Only the counting choice stays, so the anonymous figures still count her answers.
    consent = db_session.exec(
        select(ConsentRecord).where(ConsentRecord.resident_id == sanne.id)
    ).all()
    assert [(c.purpose, c.granted, c.recorded_by_id) for c in consent] == [("count", True, None)]
    with app.app_context():
        assert sanne.id in set(db.session().exec(counted_residents()).all())
    # The log keeps that it happened, who asked and who approved; never the data.
    entry = db_session.exec(select(AccessLog).where(AccessLog.action == "erasure")).one()
    assert entry.user_id == consent_chain["manager"].id and entry.resident_id == sanne.id
    assert str(consent_chain["coach"].id) in entry.what
    assert sanne.code not in entry.what and "3531" not in entry.what
    # Nobody sees the remainder any more, and the old code finds nothing.
    login(asker, consent_chain["coach"])
    assert asker.get(f"/residents/{sanne.id}").status_code == 404
    assert sanne.code not in asker.get("/residents/").get_data(as_text=True)


def test_resident_asks_for_erasure_and_a_professional_decides(
    consent_chain, client, login, db_session
):
    login(client, consent_chain["sanne_account"])
    page = client.get("/mijn/wissen")
    assert page.status_code == 200 and 'class="easy"' in page.get_data(as_text=True)
    assert client.post("/mijn/wissen", data={}).status_code == 400  # no tick: nothing asked
    assert _count(db_session, ErasureRequest) == 0
    assert client.post("/mijn/wissen", data={"confirm": "y"}).status_code == 302
    assert client.post("/mijn/wissen", data={"confirm": "y"}).status_code == 302
    assert _count(db_session, ErasureRequest) == 1  # asking twice makes one request
    client.post("/logout")
    login(client, consent_chain["coach"])
    listed = client.get("/privacy/erasures").get_data(as_text=True)
    assert consent_chain["sanne"].code in listed
    request = _request(db_session)
    assert (
        client.post(f"/privacy/erasures/{request.id}", data={"decision": "reject"}).status_code
        == 302
    )
    assert _request(db_session).status == "rejected"
    assert db_session.get(Resident, consent_chain["sanne"].id).postcode4 == "3531"


def test_a_request_is_decided_once(consent_chain, app, client, login, db_session):
    login(client, consent_chain["coach"])
    _ask(client, consent_chain["sanne"])
    request = _request(db_session)
    first, second = app.test_client(), app.test_client()
    login(first, consent_chain["manager"])
    login(second, consent_chain["admin"])
    page = second.get(f"/privacy/erasures/{request.id}")
    assert page.status_code == 200
    assert (
        first.post(f"/privacy/erasures/{request.id}", data={"decision": "reject"}).status_code
        == 302
    )
    assert (
        second.post(f"/privacy/erasures/{request.id}", data={"decision": "approve"}).status_code
        == 404
    )
    assert _request(db_session).status == "rejected"


# ------------------------------------------------------------------------------ retention


def _age(app, resident, days: int) -> None:
    from datetime import timedelta

    from wattelt.models import utcnow

    with app.app_context(), db.standalone_session() as session:
        row = session.get(Resident, resident.id)
        row.created_at = utcnow() - timedelta(days=days)
        session.add(row)
        for m in session.exec(select(Measurement).where(Measurement.resident_id == resident.id)):
            m.updated_at = utcnow() - timedelta(days=days)
            session.add(m)


def test_retention_lists_and_flags_inactive_residents(
    consent_chain, app, client, login, runner, db_session
):
    app.config["RETENTION_MONTHS"] = 12
    _age(app, consent_chain["sanne"], 400)
    _age(app, consent_chain["piet"], 100)
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0
    assert (
        consent_chain["sanne"].code in result.output
        and consent_chain["piet"].code not in result.output
    )
    login(client, consent_chain["coach"])
    page = client.get("/privacy/retention").get_data(as_text=True)
    assert consent_chain["sanne"].code in page
    assert client.post("/privacy/retention", data={}).status_code == 302
    request = _request(db_session)
    assert (request.resident_id, request.reason) == (consent_chain["sanne"].id, "retention")
    # Flagged once: the command finds nobody new.
    again = runner.invoke(args=["retention", "--flag"])
    assert "0 resident(s) flagged" in again.output


def test_retention_months_is_configured(tmp_path):
    from wattelt.config import ConfigError, load_config

    assert load_config(str(tmp_path), {"WATTELT_SECRET_KEY": "k"})["RETENTION_MONTHS"] == 24
    config = load_config(
        str(tmp_path), {"WATTELT_SECRET_KEY": "k", "WATTELT_RETENTION_MONTHS": "6"}
    )
    assert config["RETENTION_MONTHS"] == 6
    with pytest.raises(ConfigError, match="WATTELT_RETENTION_MONTHS"):
        load_config(str(tmp_path), {"WATTELT_SECRET_KEY": "k", "WATTELT_RETENTION_MONTHS": "0"})


# ------------------------------------------------------------------------ the access log


def test_admin_reviews_everything_with_filters(consent_chain, app, client, login):
    mee = app.test_client()
    login(mee, consent_chain["mee_coach"])
    mee.get(f"/residents/{consent_chain['piet'].id}")
    mee.get(f"/residents/{consent_chain['sanne'].id}")
    login(client, consent_chain["admin"])
    page = client.get("/privacy/access-log").get_data(as_text=True)
    assert consent_chain["sanne"].code in page and consent_chain["piet"].code in page
    filtered = client.get(
        "/privacy/access-log",
        query_string={"code": consent_chain["piet"].code.lower(), "user": "mila"},
    ).get_data(as_text=True)
    assert (
        consent_chain["piet"].code in filtered
        and consent_chain["sanne"].code not in filtered.split("<tbody>")[1]
    )
    assert (
        client.get("/privacy/access-log", query_string={"date_from": "gisteren"}).status_code == 400
    )


def test_case_director_reviews_only_their_residents(consent_chain, app, client, login):
    mee = app.test_client()
    login(mee, consent_chain["mee_coach"])
    mee.get(f"/residents/{consent_chain['piet'].id}")
    mee.get(f"/residents/{consent_chain['sanne'].id}")
    login(client, consent_chain["coach"])
    page = client.get("/privacy/access-log").get_data(as_text=True)
    body = page.split("<tbody>")[1]
    assert consent_chain["sanne"].code in body and consent_chain["piet"].code not in body
    assert client.get(f"/residents/{consent_chain['sanne'].id}/access-log").status_code == 200
    client.post("/logout")
    login(client, consent_chain["colleague"])  # same organisation, but not the case director
    assert client.get(f"/residents/{consent_chain['sanne'].id}/access-log").status_code == 403
    assert consent_chain["sanne"].code not in client.get("/privacy/access-log").get_data(
        as_text=True
    )


def test_resident_sees_who_looked_in_plain_words(consent_chain, app, client, login):
    mee = app.test_client()
    login(mee, consent_chain["mee_coach"])
    mee.get(f"/residents/{consent_chain['sanne'].id}")
    ggz = app.test_client()
    login(ggz, consent_chain["ggz_coach"])
    ggz.get(f"/residents/{consent_chain['sanne'].id}")
    login(client, consent_chain["sanne_account"])
    client.get("/")
    page = client.get("/mijn/wie-keek").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split('id="who-looked"')[1]).split())
    assert "een coach van MEE keek naar je gegevens" in text
    assert "een coach van GGZ wilde kijken, maar mocht niet" in text
    assert "/residents/" not in text  # no technical paths
    assert " jij " not in text  # her own visits are left out


def test_the_access_log_cannot_be_changed_through_the_app(app):
    from wattelt.models import AccessLog as Log

    writers = [
        rule
        for rule in app.url_map.iter_rules()
        if "access" in rule.rule and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert writers == []
    assert Log.__tablename__ == "access_log"


def test_the_log_stores_paths_without_tokens(
    consent_chain, app, client, login, db_session, make_user
):
    from wattelt.auth.services import create_invitation

    newcomer = make_user(role="resident", password=None)
    with app.app_context(), db.standalone_session() as session:
        token = create_invitation(session, session.get(User, newcomer.id), None)
    login(client, consent_chain["coach"])
    client.get(f"/residents/{consent_chain['sanne'].id}?token={token}")
    client.get(f"/welkom?token={token}")
    paths = db_session.exec(select(AccessLog.path)).all()
    assert paths and not any(token in p or "?" in p for p in paths)


# ---------------------------------------------------------- the rights' pages are logged too


def _logged(db_session, user) -> list[tuple]:
    db_session.expire_all()
    return db_session.exec(
        select(AccessLog.resident_id, AccessLog.action, AccessLog.what)
        .where(AccessLog.user_id == user.id)
        .order_by(AccessLog.id)
    ).all()


def test_the_erasure_list_and_decision_page_are_in_the_access_log(
    consent_chain, app, client, login, db_session
):
    sanne = consent_chain["sanne"]
    asker = app.test_client()
    login(asker, consent_chain["coach"])
    _ask(asker, sanne)
    request = _request(db_session)
    login(client, consent_chain["manager"])
    assert sanne.code in client.get("/privacy/erasures").get_data(as_text=True)
    assert client.get(f"/privacy/erasures/{request.id}").status_code == 200
    assert _logged(db_session, consent_chain["manager"]) == [
        (sanne.id, "view", "erasure list"),
        (sanne.id, "view", "erasure decision"),
    ]
    outsider = app.test_client()
    login(outsider, consent_chain["mee_coach"])
    assert outsider.get(f"/privacy/erasures/{request.id}").status_code == 404
    assert _logged(db_session, consent_chain["mee_coach"]) == [
        (sanne.id, "denied", "erasure decision")
    ]


def test_the_retention_list_is_in_the_access_log(consent_chain, app, client, login, db_session):
    app.config["RETENTION_MONTHS"] = 12
    _age(app, consent_chain["sanne"], 400)
    login(client, consent_chain["coach"])
    assert consent_chain["sanne"].code in client.get("/privacy/retention").get_data(as_text=True)
    assert _logged(db_session, consent_chain["coach"]) == [
        (consent_chain["sanne"].id, "view", "retention list")
    ]
