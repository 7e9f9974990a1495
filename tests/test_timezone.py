"""Local time (``WATTELT_TIMEZONE``, default Europe/Amsterdam): what is shown and where a day
begins, around midnight and when the clocks change. Wattelt stores moments in UTC."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from wattelt import clock
from wattelt.config import ConfigError, load_config
from wattelt.goals import history
from wattelt.models import AccessLog
from wattelt.privacy import access


def _at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "_utc_now", lambda: moment)


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_today_is_the_local_day_after_midnight_in_amsterdam(app, monkeypatch):
    _at(monkeypatch, datetime(2026, 12, 5, 23, 30, tzinfo=UTC))  # 00:30 on 6 December here
    with app.app_context():
        assert clock.today() == date(2026, 12, 6)
        assert clock.now().hour == 0
        app.config["TIMEZONE"] = "UTC"
        assert clock.today() == date(2026, 12, 5)


@pytest.mark.parametrize(
    ("day", "begins", "hours"),
    [
        (date(2026, 3, 29), datetime(2026, 3, 28, 23, tzinfo=UTC), 23),  # clocks go forward
        (date(2026, 10, 25), datetime(2026, 10, 24, 22, tzinfo=UTC), 25),  # clocks go back
        (date(2026, 7, 1), datetime(2026, 6, 30, 22, tzinfo=UTC), 24),
    ],
)
def test_a_local_day_begins_at_local_midnight_also_when_the_clocks_change(app, day, begins, hours):
    with app.app_context():
        assert clock.day_start(day) == begins
        assert clock.day_start(day + timedelta(days=1)) - begins == timedelta(hours=hours)


def test_the_hour_after_the_clocks_go_forward(app, monkeypatch):
    with app.app_context():
        before = clock.local(datetime(2026, 3, 29, 0, 59))  # stored without a zone: UTC
        after = clock.local(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert (before.hour, before.minute, after.hour) == (1, 59, 3)


def test_an_unknown_time_zone_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="WATTELT_TIMEZONE"):
        load_config(str(tmp_path), {"WATTELT_TIMEZONE": "Europe/Lindendaal"})


def test_plan_history_shows_local_time(plan_chain, app, db_session, client, login):
    sanne = plan_chain["sanne"]
    # 22:30 UTC on 1 July is 00:30 on 2 July in Amsterdam (summer time, UTC+2).
    history.record(
        db_session,
        sanne.id,
        "appointment",
        plan_chain["kees"],
        new="koffie",
        at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC),
    )
    db_session.commit()
    login(client, plan_chain["kees"])
    page = _text(client.get(f"/residents/{sanne.id}/plan/history"))
    assert "2 jul 2026 00:30" in page
    assert "22:30" not in page


def _log(db_session, resident_id: int, at: datetime, user_id: int) -> None:
    db_session.add(
        AccessLog(
            at=at,
            user_id=user_id,
            role="coach",
            resident_id=resident_id,
            action="view",
            what="resident",
            prev_hash=f"{at.timestamp():064.0f}"[-64:],
            row_hash="0" * 64,
        )
    )


def test_access_log_date_filter_cuts_at_local_midnight(plan_chain, app, db_session):
    sanne, kees = plan_chain["sanne"], plan_chain["kees"]
    _log(db_session, sanne.id, datetime(2026, 7, 1, 21, 30, tzinfo=UTC), kees.id)  # 23:30 on 1 July
    _log(db_session, sanne.id, datetime(2026, 7, 1, 22, 30, tzinfo=UTC), kees.id)  # 00:30 on 2 July
    db_session.commit()
    wanted = access.LogFilter(date_from=date(2026, 7, 2), date_to=date(2026, 7, 2))
    with app.test_request_context():
        rows = db_session.exec(access.review_query(plan_chain["admin"], wanted)).all()
    assert [row[0].at.replace(tzinfo=UTC).hour for row in rows] == [22]


def test_who_looked_counts_per_local_day(plan_chain, app, db_session):
    sanne, kees = plan_chain["sanne"], plan_chain["kees"]
    for hour, minute in ((21, 30), (22, 30), (23, 30)):  # 23:30 on 1 July, then twice on 2 July
        _log(db_session, sanne.id, datetime(2026, 7, 1, hour, minute, tzinfo=UTC), kees.id)
    db_session.commit()
    with app.app_context():
        looks = access.who_looked(db_session, sanne, own_user_id=-1)
    assert [(look.day, look.times) for look in looks] == [
        (date(2026, 7, 2), 2),
        (date(2026, 7, 1), 1),
    ]
