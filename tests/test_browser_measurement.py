"""A measurement in a real Chromium: a coach and a resident on one tablet, resuming after a
closed tab, keyboard only, both languages, small screens and 200% zoom, and axe on every screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from wattelt.models import Answer, Measurement
from wattelt.questionnaires.loader import shipped

from helpers.browser import assert_no_axe_violations, browser_login

pytestmark = pytest.mark.browser

DEFAULT = shipped().default()
SCREENS = len(DEFAULT.domains) + 1  # the life domains, then the overall grade


@pytest.fixture
def people(make_chain, make_organisation, make_user, make_resident):
    wijkteam = make_organisation(name="Wijkteam Oost", chain=make_chain(name="Samen Sterk"))
    coach = make_user(role="coach", organisation=wijkteam, display_name="Kees Coach")
    account = make_user(role="resident", username="sanne", display_name="Sanne")
    sanne = make_resident(organisation=wijkteam, coach=coach, case_director=coach, account=account)
    return {"coach": coach, "resident": account, "sanne": sanne}


def _answers(db_session, perspective="resident") -> dict[str, Answer]:
    db_session.expire_all()
    rows = db_session.exec(select(Answer).where(Answer.perspective == perspective)).all()
    return {a.item: a for a in rows}


def _start_together(page, sanne) -> None:
    page.goto(f"/residents/{sanne.id}")
    page.get_by_role("link", name="Nieuwe meting").click()
    # axe must not run while the click's navigation swaps the document away.
    page.wait_for_url(re.compile(r"/measurements/new$"))
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Beginnen").click()
    page.wait_for_url(re.compile(r"/fill/resident/1$"))


def _wait_saved(page) -> None:
    # A locator, not wait_for_function: evaluating a string would break our own CSP.
    page.locator(".save-status[data-state=saved]").wait_for()


def test_coach_and_resident_fill_in_everything_together(page, people, db_session):
    browser_login(page, people["coach"])
    _start_together(page, people["sanne"])
    labels = [o.label.get("nl") for o in DEFAULT.scale.numeric]
    for step in range(1, SCREENS + 1):
        # Next may wait for a background save first; expect() waits for the new screen.
        expect(page.locator(".progress-text")).to_have_text(f"Vraag {step} van {SCREENS}")
        assert page.locator("h1").count() == 1
        assert_no_axe_violations(page)
        if step == 1:
            page.get_by_label("Niet goed").check()
            page.get_by_label("Hier wil ik aan werken").check()
            page.get_by_label("In je eigen woorden (hoeft niet)").fill("De post stapelt op")
        elif step == 2:
            page.get_by_label("Weet ik niet").check()
        elif step == 3:
            page.get_by_role("button", name="Overslaan").click()
            continue
        elif step < SCREENS:
            page.get_by_label(labels[step % 5], exact=True).check()
        else:
            page.get_by_label("7", exact=True).check()
        page.get_by_role("button", name=re.compile("^(Volgende|Naar het overzicht)$")).click()
    page.wait_for_url(re.compile(r"/summary"))
    assert_no_axe_violations(page)
    summary = page.locator("#answers").inner_text()
    assert "Niet goed" in summary and "Weet ik niet" in summary and "eraan werken" in summary
    assert "De post stapelt op" in summary

    # The coach adds their own view of the first domain; the resident's answer stays.
    page.get_by_role("link", name="Mijn kijk als coach geven of veranderen").click()
    assert "Je eigen kijk als coach" in page.locator("main").inner_text()
    page.get_by_label("Heel goed").check()
    _wait_saved(page)
    page.get_by_role("button", name="Opslaan en alle antwoorden zien").click()
    page.wait_for_url(re.compile(r"/summary"))
    assert page.locator("tr.differs").count() == 1
    assert "verschillen" in page.locator("tr.differs").inner_text()
    assert_no_axe_violations(page)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="De meting afronden").click()
    page.wait_for_load_state()
    assert "afgerond en afgesloten" in page.locator("main").inner_text()
    db_session.expire_all()
    assert db_session.exec(select(Measurement)).one().status == "completed"
    answers = _answers(db_session)
    first = DEFAULT.domains[0].key
    assert (answers[first].value, answers[first].wants_to_work) == (2, True)
    assert answers[DEFAULT.domains[1].key].special == "dont_know"
    assert DEFAULT.domains[2].key not in answers
    assert answers["overall"].value == 7
    assert _answers(db_session, "coach")[first].value == 5


def test_a_closed_tab_loses_nothing_and_resumes_on_the_same_screen(
    page, browser, live_server, people, db_session
):
    browser_login(page, people["coach"])
    _start_together(page, people["sanne"])
    page.get_by_label("Goed", exact=True).check()
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url(re.compile(r"/fill/resident/2$"))
    # An answer that is only tapped, never followed by Next, is saved in the background.
    page.get_by_label("Heel slecht").check()
    _wait_saved(page)
    page.context.close()

    tablet = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    browser_login(tablet, people["resident"])
    tablet.get_by_role("link", name="Verder met de vragen").click()
    tablet.wait_for_url(re.compile(r"/fill/resident/2$"))
    assert tablet.get_by_label("Heel slecht").is_checked()
    answers = _answers(db_session)
    assert [answers[d.key].value for d in DEFAULT.domains[:2]] == [4, 1]
    tablet.context.close()


def test_keyboard_only_completion(page, people, db_session):
    browser_login(page, people["coach"])
    _start_together(page, people["sanne"])

    def tab_to(selector: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    for _screen in range(SCREENS):
        tab_to("input[name=answer]")
        # Arrow keys move through a radio group and choose; the first arrow picks the second.
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        tab_to("button[value=next]")
        focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert focus_ring != "none"
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.url.endswith("/summary?perspective=resident")
    answers = _answers(db_session)
    assert len(answers) == SCREENS
    assert {answers[d.key].value for d in DEFAULT.domains} == {3}
    assert answers["overall"].value == 3


def test_the_questions_in_english_on_the_residents_own_account(page, browser, live_server, people):
    coach = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    browser_login(coach, people["coach"])
    coach.goto(f"/residents/{people['sanne'].id}/measurements/new")
    coach.get_by_label("De inwoner vult het zelf in, op een eigen apparaat of account").check()
    coach.get_by_role("button", name="Beginnen").click()
    coach.wait_for_load_state()
    assert "De meting staat klaar" in coach.locator("main").inner_text()
    coach.context.close()

    browser_login(page, people["resident"])
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Start with the questions").click()
    page.wait_for_url(re.compile(r"/fill/resident/1$"))
    assert page.get_attribute("html", "lang") == "en"
    assert DEFAULT.domains[0].question.get("en") in page.locator("h1").inner_text()
    assert page.get_by_label("Very good").count() == 1
    assert page.locator(".progress-text").inner_text() == f"Question 1 of {SCREENS}"
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    "viewport",
    [
        {"width": 360, "height": 740},  # a phone
        {"width": 820, "height": 1180},  # a tablet held upright
        {"width": 640, "height": 450},  # a 1280 px screen at 200% zoom
    ],
    ids=["phone", "tablet", "zoom-200"],
)
def test_question_screens_fit_phone_tablet_and_200_percent_zoom(page, people, viewport):
    page.set_viewport_size(viewport)
    browser_login(page, people["coach"])
    _start_together(page, people["sanne"])
    for path in [page.url, page.url.rsplit("/", 1)[0] + f"/{SCREENS}"]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
        # Answer buttons are big touch targets (at least 44 by 44 CSS pixels).
        box = page.locator(".answer-option label").first.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    page.goto(page.url.rsplit("/fill/", 1)[0] + "/summary")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_enter_on_a_chosen_answer_goes_forward_not_back(page, people, db_session):
    browser_login(page, people["coach"])
    _start_together(page, people["sanne"])
    page.get_by_label("Goed", exact=True).check()
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url(re.compile(r"/fill/resident/2$"))
    # On screen 2 "Back" is enabled and is the first button anyone sees in the form.
    page.locator("input[name=answer]").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/fill/resident/3")
    assert_no_axe_violations(page)
    # The same from a wish box.
    page.get_by_label("Hier wil ik over praten").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/fill/resident/4")
    answers = _answers(db_session)
    assert answers[DEFAULT.domains[1].key].value == 3
    assert answers[DEFAULT.domains[2].key].wants_to_talk is True
