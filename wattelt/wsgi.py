"""The WSGI entry point of an installed Wattelt:
``gunicorn -c python:wattelt.gunicorn_conf wattelt.wsgi:app`` (``flask --app wattelt.wsgi ...``
for the commands)."""

from wattelt import create_app

app = create_app()
