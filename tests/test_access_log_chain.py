"""The access log is a hash chain: ``flask --app app access-log verify`` says "OK" for the log
Wattelt wrote, and names the first row that was changed, removed or slipped in afterwards, even
by someone who went around Wattelt and its triggers."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from wattelt import access_chain
from wattelt.models import AccessLog, Organisation, User

from helpers.database import POSTGRESQL_URL


@pytest.fixture
def logged(client, login, make_user, make_resident, db_session) -> list[AccessLog]:
    """A coach looked at three residents, one request each: rows from several commits."""
    coach = make_user()
    residents = [make_resident(coach=coach) for _ in range(3)]
    login(client, coach)
    for resident in residents:
        assert client.get(f"/residents/{resident.id}").status_code == 200
    db_session.expire_all()
    rows = db_session.exec(select(AccessLog).order_by(col(AccessLog.id))).all()
    assert len(rows) >= 3
    return list(rows)


def _verify(runner):
    return runner.invoke(args=["access-log", "verify"])


def _unprotected(db_session: Session, statement: str, **params) -> None:
    """Run ``statement`` on the access log around its append-only triggers, as an insider
    with full rights on the database could."""
    connection = db_session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.execute(text(statement), params)
    else:
        connection.exec_driver_sql("DROP TRIGGER access_log_no_update")
        connection.exec_driver_sql("DROP TRIGGER access_log_no_delete")
        connection.execute(text(statement), params)
    db_session.commit()


def test_the_log_wattelt_writes_verifies(logged, runner):
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK, {len(logged)} rows.")
    assert logged[-1].row_hash in result.output


def test_each_row_follows_the_one_before(logged):
    assert logged[0].prev_hash == access_chain.GENESIS
    for before, after in zip(logged, logged[1:], strict=False):
        assert after.prev_hash == before.row_hash


def test_a_changed_row_is_reported(logged, runner, db_session):
    target = logged[1]
    _unprotected(db_session, "UPDATE access_log SET what = 'nothing' WHERE id = :id", id=target.id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at row {target.id}: its content does not match its hash" in result.output


def test_a_removed_row_is_reported_at_the_next(logged, runner, db_session):
    _unprotected(db_session, "DELETE FROM access_log WHERE id = :id", id=logged[1].id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at row {logged[2].id}: does not follow" in result.output


def test_a_back_dated_row_is_reported_even_with_a_fitting_hash(logged, runner, db_session):
    # The app's own database role may add rows. One added afterwards with an earlier time, and
    # with every hash computed as Wattelt would, still cannot fit the chain.
    head = logged[-1]
    forged = {
        "id": head.id + 1,
        "at": logged[0].at - timedelta(minutes=5),
        "user_id": None,
        "role": "coach",
        "organisation_id": None,
        "resident_id": head.resident_id,
        "action": "view",
        "what": "resident details",
        "path": "/",
        "address": "",
        "prev_hash": head.row_hash,
    }
    forged["row_hash"] = access_chain.row_hash(forged)
    db_session.add(AccessLog(**forged))
    db_session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at row {head.id + 1}: does not follow" in result.output


def test_the_log_keeps_the_organisation_at_the_time_of_access(
    logged, app, client, login, make_user, make_organisation, db_session
):
    coach = db_session.get(User, logged[0].user_id)
    before = db_session.get(Organisation, coach.organisation_id)
    assert {row.organisation_id for row in logged} == {before.id}
    coach.organisation_id = make_organisation(name="Nieuw team").id
    db_session.add(coach)
    db_session.commit()
    admin = app.test_client()
    login(admin, make_user(role="admin"))
    page = admin.get("/privacy/access-log").get_data(as_text=True)
    assert f"<td>{before.name}</td>" in page
    assert "Nieuw team" not in page


@pytest.mark.skipif(not POSTGRESQL_URL, reason="SQLite's single write lock serialises anyway")
def test_concurrent_commits_never_share_a_predecessor(app, db_session, make_user, runner):
    coach = make_user()
    row = {
        "user_id": coach.id,
        "role": "coach",
        "organisation_id": coach.organisation_id,
        "resident_id": None,
        "action": "view",
        "what": "concurrent",
        "path": "/",
        "address": "",
    }
    engine = app.extensions["wattelt.engine"]
    first = Session(engine)
    access_chain.append(first, [row])  # holds the lock until it commits
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with Session(engine) as second:
                access_chain.append(second, [row, row])
                second.commit()
        except BaseException as error:  # noqa: BLE001  (reported by the test below)
            errors.append(error)

    thread = threading.Thread(target=second_writer)
    thread.start()
    # Wait (without a time limit that could fail on a slow machine) until the second writer
    # queues behind the first one's advisory lock, so both read the head at the same moment.
    with engine.connect() as watcher:
        waiting = 0
        while not waiting and thread.is_alive():
            waiting = watcher.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).scalar()
            time.sleep(0.01)
    first.commit()
    first.close()
    thread.join()
    assert errors == []
    assert waiting == 1
    result = _verify(runner)
    assert result.exit_code == 0 and result.output.startswith("OK, 3 rows."), result.output


def _verify_expecting(runner, expected: str):
    return runner.invoke(args=["access-log", "verify", "--expect", expected])


def test_a_hash_written_down_earlier_is_found_at_its_row(logged, runner, client):
    written_down = _verify(runner)
    assert written_down.exit_code == 0
    last_hash = written_down.output.split("The last row's hash is ")[1].strip().rstrip(".")
    assert last_hash == logged[-1].row_hash
    # More rows are written afterwards; the one written down is still there, at its row.
    assert client.get(f"/residents/{logged[0].resident_id}").status_code == 200
    result = _verify_expecting(runner, last_hash.upper())
    assert result.exit_code == 0, result.output
    assert f"The expected hash is row {len(logged)}: the log up to it is unchanged" in (
        result.output
    )
    written_since = re.search(r"and (\d+) rows were written since", result.output)
    assert written_since is not None and int(written_since.group(1)) >= 1


def test_an_unknown_hash_is_reported(logged, runner):
    result = _verify_expecting(runner, "ab" * 32)
    assert result.exit_code == 1
    assert f"MISSING: no row has the expected hash {'ab' * 32}" in result.output


def test_a_cut_off_tail_still_verifies_but_misses_the_written_down_hash(logged, runner, db_session):
    last_hash = logged[-1].row_hash
    _unprotected(db_session, "DELETE FROM access_log WHERE id >= :id", id=logged[-2].id)
    plain = _verify(runner)
    assert plain.exit_code == 0  # a shorter chain still fits together
    assert plain.output.startswith(f"OK, {len(logged) - 2} rows.")
    result = _verify_expecting(runner, last_hash)
    assert result.exit_code == 1
    assert "MISSING: no row has the expected hash" in result.output


def test_a_chain_rewritten_with_fitting_hashes_misses_the_written_down_hash(
    logged, runner, db_session
):
    # An insider changes the first row and computes every hash after it anew.
    last_hash = logged[-1].row_hash
    table = AccessLog.__table__
    rows = [
        dict(r._mapping)
        for r in db_session.connection().execute(table.select().order_by(table.c.at, table.c.id))
    ]
    rows[0]["what"] = "nothing"
    previous = access_chain.GENESIS
    for row in rows:
        row["prev_hash"] = previous
        row["row_hash"] = previous = access_chain.row_hash(row)
    _unprotected(db_session, "DELETE FROM access_log")
    db_session.connection().execute(table.insert(), rows)
    db_session.commit()
    assert _verify(runner).exit_code == 0
    result = _verify_expecting(runner, last_hash)
    assert result.exit_code == 1
    assert "MISSING" in result.output


def test_an_expected_hash_that_is_no_hash_is_refused(logged, runner):
    result = _verify_expecting(runner, "not-a-hash")
    assert result.exit_code == 2
    assert "64 hexadecimal characters" in result.output
