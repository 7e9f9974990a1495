"""Production server settings for a checkout: ``gunicorn -c gunicorn.conf.py app:app``.

The settings themselves live in the package (``wattelt/gunicorn_conf.py``), so an installed
Wattelt runs the same way without this file:
``gunicorn -c python:wattelt.gunicorn_conf wattelt.wsgi:app``."""

from wattelt.gunicorn_conf import *  # noqa: F403
