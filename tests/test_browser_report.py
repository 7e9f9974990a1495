"""The report and the caseload in a real Chromium: charts drawn by our own plotly.js under the
Content-Security-Policy, perspectives switched with and without JavaScript, a phone, paper, and
axe on every page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from helpers.browser import artifact_path, assert_no_axe_violations, browser_login
from helpers.rounds import add_round, everywhere

pytestmark = pytest.mark.browser

CHARTS = 2 + 14  # the spider web, the grade, and one per life domain

WATCH = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__problems.push("CSP " + e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def people(app, make_organisation, make_user, make_resident):
    wijkteam = make_organisation(name="Wijkteam Oost")
    coach = make_user(role="coach", organisation=wijkteam, display_name="Kees Coach")
    account = make_user(role="resident", username="sanne", display_name="Sanne")
    sanne = make_resident(organisation=wijkteam, coach=coach, case_director=coach, account=account)
    add_round(app, sanne, everywhere(2, friends=3), days_ago=400, grade=5, coach=everywhere(3))
    add_round(app, sanne, everywhere(3, friends="dont_know"), days_ago=200, grade=6)
    add_round(
        app, sanne, everywhere(4, friends=3, housing=1), days_ago=7, grade=7, coach=everywhere(3)
    )
    other = make_resident(organisation=wijkteam, coach=coach, case_director=coach)
    add_round(app, other, everywhere(3), days_ago=250)
    return {
        "coach": coach,
        "resident": account,
        "sanne": sanne,
        "manager": make_user(role="manager", organisation=wijkteam),
    }


@pytest.fixture
def watched(page, live_server):
    """The page, with every console error, page error, CSP violation and request recorded."""
    problems: list[str] = []
    requests: list[str] = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error {error}"))
    page.on("request", lambda request: requests.append(request.url))
    page.problems = problems
    page.requests = requests
    return page


def _drawn(page, count: int = CHARTS) -> None:
    # Locators poll from Python: a string predicate in the page would need eval, which our
    # Content-Security-Policy (rightly) forbids.
    drawn = page.locator(".chart.is-drawn .svg-container")
    drawn.nth(count - 1).wait_for()
    assert drawn.count() >= count


def _clean(page, live_server) -> None:
    problems = page.problems + page.evaluate("window.__problems || []")
    assert problems == [], problems
    host = urlsplit(live_server.url).netloc
    elsewhere = [url for url in page.requests if urlsplit(url).netloc not in (host, "")]
    assert elsewhere == [], elsewhere


def _visible(page, chart: str, perspective: str) -> list:
    return page.evaluate(
        """([id, perspective]) => document.querySelector(`[data-chart="${id}-data"]`).data
            .filter(t => t.meta.perspective === perspective).map(t => t.visible)""",
        [chart, perspective],
    )


def test_coach_reads_the_report_and_switches_views(watched, live_server, people):
    page = watched
    browser_login(page, people["coach"])
    response = page.goto(f"/residents/{people['sanne'].id}/report")
    assert response.status == 200
    _drawn(page)
    assert page.locator(".chart-fallback").count() == 0
    assert (
        "Bij Geld en papieren ging het omhoog van 2 naar 4."
        in page.locator("#report-summary").inner_text()
    )
    # plotly.js is ours, cached for a year under a hashed URL.
    bundle = next(url for url in page.requests if "/static/vendor/plotly/plotly.min.js" in url)
    headers = page.request.get(bundle).headers
    assert "max-age=31536000" in headers["cache-control"]
    assert "immutable" in headers["cache-control"]
    assert_no_axe_violations(page)

    # With script, switching the coach's view on redraws in place.
    assert _visible(page, "chart-overview", "coach") == [False, False]
    assert page.locator("[data-perspective-submit]").is_hidden()
    page.get_by_role("checkbox", name="Coach").check()
    expect(page).to_have_url(re.compile(r"perspective=coach"))
    assert _visible(page, "chart-overview", "coach") == [True, True]
    assert page.locator('.table-wrap[data-perspective="coach"]').is_visible()
    assert "Coach:" in page.locator("#report-summary").inner_text()
    page.get_by_role("checkbox", name="Inwoner").uncheck()
    assert _visible(page, "chart-overview", "resident") == [False, False, False]
    # The last view cannot be switched off: an empty report helps no one.
    page.get_by_role("checkbox", name="Coach").click()
    assert page.get_by_role("checkbox", name="Coach").is_checked()
    assert_no_axe_violations(page)
    _clean(page, live_server)


def test_without_javascript_the_form_and_the_tables_do_the_work(browser, live_server, people):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", java_script_enabled=False
    )
    page = context.new_page()
    try:
        browser_login(page, people["coach"])
        page.goto(f"/residents/{people['sanne'].id}/report")
        assert page.locator('.table-wrap[data-perspective="coach"]').is_hidden()
        assert page.locator(".chart-fallback").first.is_visible()
        page.get_by_role("checkbox", name="Coach").check()
        page.get_by_role("button", name="Laten zien").click()
        page.wait_for_load_state()
        assert "perspective=coach" in page.url
        assert page.locator('.table-wrap[data-perspective="coach"]').is_visible()
        # (axe needs script in the page; the same page with script is checked above.)
    finally:
        context.close()


def test_the_report_on_a_phone(watched, live_server, people):
    page = watched
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, people["coach"])
    page.goto(f"/residents/{people['sanne'].id}/report")
    _drawn(page)
    widths = page.evaluate(
        "[...document.querySelectorAll('.chart .main-svg')].map(s => s.getBoundingClientRect().right)"
    )
    assert max(widths) <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=artifact_path("report-phone", ".png"), full_page=True)
    assert_no_axe_violations(page)
    _clean(page, live_server)


def test_the_printable_version_fits_a4(watched, live_server, people, app):
    page = watched
    # Ten rounds: the widest table there is.
    for number in range(7):
        add_round(app, people["sanne"], everywhere(3), days_ago=390 - 25 * number)
    # An A4 page at 96 dpi is 794 pixels wide.
    page.set_viewport_size({"width": 794, "height": 1123})
    browser_login(page, people["coach"])
    page.goto(f"/residents/{people['sanne'].id}/report")
    page.get_by_role("link", name="Versie om af te drukken").click()
    page.wait_for_url(re.compile(r"print=1"))
    _drawn(page)
    assert_no_axe_violations(page)
    page.emulate_media(media="print")
    assert page.locator(".main-nav").is_hidden()
    assert page.locator(".print-tools").is_hidden()
    rights = page.evaluate(
        "[...document.querySelectorAll('.chart .main-svg')].map(s => s.getBoundingClientRect().right)"
    )
    assert len(rights) >= CHARTS and max(rights) <= 794
    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    pdf = page.pdf(format="A4", print_background=True)
    artifact_path("report-print", ".pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2
    _clean(page, live_server)


def test_the_resident_sees_their_results_in_easy_language(watched, live_server, people):
    page = watched
    browser_login(page, people["resident"])
    page.get_by_role("link", name="Bekijk je uitslag").click()
    page.wait_for_url(re.compile(r"/mijn-resultaten"))
    _drawn(page)
    assert page.locator("body.easy").count() == 1
    assert page.get_by_role("button", name="Voorlezen").is_visible()
    assert_no_axe_violations(page)
    _clean(page, live_server)


def test_caseload_sorts_and_filters(watched, live_server, people):
    page = watched
    browser_login(page, people["coach"])
    page.get_by_role("link", name="Caseload").first.click()
    page.wait_for_url(re.compile(r"/caseload"))
    assert_no_axe_violations(page)
    header = page.locator("th[aria-sort]")
    assert (
        header.get_attribute("aria-sort") == "ascending"
        and "Volgende meting" in header.inner_text()
    )
    page.get_by_role("link", name=re.compile("^Code")).click()
    page.wait_for_url(re.compile(r"sort=code"))
    assert page.locator("th[aria-sort]").inner_text().startswith("Code")
    page.get_by_label("Verandering sinds de eerste meting").select_option("declined")
    page.get_by_role("button", name="Laten zien").click()
    page.wait_for_url(re.compile(r"change=declined"))
    assert page.locator("caption").inner_text() == "1 inwoner"
    assert people["sanne"].code in page.locator("tbody").inner_text()
    page.get_by_role("link", name=f"Verslag {people['sanne'].code}").click()
    page.wait_for_url(re.compile(r"/report"))
    _drawn(page)
    _clean(page, live_server)


def test_manager_caseload(watched, live_server, people):
    page = watched
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, people["manager"])
    page.goto("/caseload")
    assert "Caseload van Wijkteam Oost" in page.locator("h1").inner_text()
    assert page.get_by_role("combobox", name="Coach").is_visible()
    assert_no_axe_violations(page)
    _clean(page, live_server)
