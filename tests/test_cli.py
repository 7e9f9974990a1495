"""The command-line tools: first admin, demo data."""

from __future__ import annotations

from sqlmodel import func, select

from wattelt.demo import DEMO_PASSWORD
from wattelt.models import (
    Answer,
    Chain,
    Involvement,
    Measurement,
    NetworkMember,
    Resident,
    Role,
    User,
)


def test_create_first_admin_with_password(runner, client, db_session):
    result = runner.invoke(
        args=["create-user", "--email", "Eerste@Gemeente.example", "--name", "Eerste Beheerder"],
        input="een lang wachtwoord\neen lang wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = db_session.exec(select(User)).one()
    assert (user.email, user.role) == ("eerste@gemeente.example", "admin")
    login = client.post(
        "/login", data={"email": "eerste@gemeente.example", "password": "een lang wachtwoord"}
    )
    assert login.status_code == 302


def test_create_user_refuses_weak_password_and_duplicates(runner, db_session, make_user):
    make_user(role="admin", email="taken@gemeente.example")
    weak = runner.invoke(
        args=["create-user", "--email", "new@gemeente.example", "--name", "N"], input="kort\nkort\n"
    )
    assert weak.exit_code != 0
    duplicate = runner.invoke(
        args=["create-user", "--email", "taken@gemeente.example", "--name", "T", "--invite"]
    )
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    assert db_session.exec(select(func.count()).select_from(User)).one() == 1


def test_create_coach_needs_an_existing_organisation(runner, make_organisation):
    missing = runner.invoke(
        args=["create-user", "--email", "c@x.example", "--name", "C", "--role", "coach", "--invite"]
    )
    assert missing.exit_code != 0 and "--organisation" in missing.output
    unknown = runner.invoke(
        args=[
            "create-user",
            "--email",
            "c@x.example",
            "--name",
            "C",
            "--role",
            "coach",
            "--organisation",
            "Nope",
            "--invite",
        ]
    )
    assert unknown.exit_code != 0
    make_organisation(name="Wijkteam")
    ok = runner.invoke(
        args=[
            "create-user",
            "--email",
            "c@x.example",
            "--name",
            "C",
            "--role",
            "coach",
            "--organisation",
            "Wijkteam",
            "--invite",
        ]
    )
    assert ok.exit_code == 0, ok.output
    assert "/welkom?token=" in ok.output


def test_demo_builds_a_chain_with_every_role_that_can_log_in(runner, app, db_session):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert db_session.exec(select(func.count()).select_from(Chain)).one() == 1
    residents = db_session.exec(select(func.count()).select_from(Resident)).one()
    assert residents >= 24
    # Several residents meet more than one organisation: the chain is real.
    shared = db_session.exec(
        select(Involvement.resident_id).group_by(Involvement.resident_id).having(func.count() > 1)
    ).all()
    assert len(shared) >= 5
    roles = set(db_session.exec(select(User.role)).all())
    assert roles == {r.value for r in Role}
    for user in db_session.exec(select(User)).all():
        client = app.test_client()
        if Role(user.role).is_professional:
            response = client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
        else:
            response = client.post(
                "/inloggen", data={"username": user.username, "password": DEMO_PASSWORD}
            )
        assert response.status_code == 302, user.login_name
        assert client.get("/").status_code in (200, 302)
    assert db_session.exec(select(NetworkMember).where(NetworkMember.user_id.is_not(None))).first()


def test_demo_has_rounds_of_measurements_all_perspectives_and_a_draft(runner, db_session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    statuses = dict(
        db_session.exec(select(Measurement.status, func.count()).group_by(Measurement.status)).all()
    )
    assert statuses["completed"] >= 40 and statuses["draft"] == 1
    rounds = db_session.exec(
        select(Measurement.resident_id)
        .where(Measurement.status == "completed")
        .group_by(Measurement.resident_id)
        .having(func.count() >= 3)
    ).all()
    assert len(rounds) >= 5
    with_all_views = db_session.exec(
        select(Answer.measurement_id)
        .group_by(Answer.measurement_id)
        .having(func.count(func.distinct(Answer.perspective)) == 3)
    ).all()
    assert with_all_views
    keys = set(db_session.exec(select(Measurement.questionnaire_key)).all())
    assert keys == {"wattelt", "jong"}
    # Only valid answers: every value is on its questionnaire's scale.
    assert (
        db_session.exec(
            select(func.count())
            .select_from(Answer)
            .where(Answer.item != "overall", Answer.value > 5)
        ).one()
        == 0
    )


def test_demo_twice_keeps_the_data_and_reset_rebuilds(runner, db_session):
    runner.invoke(args=["demo"])
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already" in again.output
    assert db_session.exec(select(func.count()).select_from(Chain)).one() == 1
    db_session.rollback()  # end the read transaction: the reset drops and recreates the tables
    reset = runner.invoke(args=["demo", "--reset"])
    assert reset.exit_code == 0, reset.output
    db_session.expire_all()
    assert db_session.exec(select(func.count()).select_from(Chain)).one() == 1


def test_create_user_says_why_a_password_is_refused_without_a_traceback(runner, db_session):
    result = runner.invoke(
        args=["create-user", "--email", "new@gemeente.example", "--name", "N"],
        input="1234567890\n1234567890\n",
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clear error, not a crash
    assert "Gebruik ook letters" in result.output
    assert db_session.exec(select(func.count()).select_from(User)).one() == 0


def test_commands_refuse_bad_input_with_a_reason(runner):
    for args, reason in [
        (["db", "upgrade", "no-such-revision"], "no-such-revision"),
        (["db", "downgrade", "no-such-revision"], "no-such-revision"),
        (["retention", "--months", "0"], "--months"),
    ]:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert isinstance(result.exception, SystemExit), (args, result.exception)
        assert reason in result.output, (args, result.output)


def test_commands_say_when_the_database_cannot_be_reached(app, runner):
    from wattelt.db import make_engine

    engine = app.extensions["wattelt.engine"]
    app.extensions["wattelt.engine"] = make_engine("sqlite:////nonexistent/folder/wattelt.sqlite")
    try:
        result = runner.invoke(args=["retention"])
    finally:
        app.extensions["wattelt.engine"].dispose()
        app.extensions["wattelt.engine"] = engine
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "The database cannot be used" in result.output


def test_a_wrong_setting_stops_the_app_with_its_name(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=root,
        env={"WATTELT_SESSION_IDLE_MINUTES": "half an hour", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "WATTELT_SESSION_IDLE_MINUTES must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr
