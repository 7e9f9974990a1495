"""A live server in a background thread, Debian's Chromium through Playwright, and axe checks.

Playwright's own browser downloads are never used (no ``playwright install``): the tests drive
``/usr/bin/chromium`` from the distribution. Locally a missing Chromium skips the browser tests;
on CI (``CI=true``) it fails them, so CI never passes by silently skipping.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from helpers.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail on CI, where a skipped browser test would hide a broken set-up."""
    if on_ci():
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


def launch_chromium(playwright):
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing; install it with: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass
class LiveServer:
    """The app served over real HTTP on a free port of 127.0.0.1."""

    app: Flask
    server: BaseWSGIServer = field(init=False)
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        # A short poll interval: shutdown() waits for the loop to notice, 0.5 s by default.
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="live-server",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


def artifact_path(nodeid: str, suffix: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_") + suffix)


def assert_no_axe_violations(page, context: str | list | dict | None = None) -> None:
    """Run axe-core on the page as it is now and fail with a readable list of what is wrong."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()
    results = Axe().run(page, context=context)
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation['help']} <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            target = ", ".join(
                " ".join(map(str, part)) if isinstance(part, list) else str(part)
                for part in node["target"]
            )
            lines.append(f"    at {target}: {node.get('html', '')[:200]}")
    pytest.fail("\n".join(lines), pytrace=False)


def browser_login(page, user, password: str = PASSWORD) -> None:
    """Log ``user`` in through the form that fits their role."""
    if user.email:
        page.goto("/login")
        form = page.locator("form:has(input[name=password])")
        form.locator("input[name=email]").fill(user.email)
    else:
        page.goto("/inloggen")
        form = page.locator("form:has(input[name=password])")
        form.locator("input[name=username]").fill(user.username)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action='/logout']").count() == 1, page.url
