"""Logging in and out, throttling, invitations, idle timeout, CSRF, cookies and headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from wattelt import db
from wattelt.auth.passwords import hash_password, verify_password
from wattelt.auth.services import AccountHasPassword, create_invitation
from wattelt.models import Invitation, LoginFailure, Role, User
from wattelt.security import CONTENT_SECURITY_POLICY

from conftest import PASSWORD, csrf_token

WRONG_PRO = "Het e-mailadres of het wachtwoord klopt niet"


def _fresh_account(app, role: str = "resident") -> User:
    """An account as a coach's invitation creates it: no user name and no password yet."""
    from wattelt import db

    with app.app_context(), db.standalone_session() as session:
        user = User(display_name="Nieuw", role=role)
        session.add(user)
        session.flush()
    return user


def _invite(app, user, created_by=None) -> str:
    with app.app_context(), db.standalone_session() as session:
        return create_invitation(session, session.get(User, user.id), created_by)


def test_professional_logs_in_and_sees_own_home(client, make_organisation, make_user, login):
    coach = make_user(organisation=make_organisation(name="Wijkteam Oost"), display_name="Kees")
    response = login(client, coach)
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Kees" in page and "Wijkteam Oost" in page


def test_login_goes_back_to_the_page_asked_for_but_never_elsewhere(
    client, make_organisation, make_user
):
    coach = make_user(organisation=make_organisation())
    data = {"email": coach.email, "password": PASSWORD}
    response = client.post("/login?next=/residents/", data=data)
    assert response.headers["Location"] == "/residents/"
    client.post("/logout")
    response = client.post("/login?next=//evil.example/steal", data=data)
    assert response.headers["Location"] == "/"


def test_wrong_password_and_unknown_account_look_the_same(client, make_user, db_session):
    make_user(role="admin", email="real@wattelt.example")
    wrong = client.post(
        "/login", data={"email": "real@wattelt.example", "password": "not it at all"}
    )
    unknown = client.post(
        "/login", data={"email": "nobody@wattelt.example", "password": "not it at all"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert WRONG_PRO in wrong.get_data(as_text=True)
    assert WRONG_PRO in unknown.get_data(as_text=True)
    # Both failures are remembered for throttling, the unknown name too.
    assert len(db_session.exec(select(LoginFailure)).all()) == 4


def test_residents_use_the_easy_login_not_the_professional_one(client, make_user):
    resident = make_user(role="resident", username="sanne")
    coach = make_user(role="coach", email="kees@wattelt.example")
    assert (
        client.post("/inloggen", data={"username": "sanne", "password": PASSWORD}).status_code
        == 302
    )
    client.post("/logout")
    # A professional's e-mail does not work on the resident page, and the other way round.
    assert (
        client.post("/inloggen", data={"username": coach.email, "password": PASSWORD}).status_code
        == 401
    )
    page = client.post("/login", data={"email": "sanne", "password": PASSWORD})
    assert page.status_code in (400, 401)
    assert resident.username == "sanne"


def test_easy_login_speaks_easy_language(client, make_user):
    make_user(role="resident", username="sanne")
    response = client.post(
        "/inloggen", data={"username": "sanne", "password": "verkeerd wachtwoord"}
    )
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert "Je naam of je wachtwoord klopt niet" in text
    assert 'lang="nl"' in text


def test_account_is_throttled_after_repeated_failures(app, client, make_user):
    app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 3
    user = make_user(role="coach", email="kees@wattelt.example")
    for _ in range(3):
        assert (
            client.post(
                "/login", data={"email": user.email, "password": "wrong password!"}
            ).status_code
            == 401
        )
    # Now even the right password is refused, with a clear message.
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Wacht 15 minuten" in response.get_data(as_text=True)
    # Another account from the same address can still log in.
    other = make_user(role="coach", email="fatima@wattelt.example")
    assert (
        client.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302
    )


def test_unknown_accounts_are_throttled_just_like_real_ones(app, client):
    app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 2
    for _ in range(2):
        client.post(
            "/login", data={"email": "ghost@wattelt.example", "password": "wrong password!"}
        )
    response = client.post(
        "/login", data={"email": "ghost@wattelt.example", "password": "wrong password!"}
    )
    assert response.status_code == 429


def test_address_is_throttled_across_account_names(app, client, make_user):
    app.config["LOGIN_MAX_FAILURES_ADDRESS"] = 4
    user = make_user(role="coach", email="kees@wattelt.example")
    for n in range(4):
        client.post(
            "/login", data={"email": f"guess{n}@wattelt.example", "password": "wrong password!"}
        )
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429
    )
    # From another address the account is fine.
    other_address = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    assert other_address.status_code == 302


def test_throttling_ends_after_the_window(app, client, make_user, db_session):
    app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 2
    user = make_user(role="coach", email="kees@wattelt.example")
    for _ in range(2):
        client.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429
    )
    app.config["LOGIN_WINDOW_MINUTES"] = 0  # the window has passed
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user(role="coach", email="gone@wattelt.example", active=False)
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    )


def test_oversized_and_malformed_login_fields_get_a_message(client):
    response = client.post("/login", data={"email": "x" * 10_000, "password": "y" * 10_000})
    assert response.status_code == 400
    assert "Controleer dit" in response.get_data(as_text=True)
    assert client.post("/login", data={}).status_code == 400
    huge = client.post("/login", data={"email": "a", "password": "b" * (2 * 1024 * 1024)})
    assert huge.status_code == 413


def test_logout_needs_a_post(client, make_user, login):
    user = make_user(role="admin")
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/admin/").status_code == 302  # back to the login page


# --- invitations --------------------------------------------------------------------------------


def test_resident_accepts_invitation_and_is_logged_in(app, client, make_user, db_session):
    resident = _fresh_account(app)
    token = _invite(app, resident)
    page = client.get(f"/welkom?token={token}")
    assert page.status_code == 200
    assert "Kies een naam" in page.get_data(as_text=True)
    response = client.post(
        f"/welkom?token={token}",
        data={
            "username": "sanne12",
            "password": "groene fiets zomer",
            "confirm": "groene fiets zomer",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert (
        client.post(
            "/inloggen", data={"username": "sanne12", "password": "groene fiets zomer"}
        ).status_code
        == 302
    )


def test_invitation_works_only_once(app, client, make_user):
    resident = _fresh_account(app)
    token = _invite(app, resident)
    data = {
        "username": "sanne12",
        "password": "groene fiets zomer",
        "confirm": "groene fiets zomer",
    }
    assert client.post(f"/welkom?token={token}", data=data).status_code == 302
    client.post("/logout")
    again = client.get(f"/welkom?token={token}")
    assert again.status_code == 410
    assert "al gebruikt" in again.get_data(as_text=True)
    stolen = client.post(
        f"/welkom?token={token}",
        data={**data, "password": "andere woorden hier", "confirm": "andere woorden hier"},
    )
    assert stolen.status_code == 410
    # The password chosen first still works; the replay changed nothing.
    assert (
        client.post(
            "/inloggen", data={"username": "sanne12", "password": "groene fiets zomer"}
        ).status_code
        == 302
    )


def test_expired_invitation_is_refused(app, client, make_user, db_session):
    resident = _fresh_account(app)
    token = _invite(app, resident)
    invitation = db_session.exec(select(Invitation).where(Invitation.user_id == resident.id)).one()
    invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db_session.add(invitation)
    db_session.commit()
    response = client.get(f"/welkom?token={token}")
    assert response.status_code == 410
    assert "te oud" in response.get_data(as_text=True)
    data = {
        "username": "sanne12",
        "password": "groene fiets zomer",
        "confirm": "groene fiets zomer",
    }
    assert client.post(f"/welkom?token={token}", data=data).status_code == 410
    db_session.expire_all()
    assert db_session.get(User, resident.id).password_hash is None


def test_new_invitation_cancels_the_old_one(app, client, make_user):
    resident = _fresh_account(app)
    first = _invite(app, resident)
    second = _invite(app, resident)
    assert client.get(f"/welkom?token={first}").status_code == 410
    assert client.get(f"/welkom?token={second}").status_code == 200


def test_unknown_or_tampered_invitation_is_not_found(client):
    assert client.get("/welkom?token=made-up").status_code == 404
    assert client.get("/welkom").status_code == 404
    assert client.get("/welkom?token=" + "x" * 5000).status_code == 404


def test_weak_password_or_taken_name_leaves_invitation_usable(app, client, make_user, db_session):
    make_user(role="resident", username="sanne12")
    resident = _fresh_account(app)
    token = _invite(app, resident)
    short = client.post(
        f"/welkom?token={token}", data={"username": "piet", "password": "kort", "confirm": "kort"}
    )
    assert short.status_code == 400
    assert "minstens 10 tekens" in short.get_data(as_text=True)
    taken = client.post(
        f"/welkom?token={token}",
        data={
            "username": "SANNE12",
            "password": "groene fiets zomer",
            "confirm": "groene fiets zomer",
        },
    )
    assert taken.status_code == 400
    assert "gebruikt al deze naam" in taken.get_data(as_text=True)
    mismatch = client.post(
        f"/welkom?token={token}",
        data={
            "username": "piet",
            "password": "groene fiets zomer",
            "confirm": "groene fiets winter",
        },
    )
    assert mismatch.status_code == 400
    db_session.expire_all()
    assert db_session.exec(select(Invitation)).one().used_at is None
    assert client.get(f"/welkom?token={token}").status_code == 200


def test_a_link_is_never_made_for_an_account_that_has_a_password(app, make_user):
    """A link would let whoever opens it choose a new password and act as that person."""
    resident = make_user(role="resident", username="sanne")
    with app.app_context(), db.standalone_session() as session:
        with pytest.raises(AccountHasPassword):
            create_invitation(session, session.get(User, resident.id), None)


def test_a_link_made_before_the_account_got_its_password_no_longer_works(app, make_user):
    resident = make_user(role="resident", username="sanne", password=None)
    token = _invite(app, resident)
    with app.app_context(), db.standalone_session() as session:
        account = session.get(User, resident.id)
        account.password_hash = hash_password("al eerder gekozen woorden")
        session.add(account)
    response = app.test_client().post(
        f"/welkom?token={token}",
        data={"password": "nieuwe woorden hier", "confirm": "nieuwe woorden hier"},
    )
    assert response.status_code == 410
    with app.app_context(), db.standalone_session() as session:
        assert verify_password(
            session.get(User, resident.id).password_hash, "al eerder gekozen woorden"
        )


# --- session, CSRF, cookies and headers ------------------------------------------------------


def test_a_session_ends_after_its_absolute_lifetime_however_active(app, client, make_user, login):
    user = make_user(role="resident")
    login(client, user)
    assert client.get("/wachtwoord").status_code == 200
    with client.session_transaction() as session:
        session["started"] = (datetime.now(UTC) - timedelta(hours=12, minutes=1)).timestamp()
        session["seen"] = datetime.now(UTC).timestamp()  # active a moment ago
    response = client.get("/wachtwoord")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "lang ingelogd" in page


def test_idle_session_is_logged_out_with_a_message(app, client, make_user, login):
    user = make_user(role="admin")
    login(client, user)
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = (datetime.now(UTC) - timedelta(minutes=31)).timestamp()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "uitgelogd" in page
    assert client.get("/admin/").status_code == 302


def test_active_session_stays(app, client, make_user, login):
    user = make_user(role="admin")
    login(client, user)
    with client.session_transaction() as session:
        session["seen"] = (datetime.now(UTC) - timedelta(minutes=29)).timestamp()
    assert client.get("/admin/").status_code == 200


def test_forms_without_csrf_token_are_refused(csrf_client, make_user):
    user = make_user(role="admin", email="a@wattelt.example")
    response = csrf_client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "te lang open" in response.get_data(as_text=True)
    token = csrf_token(csrf_client, "/login")
    ok = csrf_client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert ok.status_code == 302
    assert csrf_client.post("/logout").status_code == 400  # logout also needs the token


def test_session_cookie_flags(client, make_user, login):
    response = login(client, make_user(role="admin"))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development serves plain http on localhost


def test_production_cookies_are_secure_and_hsts_is_sent(database_url):
    from wattelt import create_app

    from helpers.database import app_config

    config = app_config(database_url)
    config["ENVIRON"] = {**config["ENVIRON"], "WATTELT_ENV": "production"}
    app = create_app(config)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        response = app.test_client().get("/login")
        assert "Secure" in response.headers["Set-Cookie"]
        assert "max-age" in response.headers["Strict-Transport-Security"]
    finally:
        app.extensions["wattelt.engine"].dispose()


def test_security_headers_forbid_inline_scripts_and_other_hosts(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp and "http" not in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html


# --- language ------------------------------------------------------------------------------------


def test_dutch_by_default_and_switch_to_english(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in page and "Wat telt voor jou?" in page
    response = client.post("/taal", data={"language": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in for professionals" in page


def test_language_choice_is_remembered_on_the_account(app, client, make_user, login, db_session):
    user = make_user(role="admin")
    login(client, user)
    client.post("/taal", data={"language": "en", "next": "/"})
    db_session.expire_all()
    assert db_session.get(User, user.id).language == "en"
    other_device = app.test_client()
    login(other_device, user)
    assert '<html lang="en">' in other_device.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize("language", ["de", "", "x" * 500])
def test_unknown_language_is_refused(client, language):
    assert client.post("/taal", data={"language": language}).status_code == 400
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)


def test_roles_are_the_six_of_the_domain():
    assert {r.value for r in Role} == {
        "admin",
        "policymaker",
        "manager",
        "coach",
        "network",
        "resident",
    }
