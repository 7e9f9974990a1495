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
