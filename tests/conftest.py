"""Shared fixtures: a migrated database per test, the app, clients, factories and a browser.

Every test gets a database of its own built by the Alembic migrations: a copy of a migrated
SQLite template file (default), or this worker's PostgreSQL database (made next to the one in
``WATTELT_TEST_DATABASE_URL``) with all tables emptied. The apps are built once per worker.
Factories (``make_*``) return callables, as in indico's test suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings as hypothesis_settings
from sqlmodel import Session
from werkzeug.test import TestResponse

from wattelt import create_app
from wattelt.auth import passwords, two_factor
from wattelt.db import make_engine
from wattelt.models import Chain, District, NetworkMember, Organisation, Resident, Role, User

from helpers import factories
from helpers.browser import LiveServer, artifact_path, launch_chromium, on_ci, skip_or_fail
from helpers.consent_chain import build_consent_chain
from helpers.database import (
    POSTGRESQL_URL,
    PostgreSQLDatabases,
    SQLiteDatabases,
    app_config,
    backend,
    describe,
)
from helpers.goals import build_plan_chain

PASSWORD = factories.PASSWORD

# Hypothesis: on CI every run tries the same examples (derandomised, no example database), so a
# red CI run is red again on any machine with ``--hypothesis-profile=ci``. Elsewhere ("dev") the
# examples vary from run to run and failures are kept in .hypothesis/ to be tried first next time.
# Neither profile has a deadline: speed is measured by the benchmarks, not asserted per example.
hypothesis_settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True
)
hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
hypothesis_settings.load_profile("ci" if on_ci() else "dev")


def pytest_report_header(config) -> str:
    where = (
        f"one database per worker next to {describe(POSTGRESQL_URL)}"
        if POSTGRESQL_URL
        else "a copied SQLite file per test"
    )
    return f"wattelt test database: {backend()} ({where})"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see whether the test failed (the page fixture saves a screenshot then).
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """argon2 at production cost takes about 0.2 s per hash and per check; tests use the
    cheapest parameters so that logging in stays cheap. A test about the production parameters
    themselves should build its own ``argon2.PasswordHasher()``."""
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", fast)
        patch.setattr(passwords, "_DUMMY_HASH", fast.hash("wattelt-no-such-account"))
        yield


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """A checkout compiles its catalogues when a development app starts; an app built in
    production mode never does, so compile them first for tests that start one."""
    from wattelt.config import translations_directory
    from wattelt.i18n import compile_catalogues

    compile_catalogues(translations_directory())


#: 15 seconds into a 30-second two-factor step, so a code made for it never races a step boundary.
TOTP_NOW = 1_800_000_015.0


@pytest.fixture
def totp_now(monkeypatch) -> float:
    """Holds the two-factor clock still at ``TOTP_NOW`` (in this process, so also for the live
    server): make codes with ``pyotp.TOTP(secret).at(totp_now + 30 * steps)``."""
    monkeypatch.setattr(two_factor, "clock", lambda: TOTP_NOW)
    return TOTP_NOW


# --- database and app -------------------------------------------------------------------------
#
# Building an app (about 0.1 s: blueprints, URL map) and compiling its templates on the first
# request (about 0.1 s more) cost more than most tests themselves. So every worker builds two apps
# once, one with CSRF checks off and one with them on, and points them at each test's own
# database; after the test their settings and caches are put back as they were.


@pytest.fixture(scope="session")
def _databases(tmp_path_factory):
    if POSTGRESQL_URL:
        databases = PostgreSQLDatabases(POSTGRESQL_URL)
    else:
        databases = SQLiteDatabases(tmp_path_factory.mktemp("template"))
    yield databases
    databases.close()


@pytest.fixture
def database_url(_databases, tmp_path) -> str:
    """The URL of this test's own, freshly migrated and empty database."""
    return _databases.fresh(tmp_path)


def _make_app(database_url: str, **overrides: object) -> Flask:
    """A new app of its own, for tests about building one or about settings fixed at start-up."""
    return create_app(app_config(database_url, **overrides))


def _close_app(app: Flask) -> None:
    app.extensions["wattelt.engine"].dispose()


@pytest.fixture(scope="session")
def _shared_apps() -> Iterator[dict[bool, Flask]]:
    """This worker's two apps, by whether CSRF protection is on. Their own database is an
    unused in-memory one: ``_on_database`` gives them each test's database."""
    apps = {csrf: _make_app("sqlite://", WTF_CSRF_ENABLED=csrf) for csrf in (False, True)}
    yield apps
    for app in apps.values():
        _close_app(app)


@contextmanager
def _on_database(app: Flask, url: str) -> Iterator[Flask]:
    """``app`` on the database at ``url`` for one test. Afterwards its settings (which a test may
    change) and its extensions (caches such as the figures' blocks) are as before the test."""
    config = dict(app.config)
    extensions = dict(app.extensions)
    app.config["DATABASE_URL"] = url
    app.extensions["wattelt.engine"] = make_engine(url)
    try:
        yield app
    finally:
        app.extensions["wattelt.engine"].dispose()
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)


@pytest.fixture
def app(_shared_apps, database_url) -> Iterator[Flask]:
    """The app on this test's database, with CSRF checks off (see ``csrf_app``)."""
    with _on_database(_shared_apps[False], database_url) as app:
        yield app


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db_session(app) -> Iterator[Session]:
    """A session on this test's database for arranging and checking data directly.

    It needs no app context (keep none pushed around client requests: Flask would share its
    ``g`` between them). Call ``db_session.expire_all()`` after a request to see its changes."""
    with Session(app.extensions["wattelt.engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def csrf_app(_shared_apps, database_url) -> Iterator[Flask]:
    """Like ``app`` (same database) but with CSRF protection on, as in production."""
    with _on_database(_shared_apps[True], database_url) as app:
        yield app


@pytest.fixture
def csrf_client(csrf_app) -> FlaskClient:
    return csrf_app.test_client()


# --- factories --------------------------------------------------------------------------------


@pytest.fixture
def make_chain(app) -> Callable[..., Chain]:
    """``make_chain(name=None)``"""
    return partial(factories.make_chain, app)


@pytest.fixture
def make_organisation(app) -> Callable[..., Organisation]:
    """``make_organisation(name=None, chain=None, kind="wijkteam")``"""
    return partial(factories.make_organisation, app)


@pytest.fixture
def make_district(app) -> Callable[..., District]:
    """``make_district(name=None, municipality="Lindendaal")``"""
    return partial(factories.make_district, app)


@pytest.fixture
def make_user(app) -> Callable[..., User]:
    """``make_user(role="coach", organisation=None, email=None, password=PASSWORD,
    username=None, display_name=None, **fields)``"""
    return partial(factories.make_user, app)


@pytest.fixture
def make_resident(app) -> Callable[..., Resident]:
    """``make_resident(organisation=None, coach=None, case_director=None, account=None,
    birth_year=1980, postcode4=None, district=None, **fields)``"""
    return partial(factories.make_resident, app)


@pytest.fixture
def make_network_member(app) -> Callable[..., NetworkMember]:
    """``make_network_member(resident, user=None, display_name=None, relation="family")``"""
    return partial(factories.make_network_member, app)


# --- logging in -------------------------------------------------------------------------------

_CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
_VALUE = re.compile(r'value="([^"]*)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path`` (for clients of ``csrf_app``)."""
    response = client.get(path)
    assert response.status_code == 200, f"GET {path} gave {response.status_code}"
    field = _CSRF_INPUT.search(response.get_data(as_text=True))
    assert field, f"no csrf_token field on {path}"
    value = _VALUE.search(field.group(0))
    assert value, f"csrf_token field on {path} has no value"
    return value.group(1)


def log_in(
    client: FlaskClient, user: User, password: str = PASSWORD, next: str | None = None
) -> TestResponse:
    """Log ``user`` in through the login form that fits their role; asserts it worked."""
    professional = Role(user.role).is_professional
    path = "/login" if professional else "/inloggen"
    data = {"password": password}
    if professional:
        data["email"] = user.email or ""
    else:
        data["username"] = user.username or ""
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data["csrf_token"] = csrf_token(client, path)
    response = client.post(path, data=data, query_string={"next": next} if next else None)
    assert response.status_code == 302, (
        f"logging in {user.login_name} as {user.role} on {path} gave {response.status_code}"
    )
    return response


@pytest.fixture
def login() -> Callable[..., TestResponse]:
    """``login(client, user, password=PASSWORD, next=None)``: log in through the form."""
    return log_in


# --- the real browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _live_server(_shared_apps) -> Iterator[LiveServer]:
    server = LiveServer(_shared_apps[True]).start()
    yield server
    server.stop()


@pytest.fixture
def live_server(csrf_app, _live_server) -> LiveServer:
    """The app with CSRF on (``csrf_app``, this test's database) served on 127.0.0.1."""
    return _live_server


@pytest.fixture(scope="session")
def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    """Debian's Chromium, shared by the session; every test gets a fresh context."""
    browser = launch_chromium(_playwright)
    yield browser
    browser.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh page whose relative URLs go to ``live_server``; screenshot on failure."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=artifact_path(request.node.nodeid, ".png"), full_page=True)
    context.close()


# --- the two chains most tests use ------------------------------------------------------------


@pytest.fixture
def consent_chain(app) -> dict:
    """Sanne of the wijkteam (Kees directs her case), with MEE and GGZ involved: she said yes to
    MEE and no to GGZ; her carer Jan; Piet of MEE; a coach of an organisation outside the chain;
    a manager, policymaker and admin. See ``helpers/consent_chain.py``."""
    return build_consent_chain(app)


@pytest.fixture
def plan_chain(app, make_chain, make_organisation, make_user, make_resident, make_network_member):
    """Sanne's one plan: the wijkteam (Kees directs her case) and MEE (Mila, with her consent)
    help her; carer Jan with a login and neighbour Petra without; schuldhulp in the chain but not
    involved; Piet of the wijkteam. See ``helpers/goals.py``."""
    return build_plan_chain(
        app, make_chain, make_organisation, make_user, make_resident, make_network_member
    )
