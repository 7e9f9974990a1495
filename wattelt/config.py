"""Configuration read from ``WATTELT_*`` environment variables.

Every setting has a safe default for development; production (``WATTELT_ENV=production``)
refuses to start without a secret key and uses secure cookies. The table in the README lists
the variables; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised when the app cannot start safely with the given configuration."""


#: (variable, config key, default, converter). The README documents each one.
SETTINGS: list[tuple[str, str, object, type]] = [
    ("WATTELT_DATABASE_URL", "DATABASE_URL", None, str),
    ("WATTELT_SECRET_KEY", "SECRET_KEY", None, str),
    ("WATTELT_DEFAULT_LANGUAGE", "BABEL_DEFAULT_LOCALE", "nl", str),
    ("WATTELT_SESSION_IDLE_MINUTES", "SESSION_IDLE_MINUTES", 30, int),
    ("WATTELT_SESSION_MAX_HOURS", "SESSION_MAX_HOURS", 12, int),
    ("WATTELT_INVITATION_DAYS", "INVITATION_DAYS", 14, int),
    ("WATTELT_LOGIN_MAX_FAILURES_ACCOUNT", "LOGIN_MAX_FAILURES_ACCOUNT", 5, int),
    ("WATTELT_LOGIN_MAX_FAILURES_ADDRESS", "LOGIN_MAX_FAILURES_ADDRESS", 20, int),
    ("WATTELT_LOGIN_WINDOW_MINUTES", "LOGIN_WINDOW_MINUTES", 15, int),
    ("WATTELT_SUPPRESSION_THRESHOLD", "SUPPRESSION_THRESHOLD", 10, int),
    ("WATTELT_QUESTIONNAIRE_DIR", "QUESTIONNAIRE_DIR", None, str),
    ("WATTELT_PROXY_HOPS", "PROXY_HOPS", 0, int),
    ("WATTELT_RETENTION_MONTHS", "RETENTION_MONTHS", 24, int),
    ("WATTELT_REQUIRE_2FA_ROLES", "REQUIRE_2FA_ROLES", None, str),
    ("WATTELT_LOG_LEVEL", "LOG_LEVEL", "INFO", str),
    ("WATTELT_LOG_FORMAT", "LOG_FORMAT", "text", str),
    ("WATTELT_DB_POOL_SIZE", "DB_POOL_SIZE", 4, int),
    ("WATTELT_DB_MAX_OVERFLOW", "DB_MAX_OVERFLOW", 2, int),
    ("WATTELT_FIGURES_CACHE", "FIGURES_CACHE", 8, int),
    ("WATTELT_MAIL_SERVER", "MAIL_SERVER", None, str),
    ("WATTELT_MAIL_PORT", "MAIL_PORT", 587, int),
    ("WATTELT_MAIL_USERNAME", "MAIL_USERNAME", None, str),
    ("WATTELT_MAIL_PASSWORD", "MAIL_PASSWORD", None, str),
    ("WATTELT_MAIL_USE_TLS", "MAIL_USE_TLS", "starttls", str),
    ("WATTELT_MAIL_SENDER", "MAIL_SENDER", None, str),
    ("WATTELT_TIMEZONE", "TIMEZONE", "Europe/Amsterdam", str),
    ("WATTELT_RELEASE_PERIOD", "RELEASE_PERIOD", "quarterly", str),
]

#: How Wattelt talks to the mail server: STARTTLS on a plain connection, TLS from the start
#: (usually port 465), or no encryption (only for a server on the same machine or in tests).
MAIL_TLS_MODES = ("starttls", "ssl", "off")

LANGUAGES = {"nl": "Nederlands", "en": "English"}


def load_config(
    instance_path: str, environ: os._Environ[str] | dict[str, str] | None = None
) -> dict:
    """Return the configuration mapping for the app from the environment."""
    env = os.environ if environ is None else environ
    production = env.get("WATTELT_ENV", "development").strip().lower() == "production"
    config: dict[str, object] = {"WATTELT_ENV": "production" if production else "development"}
    for variable, key, default, convert in SETTINGS:
        raw = env.get(variable)
        if raw is None or raw == "":
            config[key] = default
            continue
        try:
            config[key] = convert(raw)
        except ValueError as exc:
            kind = "a whole number" if convert is int else f"a {convert.__name__}"
            raise ConfigError(f"{variable} must be {kind}, got {raw!r}") from exc

    if config["BABEL_DEFAULT_LOCALE"] not in LANGUAGES:
        raise ConfigError(
            f"WATTELT_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, "
            f"got {config['BABEL_DEFAULT_LOCALE']!r}"
        )
    if int(config["SUPPRESSION_THRESHOLD"]) < 5:  # type: ignore[arg-type]
        raise ConfigError("WATTELT_SUPPRESSION_THRESHOLD may not be below 5")

    if config["LOG_FORMAT"] not in ("text", "json"):
        raise ConfigError(f"WATTELT_LOG_FORMAT must be text or json, got {config['LOG_FORMAT']!r}")
    if int(config["DB_POOL_SIZE"]) < 1 or int(config["DB_MAX_OVERFLOW"]) < 0:  # type: ignore[arg-type]
        raise ConfigError(
            "WATTELT_DB_POOL_SIZE must be at least 1 and WATTELT_DB_MAX_OVERFLOW at least 0"
        )
    from wattelt.clock import zone_named

    try:
        zone_named(str(config["TIMEZONE"]))
    except ValueError:
        raise ConfigError(
            "WATTELT_TIMEZONE must be a time zone name such as Europe/Amsterdam, "
            f"got {config['TIMEZONE']!r}"
        ) from None

    config["RELEASE_PERIOD"] = str(config["RELEASE_PERIOD"]).strip().lower()
    if config["RELEASE_PERIOD"] not in ("monthly", "quarterly"):
        raise ConfigError(
            f"WATTELT_RELEASE_PERIOD must be monthly or quarterly, got {config['RELEASE_PERIOD']!r}"
        )
    if int(config["RETENTION_MONTHS"]) < 1:  # type: ignore[arg-type]
        raise ConfigError("WATTELT_RETENTION_MONTHS must be at least 1")
    # Admins and policymakers need a second factor in production unless said otherwise.
    roles = config["REQUIRE_2FA_ROLES"]
    if roles is None:
        roles = "admin,policymaker" if production else ""
    wanted = {r.strip().lower() for r in str(roles).split(",") if r.strip()}
    unknown = wanted - {"admin", "policymaker", "manager", "coach"}
    if unknown:
        raise ConfigError(
            "WATTELT_REQUIRE_2FA_ROLES may name admin, policymaker, manager and coach only, "
            f"got {', '.join(sorted(unknown))}"
        )
    config["REQUIRE_2FA_ROLES"] = frozenset(wanted)

    config["MAIL_USE_TLS"] = str(config["MAIL_USE_TLS"]).strip().lower()
    if config["MAIL_USE_TLS"] not in MAIL_TLS_MODES:
        raise ConfigError(
            f"WATTELT_MAIL_USE_TLS must be one of {', '.join(MAIL_TLS_MODES)}, "
            f"got {config['MAIL_USE_TLS']!r}"
        )
    if config["MAIL_SERVER"] and not config["MAIL_SENDER"]:
        raise ConfigError(
            "WATTELT_MAIL_SENDER is not set: mail needs a sender address, "
            "e.g. wattelt@gemeente.example"
        )

    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / "wattelt.sqlite")

    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError(
                "WATTELT_SECRET_KEY is not set. In production Wattelt refuses to start without a "
                "secret key. Generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        config["SECRET_KEY"] = _development_secret(Path(instance_path))

    # The cookie lives as long as a session may (the idle timeout is checked on the server, from
    # the time of the last request kept in the session): when a session ends for being idle,
    # the browser still knows which login page fits and shows why the user was logged out.
    lifetime = timedelta(hours=int(config["SESSION_MAX_HOURS"]))  # type: ignore[arg-type]
    config.update(
        # __Host-: the browser sends it only over HTTPS, to this host, for every path.
        SESSION_COOKIE_NAME="__Host-wattelt_session" if production else "wattelt_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        PERMANENT_SESSION_LIFETIME=lifetime,
        SESSION_REFRESH_EACH_REQUEST=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=production,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the session lifetime bounds the token; a form left open stays usable
        MAX_CONTENT_LENGTH=1024 * 1024,
        BABEL_TRANSLATION_DIRECTORIES=str(translations_directory()),
        LANGUAGES=LANGUAGES,
        # Flask-Babel's format_date/format_datetime show stored (UTC) moments in local time.
        BABEL_DEFAULT_TIMEZONE=config["TIMEZONE"],
    )
    return config


def translations_directory() -> Path:
    """Where the compiled catalogues are: inside the package when it was built (a wheel or
    ``pip install .``; ``setup.py`` compiles them there), else ``translations/`` of the checkout."""
    package = Path(__file__).resolve().parent
    built = package / "translations"
    if built.is_dir():
        return built
    return package.parent / "translations"


def _development_secret(instance: Path) -> str:
    """Generate a secret key once and keep it in the instance folder, readable by us only."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
