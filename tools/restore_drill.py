#!/usr/bin/env python3
"""Restore drill on PostgreSQL: prove that a backup of Wattelt can be restored.

    python tools/restore_drill.py postgresql://postgres@127.0.0.1:5432/wattelt_restore_drill

It (re)creates that database (it must not hold anything you want to keep: the drill drops it),
fills it with the demo, reads a known resident's report (Sanne's, as she sees it) and the
access log's last hash, dumps the database with ``pg_dump``, drops it, restores the dump with
``pg_restore``, and then checks: ``flask db check`` (schema and migrations agree),
``flask access-log verify`` (same last hash), ``flask outcomes rebuild`` (the figures are made
again) and the same report, byte for byte. Exit code 0 when all holds. Needs ``pg_dump`` and
``pg_restore`` of the server's major version and a role that may create databases. CI runs it;
docs/operations.md describes the same steps for a real backup."""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
RESIDENT, PASSWORD = "sanne", "wattelt-demo"  # a demo resident with rounds, goals and a report


def step(text: str) -> None:
    print(f"--- {text}", flush=True)


def maintenance_url(url: str) -> tuple[str, str]:
    """The URL of the server's ``postgres`` database, and the drill database's name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not re.fullmatch(r"[A-Za-z0-9_]+", name):
        sys.exit(f"give the drill database by name in the URL, got {url!r}")
    return urlunsplit(parts._replace(path="/postgres")), name


def recreate(url: str) -> None:
    admin, name = maintenance_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def flask(app: str, env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", app, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def report(app_name: str, env: dict) -> str:
    """The resident's own report page, as she sees it (form tokens taken out)."""
    code = f"""
import sys
from {app_name} import app
app.config["WTF_CSRF_ENABLED"] = False
client = app.test_client()
login = client.post("/inloggen", data={{"username": "{RESIDENT}", "password": "{PASSWORD}"}})
assert login.status_code == 302, login.status_code
page = client.get("/mijn-resultaten")
assert page.status_code == 200, page.status_code
sys.stdout.write(page.get_data(as_text=True))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"reading the report failed:\n{result.stderr}")
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', result.stdout)


def last_hash(app: str, env: dict) -> str:
    output = flask(app, env, "access-log", "verify")
    found = re.search(r"hash is ([0-9a-f]{64})", output)
    if not found:
        sys.exit(f"access-log verify said: {output}")
    return found.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="postgresql://… of the drill database (it is dropped)")
    parser.add_argument("--app", default="app", help="flask --app value (installed: wattelt.wsgi)")
    args = parser.parse_args()
    env = {**os.environ, "WATTELT_DATABASE_URL": args.url, "WATTELT_ENV": "development"}
    env.pop("WATTELT_TEST_DATABASE_URL", None)

    step(f"A fresh database with the demo: {maintenance_url(args.url)[1]}")
    recreate(args.url)
    flask(args.app, env, "demo")
    before = report(args.app, env)
    hash_before = last_hash(args.app, env)
    print(
        f"report of {RESIDENT}: {hashlib.sha256(before.encode()).hexdigest()[:16]}, "
        f"{len(before)} characters; access log ends in {hash_before[:16]}"
    )

    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "wattelt.dump"
        step("Back up: pg_dump --format=custom")
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", args.url], check=True)
        print(f"{dump.stat().st_size} bytes")
        step("Lose the database: drop it, make an empty one")
        recreate(args.url)
        step("Restore: pg_restore --exit-on-error --no-owner --single-transaction")
        subprocess.run(
            [
                "pg_restore",
                "--exit-on-error",
                "--no-owner",
                "--single-transaction",
                f"--dbname={args.url}",
                str(dump),
            ],
            check=True,
        )

    step("Check: flask db check")
    print(flask(args.app, env, "db", "check").strip())
    step("Check: flask access-log verify (the same last hash)")
    hash_after = last_hash(args.app, env)
    if hash_after != hash_before:
        print(f"FAILED: the access log ends in {hash_after}, before the backup in {hash_before}")
        return 1
    print(f"access log intact, ends in {hash_after[:16]}")
    step("Rebuild the figures: flask outcomes rebuild")
    print(flask(args.app, env, "outcomes", "rebuild").strip())
    step(f"Check: {RESIDENT}'s report is the same")
    after = report(args.app, env)
    if after != before:
        print("FAILED: the report differs after the restore:")
        diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        print("\n".join(line[:200] for line in list(diff)[:30]))
        return 1
    print("OK: restored, schema current, access log intact, figures rebuilt, report identical.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
