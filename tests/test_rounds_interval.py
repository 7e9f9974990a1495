"""The follow-up interval: each organisation's months between rounds, set by the admin, and the
migration that adds it to databases that already hold organisations."""

from __future__ import annotations

import re

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlmodel import select

from wattelt import create_app, migrate
from wattelt.models import Organisation, Role

from helpers.database import app_config, sqlite_url


@pytest.fixture
def as_admin(client, make_user, login):
    login(client, make_user(role=Role.ADMIN, language="en"))
    return client


def _months(db_session, organisation_id: int) -> int:
    db_session.expire_all()
    return db_session.get(Organisation, organisation_id).follow_up_months


def test_a_new_organisation_measures_again_after_six_months_unless_the_admin_says_otherwise(
    as_admin, db_session
):
    as_admin.post("/admin/organisations/new", data={"name": "Wijkteam", "kind": "", "chain_id": ""})
    as_admin.post(
        "/admin/organisations/new",
        data={"name": "Schuldhulp", "kind": "", "chain_id": "", "follow_up_months": "3"},
    )
    by_name = {o.name: o.follow_up_months for o in db_session.exec(select(Organisation)).all()}
    assert by_name == {"Wijkteam": 6, "Schuldhulp": 3}
    listing = as_admin.get("/admin/organisations").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\">Schuldhulp</th>.*?</tr>", listing, flags=re.S)
    assert row and "3 months" in row.group(0)


def test_admin_changes_the_interval_and_a_wrong_one_changes_nothing(
    as_admin, make_organisation, db_session
):
    organisation = make_organisation(name="MEE")
    path = f"/admin/organisations/{organisation.id}/edit"
    assert 'name="follow_up_months"' in as_admin.get(path).get_data(as_text=True)
    data = {"name": "MEE", "kind": "", "chain_id": ""}
    assert as_admin.post(path, data={**data, "follow_up_months": "12"}).status_code == 302
    assert _months(db_session, organisation.id) == 12
    for wrong in ("0", "25", "-3", "six"):
        response = as_admin.post(path, data={**data, "follow_up_months": wrong})
        assert response.status_code == 400, wrong
        assert 'id="follow_up_months-error"' in response.get_data(as_text=True)
        assert _months(db_session, organisation.id) == 12
    # Left empty, the interval stays as it was.
    assert as_admin.post(path, data={**data, "follow_up_months": ""}).status_code == 302
    assert _months(db_session, organisation.id) == 12


def test_the_database_refuses_an_impossible_interval(make_organisation, db_session):
    organisation = make_organisation()
    with pytest.raises(Exception, match="(?i)check"):
        db_session.exec(
            text("UPDATE organisation SET follow_up_months = 0 WHERE id = :id"),
            params={"id": organisation.id},
        )
        db_session.commit()
    db_session.rollback()


def test_the_migration_keeps_organisations_that_people_belong_to(tmp_path):
    """SQLite rebuilds the table to add the column and its check; rows in other tables refer to
    the organisation, so foreign keys must not stop that (nor the way back)."""
    url = sqlite_url(tmp_path / "old.sqlite")
    app = create_app(app_config(url))
    try:
        with app.app_context():
            migrate.upgrade("0002_measurements")
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    "INSERT INTO organisation (id, name, kind, created_at) "
                    "VALUES (1, 'Wijkteam', 'wijkteam', '2026-01-01 00:00:00')"
                )
                connection.exec_driver_sql(
                    "INSERT INTO users (email, display_name, role, organisation_id, active, "
                    "login_id, created_at) VALUES ('c@example.org', 'C', 'coach', 1, 1, 'x', "
                    "'2026-01-01 00:00:00')"
                )
            migrate.upgrade()
            with engine.connect() as connection:
                assert connection.exec_driver_sql(
                    "SELECT name, follow_up_months FROM organisation"
                ).all() == [("Wijkteam", 6)]
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            command.downgrade(migrate.alembic_config(), "0002_measurements")
            with engine.connect() as connection:
                assert connection.exec_driver_sql("SELECT name FROM organisation").all() == [
                    ("Wijkteam",)
                ]
                assert (
                    connection.exec_driver_sql("SELECT organisation_id FROM users").scalar_one()
                    == 1
                )
            engine.dispose()
    finally:
        app.extensions["wattelt.engine"].dispose()
