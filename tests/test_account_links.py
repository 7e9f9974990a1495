"""How login links reach professionals, and the attacks on them, end to end over HTTP.

With a mail server a professional's link goes to their own address and never to the admin who
made it. Without one the admin sees the link, and the account stays closed after it is used until
a second person (not the maker, nor their other account) activates it. A forgotten password is
reset with a mailed link that asks for the second factor and ends every other session."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlmodel import func, select

from wattelt.models import AccessLog, ErasureRequest, Invitation, Role, TwoFactor, User, utcnow

from conftest import PASSWORD, TOTP_NOW
from helpers.mail import body, free_port, smtp_server, use_mail_server

NEW_PASSWORD = "paarse olifant danst vrolijk"
LINK = re.compile(r"https?://[^\s\"<>]*/welkom\?token=[A-Za-z0-9_-]+")


@pytest.fixture
def inbox(app):
    with smtp_server(app) as messages:
        yield messages


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.ADMIN, display_name="Ada Admin", language="en")


@pytest.fixture
def as_admin(app, admin, login):
    client = app.test_client()
    login(client, admin)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def links_of(db_session, user) -> int:
    db_session.expire_all()
    return db_session.exec(
        select(func.count()).select_from(Invitation).where(Invitation.user_id == user.id)
    ).one()


def path_of(link: str) -> str:
    return link.split("localhost", 1)[1]


def set_password(client, link: str, **extra) -> object:
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, **extra}
    return client.post(path_of(link), data=data)


def log_in_with(client, user: User, password: str = NEW_PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def enrol(db_session, user: User) -> str:
    secret = pyotp.random_base32()
    db_session.add(TwoFactor(user_id=user.id, secret=secret, enabled_at=utcnow()))
    db_session.commit()
    return secret


# --- with a mail server: the link goes to the person, never to the admin ----------------------


def test_a_new_professionals_link_is_mailed_and_never_shown_to_the_admin(
    app, as_admin, inbox, make_user, db_session
):
    coach = make_user(role="coach", email="kees@wijkteam.example", password=None)
    page = as_admin.post(f"/admin/users/{coach.id}/invite")
    assert page.status_code == 200
    assert "k***@wijkteam.example" in text(page)
    (message,) = inbox
    assert message["To"] == "kees@wijkteam.example"
    assert message["Subject"] == "Je account in Wattelt"  # the coach's language: Dutch
    link = LINK.search(body(message)).group(0)
    assert link in body(message, "html")
    token = link.rsplit("=", 1)[1]
    for seen in (page, as_admin.get(f"/admin/users/{coach.id}"), as_admin.get("/admin/users")):
        assert "welkom?token" not in text(seen) and token not in text(seen)
    # The coach uses it and is in at once: the link reached only them.
    newcomer = app.test_client()
    assert set_password(newcomer, link).status_code == 302
    assert newcomer.get("/").status_code == 200
    assert log_in_with(app.test_client(), coach).status_code == 302


def test_the_mail_is_in_the_recipients_language(as_admin, inbox, make_user):
    coach = make_user(role="coach", password=None, language="en")
    as_admin.post(f"/admin/users/{coach.id}/invite")
    assert inbox[0]["Subject"] == "Your account in Wattelt"
    assert "The link works once." in body(inbox[0])


def test_a_mail_failure_is_a_clear_message_and_changes_nothing(
    app, as_admin, inbox, make_user, db_session
):
    coach = make_user(role="coach", email="kees@wijkteam.example", password=None)
    as_admin.post(f"/admin/users/{coach.id}/invite")
    first = LINK.search(body(inbox[0])).group(0)
    use_mail_server(app, free_port())  # nobody listens there
    response = as_admin.post(f"/admin/users/{coach.id}/invite", follow_redirects=True)
    assert response.status_code == 200
    assert "could not be sent" in text(response) and "k***@wijkteam.example" in text(response)
    assert "welkom?token" not in text(response)
    assert links_of(db_session, coach) == 1
    # The earlier link still works: nothing was left half made.
    assert set_password(app.test_client(), first).status_code == 302


def test_an_admin_makes_no_link_for_their_own_account(as_admin, admin, inbox, db_session):
    response = as_admin.post(f"/admin/users/{admin.id}/invite", follow_redirects=True)
    assert "Change your own password" in text(response)
    assert links_of(db_session, admin) == 0 and inbox == []


# --- without a mail server: a second person activates -----------------------------------------


def test_an_admin_who_uses_a_shown_link_cannot_log_in_or_activate_it(
    app, as_admin, admin, make_user, login, db_session
):
    coach = make_user(role="coach", email="kees@wijkteam.example", password=None)
    page = text(as_admin.post(f"/admin/users/{coach.id}/invite"))
    link = LINK.search(page.replace("&amp;", "&")).group(0)
    assert "another administrator activates it" in page

    # The admin opens the link meant for Kees and chooses a password.
    thief = app.test_client()
    waiting = set_password(thief, link)
    assert waiting.status_code == 200 and "tweede beheerder" in text(waiting)
    assert thief.get("/residents/").status_code == 302  # not logged in
    assert log_in_with(app.test_client(), coach).status_code == 403
    # Nor can the admin activate it.
    as_admin.post(f"/admin/users/{coach.id}/activate")
    db_session.expire_all()
    assert db_session.get(User, coach.id).awaiting_activation
    assert log_in_with(app.test_client(), coach).status_code == 403
    edit = text(as_admin.get(f"/admin/users/{coach.id}"))
    assert "waiting for activation" in edit and "You cannot be that second person." in edit

    # A second admin, who made neither the link nor the first admin's account, activates.
    second = make_user(role="admin", language="en")
    other = app.test_client()
    login(other, second)
    assert "Activate account" in text(other.get(f"/admin/users/{coach.id}"))
    other.post(f"/admin/users/{coach.id}/activate")
    assert log_in_with(app.test_client(), coach).status_code == 302
    db_session.expire_all()
    made = db_session.exec(select(Invitation).where(Invitation.user_id == coach.id)).one()
    assert (made.created_by_id, made.activated_by_id) == (admin.id, second.id)


def test_an_admins_second_account_cannot_activate_their_link(
    app, as_admin, admin, make_user, login, db_session
):
    # Ada makes a second admin account for herself; a colleague activates it in good faith.
    second_self = make_user(role="admin", email="ada2@gemeente.example", password=None)
    link = LINK.search(text(as_admin.post(f"/admin/users/{second_self.id}/invite"))).group(0)
    set_password(app.test_client(), link)
    colleague = app.test_client()
    login(colleague, make_user(role="admin"))
    colleague.post(f"/admin/users/{second_self.id}/activate")
    alter_ego = app.test_client()
    assert log_in_with(alter_ego, second_self).status_code == 302

    # Then she makes a link for a coach, uses it, and activates it with her second account.
    coach = make_user(role="coach", password=None)
    link = LINK.search(text(as_admin.post(f"/admin/users/{coach.id}/invite"))).group(0)
    set_password(app.test_client(), link)
    refused = alter_ego.post(f"/admin/users/{coach.id}/activate", follow_redirects=True)
    assert "Je kunt dit account niet activeren" in text(refused)
    assert log_in_with(app.test_client(), coach).status_code == 403


def test_who_activated_an_account_cannot_approve_the_erasure_it_asked(
    app, consent_chain, make_user, login, db_session
):
    """The activator counts as a person behind the account (the two-person rule)."""
    wijkteam = consent_chain["wijkteam"]
    newcomer = make_user(role="coach", organisation=wijkteam, password=None)
    maker, activator = consent_chain["admin"], make_user(role="admin")
    as_maker, as_activator = app.test_client(), app.test_client()
    login(as_maker, maker)
    login(as_activator, activator)
    link = LINK.search(text(as_maker.post(f"/admin/users/{newcomer.id}/invite"))).group(0)
    set_password(app.test_client(), link)
    as_activator.post(f"/admin/users/{newcomer.id}/activate")
    coach = app.test_client()
    assert log_in_with(coach, newcomer).status_code == 302
    sanne = consent_chain["sanne"]
    asked = coach.post(f"/residents/{sanne.id}/erasure", data={"reason": "other", "confirm": "y"})
    assert asked.status_code == 302, asked.status_code
    request = db_session.exec(select(ErasureRequest)).one()
    for judge in (as_maker, as_activator):
        decision = judge.post(f"/privacy/erasures/{request.id}", data={"decision": "approve"})
        assert decision.status_code == 404
    db_session.expire_all()
    assert db_session.get(ErasureRequest, request.id).status == "pending"


# --- a forgotten password -----------------------------------------------------------------------


def ask_reset(client, address: str):
    return client.post("/wachtwoord-vergeten", data={"email": address})


def test_the_login_page_leads_to_a_forgotten_password(app, client):
    assert 'href="/wachtwoord-vergeten"' in text(client.get("/login"))
    # Without a mail server: ask the administrator, and nothing is sent.
    page = client.get("/wachtwoord-vergeten")
    assert (
        "Vraag de beheerder" in text(page) and "<form method" not in text(page).split("<main")[-1]
    )


def test_a_known_and_an_unknown_address_get_the_same_answer(app, inbox, make_user):
    coach = make_user(role="coach", email="kees@wijkteam.example")
    known = ask_reset(app.test_client(), "kees@wijkteam.example")
    unknown = ask_reset(app.test_client(), "niemand@wijkteam.example")
    assert known.status_code == unknown.status_code == 200

    def main(response) -> str:
        return text(response).split("<main", 1)[1].split("</main>", 1)[0]

    assert main(known).replace("kees@", "X@") == main(unknown).replace("niemand@", "X@")
    (message,) = inbox
    assert message["To"] == coach.email
    assert message["Subject"] == "Kies een nieuw wachtwoord voor Wattelt"


def test_a_reset_link_ends_every_other_session_and_is_logged(
    app, inbox, make_user, login, db_session
):
    coach = make_user(role="coach", email="kees@wijkteam.example")
    old_session = app.test_client()
    login(old_session, coach)
    ask_reset(app.test_client(), coach.email)
    link = LINK.search(body(inbox[0])).group(0)
    fresh = app.test_client()
    assert set_password(fresh, link).status_code == 302
    assert fresh.get("/residents/").status_code == 200
    # The session from before the reset (perhaps the attacker's) no longer works.
    assert old_session.get("/residents/").status_code == 302
    assert log_in_with(app.test_client(), coach, PASSWORD).status_code == 401
    assert set_password(app.test_client(), link).status_code == 410  # once only
    db_session.expire_all()
    logged = db_session.exec(
        select(AccessLog).where(AccessLog.user_id == coach.id, AccessLog.what.like("password%"))
    ).all()
    assert {row.what for row in logged} == {"password reset link mailed", "password reset by link"}


def test_a_reset_link_does_not_skip_the_second_factor(app, inbox, make_user, db_session, totp_now):
    coach = make_user(role="coach", email="kees@wijkteam.example")
    secret = enrol(db_session, coach)
    ask_reset(app.test_client(), coach.email)
    link = LINK.search(body(inbox[0])).group(0)
    thief = app.test_client()  # has the mailbox, not the phone
    assert set_password(thief, link).status_code == 400  # the code is asked for
    assert set_password(thief, link, code="000000").status_code == 401
    assert thief.get("/residents/").status_code == 302
    assert log_in_with(app.test_client(), coach, PASSWORD).status_code == 302  # unchanged
    code = pyotp.TOTP(secret).at(TOTP_NOW)
    assert set_password(app.test_client(), link, code=code).status_code == 302


def test_reset_requests_are_throttled(app, inbox, make_user):
    make_user(role="coach", email="kees@wijkteam.example")
    client = app.test_client()
    answers = [ask_reset(client, "kees@wijkteam.example").status_code for _ in range(7)]
    assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]
    assert len(inbox) == 5


def test_an_admin_made_reset_without_mail_needs_a_second_person(
    app, as_admin, make_user, login, db_session
):
    coach = make_user(role="coach", email="kees@wijkteam.example")
    page = text(as_admin.post(f"/admin/users/{coach.id}/invite"))
    assert "Password reset link" in page
    link = LINK.search(page.replace("&amp;", "&")).group(0)
    assert set_password(app.test_client(), link).status_code == 200
    assert log_in_with(app.test_client(), coach).status_code == 403
    other = app.test_client()
    login(other, make_user(role="admin"))
    other.post(f"/admin/users/{coach.id}/activate")
    assert log_in_with(app.test_client(), coach).status_code == 302


def test_a_mailed_link_opens_an_account_that_waited_after_a_shown_one(
    app, as_admin, make_user, db_session
):
    coach = make_user(role="coach", email="kees@wijkteam.example", password=None)
    shown = LINK.search(text(as_admin.post(f"/admin/users/{coach.id}/invite"))).group(0)
    set_password(app.test_client(), shown)
    assert log_in_with(app.test_client(), coach).status_code == 403
    with smtp_server(app) as inbox:
        ask_reset(app.test_client(), coach.email)
    assert inbox == []  # an account waiting for a second person gets no reset mail
    with smtp_server(app) as inbox:
        as_admin.post(f"/admin/users/{coach.id}/invite")
    (message,) = inbox
    mailed = LINK.search(body(message)).group(0)
    # Only the person with the mailbox chooses the password now; nobody needs to activate.
    assert set_password(app.test_client(), mailed, confirm="x").status_code == 400
    fresh = app.test_client()
    data = {"password": "een ander eigen zinnetje", "confirm": "een ander eigen zinnetje"}
    assert fresh.post(path_of(mailed), data=data).status_code == 302
    assert log_in_with(app.test_client(), coach).status_code == 401  # the admin's choice is gone
