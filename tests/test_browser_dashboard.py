"""The figures pages in a real Chromium: charts drawn by plotly.js under our strict CSP, with no
accessibility violations (axe) in Dutch and English, usable on a phone."""

from __future__ import annotations

import pytest

from wattelt.demo.population import Spread

from helpers.browser import assert_no_axe_violations, browser_login
from helpers.outcomes import populate, release

pytestmark = pytest.mark.browser


@pytest.fixture
def policymaker(app, db_session, make_chain, make_organisation, make_district, make_user):
    chain = make_chain(name="Samen Sterk")
    organisations = [make_organisation(name=f"Partner {i}", chain=chain) for i in range(3)]
    districts = [make_district(name=f"Wijk {i}") for i in range(3)]
    populate(
        db_session,
        Spread([o.id for o in organisations], [d.id for d in districts], (0.5, 0.4, 0.1), days=400),
        220,
        seed=41,
    )
    release(db_session)
    return make_user(role="policymaker", organisation=organisations[0], display_name="Bram")


def _watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_dashboard_draws_its_charts_and_passes_axe_in_both_languages(page, policymaker):
    problems = _watch_console(page)
    browser_login(page, policymaker)
    page.goto("/dashboard/")
    page.wait_for_selector(".chart .main-svg")
    assert page.locator(".chart .main-svg").count() >= 4
    assert page.get_by_role("heading", name="Verandering per leefgebied").is_visible()
    assert_no_axe_violations(page)

    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    page.wait_for_selector(".chart .main-svg")
    assert page.get_by_role("heading", name="Change per life domain").is_visible()
    assert_no_axe_violations(page)
    assert problems == [], problems  # no CSP refusals, no script errors


def test_filters_work_with_the_keyboard_and_compare_page_passes_axe(page, policymaker):
    problems = _watch_console(page)
    browser_login(page, policymaker)
    page.goto("/dashboard/")
    page.locator("#filter-perspective").select_option("coach")
    page.locator("#filter-perspective").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "perspective=coach" in page.url
    page.get_by_role("link", name="Naast elkaar").click()
    page.wait_for_selector(".chart .main-svg")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Wijken").click()
    page.wait_for_load_state()
    assert "by=district" in page.url
    assert_no_axe_violations(page)
    assert problems == [], problems


def test_dashboard_fits_a_phone(page, policymaker):
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, policymaker)
    page.goto("/dashboard/")
    page.wait_for_selector(".chart .main-svg")
    # Nothing wider than the screen, apart from tables that scroll inside their own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert_no_axe_violations(page)


def test_admin_token_pages_and_api_docs_pass_axe(page, make_user):
    admin = make_user(role="admin", display_name="Ayla")
    make_user(role="policymaker", display_name="Bram")
    browser_login(page, admin)
    page.goto("/admin/api-tokens")
    assert_no_axe_violations(page)
    page.locator("#user_id").select_option(index=1)
    page.locator("#name").fill("Power BI")
    page.get_by_role("button", name="Token maken").click()
    page.wait_for_load_state()
    assert page.locator("#api-token").inner_text().startswith("wt_")
    assert_no_axe_violations(page)
    page.goto("/api/v1/docs")
    assert_no_axe_violations(page)
