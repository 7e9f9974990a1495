"""The caseload: residents with their latest round, next due date and change since the baseline,
counted in SQL and checked here against the same data classified in Python."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from wattelt.models import AccessLog, Organisation
from wattelt.questionnaires.loader import shipped
from wattelt.rounds import caseload
from wattelt.scoring.stats import classify_change
from wattelt.scoring.total import change_reference, paired_totals, reliable_change

from helpers.rounds import CORE, add_round, everywhere

MONTH = 30.5


@pytest.fixture
def team(make_organisation, make_user):
    wijkteam = make_organisation(name="Wijkteam")
    return {
        "wijkteam": wijkteam,
        "coach": make_user(role="coach", organisation=wijkteam, display_name="Kees"),
        "colleague": make_user(role="coach", organisation=wijkteam, display_name="Fatima"),
        "manager": make_user(role="manager", organisation=wijkteam, display_name="Mirjam"),
        "elsewhere": make_user(role="coach", display_name="Gijs"),
    }


@pytest.fixture
def residents(app, team, make_resident):
    """Kees's residents in every state, and one of his colleague's."""
    coach = team["coach"]

    def resident(coach_=coach):
        return make_resident(organisation=team["wijkteam"], coach=coach_, case_director=coach_)

    people = {name: resident() for name in ("changed", "single", "never", "overdue", "due")}
    people["colleagues"] = resident(team["colleague"])
    add_round(app, people["changed"], everywhere(2), days_ago=200)
    add_round(app, people["changed"], everywhere(2, money=4, housing=1), days_ago=20)
    add_round(app, people["single"], everywhere(3), days_ago=60)
    add_round(app, people["overdue"], everywhere(3), days_ago=16 * MONTH)
    add_round(app, people["overdue"], everywhere(3, friends=4), days_ago=8 * MONTH)
    add_round(app, people["due"], everywhere(3), days_ago=5.6 * MONTH)
    add_round(app, people["colleagues"], everywhere(4), days_ago=30)
    return people


def _load(db_session, user, **filters):
    db_session.expire_all()
    return caseload.load(db_session, user, caseload.Filters(**filters), shipped())


def _by_code(result) -> dict:
    return {row.code: row for row in result.rows}


def test_the_coach_sees_their_own_residents_with_rounds_due_dates_and_change(
    team, residents, db_session
):
    rows = _by_code(_load(db_session, team["coach"], mine=True))
    assert set(rows) == {r.code for name, r in residents.items() if name != "colleagues"}
    changed = rows[residents["changed"].code]
    assert (changed.rounds, changed.improved, changed.same, changed.declined) == (2, 1, 12, 1)
    assert changed.due == "later"
    single = rows[residents["single"].code]
    assert (single.rounds, single.improved, single.total_reason) == (1, None, "one_round")
    never = rows[residents["never"].code]
    assert (never.rounds, never.last_round, never.next_due, never.due) == (0, None, None, "never")
    assert rows[residents["overdue"].code].due == "overdue"
    assert rows[residents["overdue"].code].improved == 1
    assert rows[residents["due"].code].due == "due"


def test_filters(team, residents, db_session):
    coach = team["coach"]
    everyone = _by_code(_load(db_session, coach))
    assert residents["colleagues"].code in everyone and len(everyone) == 6

    def codes(**filters):
        return {row.code for row in _load(db_session, coach, mine=True, **filters).rows}

    assert codes(due="overdue") == {residents["overdue"].code}
    assert codes(due="due") == {residents[n].code for n in ("never", "overdue", "due")}
    assert codes(change="declined") == {residents["changed"].code}
    assert codes(change="improved") == {residents[n].code for n in ("changed", "overdue")}
    assert codes(code=residents["single"].code[-4:].lower()) == {residents["single"].code}


def test_sorting(team, residents, db_session):
    def order(sort, descending=False):
        return [
            row.code
            for row in _load(
                db_session, team["coach"], mine=True, sort=sort, descending=descending
            ).rows
        ]

    by_due = order("due")
    # Never measured is due now, then the oldest latest round first.
    assert by_due[:3] == [residents[n].code for n in ("never", "overdue", "due")]
    assert order("code") == sorted(by_due)
    assert order("code", descending=True) == sorted(by_due, reverse=True)
    assert order("declined", descending=True)[0] == residents["changed"].code


def test_the_interval_is_the_organisations(team, residents, db_session):
    organisation = db_session.get(Organisation, team["wijkteam"].id)
    organisation.follow_up_months = 12
    db_session.add(organisation)
    db_session.commit()
    rows = _by_code(_load(db_session, team["coach"], mine=True))
    # With a year between rounds, 8 and 5.6 months ago are not due yet.
    assert rows[residents["overdue"].code].due == "later"
    assert rows[residents["due"].code].due == "later"


def test_the_manager_sees_the_organisation_and_can_narrow_to_one_coach(
    team, residents, db_session, client, login
):
    manager = team["manager"]
    assert len(_load(db_session, manager).rows) == 6
    colleague = _load(db_session, manager, coach_id=team["colleague"].id).rows
    assert [row.code for row in colleague] == [residents["colleagues"].code]
    assert colleague[0].coach == "Fatima"
    login(client, manager)
    page = client.get(f"/caseload?coach={team['colleague'].id}").get_data(as_text=True)
    assert "Caseload van Wijkteam" in page and "1 inwoner" in page
    assert re.search(r'<option selected value="\d+">Fatima</option>', page)
    assert "meet elke 6 maanden opnieuw" in page


def test_the_page_sorts_and_filters_with_plain_links_and_forms(
    team, residents, client, login, db_session
):
    login(client, team["coach"])
    page = client.get("/caseload").get_data(as_text=True)
    assert "5 inwoners" in page  # "mine" by default
    assert 'aria-sort="ascending"' in page
    active = re.search(r'<th scope="col"[^>]*aria-sort="ascending">\s*<a href="([^"]+)"', page)
    assert "sort=due" in active.group(1) and "dir=desc" in active.group(1)
    page = client.get("/caseload?sort=code&dir=desc&who=all").get_data(as_text=True)
    assert "6 inwoners" in page
    assert re.search(r'aria-sort="descending">\s*<a href="[^"]*sort=code', page)
    codes = re.findall(r'<th scope="row"><a href="/residents/\d+">(R-\w+)</a>', page)
    assert codes == sorted(codes, reverse=True)
    overdue = client.get("/caseload?due=overdue").get_data(as_text=True)
    assert "1 inwoner" in overdue and "te laat" in overdue
    # Every listed resident is in the access log.
    db_session.expire_all()
    logged = db_session.exec(
        select(AccessLog.resident_id).where(AccessLog.what == "caseload")
    ).all()
    assert residents["overdue"].code in overdue and residents["overdue"].id in logged


def test_a_filter_value_that_is_not_an_option_is_explained_and_ignored(
    team, residents, client, login
):
    login(client, team["coach"])
    response = client.get("/caseload?due=tomorrow&sort=nonsense&page=-4")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "error-summary" in page and "5 inwoners" in page


@pytest.mark.parametrize("role", ["resident", "network", "policymaker", "admin"])
def test_only_coaches_and_managers_have_a_caseload(make_user, client, login, role):
    login(client, make_user(role=role))
    assert client.get("/caseload").status_code == 403


def test_logged_out_users_are_sent_to_log_in(client):
    response = client.get("/caseload")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_coach_home_counts_who_is_due(team, residents, client, login):
    login(client, team["coach"])
    page = client.get("/").get_data(as_text=True)
    due = re.search(
        r'href="/caseload\?due=due">\s*<span class="stat"><span class="stat-number">(\d+)', page
    )
    overdue = re.search(
        r'href="/caseload\?due=overdue">\s*<span class="stat"><span class="stat-number">(\d+)', page
    )
    assert (due.group(1), overdue.group(1)) == ("3", "1")


def test_corrupt_answers_are_not_counted(team, app, make_resident, db_session):
    resident = make_resident(
        organisation=team["wijkteam"], coach=team["coach"], case_director=team["coach"]
    )
    add_round(app, resident, {**everywhere(2), "astrology": 1}, days_ago=100)
    # money 9 is outside the scale; astrology is no domain; housing is "don't know".
    add_round(
        app,
        resident,
        {**everywhere(3, money=9, housing="dont_know"), "astrology": 5},
        days_ago=10,
    )
    row = _by_code(_load(db_session, team["coach"], mine=True))[resident.code]
    assert (row.improved, row.same, row.declined) == (12, 0, 0)
    # A latest round whose questionnaire file is gone compares nothing, and breaks nothing.
    add_round(app, resident, everywhere(5), days_ago=1, version=99)
    row = _by_code(_load(db_session, team["coach"], mine=True))[resident.code]
    assert (row.rounds, row.improved) == (3, None)


# --- reliable change of the total ---------------------------------------------------------------


def _level(number: int, domain: int) -> int:
    """A resident's baseline: their own level 1-5 with a little variation between domains."""
    return max(1, min(5, 1 + number % 5 + (domain + number) % 3 - 1))


def test_reliable_change_matches_the_formula_on_the_same_data(team, app, make_resident, db_session):
    rows, pairs = [], {}
    shifts = [2, -2, 0, 1, 0, 0, 2, -1, 0, 0, 1, 0]
    for number, shift in enumerate(shifts):
        resident = make_resident(
            organisation=team["wijkteam"], coach=team["coach"], case_director=team["coach"]
        )
        baseline = {key: _level(number, d) for d, key in enumerate(CORE)}
        if number == 3:
            baseline["money"] = "dont_know"  # counts for SD1, not for alpha
        later = {
            key: max(1, min(5, value + shift)) if isinstance(value, int) else 3
            for key, value in baseline.items()
        }
        add_round(app, resident, baseline, days_ago=300)
        add_round(app, resident, later, days_ago=30)
        rows.append([v if isinstance(v, int) else None for v in baseline.values()])
        pairs[resident.code] = (
            {k: v if isinstance(v, int) else None for k, v in baseline.items()},
            later,
        )
    expected_reference = change_reference(rows)
    result = _load(db_session, team["coach"], mine=True)
    reference = result.references["wattelt"]
    assert reference.usable
    assert reference.n == 12 and reference.n_complete == 11
    assert reference.alpha == pytest.approx(expected_reference.alpha, abs=1e-9)
    assert reference.sd1 == pytest.approx(expected_reference.sd1, abs=1e-9)
    verdicts = set()
    for row in result.rows:
        before, after = pairs[row.code]
        x1, x2 = paired_totals(before, after, CORE)
        assert row.total_change == reliable_change(x1, x2, expected_reference), row.code
        verdicts.add(row.total_change)
        domain_changes = [classify_change(before[k], after[k], 1) for k in CORE]
        assert row.improved == domain_changes.count("improved")
        assert row.declined == domain_changes.count("declined")
    assert verdicts == {"improved", "same", "declined"}


def test_without_enough_baselines_reliable_change_is_not_guessed(
    team, residents, client, login, db_session
):
    row = _by_code(_load(db_session, team["coach"], mine=True))[residents["changed"].code]
    assert (row.total_change, row.total_reason) == (None, "no_reference")
    login(client, team["coach"])
    page = client.get("/caseload").get_data(as_text=True)
    assert "nog niet te zeggen" in page
    assert "minder dan 10 inwoners van je organisatie" in page


def test_due_dates_follow_the_latest_round(team, residents, db_session):
    row = _by_code(_load(db_session, team["coach"], mine=True))[residents["single"].code]
    assert row.next_due is not None and row.next_due > date.today()


def test_open_goals_are_counted_per_resident_and_link_to_the_plan(
    app, team, residents, db_session, client, login
):
    from wattelt import db as wattelt_db
    from wattelt.goals import services as goal_services
    from wattelt.models import Resident, User

    with app.app_context(), wattelt_db.standalone_session() as session:
        changed = session.get(Resident, residents["changed"].id)
        coach = session.get(User, team["coach"].id)
        for text in ("Post openen.", "Huur op tijd.", "Vaker wandelen."):
            goal = goal_services.create_goal(
                session, changed, coach, text=text, reached_when="Gelukt.", domains=["money"]
            )
        goal.status = "reached"  # a reached goal is not open
        session.add(goal)
    rows = _by_code(_load(db_session, team["coach"], mine=True))
    assert rows[residents["changed"].code].open_goals == 2
    assert rows[residents["single"].code].open_goals == 0
    ordered = _load(db_session, team["coach"], mine=True, sort="goals", descending=True).rows
    assert ordered[0].code == residents["changed"].code
    login(client, team["coach"])
    page = client.get("/caseload").get_data(as_text=True)
    assert f'href="/residents/{residents["changed"].id}/plan"' in page
