"""When the access log is written: with the request's commit, not before, and exactly as if it
were written at once - kept through a failed savepoint, dropped by a rollback, and seen by
whoever reads the log in the same transaction."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from wattelt import db
from wattelt.models import AccessLog, Involvement, LoginFailure
from wattelt.policy import log_access, log_kept


@pytest.fixture
def coach_and_resident(make_user, make_resident):
    coach = make_user()
    return coach, make_resident(coach=coach)


def _logged(db_session, what: str) -> int:
    return db_session.exec(
        select(func.count()).select_from(AccessLog).where(AccessLog.what == what)
    ).one()


def test_the_row_is_written_with_the_commit(app, db_session, coach_and_resident):
    coach, resident = coach_and_resident
    with app.test_request_context("/somewhere"):
        session = db.session()
        log_access(coach, resident.id, "view", "with the commit")
        assert _logged(db_session, "with the commit") == 0
        session.commit()
    assert _logged(db_session, "with the commit") == 1


def test_a_failed_savepoint_keeps_the_row(app, db_session, coach_and_resident):
    # As when two people save the same answer at the same moment (measurements.save_answer).
    coach, resident = coach_and_resident
    with app.test_request_context("/somewhere"):
        session = db.session()
        log_access(coach, resident.id, "change", "through a savepoint")
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(Involvement(resident_id=resident.id, organisation_id=coach.organisation_id))
        session.commit()
    assert _logged(db_session, "through a savepoint") == 1


def test_a_rollback_drops_the_row(app, db_session, coach_and_resident):
    coach, resident = coach_and_resident
    with app.test_request_context("/somewhere"):
        session = db.session()
        log_access(coach, resident.id, "view", "rolled back")
        session.rollback()
        session.commit()
    assert _logged(db_session, "rolled back") == 0


def test_the_log_page_shows_its_own_visit(client, login, make_user, make_resident):
    coach = make_user()
    resident = make_resident(coach=coach, case_director=coach)
    login(client, coach)
    path = f"/residents/{resident.id}/access-log"
    page = client.get(path).get_data(as_text=True)
    assert f"<td><code>{path}</code></td>" in page, "the visit that reads the log is in it"


def test_a_failed_request_writes_only_what_it_kept(app, db_session, coach_and_resident):
    """The request's rule is "commit on success, roll back otherwise": a refused access is the
    one row a failing request leaves, written on its own after the rollback."""
    coach, resident = coach_and_resident
    with app.test_request_context("/somewhere"):
        session = db.session()
        log_access(coach, resident.id, "change", "work of the failed request")
        session.add(LoginFailure(kind="test", key_hash="work of the failed request"))
        session.flush()
        log_kept(coach, resident.id, "denied", "kept through the rollback")
        db.finish(session, ok=False)
    assert _logged(db_session, "kept through the rollback") == 1
    assert _logged(db_session, "work of the failed request") == 0
    failures = select(func.count()).select_from(LoginFailure).where(LoginFailure.kind == "test")
    assert db_session.exec(failures).one() == 0


def test_a_successful_request_writes_the_kept_row_once(app, db_session, coach_and_resident):
    coach, resident = coach_and_resident
    with app.test_request_context("/somewhere"):
        session = db.session()
        log_kept(coach, resident.id, "denied", "kept and committed")
        db.finish(session, ok=True)
        db.finish(session, ok=True)
    assert _logged(db_session, "kept and committed") == 1


def test_a_wrong_password_counts_although_the_answer_is_an_error(client, db_session, make_user):
    user = make_user()
    answer = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert answer.status_code >= 400
    failures = select(func.count()).select_from(LoginFailure).where(LoginFailure.kind == "account")
    assert db_session.exec(failures).one() == 1
