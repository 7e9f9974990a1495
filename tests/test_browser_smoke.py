"""Smoke tests in a real Chromium: the public pages are accessible, and a coach can log in."""

from __future__ import annotations

import re

import pytest

from helpers.browser import assert_no_axe_violations
from helpers.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/login", "/inloggen"])
def test_public_pages_have_no_axe_violations(page, path):
    response = page.goto(path)
    assert response is not None and response.status == 200, f"GET {path}"
    assert_no_axe_violations(page)


def test_coach_logs_in_through_the_form(page, live_server, make_user):
    coach = make_user(role="coach", display_name="Kees Coach")
    page.goto("/login")
    login_form = page.locator("form:has(input[name=password])")
    login_form.locator("input[name=email]").fill(coach.email)
    login_form.locator("input[name=password]").fill(PASSWORD)
    login_form.locator("[type=submit]").click()

    page.wait_for_url(re.compile(re.escape(live_server.url) + "/$"))
    assert "Kees Coach" in page.locator("h1").inner_text()
    assert page.locator("form[action='/logout']").count() == 1
    assert_no_axe_violations(page)


def test_wrong_password_is_refused_in_the_browser(page, make_user):
    coach = make_user(role="coach")
    page.goto("/login")
    login_form = page.locator("form:has(input[name=password])")
    login_form.locator("input[name=email]").fill(coach.email)
    login_form.locator("input[name=password]").fill("not the password at all")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        login_form.locator("[type=submit]").click()
    assert posted.value.status == 401
    assert page.locator("[role=alert]").count() >= 1
    assert page.locator("form[action='/logout']").count() == 0
