"""Entry point: ``flask --app app run`` for development, ``gunicorn -c gunicorn.conf.py app:app``
in production."""

from wattelt import create_app

app = create_app()
