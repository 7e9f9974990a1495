"""The floor for ``pages_load.py``: a bare Flask "hello", served by the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello"
