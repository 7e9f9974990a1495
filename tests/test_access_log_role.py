"""On PostgreSQL the app should run as a role that may only read and add to the access log
(README, Production). This checks that recipe: such a role cannot change, delete, empty or
unprotect the log, even by going around Wattelt."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from wattelt import access_chain

from helpers.database import POSTGRESQL_URL

pytestmark = pytest.mark.skipif(not POSTGRESQL_URL, reason="PostgreSQL only")

GRANTS = [
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE, TRUNCATE ON access_log FROM {role}",
]


@pytest.fixture
def app_role(app):
    engine = app.extensions["wattelt.engine"]
    role = f"wattelt_app_test_{os.getpid()}"
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        connection.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
        for grant in GRANTS:
            connection.exec_driver_sql(grant.format(role=role))
    yield engine, role
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP OWNED BY {role}")
        connection.exec_driver_sql(f"DROP ROLE {role}")


def test_the_app_role_can_add_to_the_log_but_never_change_it(app_role):
    engine, role = app_role
    with engine.begin() as connection:
        connection.exec_driver_sql(f"SET LOCAL ROLE {role}")
        # Wattelt's own way of adding: under the chain's lock, with the table's sequence.
        with Session(bind=connection) as session:
            access_chain.append(
                session,
                [
                    {
                        "user_id": None,
                        "role": "coach",
                        "organisation_id": None,
                        "resident_id": None,
                        "action": "view",
                        "what": "resident",
                        "path": "/",
                        "address": "",
                    }
                ],
            )
        assert connection.exec_driver_sql("SELECT count(*) FROM access_log").scalar() == 1
    for statement in (
        "UPDATE access_log SET what = 'nothing'",
        "DELETE FROM access_log",
        "TRUNCATE access_log",
        "ALTER TABLE access_log DISABLE TRIGGER ALL",
        "DROP TRIGGER access_log_append_only ON access_log",
    ):
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.exec_driver_sql(f"SET LOCAL ROLE {role}")
            connection.exec_driver_sql(statement)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT what FROM access_log").scalars().all() == [
            "resident"
        ]
