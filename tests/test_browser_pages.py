"""Every role's pages in a real Chromium: accessible (axe), usable with the keyboard, and the
invitation flow from coach to resident end to end."""

from __future__ import annotations

import re

import pytest

from helpers.browser import assert_no_axe_violations, browser_login
from helpers.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def people(
    make_chain, make_organisation, make_user, make_resident, make_network_member, make_district
):
    chain = make_chain(name="Samen Sterk")
    wijkteam = make_organisation(name="Wijkteam Oost", chain=chain)
    make_organisation(name="MEE", chain=chain, kind="MEE")
    make_district(name="Oost")
    coach = make_user(role="coach", organisation=wijkteam, display_name="Kees Coach")
    sanne_account = make_user(role="resident", username="sanne", display_name="Sanne")
    sanne = make_resident(
        organisation=wijkteam, coach=coach, case_director=coach, account=sanne_account
    )
    carer = make_user(role="network", username="jan", display_name="Jan")
    make_network_member(sanne, user=carer, relation="carer", display_name="Jan")
    return {
        "coach": coach,
        "manager": make_user(role="manager", organisation=wijkteam, display_name="Mirjam"),
        "policymaker": make_user(role="policymaker", organisation=wijkteam, display_name="Bram"),
        "admin": make_user(role="admin", display_name="Ayla"),
        "resident": sanne_account,
        "network": carer,
        "sanne": sanne,
    }


PAGES = {
    "coach": [
        "/",
        "/residents/",
        "/residents/new",
        "/residents/{sanne}",
        "/residents/{sanne}/edit",
    ],
    "manager": ["/", "/residents/", "/residents/{sanne}"],
    "policymaker": ["/"],
    "admin": [
        "/admin/",
        "/admin/chains",
        "/admin/organisations",
        "/admin/districts",
        "/admin/users",
        "/admin/users/new",
    ],
    "resident": ["/"],
    "network": ["/"],
}


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_of_every_role_has_no_axe_violations(page, people, role):
    browser_login(page, people[role])
    for path in PAGES[role]:
        response = page.goto(path.format(sanne=people["sanne"].id))
        assert response is not None and response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page)


def test_error_pages_are_accessible_and_in_the_layout(page, people):
    browser_login(page, people["coach"])
    response = page.goto("/residents/999999")
    assert response.status == 404
    assert "Deze pagina kunnen we niet vinden" in page.locator("h1").inner_text()
    assert page.locator("header.site-header").count() == 1
    assert_no_axe_violations(page)


def test_form_errors_are_accessible(page, people):
    browser_login(page, people["coach"])
    page.goto("/residents/new")
    page.fill("input[name=birth_year]", "1850")
    page.fill("input[name=postcode4]", "35AB")
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    assert page.locator("input[name=birth_year][aria-invalid=true]").count() == 1
    described = page.get_attribute("input[name=postcode4]", "aria-describedby")
    assert "postcode4-error" in described
    assert_no_axe_violations(page)


def test_invitation_flow_from_coach_to_resident(page, browser, live_server, people):
    browser_login(page, people["coach"])
    page.goto("/residents/new")
    page.fill("input[name=birth_year]", "1990")
    page.locator("main form [type=submit]").click()
    page.wait_for_url(re.compile(r"/residents/\d+$"))
    code = re.search(r"R-[A-Z0-9]{6}", page.locator("h1").inner_text()).group(0)
    page.get_by_role("button", name=re.compile("inloglink", re.I)).first.click()
    link = page.locator("#invitation-link").inner_text().strip()
    assert_no_axe_violations(page)

    resident = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    resident.goto(link)
    assert_no_axe_violations(resident)
    resident.fill("input[name=username]", "nieuw-inwoner")
    resident.fill("input[name=password]", "groene fiets zomer")
    resident.fill("input[name=confirm]", "groene fiets zomer")
    resident.locator("main form [type=submit]").click()
    resident.wait_for_load_state()
    assert "Hallo" in resident.locator("h1").inner_text()
    assert "Kees Coach" in resident.locator("main").inner_text()
    assert_no_axe_violations(resident)
    # The link is used up.
    again = resident.goto(link)
    assert again.status == 410
    resident.context.close()
    assert code


def test_keyboard_user_can_skip_to_content_and_log_in(page, people):
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # into the first field of the form
    focused = page.evaluate("document.activeElement.name")
    assert focused in ("email", "csrf_token", "password")
    page.locator("input[name=email]").focus()
    page.keyboard.type(people["coach"].email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Kees Coach" in page.locator("h1").inner_text()


def test_language_switch_in_the_browser_is_remembered(page, people):
    browser_login(page, people["coach"])
    assert page.get_attribute("html", "lang") == "nl"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Residents" in page.locator("nav").inner_text()
    page.goto("/residents/")
    assert page.get_attribute("html", "lang") == "en"
    assert_no_axe_violations(page)


def test_read_aloud_button_appears_only_with_speech(page, browser, live_server):
    page.goto("/inloggen")
    has_speech = page.evaluate("'speechSynthesis' in window")
    button = page.locator("button.read-aloud").first
    assert button.is_visible() == has_speech
    quiet = browser.new_context(base_url=live_server.url)
    quiet.add_init_script("delete window.speechSynthesis; delete Window.prototype.speechSynthesis;")
    without = quiet.new_page()
    errors = []
    without.on("pageerror", lambda error: errors.append(error))
    without.goto("/inloggen")
    assert not without.locator("button.read-aloud").first.is_visible()
    assert errors == []
    quiet.close()


@pytest.mark.parametrize(
    "viewport", [{"width": 320, "height": 640}, {"width": 820, "height": 1180}]
)
def test_pages_fit_small_screens_without_sideways_scrolling(page, people, viewport):
    page.set_viewport_size(viewport)
    browser_login(page, people["coach"])
    for path in ["/", "/residents/", f"/residents/{people['sanne'].id}"]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
