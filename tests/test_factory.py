"""The app factory and its configuration from ``WATTELT_*`` environment variables."""

from __future__ import annotations

import stat

import pytest

from wattelt import create_app
from wattelt.config import SETTINGS, ConfigError, load_config

from helpers.database import app_config


@pytest.fixture
def clean_environ(monkeypatch):
    for variable, *_ in SETTINGS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("WATTELT_ENV", raising=False)
    return monkeypatch


def test_create_app_reads_the_environment(clean_environ, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    clean_environ.setenv("WATTELT_DATABASE_URL", url)
    clean_environ.setenv("WATTELT_SECRET_KEY", "from-the-environment")
    clean_environ.setenv("WATTELT_SESSION_IDLE_MINUTES", "12")
    clean_environ.setenv("WATTELT_DEFAULT_LANGUAGE", "en")
    app = create_app()
    try:
        assert not app.testing
        assert app.config["DATABASE_URL"] == url
        assert app.config["SECRET_KEY"] == "from-the-environment"
        assert app.config["SESSION_IDLE_MINUTES"] == 12
        assert app.config["BABEL_DEFAULT_LOCALE"] == "en"
        assert app.config["WATTELT_ENV"] == "development"
    finally:
        app.extensions["wattelt.engine"].dispose()


def test_create_app_with_test_config(database_url):
    app = create_app(app_config(database_url))
    try:
        assert app.testing
        assert app.config["DATABASE_URL"] == database_url
        assert app.config["SECRET_KEY"] == "test"
    finally:
        app.extensions["wattelt.engine"].dispose()


def test_test_config_environ_goes_through_load_config(database_url):
    app = create_app(
        app_config(
            database_url, ENVIRON={"WATTELT_ENV": "production", "WATTELT_SECRET_KEY": "s" * 40}
        )
    )
    try:
        assert app.config["WATTELT_ENV"] == "production"
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        app.extensions["wattelt.engine"].dispose()


def test_default_database_is_in_the_instance_folder(tmp_path):
    config = load_config(str(tmp_path), {})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'wattelt.sqlite'}"
    assert config["WATTELT_ENV"] == "development"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True


def test_development_secret_is_made_once_and_private(tmp_path):
    instance = tmp_path / "instance"
    first = load_config(str(instance), {})["SECRET_KEY"]
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_config(str(instance), {})["SECRET_KEY"] == first


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="WATTELT_SECRET_KEY is not set"):
        load_config(str(tmp_path), {"WATTELT_ENV": "production"})
    assert not (tmp_path / "secret_key").exists()


def test_production_uses_secure_cookies(tmp_path):
    config = load_config(
        str(tmp_path), {"WATTELT_ENV": "Production", "WATTELT_SECRET_KEY": "k" * 48}
    )
    assert config["WATTELT_ENV"] == "production"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SECRET_KEY"] == "k" * 48


@pytest.mark.parametrize(
    "variable",
    [variable for variable, _key, _default, convert in SETTINGS if convert is int],
)
def test_bad_number_names_the_variable(tmp_path, variable):
    with pytest.raises(ConfigError, match=variable):
        load_config(str(tmp_path), {variable: "many", "WATTELT_SECRET_KEY": "k"})


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="WATTELT_DEFAULT_LANGUAGE"):
        load_config(str(tmp_path), {"WATTELT_DEFAULT_LANGUAGE": "fr", "WATTELT_SECRET_KEY": "k"})


def test_suppression_threshold_below_five_is_refused(tmp_path):
    environ = {"WATTELT_SECRET_KEY": "k"}
    with pytest.raises(ConfigError, match="WATTELT_SUPPRESSION_THRESHOLD"):
        load_config(str(tmp_path), {**environ, "WATTELT_SUPPRESSION_THRESHOLD": "4"})
    assert (
        load_config(str(tmp_path), {**environ, "WATTELT_SUPPRESSION_THRESHOLD": "5"})[
            "SUPPRESSION_THRESHOLD"
        ]
        == 5
    )


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"


def test_healthz_reports_an_unreachable_database(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'missing' / 'wattelt.sqlite'}"))
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.json["status"] == "error"
    finally:
        app.extensions["wattelt.engine"].dispose()


def _production(database_url, **overrides):
    return app_config(
        database_url,
        ENVIRON={"WATTELT_ENV": "production", "WATTELT_SECRET_KEY": "s" * 40},
        **overrides,
    )


def test_production_refuses_to_start_without_compiled_translations(database_url, tmp_path):
    """A package built without its catalogues would silently show English to Dutch users."""
    sources = tmp_path / "translations"
    for language in ("nl", "en"):
        (sources / language / "LC_MESSAGES").mkdir(parents=True)
        (sources / language / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n')
    with pytest.raises(ConfigError, match="translations are missing"):
        create_app(_production(database_url, BABEL_TRANSLATION_DIRECTORIES=str(sources)))
    # Production never writes into its own files (they may be read-only).
    assert list(sources.glob("*/LC_MESSAGES/*.mo")) == []


def test_development_compiles_missing_translations(database_url, tmp_path):
    sources = tmp_path / "translations"
    (sources / "nl" / "LC_MESSAGES").mkdir(parents=True)
    (sources / "nl" / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n')
    app = create_app(app_config(database_url, BABEL_TRANSLATION_DIRECTORIES=str(sources)))
    app.extensions["wattelt.engine"].dispose()
    assert (sources / "nl" / "LC_MESSAGES" / "messages.mo").is_file()


def test_healthz_says_when_the_schema_is_behind(app, client, db_session):
    """A new version started before `db upgrade` must not get users: its queries would fail."""
    from sqlalchemy import text

    from wattelt.migrate import head_revisions

    (head,) = head_revisions()
    db_session.exec(text("UPDATE alembic_version SET version_num = '0001_foundation'"))
    db_session.commit()
    try:
        response = client.get("/healthz")
    finally:  # the database of this worker is used by the next test (PostgreSQL)
        db_session.exec(text(f"UPDATE alembic_version SET version_num = '{head}'"))
        db_session.commit()
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "ok", "schema": "not current"}


def test_healthz_answers_current_schema(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "schema": "current"}


def test_livez_answers_without_a_database(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'missing' / 'wattelt.sqlite'}"))
    try:
        client = app.test_client()
        assert client.get("/healthz").status_code == 503
        response = client.get("/livez")
        assert response.status_code == 200 and response.json == {"status": "ok"}
    finally:
        app.extensions["wattelt.engine"].dispose()


def test_every_response_has_a_request_id_that_is_in_the_log(database_url, caplog):
    from flask import current_app

    app = create_app(app_config(database_url))

    @app.get("/_test/log")
    def _log_something():
        current_app.logger.warning("something to tell")
        return "ok"

    client = app.test_client()
    try:
        first = client.get("/_test/log").headers["X-Request-Id"]
    finally:
        app.extensions["wattelt.engine"].dispose()
    second = client.get("/livez").headers["X-Request-Id"]
    assert len(first) >= 8 and first != second
    assert [r.request_id for r in caplog.records if r.message == "something to tell"] == [first]
    # The proxy's id is kept, so its log and Wattelt's tell of the same request.
    given = client.get("/livez", headers={"X-Request-Id": "nginx-0123456789abcdef"})
    assert given.headers["X-Request-Id"] == "nginx-0123456789abcdef"
    forged = client.get("/livez", headers={"X-Request-Id": "x] ERROR forged log text"})
    assert " " not in forged.headers["X-Request-Id"]


def test_json_log_lines():
    import json
    import logging

    from wattelt.observability import JsonFormatter

    record = logging.LogRecord("wattelt", logging.ERROR, __file__, 1, "broke %s", ("x",), None)
    record.request_id = "abc12345"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "broke x" and line["request_id"] == "abc12345"
    assert line["level"] == "ERROR" and line["time"].endswith("Z")


def test_pool_size_comes_from_the_settings(tmp_path):
    config = load_config(
        str(tmp_path), {"WATTELT_DB_POOL_SIZE": "3", "WATTELT_DB_MAX_OVERFLOW": "0"}
    )
    assert (config["DB_POOL_SIZE"], config["DB_MAX_OVERFLOW"]) == (3, 0)
    with pytest.raises(ConfigError, match="WATTELT_LOG_FORMAT"):
        load_config(str(tmp_path), {"WATTELT_LOG_FORMAT": "xml"})
