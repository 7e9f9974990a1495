"""The WSGI entry point of an installed Wattelt:
``gunicorn -c python:wattelt.gunicorn_conf wattelt.wsgi:app`` (``flask --app wattelt.wsgi ...``
for the commands)."""

from wattelt import create_app
from wattelt.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a setting is wrong: say which, without a traceback
    raise SystemExit(f"Wattelt cannot start: {exc}") from None
