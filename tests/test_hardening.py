"""The foundation's security, checked again: password rules, CSRF on every form, headers,
cookie flags, a fresh session on login, logging out for real, and no secrets in logs."""

from __future__ import annotations

import logging
import re

import pyotp
import pytest
from sqlmodel import select

from wattelt import create_app
from wattelt.auth.passwords import password_problem
from wattelt.models import AccessLog, TwoFactor

from conftest import PASSWORD
from helpers.database import app_config


@pytest.mark.parametrize(
    ("password", "login_name", "ok"),
    [
        ("kort", "", False),
        ("wachtwoord123", "", False),
        ("Welkom2026!", "", False),  # a common one with digits on the end
        ("Wattelt2026", "", False),
        ("aaaaaaaaaaaa", "", False),
        ("kees.smit-groene-fiets", "kees.smit@wijkteam.example", False),
        ("kees.smit@wijkteam.example", "kees.smit@wijkteam.example", False),
        ("groene fiets zomer", "kees.smit@wijkteam.example", True),
        ("paarse olifant dans", "", True),
    ],
)
def test_password_rules(app, password, login_name, ok):
    with app.test_request_context():
        assert (password_problem(password, login_name) is None) is ok


def test_every_post_route_refuses_a_form_without_csrf_token(csrf_app, csrf_client):
    posts = [
        rule
        for rule in csrf_app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint != "static"
    ]
    assert len(posts) > 20
    for rule in posts:
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", "1", rule.rule)
        response = csrf_client.post(path, data={"x": "1"})
        if rule.endpoint in CHECKED_IN_THE_VIEW and response.status_code == 302:
            # Logged out first (so a session that ended leads back to the screen), nothing taken.
            assert re.match(r"/(login|inloggen)\?", response.headers["Location"]), rule.endpoint
            continue
        assert response.status_code == 400, f"{rule.endpoint} took a POST without CSRF token"


#: Views that check the CSRF token themselves, after the login check; the token checks of a
#: logged-in user are in tests/test_measurement_kept.py.
CHECKED_IN_THE_VIEW = {"measurements.fill"}


def test_security_headers_on_every_page(client):
    for path in ("/", "/login", "/inloggen"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"


def test_production_cookies_and_hsts(database_url, make_user):
    app = create_app(
        app_config(
            database_url,
            ENVIRON={"WATTELT_ENV": "production", "WATTELT_SECRET_KEY": "s" * 40},
            SECRET_KEY="s" * 40,
            REQUIRE_2FA_ROLES=frozenset(),
        )
    )
    try:
        coach = make_user(role="coach")
        client = app.test_client()
        response = client.post(
            "/login",
            data={"email": coach.email, "password": PASSWORD},
            base_url="https://wattelt.example",
        )
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("__Host-wattelt_session=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Domain" not in cookie and "Path=/" in cookie
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    finally:
        app.extensions["wattelt.engine"].dispose()


def test_login_starts_a_fresh_session(app, client, make_user):
    coach = make_user(role="coach")
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"email": coach.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session and "_user_id" in session


def test_logout_ends_every_copy_of_the_session(app, client, login, make_user):
    coach = make_user(role="coach")
    login(client, coach)
    copy = app.test_client()
    copy.set_cookie("wattelt_session", client.get_cookie("wattelt_session").value)
    assert copy.get("/residents/").status_code == 200
    client.post("/logout")
    assert copy.get("/residents/").status_code == 302


def test_no_secret_lands_in_a_log(app, client, login, make_user, db_session, caplog, totp_now):
    caplog.set_level(logging.DEBUG)
    coach = make_user(role="coach")
    login(client, coach)
    client.get("/account/two-factor")
    db_session.expire_all()
    secret = db_session.exec(select(TwoFactor.secret)).one()
    client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).at(totp_now)})
    admin_client = app.test_client()
    login(admin_client, make_user(role="admin"))
    newcomer = make_user(role="coach", password=None)
    page = admin_client.post(f"/admin/users/{newcomer.id}/invite").get_data(as_text=True)
    token = re.search(r"token=([A-Za-z0-9_-]+)", page).group(1)
    logged = caplog.text + " ".join(db_session.exec(select(AccessLog.path)).all())
    for secret_text in (secret, token, PASSWORD):
        assert secret_text not in logged
