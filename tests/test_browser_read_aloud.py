"""Read aloud reads everything a resident must act on, in reading order: checked in a real
Chromium with a stand-in for the browser's speech that writes down what it is asked to say."""

from __future__ import annotations

import re

import pytest

from wattelt.measurements import services
from wattelt.questionnaires.loader import shipped

from helpers.browser import assert_no_axe_violations, browser_login

pytestmark = pytest.mark.browser

DEFAULT = shipped().default()

# Installed before any page script runs (an init script is not subject to the page's CSP).
SPEECH_STAND_IN = """
(() => {
  const voices = window.__voices || [
    {name: "Test NL", lang: "nl-NL", localService: true, default: true, voiceURI: "test-nl"},
    {name: "Test EN", lang: "en-GB", localService: true, default: false, voiceURI: "test-en"},
  ];
  window.__spoken = [];
  const synth = {
    speaking: false,
    pending: false,
    getVoices: () => voices,
    speak(utterance) {
      window.__spoken.push({text: utterance.text, lang: utterance.lang});
      setTimeout(() => utterance.onend && utterance.onend({}), 0);
    },
    cancel() {},
    addEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""
ONLY_ENGLISH = (
    'window.__voices = [{name: "Test EN", lang: "en-US", localService: true, voiceURI: "en"}];'
)


@pytest.fixture
def sanne(make_chain, make_organisation, make_user, make_resident, db_session):
    wijkteam = make_organisation(name="Wijkteam Oost", chain=make_chain(name="Samen Sterk"))
    coach = make_user(role="coach", organisation=wijkteam)
    account = make_user(role="resident", username="sanne", display_name="Sanne")
    resident = make_resident(
        organisation=wijkteam, coach=coach, case_director=coach, account=account
    )
    measurement = services.start(
        db_session, resident, coach, DEFAULT.key, [], "alone", "own_device"
    )
    db_session.commit()
    return {"account": account, "measurement": measurement.id}


def _spoken(page) -> str:
    return " ".join(part["text"] for part in page.evaluate("window.__spoken"))


def _read_aloud(page) -> str:
    page.evaluate("window.__spoken = []")
    page.get_by_role("button", name=re.compile("^Voorlezen")).click()
    return _spoken(page)


def _in_order(text: str, *parts: str) -> None:
    positions = [text.find(part) for part in parts]
    assert -1 not in positions, [p for p, at in zip(parts, positions, strict=True) if at == -1]
    assert positions == sorted(positions), text


def test_a_question_screen_is_read_with_the_wishes_the_note_and_the_choice(page, sanne):
    page.add_init_script(SPEECH_STAND_IN)
    browser_login(page, sanne["account"])
    page.goto(f"/measurements/{sanne['measurement']}/fill/resident/1")
    assert_no_axe_violations(page)
    page.get_by_label("Niet goed").check()
    page.get_by_label("Hier wil ik over praten").check()
    text = _read_aloud(page)
    _in_order(
        text,
        DEFAULT.domains[0].question.get("nl"),
        "Heel slecht",
        "Heel goed",
        "Je koos: Niet goed.",
        "Wil je hier iets mee doen?",
        "Hier wil ik aan werken",
        "Je koos: Hier wil ik over praten.",
        "In je eigen woorden",
        "Wat gaat goed?",
    )
    assert "Je koos: Hier wil ik aan werken" not in text
    assert page.evaluate("window.__spoken[0].lang") == "nl-NL"
    # A Dutch voice is there: the button says nothing more than "Voorlezen".
    assert page.locator(".read-aloud").inner_text().strip() == "Voorlezen"


def test_the_consent_questions_and_their_yes_and_no_are_read(page, consent_chain):
    page.add_init_script(SPEECH_STAND_IN)
    browser_login(page, consent_chain["sanne_account"])
    page.goto("/mijn/toestemming")
    page.get_by_role("group", name="Mag MEE").get_by_label("Nee").check()
    text = _read_aloud(page)
    mee = page.get_by_role("group", name="Mag MEE").locator("legend").inner_text().strip()
    assert text.startswith("Jij beslist")
    _in_order(text[text.index(mee) :], mee, "Ja.", "Nee.", "Je koos: Nee.")
    assert text.count("Ja.") >= 2 and text.count("Nee.") >= 2  # every question's own choices
    assert_no_axe_violations(page)


def test_the_summary_is_read_per_row_as_sentences(page, sanne):
    page.add_init_script(SPEECH_STAND_IN)
    browser_login(page, sanne["account"])
    page.goto(f"/measurements/{sanne['measurement']}/fill/resident/1")
    page.get_by_label("Niet goed").check()
    page.locator(".save-status[data-state=saved]").wait_for()
    page.get_by_role("button", name="Opslaan en alle antwoorden zien").click()
    page.wait_for_url(re.compile(r"/summary"))
    text = _read_aloud(page)
    assert "Wijzigen" not in text
    first = DEFAULT.domains[0].title.get("nl")
    assert re.search(re.escape(first) + r"\. Inwoner: Niet goed\.", text), text
    second = DEFAULT.domains[1].title.get("nl")
    assert re.search(re.escape(second) + r"\. Inwoner: niet beantwoord\.", text), text


def test_without_a_dutch_voice_the_button_says_so(page, sanne):
    page.add_init_script(ONLY_ENGLISH)
    page.add_init_script(SPEECH_STAND_IN)
    browser_login(page, sanne["account"])
    page.goto(f"/measurements/{sanne['measurement']}/fill/resident/1")
    button = page.locator(".read-aloud")
    assert "geen Nederlandse stem" in button.inner_text()
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    "viewport",
    [{"width": 360, "height": 740}, {"width": 820, "height": 1180}],
    ids=["phone", "tablet"],
)
def test_the_read_aloud_button_is_on_the_first_screen_next_to_the_question(page, sanne, viewport):
    page.add_init_script(SPEECH_STAND_IN)
    page.set_viewport_size(viewport)
    browser_login(page, sanne["account"])
    page.goto(f"/measurements/{sanne['measurement']}/fill/resident/1")
    button = page.locator(".read-aloud").bounding_box()
    question = page.locator("h1.question").bounding_box()
    assert button["y"] + button["height"] <= viewport["height"]
    assert button["y"] < question["y"]  # read before the question, not after the answers
