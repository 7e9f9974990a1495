"""Two-factor authentication: enrolment, the code at login, replay, recovery codes, throttling,
and the requirement per organisation and per role."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlmodel import select

from wattelt import db
from wattelt.auth import two_factor
from wattelt.models import Organisation, RecoveryCode, TwoFactor

from conftest import PASSWORD, TOTP_NOW


def _secret(db_session, user) -> str:
    db_session.expire_all()
    return db_session.exec(select(TwoFactor).where(TwoFactor.user_id == user.id)).one().secret


@pytest.fixture(autouse=True)
def _still_clock(totp_now):
    """Every code below is made for the two-factor clock held still by ``totp_now``."""


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(TOTP_NOW + 30 * offset_steps)


def _enrol(client, db_session, user) -> list[str]:
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<svg" in text and "http" not in text.split('class="qr-code"')[1][:200]
    secret = _secret(db_session, user)
    assert secret in text
    done = client.post("/account/two-factor", data={"code": _code(secret, -1)})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    return codes


def _password(client, user, next=None):
    return client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        query_string={"next": next} if next else None,
    )


@pytest.fixture
def coach(make_user, make_organisation):
    return make_user(role="coach", organisation=make_organisation(name="Wijkteam"))


def test_enrolled_professional_needs_a_code_after_the_password(
    app, client, login, db_session, coach
):
    login(client, coach)
    _enrol(client, db_session, coach)
    client.post("/logout")
    response = _password(client, coach, next="/residents/")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    # Half logged in: nothing else opens yet.
    assert client.get("/residents/").status_code == 302
    wrong = client.post("/login/code", data={"code": "000000"})
    assert wrong.status_code == 401
    ok = client.post("/login/code", data={"code": _code(_secret(db_session, coach))})
    assert ok.status_code == 302 and ok.headers["Location"] == "/residents/"
    assert client.get("/residents/").status_code == 200


def test_a_code_works_only_once(app, client, login, db_session, coach):
    login(client, coach)
    _enrol(client, db_session, coach)
    client.post("/logout")
    code = _code(_secret(db_session, coach))
    _password(client, coach)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    # The same code again (replayed, e.g. seen over a shoulder) is refused.
    _password(client, coach)
    replay = client.post("/login/code", data={"code": code})
    assert replay.status_code == 401
    assert "al gebruikt" in replay.get_data(as_text=True)
    # An older code than the newest used one is refused too.
    assert (
        client.post("/login/code", data={"code": _code(_secret(db_session, coach), -1)}).status_code
        == 401
    )


def test_recovery_codes_work_once_and_are_stored_hashed(app, client, login, db_session, coach):
    login(client, coach)
    codes = _enrol(client, db_session, coach)
    stored = db_session.exec(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    client.post("/logout")
    _password(client, coach)
    assert client.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    client.post("/logout")
    _password(client, coach)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 401


def test_wrong_codes_are_throttled_like_passwords(app, client, login, db_session, coach):
    app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 3
    login(client, coach)
    _enrol(client, db_session, coach)
    client.post("/logout")
    _password(client, coach)
    for _ in range(3):
        assert client.post("/login/code", data={"code": "123456"}).status_code == 401
    # Even the right code is refused now.
    blocked = client.post("/login/code", data={"code": _code(_secret(db_session, coach))})
    assert blocked.status_code == 429


def test_the_code_page_expires_and_needs_the_password_first(app, client, coach):
    assert client.get("/login/code").status_code == 302
    with client.session_transaction() as session:
        session["pending_2fa"] = {"id": coach.login_id, "at": time.time() - 3600, "next": None}
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_organisation_requirement_forces_enrolment_at_next_login(
    app, client, login, db_session, coach
):
    with app.app_context(), db.standalone_session() as session:
        organisation = session.get(Organisation, coach.organisation_id)
        organisation.two_factor_required = True
        session.add(organisation)
    login(client, coach)
    response = client.get("/residents/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    _enrol(client, db_session, coach)
    assert client.get("/residents/").status_code == 200
    # Required: it cannot be switched off.
    code = _code(_secret(db_session, coach), 1)
    assert client.post("/account/two-factor/disable", data={"code": code}).status_code == 403


def test_admin_turns_the_requirement_on_for_an_organisation(app, client, login, make_user, coach):
    admin = make_user(role="admin")
    login(client, admin)
    response = client.post(
        f"/admin/organisations/{coach.organisation_id}/edit",
        data={"name": "Wijkteam", "kind": "", "chain_id": "", "two_factor_required": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session().get(Organisation, coach.organisation_id).two_factor_required


@pytest.mark.parametrize(
    ("role", "forced"), [("admin", True), ("policymaker", True), ("coach", False)]
)
def test_roles_setting_forces_admins_and_policymakers(app, client, login, make_user, role, forced):
    app.config["REQUIRE_2FA_ROLES"] = frozenset({"admin", "policymaker"})
    user = make_user(role=role)
    login(client, user)
    response = client.get("/")
    assert (response.headers.get("Location") == "/account/two-factor") is forced


def test_production_requires_it_for_admins_and_policymakers_by_default(tmp_path):
    from wattelt.config import ConfigError, load_config

    production = {"WATTELT_ENV": "production", "WATTELT_SECRET_KEY": "k" * 40}
    assert load_config(str(tmp_path), production)["REQUIRE_2FA_ROLES"] == {"admin", "policymaker"}
    assert load_config(str(tmp_path), {"WATTELT_SECRET_KEY": "k"})["REQUIRE_2FA_ROLES"] == set()
    custom = load_config(str(tmp_path), {**production, "WATTELT_REQUIRE_2FA_ROLES": "admin,coach"})
    assert custom["REQUIRE_2FA_ROLES"] == {"admin", "coach"}
    with pytest.raises(ConfigError, match="WATTELT_REQUIRE_2FA_ROLES"):
        load_config(str(tmp_path), {**production, "WATTELT_REQUIRE_2FA_ROLES": "resident"})


def test_residents_do_not_get_two_factor(client, login, make_user):
    resident = make_user(role="resident", username="sanne")
    login(client, resident)
    assert client.get("/account/two-factor").status_code == 403


def test_switching_off_needs_a_valid_code(client, login, db_session, coach):
    login(client, coach)
    _enrol(client, db_session, coach)
    refused = client.post("/account/two-factor/disable", data={"code": "999999"})
    assert refused.status_code == 303
    assert two_factor_on(db_session, coach)
    client.post("/account/two-factor/disable", data={"code": _code(_secret(db_session, coach), 1)})
    assert not two_factor_on(db_session, coach)


def two_factor_on(db_session, user) -> bool:
    db_session.expire_all()
    return (
        db_session.exec(select(TwoFactor).where(TwoFactor.user_id == user.id)).first() is not None
    )


def test_admin_resets_a_lost_phone(app, client, login, db_session, make_user, coach):
    login(client, coach)
    _enrol(client, db_session, coach)
    admin_client = app.test_client()
    login(admin_client, make_user(role="admin"))
    assert admin_client.post(f"/admin/users/{coach.id}/two-factor/reset").status_code == 303
    assert not two_factor_on(db_session, coach)
    # The coach's session ended with it (whoever has the phone is out too).
    assert client.get("/residents/").status_code == 302


def test_verify_refuses_a_step_at_or_before_the_last_one(app, db_session, coach):
    with app.app_context():
        session = db.session()
        found = two_factor.start_enrolment(session, session.merge(coach))
        now = TOTP_NOW
        code = pyotp.TOTP(found.secret).at(now)
        assert two_factor.verify_code(session, found, code, now)
        assert not two_factor.verify_code(session, found, code, now)
        assert not two_factor.verify_code(session, found, "12345", now)
        assert not two_factor.verify_code(session, found, "abcdef", now)
