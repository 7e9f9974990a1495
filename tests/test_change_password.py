"""Everyone who has a password can change it; the current one is needed, and every other
session of the account ends."""

from __future__ import annotations

import pytest

from conftest import PASSWORD

NEW = "drie nieuwe woorden"


@pytest.mark.parametrize("role", ["resident", "network", "coach", "admin"])
def test_everyone_changes_their_own_password(role, app, client, login, make_user):
    user = make_user(role=role)
    login(client, user)
    other_device = app.test_client()
    login(other_device, user)
    page = client.get("/wachtwoord")
    assert page.status_code == 200
    done = client.post("/wachtwoord", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert client.get("/wachtwoord").status_code == 200  # this device stays logged in
    assert other_device.get("/wachtwoord").status_code == 302  # every other one is out
    client.post("/logout")
    login(client, user, password=NEW)


def test_the_current_password_is_needed(client, login, make_user):
    user = make_user(role="resident")
    login(client, user)
    refused = client.post(
        "/wachtwoord", data={"current": "niet mijn wachtwoord", "password": NEW, "confirm": NEW}
    )
    assert refused.status_code == 400
    assert "Dit is niet je wachtwoord" in refused.get_data(as_text=True)
    client.post("/logout")
    login(client, user)  # the old password still works


def test_a_weak_new_password_is_refused(client, login, make_user):
    user = make_user(role="coach")
    login(client, user)
    refused = client.post(
        "/wachtwoord", data={"current": PASSWORD, "password": "kort", "confirm": "kort"}
    )
    assert refused.status_code == 400


def test_the_new_password_may_not_be_the_users_own_name(client, login, make_user):
    user = make_user(role="resident", username="sanne.devries")
    login(client, user)
    refused = client.post(
        "/wachtwoord",
        data={"current": PASSWORD, "password": "sanne.devries1", "confirm": "sanne.devries1"},
    )
    assert refused.status_code == 400
