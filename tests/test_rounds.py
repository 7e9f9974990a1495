"""What a round is, when the next one is due, and a new measurement beside the previous one."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from wattelt.models import Measurement
from wattelt.rounds.definition import (
    is_round,
    previous_round,
    round_label,
    round_number,
    rounds_of,
)
from wattelt.rounds.due import add_months, due_status, next_due, rounds_before

from helpers.rounds import add_round, everywhere


@pytest.fixture
def team(make_organisation, make_user, make_resident):
    wijkteam = make_organisation(name="Wijkteam")
    coach = make_user(role="coach", organisation=wijkteam)
    account = make_user(role="resident", username="sanne")
    sanne = make_resident(organisation=wijkteam, coach=coach, case_director=coach, account=account)
    return {"coach": coach, "resident": account, "sanne": sanne}


def test_rounds_are_completed_measurements_in_order_of_completion(app, team, db_session):
    sanne = team["sanne"]
    second = add_round(app, sanne, {"money": 3}, days_ago=10)
    first = add_round(app, sanne, {"money": 2}, days_ago=100)
    add_round(app, sanne, {"money": 1}, days_ago=50, status="stopped")
    add_round(app, sanne, {"money": 5}, status="draft")
    assert [m.id for m in rounds_of(db_session, sanne.id)] == [first.id, second.id]
    assert [round_label(n) for n in range(3)] == ["T0", "T1", "T2"]


def test_the_sql_round_number_is_the_same_order_even_for_the_same_moment(app, team, db_session):
    sanne = team["sanne"]
    later = add_round(app, sanne, {"money": 3}, days_ago=1)
    tied = [add_round(app, sanne, {"money": 2}, days_ago=30) for _ in range(2)]
    # Give the two the exact same completion time: the id decides.
    moment = db_session.get(Measurement, tied[0].id).completed_at
    for m in tied:
        row = db_session.get(Measurement, m.id)
        row.completed_at = moment
        db_session.add(row)
    db_session.commit()
    numbered = db_session.exec(
        select(Measurement.id, round_number()).where(
            Measurement.resident_id == sanne.id, is_round()
        )
    ).all()
    assert sorted(numbered, key=lambda r: r[1]) == [(tied[0].id, 0), (tied[1].id, 1), (later.id, 2)]
    assert [m.id for m in rounds_of(db_session, sanne.id)] == [tied[0].id, tied[1].id, later.id]


def test_previous_round(app, team, db_session):
    sanne = team["sanne"]
    t0 = add_round(app, sanne, {"money": 2}, days_ago=200)
    t1 = add_round(app, sanne, {"money": 3}, days_ago=100)
    draft = add_round(app, sanne, {}, status="draft")

    def previous(m):
        found = previous_round(db_session, db_session.get(Measurement, m.id))
        return found.id if found else None

    assert previous(t0) is None
    assert previous(t1) == t0.id
    assert previous(draft) == t1.id


# --- when the next round is due -----------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_short_month():
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 1), -13) == date(2024, 12, 1)


def test_due_status():
    today = date(2026, 6, 1)
    assert next_due(None, 6) is None
    assert due_status(None, today) == "never"
    assert next_due(date(2025, 11, 30), 6) == date(2026, 5, 30)
    assert due_status(date(2026, 5, 31), today) == "overdue"
    assert due_status(today, today) == "due"
    assert due_status(today + timedelta(days=30), today) == "due"
    assert due_status(today + timedelta(days=31), today) == "later"


@pytest.mark.parametrize("months", [1, 3, 6, 12])
@pytest.mark.parametrize("within", [None, 30])
def test_the_sql_cutoff_agrees_with_the_due_date_around_month_ends(months, within):
    for today in [date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 31), date(2028, 2, 29)]:
        cutoff = rounds_before(today, months, within)
        for offset in range(-40, 40):
            last = cutoff + timedelta(days=offset)
            status = due_status(next_due(last, months), today, 30)
            counted = status == "overdue" if within is None else status in ("overdue", "due")
            assert counted == (last < cutoff), (today, last, status)


# --- a new measurement beside the previous one --------------------------------------------------


def test_a_new_measurement_starts_from_a_clean_sheet(app, team, client, login, db_session):
    add_round(app, team["sanne"], everywhere(4), days_ago=180, grade=7)
    login(client, team["coach"])
    response = client.post(
        f"/residents/{team['sanne'].id}/measurements/new",
        data={"questionnaire": "wattelt", "present": "coach", "mode": "together"},
    )
    assert response.status_code == 302
    step = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'type="radio"' in step
    assert not re.search(r'<input[^>]*type="radio"[^>]*checked', step)


def test_the_summary_shows_last_time_beside_this_time(app, team, client, login):
    sanne = team["sanne"]
    first = add_round(app, sanne, {"money": 2, "housing": "dont_know"}, days_ago=180, grade=6)
    login(client, team["coach"])
    page = client.get(f"/measurements/{first.id}/summary").get_data(as_text=True)
    assert "vorige keer" not in page  # the first round has nothing before it

    draft = add_round(app, sanne, {"money": 4}, status="draft")
    page = client.get(f"/measurements/{draft.id}/summary").get_data(as_text=True)
    assert "Inwoner, vorige keer" in page
    row = re.search(r"Geld en papieren.*?</th>(.*?)</tr>", page, flags=re.S).group(1)
    this_time = re.findall(r"<td>(.*?)</td>", row, flags=re.S)[0]
    last_time = re.search(r'<td class="previous-round">(.*?)</td>', row, flags=re.S).group(1)
    # This time "Goed" (4) from the resident; last time "Niet goed" (2).
    assert this_time.endswith(" Goed") and last_time == "Niet goed"
    housing = re.search(r"Wonen.*?</th>(.*?)</tr>", page, flags=re.S).group(1)
    assert re.search(r'<td class="previous-round">Weet ik niet</td>', housing)


def test_the_resident_sees_last_time_too(app, team, client, login):
    sanne = team["sanne"]
    add_round(app, sanne, {"money": 5}, days_ago=90)
    done = add_round(app, sanne, {"money": 3}, days_ago=1)
    login(client, team["resident"])
    page = client.get(f"/measurements/{done.id}/summary").get_data(as_text=True)
    assert "vorige keer" in page and "Heel goed" in page
