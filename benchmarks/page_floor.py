"""What the cheapest personal page can cost, next to a bare Flask "hello": the lower bound for
the pages under load (``pages_load.py``), with nothing of Wattelt in it.

    python benchmarks/page_floor.py                # 2,000 requests each
    python benchmarks/page_floor.py --requests 50  # a quick check (tests/test_benchmarks.py)

The "floor page" does only what every Wattelt page for a person must do: Flask-Login loads the
user from the database, the signed session cookie is read and written, the page carries a CSRF
token, a small Jinja template (one question with seven choices) is rendered, and one access-log
row is inserted and committed (SQLite, WAL). No ORM, no WTForms, no translations, no policy.
Both apps run in this process through Flask's test client, one request at a time; the figure is
CPU milliseconds per request (``time.process_time``), as ``pages_load.py``'s "in process".

It prints both and their ratio: a page can reach at most about hello / floor of "hello"'s
requests per second on the same CPUs.
"""

from __future__ import annotations

import argparse
import secrets
import sqlite3
import tempfile
import time
from pathlib import Path

from flask import Flask, render_template
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_wtf.csrf import CSRFProtect
from jinja2 import DictLoader

PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Vraag {{ step }}</title></head><body>
<p>{{ user.name }}</p>
<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<fieldset><legend>Hoe gaat het met geld?</legend>
{% for value in range(1, 8) %}<input type="radio" name="answer" id="a{{ value }}" value="{{ value }}">
<label for="a{{ value }}">{{ value }}</label>{% endfor %}
</fieldset><button>Volgende</button></form></body></html>"""


class Professional(UserMixin):
    def __init__(self, user_id: int, name: str) -> None:
        self.id = user_id
        self.name = name


def floor_app(database: Path) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once, as in production
    CSRFProtect(app)
    logins = LoginManager(app)
    # One connection for all requests, as a pool would hand out (the test client runs them one
    # at a time).
    connection = sqlite3.connect(database, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("CREATE TABLE access_log (id INTEGER PRIMARY KEY, user_id INT, what TEXT)")
    connection.execute("INSERT INTO users VALUES (1, 'Coach')")
    connection.commit()
    app.extensions["floor.connection"] = connection

    def db() -> sqlite3.Connection:
        return connection

    @logins.user_loader
    def load(user_id: str) -> Professional | None:
        row = db().execute("SELECT id, name FROM users WHERE id = ?", (int(user_id),)).fetchone()
        return Professional(*row) if row else None

    @app.route("/login")
    def login() -> str:
        login_user(Professional(1, "Coach"))
        return "ok"

    @app.route("/page/<int:step>")
    @login_required
    def page(step: int) -> str:
        db().execute(
            "INSERT INTO access_log (user_id, what) VALUES (?, ?)", (current_user.id, str(step))
        )
        html = render_template("page.html", step=step, user=current_user)
        db().commit()
        return html

    return app


def hello_app() -> Flask:
    app = Flask(__name__)
    app.route("/")(lambda: "Hello")
    return app


def cpu_ms(client, paths: list[str]) -> float:
    for path in paths[:20]:  # warm: templates compiled, connections made
        client.get(path)
    started = time.process_time()
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} gave {response.status_code}")
    return (time.process_time() - started) * 1000 / len(paths)


def measure(requests: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        app = floor_app(Path(folder) / "floor.sqlite")
        client = app.test_client()
        client.get("/login")
        floor = cpu_ms(client, [f"/page/{i % 20 + 1}" for i in range(requests)])
        app.extensions["floor.connection"].close()
    hello = cpu_ms(hello_app().test_client(), ["/"] * requests)
    return {"hello": hello, "floor page": floor, "ratio": floor / hello}


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    found = measure(args.requests)
    print(
        f"CPU per request, in process: hello {found['hello']:.2f} ms, "
        f"floor page {found['floor page']:.2f} ms ({found['ratio']:.1f} x hello: such a page "
        f"can reach at most {100 / found['ratio']:.0f} % of hello's requests per second)"
    )
    return found


if __name__ == "__main__":
    main()
