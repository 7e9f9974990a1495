"""Nothing a resident answers is lost: not with the connection gone, not over a reload, not when
the session ends while they are busy. Each answer waits on the device until the server has it."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from wattelt.auth import session as auth_session
from wattelt.measurements import services
from wattelt.models import Answer
from wattelt.questionnaires.loader import shipped

from helpers.browser import assert_no_axe_violations, browser_login
from helpers.factories import PASSWORD

pytestmark = pytest.mark.browser

DEFAULT = shipped().default()


@pytest.fixture
def own(make_chain, make_organisation, make_user, make_resident, db_session):
    """Sanne, with a measurement she fills in on her own account."""
    wijkteam = make_organisation(name="Wijkteam Oost", chain=make_chain(name="Samen Sterk"))
    coach = make_user(role="coach", organisation=wijkteam)
    account = make_user(role="resident", username="sanne", display_name="Sanne")
    sanne = make_resident(organisation=wijkteam, coach=coach, case_director=coach, account=account)
    measurement = services.start(db_session, sanne, coach, DEFAULT.key, [], "alone", "own_device")
    db_session.commit()
    return {"account": account, "screen": f"/measurements/{measurement.id}/fill/resident"}


def _stored(db_session) -> dict[str, int | None]:
    db_session.expire_all()
    return {a.item: a.value for a in db_session.exec(select(Answer)).all()}


def _state(page, state: str) -> None:
    page.locator(f".save-status[data-state={state}]").wait_for()


def test_an_answer_given_offline_is_saved_when_the_connection_is_back(page, own, db_session):
    browser_login(page, own["account"])
    page.goto(own["screen"] + "/1")
    page.context.set_offline(True)
    page.get_by_label("Niet goed").check()
    _state(page, "offline")
    expect(page.locator(".save-status")).to_contain_text("blijft op dit apparaat")
    # "Next" without a connection keeps the person on this screen, the answer still chosen.
    page.get_by_role("button", name="Volgende").click()
    assert page.url.endswith("/fill/resident/1") and page.get_by_label("Niet goed").is_checked()
    assert_no_axe_violations(page)
    assert _stored(db_session) == {}
    page.context.set_offline(False)
    _state(page, "saved")
    assert _stored(db_session) == {DEFAULT.domains[0].key: 2}


def test_an_answer_kept_offline_survives_closing_the_tab(page, own, db_session):
    browser_login(page, own["account"])
    page.goto(own["screen"] + "/2")
    page.context.set_offline(True)
    page.get_by_label("Heel goed").check()
    page.get_by_label("Hier wil ik over praten").check()
    _state(page, "offline")
    page.close()  # the tab is closed before the connection is back

    page = page.context.new_page()
    page.context.set_offline(False)
    page.goto(own["screen"] + "/2")
    # The answer this device kept is shown again and stored.
    _state(page, "saved")
    assert page.get_by_label("Heel goed").is_checked()
    assert page.get_by_label("Hier wil ik over praten").is_checked()
    db_session.expire_all()
    answer = db_session.exec(select(Answer)).one()
    assert (answer.item, answer.value, answer.wants_to_talk) == (
        DEFAULT.domains[1].key,
        5,
        True,
    )


def test_after_a_session_timeout_the_resident_logs_in_and_the_answer_is_stored(
    page, own, db_session, monkeypatch
):
    browser_login(page, own["account"])
    page.goto(own["screen"] + "/1")
    page.get_by_label("Goed", exact=True).check()
    _state(page, "saved")
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url(re.compile(r"/fill/resident/2$"))

    # The talk goes on for an hour without touching the screen: the session ends.
    later = time.time() + 3600
    monkeypatch.setattr(auth_session, "_now", lambda: later)
    page.get_by_label("Niet goed").check()
    _state(page, "logged-out")
    expect(page.locator(".save-status")).to_contain_text("Je bent uitgelogd")
    expect(page.get_by_role("link", name="Opnieuw inloggen")).to_be_visible()
    assert_no_axe_violations(page)
    assert _stored(db_session) == {DEFAULT.domains[0].key: 4}

    # Next leads to the residents' login, with a plain message, and back to this screen.
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url(re.compile(r"/inloggen\?"))
    expect(page.locator(".messages")).to_contain_text("niets hebt gedaan")
    assert_no_axe_violations(page)
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill("sanne")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_url(re.compile(r"/fill/resident/2$"))
    _state(page, "saved")
    assert page.get_by_label("Niet goed").is_checked()
    assert _stored(db_session) == {DEFAULT.domains[0].key: 4, DEFAULT.domains[1].key: 2}
