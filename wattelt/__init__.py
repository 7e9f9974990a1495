"""Wattelt: rate every life domain together, agree goals, measure again and learn what works."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from wattelt import db
from wattelt.config import load_config

#: The version of Wattelt (the package's too); CHANGELOG.md says what changed in each.
__version__ = "0.2.0"


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Application factory: configuration, extensions, then one blueprint per feature area.

    ``instance_path`` (default: Flask's ``instance/`` folder) holds the SQLite database and the
    generated development secret key."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    try:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only install needs no instance folder with its settings complete
        pass
    if test_config is None:
        app.config.from_mapping(load_config(app.instance_path))
    else:
        environ = {k: str(v) for k, v in test_config.get("ENVIRON", {}).items()}
        app.config.from_mapping(load_config(app.instance_path, environ))
        app.config.from_mapping({k: v for k, v in test_config.items() if k != "ENVIRON"})

    configure_logging(app)
    configure_proxy(app)
    configure_routing(app)
    db.init_app(app)
    configure_extensions(app)
    configure_security(app)
    configure_blueprints(app)
    configure_cli(app)
    return app


def configure_logging(app: Flask) -> None:
    from wattelt.observability import configure_logging as configure
    from wattelt.observability import init_app

    configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"] == "json")
    init_app(app)


def configure_proxy(app: Flask) -> None:
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        # Behind a TLS proxy: trust exactly that many hops of X-Forwarded-For and -Proto, no
        # more. Never X-Forwarded-Host: a forged one would put another host into the links the
        # app shows (an invitation link would then send its token to that host).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)  # type: ignore[method-assign]


def configure_routing(app: Flask) -> None:
    from wattelt.routing import init_app as init_routing

    init_routing(app)


def configure_extensions(app: Flask) -> None:
    from wattelt.assets import init_app as init_assets
    from wattelt.extensions import csrf
    from wattelt.i18n import init_app as init_i18n
    from wattelt.icons import icon
    from wattelt.questionnaires.icons import icon_svg
    from wattelt.questionnaires.loader import init_app as init_questionnaires

    csrf.init_app(app)
    init_i18n(app)
    init_questionnaires(app)
    init_assets(app)
    app.jinja_env.globals["icon"] = icon
    app.jinja_env.globals["domain_icon"] = icon_svg


def configure_security(app: Flask) -> None:
    from wattelt.auth.session import init_app as init_sessions
    from wattelt.security import init_app as init_headers

    init_headers(app)
    init_sessions(app)


def configure_blueprints(app: Flask) -> None:
    from wattelt.admin import bp as admin_bp
    from wattelt.api import init_app as init_api
    from wattelt.auth import bp as auth_bp
    from wattelt.dashboard import bp as dashboard_bp
    from wattelt.errors import init_app as init_errors
    from wattelt.goals import bp as goals_bp
    from wattelt.main import bp as main_bp
    from wattelt.measurements import bp as measurements_bp
    from wattelt.notices.blueprint import bp as notices_bp
    from wattelt.privacy import routes_consent, routes_log, routes_rights  # noqa: F401
    from wattelt.privacy.blueprint import bp as privacy_bp
    from wattelt.residents import bp as residents_bp
    from wattelt.rounds import bp as rounds_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(residents_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(measurements_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(goals_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(dashboard_bp)
    init_api(app)
    app.register_blueprint(rounds_bp)
    init_errors(app)
    from wattelt.policy import init_app as init_policy

    init_policy(app)


def configure_cli(app: Flask) -> None:
    from wattelt.cli import register

    register(app)
