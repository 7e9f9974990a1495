"""Entry point: ``flask --app app run`` for development, ``gunicorn -c gunicorn.conf.py app:app``
in production."""

from wattelt import create_app
from wattelt.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a setting is wrong: say which, without a traceback
    raise SystemExit(f"Wattelt cannot start: {exc}") from None
