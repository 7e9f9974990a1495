"""The plan in a real Chromium: from a measurement to goals to the printed plan, two
professionals of different organisations in one plan, the resident and their carer ticking off
their steps, axe on every plan page, and pages that fit a phone."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from wattelt.models import Goal, PlanChange, Step

from helpers.browser import assert_no_axe_violations, browser_login
from helpers.goals import completed_measurement, write_goal, write_step

pytestmark = pytest.mark.browser


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_from_the_measurement_to_goals_to_the_printed_plan(page, plan_chain, app, db_session):
    t0 = completed_measurement(
        app,
        plan_chain["sanne"],
        days_ago=1,
        values={"money": 1, "friends": 2},
        wants=("money", "friends"),
        notes={"money": "De post stapelt op."},
    )
    browser_login(page, plan_chain["kees"])
    page.goto(f"/measurements/{t0.id}/summary")
    page.get_by_role("link", name="Doelen maken van deze meting").click()
    page.wait_for_url(re.compile(rf"/measurements/{t0.id}/goals$"))
    assert "De post stapelt op." in page.locator("main").inner_text()
    assert page.get_by_role("checkbox", name=re.compile("Geld en papieren")).is_checked()
    assert_no_axe_violations(page)

    page.get_by_label("Wat wil je? Schrijf het op in je eigen woorden.").fill(
        "Ik wil elke week mijn post openmaken."
    )
    page.get_by_label("Hoe weet je dat het gelukt is?").fill("Ik heb geen stapel post meer.")
    page.get_by_role("button", name="Doel opslaan").click()
    page.wait_for_load_state()
    assert "Het doel is opgeslagen." in page.locator(".messages").inner_text()
    # The next wish without a goal is ticked for the next goal.
    assert page.get_by_role("checkbox", name=re.compile("Vrienden en contacten")).is_checked()
    assert not page.get_by_role("checkbox", name=re.compile("Geld en papieren")).is_checked()
    page.get_by_label("Wat wil je? Schrijf het op in je eigen woorden.").fill(
        "Ik wil vaker iemand zien."
    )
    page.get_by_label("Hoe weet je dat het gelukt is?").fill("Ik spreek elke week iemand.")
    page.get_by_role("button", name="Doel opslaan").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Klaar: naar het plan").click()
    page.wait_for_url(re.compile(r"/plan$"))
    assert page.locator("article.goal").count() == 2
    assert_no_axe_violations(page)

    page.get_by_role("link", name=re.compile("^Stap toevoegen.*Ik wil vaker")).click()
    page.get_by_label("Wat wordt er gedaan?").fill("Samen naar de koffieochtend")
    page.get_by_label("Wie doet het?").select_option(label="Jan (Mantelzorger)")
    page.get_by_label("Wanneer? (hoeft niet)").fill((date.today() + timedelta(days=7)).isoformat())
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Stap toevoegen").click()
    page.wait_for_url(re.compile(r"/plan#step-\d+$"))
    assert "Samen naar de koffieochtend" in page.locator("article.goal").nth(1).inner_text()

    page.get_by_role("link", name="Afspraak veranderen").click()
    page.get_by_label("Datum").fill("2026-12-03")
    page.get_by_label("Tijd (hoeft niet)").fill("10:00")
    page.get_by_label("Waar, en met wie? (hoeft niet)").fill("Op het kantoor van het wijkteam")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/plan#appointment$"))

    page.get_by_role("link", name="“Mijn plan” op papier").click()
    page.wait_for_url(re.compile(r"/plan/print$"))
    assert page.get_by_role("button", name="Afdrukken").is_visible()
    assert_no_axe_violations(page)
    page.emulate_media(media="print")
    sheet = page.locator(".plan-sheet").inner_text()
    for text in (
        "Mijn plan",
        "Ik wil elke week mijn post openmaken.",
        "Samen naar de koffieochtend",
        "Jan",
        "donderdag 3 december 2026, 10:00",
        "Kees Smit",
    ):
        assert text in sheet, text
    # On paper only the sheet: no menu, no buttons, no footer.
    for hidden in (".site-header", ".print-tools", ".site-footer"):
        assert not page.locator(hidden).is_visible(), hidden
    assert_no_axe_violations(page)
    assert _pdf_pages(page.pdf(format="A4")) == 1


GOALS = [
    ("money", "Ik wil mijn rekeningen op tijd betalen, ook als het een drukke maand is."),
    ("housing", "Ik wil een huis dat groot genoeg is voor mij en mijn kinderen."),
    ("friends", "Ik wil vaker iemand zien, en niet alleen thuis zitten."),
    ("daytime", "Ik wil vrijwilligerswerk doen bij de dierenopvang in de buurt."),
    ("mental_health", "Ik wil beter slapen en minder piekeren over geld."),
    ("household", "Ik wil dat mijn huis elke week opgeruimd is."),
]


@pytest.mark.parametrize(
    ("goals", "steps", "density"),
    [(3, 2, "roomy"), (3, 3, "compact"), (4, 3, "dense"), (5, 4, "dense"), (6, 4, "tight")],
)
def test_a_plan_of_any_usual_size_prints_on_one_page(page, plan_chain, app, goals, steps, density):
    sanne, kees = plan_chain["sanne"], plan_chain["kees"]
    for key, text in GOALS[:goals]:
        goal = write_goal(app, sanne, kees, text, (key,))
        for number in range(steps):
            write_step(
                app,
                sanne,
                goal,
                kees,
                f"network-{plan_chain['jan'].id}",
                f"Stap {number + 1} voor dit doel, met wat uitleg erbij",
                date.today(),
            )
    browser_login(page, kees)
    page.goto(f"/residents/{sanne.id}/plan/print")
    assert page.locator(f".plan-sheet.sheet-{density}").count() == 1, density
    page.emulate_media(media="print")
    assert _pdf_pages(page.pdf(format="A4")) == 1


def test_two_professionals_of_different_organisations_in_one_plan(
    page, browser, live_server, plan_chain, app, db_session
):
    goal = write_goal(app, plan_chain["sanne"], plan_chain["kees"], "Ik wil mijn post openen.")
    url = f"/residents/{plan_chain['sanne'].id}/plan/goals/{goal.id}"
    mila = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    browser_login(mila, plan_chain["mila"])
    browser_login(page, plan_chain["kees"])
    mila.goto(url)
    page.goto(url)

    mila.get_by_label("Wat wil je? Schrijf het op in je eigen woorden.").fill(
        "Ik wil samen met Jan mijn post openen."
    )
    mila.get_by_role("button", name="Opslaan").click()
    mila.wait_for_url(re.compile(r"/plan#goal-\d+$"))

    typed = "Ik wil elke vrijdag mijn post openen."
    page.get_by_label("Wat wil je? Schrijf het op in je eigen woorden.").fill(typed)
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    warning = page.locator(".conflict").inner_text()
    assert "Mila Jansen heeft dit doel veranderd" in warning
    assert "Ik wil samen met Jan mijn post openen." in warning
    # Nothing lost: what Kees typed is still in the form.
    assert (
        page.get_by_label("Wat wil je? Schrijf het op in je eigen woorden.").input_value() == typed
    )
    assert_no_axe_violations(page)
    db_session.expire_all()
    assert db_session.get(Goal, goal.id).text == "Ik wil samen met Jan mijn post openen."

    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/plan#goal-\d+$"))
    mila.goto(f"/residents/{plan_chain['sanne'].id}/plan")
    assert typed in mila.locator(f"#goal-{goal.id}").inner_text()
    mila.get_by_role("link", name="Alle wijzigingen").click()
    history = mila.locator("table").inner_text()
    assert "Mila Jansen" in history and "MEE" in history and "Wijkteam Oost" in history
    assert_no_axe_violations(mila)
    changes = db_session.exec(select(PlanChange.new).where(PlanChange.kind == "goal_text")).all()
    assert changes == ["Ik wil samen met Jan mijn post openen.", typed]
    mila.context.close()


def test_the_resident_and_their_carer_tick_off_their_own_steps(
    page, browser, live_server, plan_chain, app, db_session
):
    goal = write_goal(
        app, plan_chain["sanne"], plan_chain["kees"], "Ik wil vaker iemand zien.", ("friends",)
    )
    own = write_step(
        app, plan_chain["sanne"], goal, plan_chain["kees"], "resident", "Een vriendin bellen"
    )
    jans = write_step(
        app,
        plan_chain["sanne"],
        goal,
        plan_chain["kees"],
        f"network-{plan_chain['jan'].id}",
        "Meegaan naar de zangclub",
    )
    browser_login(page, plan_chain["sanne_account"])
    page.get_by_role("link", name="Bekijk je plan").click()
    page.wait_for_url(re.compile(r"/my-plan$"))
    assert page.locator("[data-read-aloud]").count() == 1
    assert "Wie: Jan" in page.locator(f"#step-{jans.id}").inner_text()
    assert page.locator(f"#step-{jans.id} button").count() == 0  # not hers to tick off
    assert_no_axe_violations(page)
    page.locator(f"#step-{own.id}").get_by_role(
        "button", name=re.compile("^Dit heb ik gedaan")
    ).click()
    page.wait_for_url(re.compile(rf"/my-plan#step-{own.id}$"))
    assert "Afgevinkt. Goed gedaan!" in page.locator(".messages").inner_text()
    assert_no_axe_violations(page)

    carer = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    browser_login(carer, plan_chain["jan_account"])
    carer.get_by_role("link", name="Plan bekijken").click()
    assert "Wie: Jij" in carer.locator(f"#step-{jans.id}").inner_text()
    carer.locator(f"#step-{jans.id}").get_by_role(
        "button", name=re.compile("^Dit heb ik gedaan")
    ).click()
    carer.wait_for_load_state()
    assert_no_axe_violations(carer)
    db_session.expire_all()
    assert db_session.get(Step, own.id).done_by_id == plan_chain["sanne_account"].id
    assert db_session.get(Step, jans.id).done_by_id == plan_chain["jan_account"].id
    carer.context.close()


def _scored_world(app, plan_chain):
    sanne, kees = plan_chain["sanne"], plan_chain["kees"]
    t0 = completed_measurement(app, sanne, days_ago=100, values={"money": 1}, wants=("money",))
    goal = write_goal(app, sanne, kees, "Ik wil mijn post openen.", measurement=t0, days_ago=99)
    write_step(app, sanne, goal, kees, "resident", "Post openen")
    write_step(app, sanne, goal, kees, f"network-{plan_chain['jan'].id}", "Samen sorteren")
    write_goal(
        app, sanne, plan_chain["mila"], "Ik wil vrijwilligerswerk doen.", ("daytime",), days_ago=99
    )
    t1 = completed_measurement(app, sanne, days_ago=1, values={"money": 3})
    return t0, t1, goal


def test_every_plan_page_has_no_axe_violations(page, browser, live_server, plan_chain, app):
    t0, t1, goal = _scored_world(app, plan_chain)
    sanne = plan_chain["sanne"].id
    browser_login(page, plan_chain["kees"])
    page.goto(f"/measurements/{t1.id}/goal-scores")
    assert_no_axe_violations(page)
    # Score with an error first (no score for one goal): the error state is accessible too.
    page.locator(f"label[for=score_{goal.id}-4]").click()
    page.get_by_role("button", name="Scores opslaan").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert_no_axe_violations(page)
    for label in page.locator("fieldset.score-field").all():
        label.locator("label").nth(3).click()
    page.get_by_role("button", name="Scores opslaan").click()
    page.wait_for_url(re.compile(r"/plan#attainment$"))
    assert "T-score" in page.locator("#attainment").inner_text()
    step_link = page.get_by_role("link", name=re.compile("^Wijzigen.*Post openen")).get_attribute(
        "href"
    )
    for path in [
        f"/residents/{sanne}/plan",
        f"/residents/{sanne}/plan/history",
        f"/residents/{sanne}/plan/print",
        f"/residents/{sanne}/plan/appointment",
        f"/residents/{sanne}/plan/goals/new",
        f"/residents/{sanne}/plan/goals/{goal.id}",
        f"/residents/{sanne}/plan/goals/{goal.id}/steps/new",
        step_link,
        f"/measurements/{t0.id}/goals",
        f"/residents/{sanne}",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page)
    # A form with errors.
    page.goto(f"/residents/{sanne}/plan/goals/new")
    page.get_by_role("button", name="Doel opslaan").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert_no_axe_violations(page)
    # The print view as it goes to paper.
    page.goto(f"/residents/{sanne}/plan/print")
    page.emulate_media(media="print")
    assert_no_axe_violations(page)

    for who, paths in (
        ("manager", [f"/residents/{sanne}/plan"]),
        ("sanne_account", ["/my-plan", "/my-plan/print"]),
        ("jan_account", ["/my-plan", "/my-plan/print"]),
    ):
        reader = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
        browser_login(reader, plan_chain[who])
        for path in paths:
            assert reader.goto(path).status == 200, (who, path)
            assert reader.locator("h1").count() == 1, path
            assert_no_axe_violations(reader)
        reader.context.close()


@pytest.mark.parametrize(
    "viewport",
    [{"width": 360, "height": 740}, {"width": 640, "height": 450}],
    ids=["phone", "zoom-200"],
)
def test_plan_pages_fit_a_phone_and_200_percent_zoom(
    page, browser, live_server, plan_chain, app, viewport
):
    _t0, t1, goal = _scored_world(app, plan_chain)
    sanne = plan_chain["sanne"].id
    page.set_viewport_size(viewport)
    browser_login(page, plan_chain["kees"])
    paths = [
        f"/residents/{sanne}/plan",
        f"/measurements/{t1.id}/goal-scores",
        f"/residents/{sanne}/plan/goals/{goal.id}",
        f"/residents/{sanne}/plan/print",
    ]
    resident = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport=viewport
    ).new_page()
    browser_login(resident, plan_chain["sanne_account"])
    for reader, path in [(page, p) for p in paths] + [(resident, "/my-plan")]:
        reader.goto(path)
        overflow = reader.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
    # The resident's own button is a big touch target.
    box = resident.get_by_role("button", name=re.compile("^Dit heb ik gedaan")).first.bounding_box()
    assert box["height"] >= 44
    resident.context.close()
