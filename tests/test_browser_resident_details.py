"""Details a resident meets on a phone or a tablet: faces in one row, "Next" near, links big
enough to tap, every differing view marked, and a password they can see while typing."""

from __future__ import annotations

import pytest

from wattelt.measurements import services
from wattelt.questionnaires.loader import shipped

from helpers.browser import assert_no_axe_violations, browser_login

pytestmark = pytest.mark.browser

DEFAULT = shipped().default()
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def sanne(make_chain, make_organisation, make_user, make_resident, db_session):
    """Sanne's own measurement; the coach's view differs from hers on the first three domains."""
    wijkteam = make_organisation(name="Wijkteam Oost", chain=make_chain(name="Samen Sterk"))
    coach = make_user(role="coach", organisation=wijkteam)
    account = make_user(role="resident", username="sanne", display_name="Sanne")
    resident = make_resident(
        organisation=wijkteam, coach=coach, case_director=coach, account=account
    )
    measurement = services.start(
        db_session, resident, coach, DEFAULT.key, [], "alone", "own_device"
    )
    for domain in DEFAULT.domains[:4]:
        for perspective, who, value in (("resident", account, 1), ("coach", coach, 5)):
            if domain is DEFAULT.domains[3] and perspective == "coach":
                value = 1  # the fourth: the same view
            services.save_answer(
                db_session,
                measurement,
                perspective,
                domain.key,
                value=value,
                special=None,
                wants_to_talk=False,
                wants_to_work=False,
                note=None,
                expected_version=0,
                user=who,
            )
    db_session.commit()
    return {"account": account, "measurement": measurement.id}


def test_every_row_where_the_views_differ_is_marked(page, sanne):
    browser_login(page, sanne["account"])
    page.goto(f"/measurements/{sanne['measurement']}/summary")
    rows = page.locator("#answers tbody tr")
    colours = [
        rows.nth(i).evaluate("row => getComputedStyle(row).backgroundColor") for i in range(4)
    ]
    assert page.locator("tr.differs").count() == 3
    # The three differing rows (odd and even alike) share one colour; the fourth has another.
    assert colours[0] == colours[1] == colours[2] != colours[3]
    assert_no_axe_violations(page)


def test_on_a_phone_the_faces_are_in_one_row_and_next_is_near(page, sanne):
    page.set_viewport_size(PHONE)
    browser_login(page, sanne["account"])
    page.goto(f"/measurements/{sanne['measurement']}/fill/resident/5")
    tiles = page.locator(".answer-option:not(.answer-special) label")
    assert tiles.count() == 5
    boxes = [tiles.nth(i).bounding_box() for i in range(5)]
    assert len({round(box["y"]) for box in boxes}) == 1
    assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    next_button = page.get_by_role("button", name="Volgende").bounding_box()
    assert next_button["y"] + next_button["height"] < 2 * PHONE["height"]
    assert_no_axe_violations(page)


def test_links_a_resident_uses_are_at_least_44_pixels_high(page, sanne):
    page.set_viewport_size(PHONE)
    browser_login(page, sanne["account"])
    for path in (f"/measurements/{sanne['measurement']}/summary", "/", "/mijn/privacy"):
        page.goto(path)
        small = page.evaluate(
            """() => Array.from(document.querySelectorAll("main a, footer a"))
                .filter(a => a.offsetParent !== null)
                .filter(a => a.getBoundingClientRect().height < 44)
                .map(a => a.textContent.trim())"""
        )
        assert small == [], (path, small)


def test_the_residents_login_can_show_the_password(page, sanne):
    page.goto("/inloggen")
    password = page.locator("input[name=password]")
    toggle = page.get_by_role("button", name="Laat mijn wachtwoord zien")
    password.fill("geheim wachtwoord")
    assert password.get_attribute("type") == "password"
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert password.get_attribute("type") == "text"
    assert toggle.get_attribute("aria-pressed") == "true"
    assert_no_axe_violations(page)
    toggle.click()
    assert password.get_attribute("type") == "password"
