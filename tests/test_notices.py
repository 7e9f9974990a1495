"""Notices: the resident and their own organisation see when the case director changes, an
organisation stops working with the resident, or a login link is made for the resident or their
network. Partners, organisations without consent and the network do not. All through the pages,
as the people themselves would (``consent_chain``: Sanne, registered by the wijkteam, Kees her
case director, MEE with her consent, GGZ without, Jan her carer)."""

from __future__ import annotations

import html
import re
from datetime import date

from babel.dates import format_date
from sqlmodel import select

from wattelt.models import ErasureRequest, Involvement, NetworkMember, Notice, Resident

from conftest import PASSWORD


def _today() -> str:
    return format_date(date.today(), "d MMMM", locale="nl")


def _today_with_year() -> str:
    return format_date(date.today(), "d MMMM yyyy", locale="nl")


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code in (200, 403), f"{path}: {response.status_code}"
    return html.unescape(response.get_data(as_text=True))


def _as(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def _make_mila_case_director(app, login, chain) -> None:
    sanne = chain["sanne"]
    kees = _as(app, login, chain["coach"])
    response = kees.post(
        f"/residents/{sanne.id}/case-director",
        data={"user_id": chain["mee_coach"].id, "version": sanne.version},
    )
    assert response.status_code == 302


NEW_DIRECTOR = "Je hebt een nieuwe regisseur: Mila (MEE). Die zorgt voor je plan."
DIRECTOR_CHANGED = "Regievoerder gewijzigd van Kees (Wijkteam) naar Mila (MEE) door Kees (Wijkteam)"


def test_a_new_case_director_is_told_to_the_resident_in_easy_words(app, login, consent_chain):
    _make_mila_case_director(app, login, consent_chain)
    sanne = _as(app, login, consent_chain["sanne_account"])
    home = _page(sanne, "/")
    assert (
        f"{NEW_DIRECTOR} Eerst was dat Kees (Wijkteam). Kees heeft dit veranderd op {_today()}."
        in home
    )
    assert "Nieuws over je hulp" in home
    assert NEW_DIRECTOR in _page(sanne, "/mijn/wie-keek")


def test_the_own_organisation_sees_the_change_on_the_residents_page(app, login, consent_chain):
    _make_mila_case_director(app, login, consent_chain)
    sanne_id = consent_chain["sanne"].id
    for who in ("colleague", "manager", "mee_coach"):  # the own organisation; the new director
        page = _page(_as(app, login, consent_chain[who]), f"/residents/{sanne_id}")
        assert f"{DIRECTOR_CHANGED} op {_today_with_year()}." in page, who


def test_partners_and_the_carer_are_not_told(app, login, consent_chain, make_user):
    _make_mila_case_director(app, login, consent_chain)
    sanne_id = consent_chain["sanne"].id
    # GGZ has no consent; MEE's manager may see Sanne, but MEE is a partner, not her own.
    for who, status in (("ggz_coach", 403), ("ggz_manager", 403), ("mee_manager", 200)):
        response = _as(app, login, consent_chain[who]).get(f"/residents/{sanne_id}")
        assert response.status_code == status, who
        page = html.unescape(response.get_data(as_text=True))
        assert "Regievoerder gewijzigd" not in page and "Meldingen" not in page, who
    jan = _as(app, login, consent_chain["carer"])
    for path in ("/", "/my-plan"):
        page = _page(jan, path)
        assert "regisseur" not in page and "Regievoerder gewijzigd" not in page, path
    # Another resident never sees Sanne's notices.
    piet = _as(app, login, consent_chain["piet_account"])
    assert "regisseur" not in _page(piet, "/") + _page(piet, "/mijn/wie-keek")


def test_the_resident_marks_notices_as_read_and_still_finds_them(
    app, login, consent_chain, db_session
):
    _make_mila_case_director(app, login, consent_chain)
    sanne = _as(app, login, consent_chain["sanne_account"])
    notice = db_session.exec(select(Notice)).one()
    response = sanne.post("/mijn/nieuws/gelezen", data={"up_to": str(notice.id)})
    assert response.status_code == 302
    assert NEW_DIRECTOR not in _page(sanne, "/")
    assert NEW_DIRECTOR in _page(sanne, "/mijn/wie-keek")
    # Bad input changes nothing and never fails with a 500.
    for bad in ("", "abc", "١٢", "9" * 40):
        assert sanne.post("/mijn/nieuws/gelezen", data={"up_to": bad}).status_code == 400


def test_marking_as_read_leaves_a_newer_notice_new(app, login, consent_chain, db_session):
    _make_mila_case_director(app, login, consent_chain)
    first = db_session.exec(select(Notice)).one()
    kees = _as(app, login, consent_chain["coach"])
    ggz = db_session.exec(
        select(Involvement).where(Involvement.organisation_id == consent_chain["ggz"].id)
    ).one()
    kees.post(f"/residents/{consent_chain['sanne'].id}/involvements/{ggz.id}/end")
    sanne = _as(app, login, consent_chain["sanne_account"])
    sanne.post("/mijn/nieuws/gelezen", data={"up_to": str(first.id)})
    home = _page(sanne, "/")
    assert NEW_DIRECTOR not in home
    assert "GGZ helpt je niet meer." in home


def test_an_ended_involvement_is_told_and_so_is_the_directors_end(
    app, login, consent_chain, db_session
):
    _make_mila_case_director(app, login, consent_chain)
    mee = db_session.exec(
        select(Involvement).where(
            Involvement.organisation_id == consent_chain["mee"].id,
            Involvement.resident_id == consent_chain["sanne"].id,
        )
    ).one()
    kees = _as(app, login, consent_chain["coach"])
    response = kees.post(f"/residents/{consent_chain['sanne'].id}/involvements/{mee.id}/end")
    assert response.status_code == 302
    home = _page(_as(app, login, consent_chain["sanne_account"]), "/")
    assert f"MEE helpt je niet meer. Kees heeft dit veranderd op {_today()}." in home
    assert "Je hebt nu geen regisseur. Eerst was dat Mila (MEE)." in home
    page = _page(
        _as(app, login, consent_chain["manager"]), f"/residents/{consent_chain['sanne'].id}"
    )
    assert "MEE werkt niet meer met de inwoner; beëindigd door Kees (Wijkteam)" in page
    assert "Geen regievoerder meer (was Mila (MEE)), door Kees (Wijkteam)" in page
    assert "helpt je niet meer" not in _page(_as(app, login, consent_chain["carer"]), "/")


def _token(page: str) -> str:
    found = re.search(r"/welkom\?token=([A-Za-z0-9_\-]+)", page)
    assert found, "no invitation link on the page"
    return found.group(1)


def test_a_login_link_for_the_resident_is_told_to_them_once_they_log_in(
    app, login, consent_chain, make_resident
):
    kees_user = consent_chain["coach"]
    anouk = make_resident(coach=kees_user, organisation=consent_chain["wijkteam"])
    kees = _as(app, login, kees_user)
    link_page = kees.post(f"/residents/{anouk.id}/invite").get_data(as_text=True)
    token = _token(link_page)
    newcomer = app.test_client()
    response = newcomer.post(
        f"/welkom?token={token}",
        data={"username": "anouk", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302
    home = _page(newcomer, "/")
    assert (
        "Er is een nieuwe link gemaakt om in te loggen. Die is voor jou. "
        f"Kees heeft de link gemaakt op {_today()}." in home
    )
    page = _page(_as(app, login, consent_chain["colleague"]), f"/residents/{anouk.id}")
    assert "Nieuwe inloglink voor de inwoner, gemaakt door Kees (Wijkteam)" in page


def test_a_login_link_for_a_network_member_is_told_to_the_resident_not_the_carer(
    app, login, consent_chain, db_session
):
    sanne = consent_chain["sanne"]
    kees = _as(app, login, consent_chain["coach"])
    kees.post(f"/residents/{sanne.id}/network", data={"display_name": "Ria", "relation": "friend"})
    ria = db_session.exec(select(NetworkMember).where(NetworkMember.display_name == "Ria")).one()
    response = kees.post(f"/residents/{sanne.id}/network/{ria.id}/invite")
    assert response.status_code == 200 and "/welkom?token=" in response.get_data(as_text=True)
    told = "Er is een nieuwe link gemaakt om in te loggen. Die is voor Ria."
    assert told in _page(_as(app, login, consent_chain["sanne_account"]), "/")
    assert told not in _page(_as(app, login, consent_chain["carer"]), "/")
    page = _page(_as(app, login, consent_chain["colleague"]), f"/residents/{sanne.id}")
    assert "Nieuwe inloglink voor Ria (netwerk), gemaakt door Kees (Wijkteam)" in page
    mee_page = _page(_as(app, login, consent_chain["mee_coach"]), f"/residents/{sanne.id}")
    assert "Nieuwe inloglink" not in mee_page  # a partner (not the director) is not told


def test_a_refused_login_link_is_not_told(app, login, consent_chain, db_session):
    # Jan already has a password: no link is made, so there is nothing to tell.
    kees = _as(app, login, consent_chain["coach"])
    member = consent_chain["member"]
    kees.post(f"/residents/{consent_chain['sanne'].id}/network/{member.id}/invite")
    assert db_session.exec(select(Notice)).all() == []


def test_erasure_removes_the_notices(app, login, consent_chain, db_session):
    sanne = consent_chain["sanne"]
    _make_mila_case_director(app, login, consent_chain)
    export = _as(app, login, consent_chain["sanne_account"]).get("/mijn/gegevens.json").get_json()
    assert NEW_DIRECTOR in export["areas"]["notices"]["rows"][0]["notice"]
    asker = _as(app, login, consent_chain["coach"])
    assert (
        asker.post(
            f"/residents/{sanne.id}/erasure", data={"reason": "resident_asked", "confirm": "y"}
        ).status_code
        == 302
    )
    request = db_session.exec(select(ErasureRequest)).one()
    approver = _as(app, login, consent_chain["manager"])
    response = approver.post(f"/privacy/erasures/{request.id}", data={"decision": "approve"})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Resident, sanne.id).code.startswith("X-")
    assert db_session.exec(select(Notice).where(Notice.resident_id == sanne.id)).all() == []


def test_a_case_director_changed_on_the_plan_is_told_too(app, login, consent_chain):
    sanne = consent_chain["sanne"]
    fatima = _as(app, login, consent_chain["colleague"])
    response = fatima.post(
        f"/residents/{sanne.id}/plan/case-director",
        data={"user_id": consent_chain["colleague"].id, "version": sanne.version},
    )
    assert response.status_code == 302
    home = _page(_as(app, login, consent_chain["sanne_account"]), "/")
    assert (
        "Je hebt een nieuwe regisseur: Fatima (Wijkteam). Die zorgt voor je plan. "
        f"Eerst was dat Kees (Wijkteam). Fatima heeft dit veranderd op {_today()}." in home
    )
