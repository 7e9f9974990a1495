"""Every route of the app against an explicit rule: which roles get in, and that all others are
refused. Routes are discovered from ``app.url_map``, so a new route without a rule fails here.

Adding a route? Add one line to ``RULES``: the endpoint (optionally with " POST" for a rule that
differs for POST) and the set of roles that may use it. Fill its URL parameters in ``PARAMS``
when it has new ones. The roles are people of ``helpers/consent_chain.py``, all around the resident
Sanne (registered by the wijkteam; MEE has her consent, GGZ does not)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from wattelt import db
from wattelt.api import tokens as api_tokens
from wattelt.goals import services as goal_services
from wattelt.models import ErasureRequest, Involvement, Resident, User

from conftest import log_in
from helpers import factories
from helpers.consent_chain import build_consent_chain

ROLES = {
    "anonymous": None,
    "resident": "sanne_account",  # Sanne herself
    "other_resident": "piet_account",  # another resident (of MEE)
    "network": "carer",  # Sanne's carer
    "coach": "coach",  # Sanne's case director, her own organisation
    "colleague": "colleague",  # same organisation as the case director
    "partner": "mee_coach",  # involved organisation with Sanne's consent
    "no_consent": "ggz_coach",  # another organisation's coach: involved, no consent
    "stranger": "other_coach",  # another organisation's coach, not involved
    "manager": "manager",  # manager of Sanne's own organisation
    "policymaker": "policymaker",
    "admin": "admin",
}

EVERYONE = set(ROLES)
NOBODY: set[str] = set()
RESIDENTS = {"resident", "other_resident"}
COACHES = {"coach", "colleague", "partner", "no_consent", "stranger"}
PROFESSIONALS = COACHES | {"manager", "policymaker", "admin"}
SANNE_CHANGE = {"coach", "colleague", "partner"}
SANNE_VIEW = SANNE_CHANGE | {"manager"}
SANNE_RESPONSIBLE = {"coach", "colleague"}
#: Who may change who works with Sanne and who directs her case, and invite people: her own
#: organisation and her case director, never a partner (it could make itself case director).
SANNE_MANAGE = SANNE_RESPONSIBLE
MEASUREMENT = SANNE_VIEW | {"resident", "network"}

RULES: dict[str, set[str]] = {
    "static": EVERYONE,
    "main.home": EVERYONE,
    "main.healthz": EVERYONE,
    "main.livez": EVERYONE,
    "main.set_language": EVERYONE,
    "auth.login": EVERYONE,
    "auth.easy_login": EVERYONE,
    "auth.logout": EVERYONE,
    "auth.accept_invitation": NOBODY,  # only with a valid token in the link
    "auth.two_factor_login": NOBODY,  # only after the right password
    "auth.change_password": EVERYONE - {"anonymous"},
    "auth.forgot_password": EVERYONE,  # logged in: sent home
    "auth.two_factor_setup": PROFESSIONALS,
    "auth.two_factor_disable": PROFESSIONALS,
    "auth.two_factor_new_codes": NOBODY,  # only for enrolled professionals; none here
    "admin.index": {"admin"},
    "admin.chains": {"admin"},
    "admin.new_chain": {"admin"},
    "admin.edit_chain": {"admin"},
    "admin.organisations": {"admin"},
    "admin.new_organisation": {"admin"},
    "admin.edit_organisation": {"admin"},
    "admin.districts": {"admin"},
    "admin.new_district": {"admin"},
    "admin.edit_district": {"admin"},
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.deactivate_user": {"admin"},
    "admin.reactivate_user": {"admin"},
    "admin.invite_user": {"admin"},
    "admin.activate_user": {"admin"},
    "admin.reset_two_factor": {"admin"},
    "residents.index": COACHES | {"manager"},
    "residents.new": COACHES,
    "residents.detail": SANNE_VIEW,
    "residents.edit": SANNE_MANAGE,
    "residents.add_involvement": SANNE_MANAGE,
    "residents.end_involvement": SANNE_MANAGE,
    "residents.change_case_director": SANNE_MANAGE,
    "residents.add_network_member": SANNE_MANAGE,
    "residents.invite_resident": SANNE_MANAGE,
    "residents.invite_member": SANNE_MANAGE,
    # Only for Sanne's own logins (not the user here); see test_resident_password_reset.py.
    "residents.ask_password_reset": NOBODY,
    "residents.confirm_password_reset": NOBODY,
    "measurements.start": SANNE_CHANGE,
    "measurements.resume": MEASUREMENT,
    "measurements.fill": MEASUREMENT,
    "measurements.summary": MEASUREMENT,
    "measurements.complete": SANNE_CHANGE | {"resident"},
    "measurements.stop": SANNE_CHANGE,
    "measurements.correct": SANNE_CHANGE,
    "privacy.my_privacy": RESIDENTS,
    "privacy.my_consent": RESIDENTS,
    "privacy.my_access_log": RESIDENTS,
    "privacy.my_export": RESIDENTS,
    "privacy.my_export_json": RESIDENTS,
    "privacy.my_erasure": RESIDENTS,
    "privacy.resident_consent": SANNE_VIEW,
    "privacy.resident_consent POST": SANNE_RESPONSIBLE,
    "privacy.resident_export": SANNE_RESPONSIBLE,
    "privacy.resident_export_json": SANNE_RESPONSIBLE,
    "privacy.request_erasure": SANNE_RESPONSIBLE,
    "privacy.resident_access_log": {"coach"},  # the case director only
    "privacy.access_log": COACHES | {"admin"},  # coaches see the rows of residents they direct
    "privacy.erasures": COACHES | {"manager", "admin"},
    # The coach asked for it (and may look); the colleague, the manager and an admin decide.
    "privacy.decide_erasure": {"coach", "colleague", "manager", "admin"},
    "privacy.retention": COACHES | {"admin"},
    # The one plan: professionals of Sanne's organisations; residents and network their own plan.
    "goals.plan_page": SANNE_VIEW,
    "goals.plan_history": SANNE_VIEW,
    "goals.plan_print": SANNE_VIEW,
    "goals.appointment": SANNE_CHANGE,
    "goals.case_director": SANNE_MANAGE,
    "goals.new_goal": SANNE_CHANGE,
    "goals.edit_goal": SANNE_CHANGE,
    "goals.new_step": SANNE_CHANGE,
    "goals.edit_step": SANNE_CHANGE,
    "goals.remove_step": SANNE_CHANGE,
    "goals.step_done": SANNE_CHANGE,
    "goals.from_measurement": SANNE_CHANGE,
    "goals.score_goals": SANNE_CHANGE,
    "goals.my_plan": RESIDENTS | {"network"},
    "goals.my_plan_print": RESIDENTS | {"network"},
    "goals.my_step_done": {"resident"},  # Sanne's own step; not Piet, not a step of Jan
    # Rounds: the person's report for professionals with access and the resident themself.
    "rounds.resident_report": SANNE_VIEW,
    "rounds.my_report": RESIDENTS,
    "notices.mark_seen": RESIDENTS,  # their own notices only: there is no id of another's
    "rounds.caseload": COACHES | {"manager"},
    # Anonymous figures: policymakers (their chain) and managers (their organisation) only.
    "dashboard.index": {"policymaker", "manager"},
    "dashboard.compare": {"policymaker", "manager"},
    "dashboard.download": {"policymaker", "manager"},
    "admin.api_tokens": {"admin"},
    "admin.releases_page": {"admin"},
    "admin.make_release": {"admin"},
    "admin.new_api_token": {"admin"},
    "admin.revoke_api_token": {"admin"},
    # The figures API answers bearer tokens only, never a session (tested in test_api.py).
    "api.summary": NOBODY,
    "api.domains": NOBODY,
    "api.compare": NOBODY,
    "api.filters": NOBODY,
    "api.release_list": NOBODY,
    "api.release_figures": NOBODY,
    "api.openapi_document": EVERYONE,
    "api.docs": EVERYONE,
}

# Endpoints that change who is logged in or what the others find: run last, in this order.
LAST = ["auth.logout"]
# Endpoints whose success is a redirect to a login page.
LEAD_TO_LOGIN = {"auth.logout"}


def _params(app: Flask, consent_chain: dict) -> dict[str, object]:
    with app.app_context(), db.standalone_session() as session:
        ggz = session.exec(
            Involvement.__table__.select().where(
                Involvement.resident_id == consent_chain["sanne"].id,
                Involvement.organisation_id == consent_chain["ggz"].id,
            )
        ).first()
        request = ErasureRequest(
            resident_id=consent_chain["sanne"].id,
            reason="other",
            requested_by_id=consent_chain["coach"].id,
        )
        session.add(request)
        session.flush()
        request_id = request.id
        sanne = session.get(Resident, consent_chain["sanne"].id)
        goal = goal_services.create_goal(
            session,
            sanne,
            session.get(User, consent_chain["coach"].id),
            text="Ik wil mijn post elke week openen.",
            reached_when="Geen stapel post meer.",
            domains=["money"],
        )
        step = goal_services.add_step(
            session,
            sanne,
            goal,
            session.get(User, consent_chain["coach"].id),
            text="De post openen",
            helper_key="resident",
            due_on=None,
        )
        goal_id, step_id = goal.id, step.id
        api_token, _secret = api_tokens.create(
            session,
            session.get(User, consent_chain["policymaker"].id),
            "BI",
            session.get(User, consent_chain["admin"].id),
            None,
        )
        token_id = api_token.id
    target = factories.make_user(app, role="coach", organisation=consent_chain["elsewhere"])
    return {
        "resident_id": consent_chain["sanne"].id,
        "measurement_id": consent_chain["measurement"].id,
        "involvement_id": ggz.id,
        "member_id": consent_chain["member"].id,
        "user_id": target.id,
        "chain_id": consent_chain["chain"].id,
        "organisation_id": consent_chain["elsewhere"].id,
        "district_id": factories.make_district(app).id,
        "request_id": request_id,
        "goal_id": goal_id,
        "step_id": step_id,
        "perspective": "resident",
        "step": 1,
        "item_key": "money",
        "filename": "css/wattelt.css",
        "kind": "zip",
        "token_id": token_id,
        "release_id": 1,
    }


def _url(rule, params: dict) -> str:
    def fill(match):
        name = match.group(1).split(":")[-1]
        assert name in params, f"add a value for <{name}> ({rule.endpoint}) to PARAMS"
        return str(params[name])

    return re.sub(r"<([^>]+)>", fill, rule.rule)


def _refused(response, endpoint: str) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if endpoint in LEAD_TO_LOGIN:
        return False
    location = response.headers.get("Location", "")
    # Anonymous visitors are sent to a login page; so is whoever may not come further.
    return response.status_code in (301, 302, 303) and (
        location.split("?")[0].endswith(("/login", "/inloggen"))
    )


def _requests(app: Flask):
    rules = [r for r in app.url_map.iter_rules()]
    ordered = sorted(rules, key=lambda r: (r.endpoint in LAST, r.endpoint))
    for rule in ordered:
        for method in ("GET", "POST"):
            if method in rule.methods:
                yield rule, method


def test_every_route_has_a_rule(app):
    missing = sorted({r.endpoint for r in app.url_map.iter_rules()} - set(RULES))
    assert not missing, (
        "These routes have no authorisation rule. Add a line per endpoint to RULES in "
        f"tests/test_authorization_matrix.py saying which roles may use them: {missing}"
    )
    unknown = sorted({k.split()[0] for k in RULES} - {r.endpoint for r in app.url_map.iter_rules()})
    assert not unknown, f"RULES names endpoints that no longer exist: {unknown}"


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_gets_exactly_what_the_rules_say(app, role):
    consent_chain = build_consent_chain(app)
    params = _params(app, consent_chain)
    client = app.test_client()
    if ROLES[role] is not None:
        log_in(client, consent_chain[ROLES[role]])
    wrong = []
    for rule, method in _requests(app):
        allowed = RULES.get(f"{rule.endpoint} {method}", RULES.get(rule.endpoint))
        if allowed is None:
            continue  # reported by test_every_route_has_a_rule
        url = _url(rule, params)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}"
        response.close()  # streamed files (static, scripts) are closed at once
        refused = _refused(response, rule.endpoint)
        if refused == (role in allowed):
            wrong.append(
                f"{method} {url} ({rule.endpoint}): {response.status_code} "
                f"{response.headers.get('Location', '')} — expected "
                f"{'allowed' if role in allowed else 'refused'}"
            )
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
