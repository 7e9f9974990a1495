"""The built package works on its own: a wheel installed alone in a fresh virtual environment,
migrated and served by gunicorn in production mode, shows the easy login in Dutch.

Catches what a checkout hides: files outside the package (the catalogues in ``translations/``,
the gunicorn settings, the migrations) that a wheel would lack, and compiling into the source
tree at start-up. Marked ``scripts``: it builds and installs in processes of its own."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.scripts

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, deadline: float) -> str:
    """The page at ``url`` once the server answers (starting it may take a while)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_installed_wheel_serves_dutch_under_gunicorn(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
    )
    (wheel,) = wheels.glob("wattelt-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for language in ("nl", "en"):
        assert f"wattelt/translations/{language}/LC_MESSAGES/messages.mo" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_ = venv / "bin"
    subprocess.run([bin_ / "python", "-m", "pip", "install", "-q", str(wheel)], check=True)

    run = tmp_path / "run"  # not the checkout: nothing of the source tree can be imported
    run.mkdir()
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WATTELT_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=f"{bin_}{os.pathsep}{env.get('PATH', '')}",
        WATTELT_ENV="production",
        WATTELT_SECRET_KEY="k" * 48,
        WATTELT_DATABASE_URL=f"sqlite:///{run / 'wattelt.sqlite'}",
        WATTELT_BIND=f"127.0.0.1:{port}",
        WATTELT_WORKERS="1",
    )
    where = subprocess.run(
        [bin_ / "python", "-c", "import wattelt; print(wattelt.__file__)"],
        cwd=run,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(venv)), where
    subprocess.run(
        [bin_ / "flask", "--app", "wattelt.wsgi", "db", "upgrade"], cwd=run, env=env, check=True
    )
    server = subprocess.Popen(
        [bin_ / "gunicorn", "-c", "python:wattelt.gunicorn_conf", "wattelt.wsgi:app"],
        cwd=run,
        env=env,
    )
    try:
        page = _get(f"http://127.0.0.1:{port}/inloggen", time.monotonic() + 120)
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert '<html lang="nl">' in page
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert heading and re.sub(r"<[^>]+>", "", heading.group(1)).strip() == "Inloggen"
