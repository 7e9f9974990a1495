"""The privacy pages in a real Chromium: accessible (axe), and the consent, two-factor and
erasure flows end to end."""

from __future__ import annotations

import pyotp
import pytest
from sqlmodel import select

from wattelt.models import ConsentRecord, ErasureRequest, TwoFactor

from helpers.browser import assert_no_axe_violations, browser_login

pytestmark = pytest.mark.browser


def _check(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert page.locator("h1").count() == 1, path
    assert_no_axe_violations(page)


def test_resident_pages_are_accessible_and_consent_can_be_changed(page, consent_chain, db_session):
    browser_login(page, consent_chain["sanne_account"])
    for path in ("/mijn/privacy", "/mijn/wie-keek", "/mijn/gegevens", "/mijn/wissen"):
        _check(page, path)
    _check(page, "/mijn/toestemming")
    assert page.locator("body.easy").count() == 1
    assert page.locator("button.read-aloud").count() == 1
    # Say no to MEE, with the keyboard-reachable radio buttons, and save.
    page.get_by_role("group", name="Mag MEE").get_by_label("Nee").check()
    page.get_by_role("group", name="Mag GGZ").get_by_label("Nee").check()
    page.get_by_role("button", name="Mijn keuzes opslaan").click()
    page.wait_for_load_state()
    assert "Je keuzes zijn opgeslagen" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    db_session.expire_all()
    newest = db_session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.organisation_id == consent_chain["mee"].id)
        .order_by(ConsentRecord.id.desc())
    ).first()
    assert newest.granted is False


def test_professional_privacy_pages_are_accessible(page, consent_chain):
    browser_login(page, consent_chain["coach"])
    sanne = consent_chain["sanne"].id
    for path in (
        f"/residents/{sanne}",
        f"/residents/{sanne}/consent",
        f"/residents/{sanne}/export",
        f"/residents/{sanne}/access-log",
        f"/residents/{sanne}/erasure",
        "/privacy/access-log",
        "/privacy/erasures",
        "/privacy/retention",
        "/account/two-factor",
    ):
        _check(page, path)


def test_consent_missing_page_is_accessible(page, consent_chain):
    browser_login(page, consent_chain["ggz_coach"])
    response = page.goto(f"/residents/{consent_chain['sanne'].id}")
    assert response.status == 403
    assert "Toestemming ontbreekt" in page.locator("h1").inner_text()
    assert_no_axe_violations(page)


def test_erasure_is_asked_by_one_and_approved_by_another(
    page, browser, live_server, consent_chain, db_session
):
    browser_login(page, consent_chain["coach"])
    page.goto(f"/residents/{consent_chain['sanne'].id}/erasure")
    page.get_by_label("Een andere reden").check()
    page.get_by_label("Ik begrijp dat een tweede persoon").check()
    page.get_by_role("button", name="Vraag om te wissen").click()
    page.wait_for_load_state()
    request = db_session.exec(select(ErasureRequest)).one()
    manager = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    browser_login(manager, consent_chain["manager"])
    _check(manager, "/privacy/erasures")
    _check(manager, f"/privacy/erasures/{request.id}")
    manager.get_by_label("Goedkeuren: nu wissen").check()
    manager.once("dialog", lambda dialog: dialog.accept())
    manager.get_by_role("button", name="Besluit bevestigen").click()
    manager.wait_for_load_state()
    assert "is gewist" in manager.locator("main").inner_text()
    assert_no_axe_violations(manager)


def test_admin_pages_are_accessible(page, consent_chain):
    browser_login(page, consent_chain["admin"])
    _check(page, "/admin/")
    _check(page, "/privacy/access-log")
    _check(page, f"/admin/organisations/{consent_chain['wijkteam'].id}/edit")


def test_two_factor_enrolment_and_login(page, consent_chain, db_session, totp_now):
    browser_login(page, consent_chain["colleague"])
    _check(page, "/account/two-factor")
    assert page.locator(".qr-code svg").count() == 1
    secret = db_session.exec(
        select(TwoFactor.secret).where(TwoFactor.user_id == consent_chain["colleague"].id)
    ).one()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(totp_now - 30))
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state()
    assert page.locator(".recovery-codes li").count() == 10
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    page.goto("/login")
    page.fill("input[name=email]", consent_chain["colleague"].email)
    page.fill("input[name=password]", "correct horse battery")
    page.locator("main form [type=submit]").click()
    page.wait_for_url("**/login/code")
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(totp_now))
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state()
    assert page.locator("form[action='/logout']").count() == 1
