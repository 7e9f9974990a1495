"""Attacks by someone with an account (or a link to share), played through the web pages:
each test fails when the attack works."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

#: ``next`` values that a browser would follow to another host.
FOREIGN_TARGETS = [
    "/\t/evil.example",
    "/\t/evil.example/login",
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https://evil.example/",
    "/ /evil.example",
    "/\n/evil.example",
    "https:/evil.example",
    "evil.example",
]


def _stays_here(response) -> bool:
    location = response.headers["Location"]
    cleaned = "".join(ch for ch in location if ch > " ")  # as a browser reads it
    parts = urlsplit(cleaned)
    return "evil.example" not in cleaned and parts.netloc in ("", "localhost")


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_login_never_sends_the_browser_to_another_host(client, make_user, login, target):
    user = make_user(role="coach")
    response = login(client, user, next=target)
    assert _stays_here(response), response.headers["Location"]


def test_login_still_returns_to_a_page_of_this_site(client, make_user, login):
    user = make_user(role="coach")
    response = login(client, user, next="/bewoners?page=2")
    assert response.headers["Location"] == "/bewoners?page=2"


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_switching_language_never_sends_the_browser_to_another_host(client, target):
    response = client.post("/taal", data={"language": "en", "next": target})
    assert response.status_code == 302
    assert _stays_here(response), response.headers["Location"]


def test_switching_language_returns_to_the_same_page(client):
    response = client.post("/taal", data={"language": "en", "next": "/inloggen?x=1"})
    assert response.headers["Location"] == "/inloggen?x=1"
