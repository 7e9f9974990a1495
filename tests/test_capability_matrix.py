"""Each capability of the policy layer against each role, around the resident Sanne.

For every capability (view, fill in, complete, stop, correct, change the plan, tick a step,
invite, change involvement or the case director, record consent, export, ask for and decide
erasure, see the log, and the role-level ones) the test says who may. It checks that
``wattelt/policy.py`` answers exactly that, that the routes that do it let exactly those people
through (HTTP, a test client), and that Sanne's page offers each action to exactly them.

The people are those of ``helpers/consent_chain.py`` (see ``test_authorization_matrix.py``):
her case director and a colleague of her own organisation, a partner coach (MEE, with her
consent, no managing rights), a coach without her consent (GGZ), a stranger, the manager, a
policymaker, an admin, Sanne, another resident and Sanne's carer."""

from __future__ import annotations

import pytest
from flask import url_for
from test_authorization_matrix import (
    COACHES,
    EVERYONE,
    PROFESSIONALS,
    ROLES,
    SANNE_CHANGE,
    SANNE_MANAGE,
    SANNE_RESPONSIBLE,
    SANNE_VIEW,
    _params,
    _refused,
)

from wattelt import db, policy
from wattelt.models import ErasureRequest, Measurement, Resident, Step, User

from conftest import log_in
from helpers.consent_chain import add_measurement, build_consent_chain

OWN = {"resident"}  # Sanne herself
CARER = {"network"}  # Sanne's carer

#: capability -> (who may, [(method, endpoint, who would use that route)]). A route refuses
#: everyone outside "who may" and "who would use it".
RESIDENT_CAPABILITIES = {
    "view": (
        SANNE_VIEW | OWN | CARER,
        [("GET", "residents.detail", PROFESSIONALS), ("GET", "measurements.summary", EVERYONE)],
    ),
    "view_report": (SANNE_VIEW | OWN, [("GET", "rounds.resident_report", PROFESSIONALS)]),
    "start_round": (SANNE_CHANGE, [("GET", "measurements.start", EVERYONE)]),
    "complete_round": (SANNE_CHANGE | OWN, [("POST", "measurements.complete", EVERYONE)]),
    "stop_round": (SANNE_CHANGE, [("POST", "measurements.stop", EVERYONE)]),
    "correct_answer": (SANNE_CHANGE, [("GET", "measurements.correct", EVERYONE)]),
    "change_plan": (
        SANNE_CHANGE,
        [("POST", "goals.new_goal", EVERYONE), ("POST", "goals.appointment", EVERYONE)],
    ),
    "tick_step": (
        SANNE_CHANGE | OWN,
        [("POST", "goals.step_done", PROFESSIONALS), ("POST", "goals.my_step_done", OWN)],
    ),
    "edit_details": (SANNE_MANAGE, [("GET", "residents.edit", EVERYONE)]),
    "invite": (
        SANNE_MANAGE,
        [
            ("POST", "residents.invite_resident", EVERYONE),
            ("POST", "residents.invite_member", EVERYONE),
        ],
    ),
    "change_network": (SANNE_MANAGE, [("POST", "residents.add_network_member", EVERYONE)]),
    "change_case_director": (
        SANNE_MANAGE,
        [
            ("POST", "residents.change_case_director", EVERYONE),
            ("POST", "goals.case_director", EVERYONE),
        ],
    ),
    "record_consent": (
        SANNE_RESPONSIBLE | OWN,
        [("POST", "privacy.resident_consent", PROFESSIONALS)],
    ),
    "export": (SANNE_RESPONSIBLE | OWN, [("GET", "privacy.resident_export", PROFESSIONALS)]),
    "ask_erasure": (
        SANNE_RESPONSIBLE | OWN,
        [("GET", "privacy.request_erasure", PROFESSIONALS)],
    ),
    # The request was asked by her case director: a second person decides (here: rejects).
    "decide_erasure": (
        {"colleague", "manager", "admin"},
        [("POST", "privacy.decide_erasure", EVERYONE)],
    ),
    "see_log": (
        {"coach"} | OWN,
        [("GET", "privacy.resident_access_log", PROFESSIONALS)],
    ),
    # Last: with the CSRF check off, ending GGZ's involvement really ends it.
    "change_involvement": (
        SANNE_MANAGE,
        [
            ("POST", "residents.add_involvement", EVERYONE),
            ("POST", "residents.end_involvement", EVERYONE),
        ],
    ),
}

#: Which perspectives of a draft measurement (filled in together with the coach) each may fill.
FILL_IN = {
    **{role: [] for role in ROLES},
    **{role: ["resident", "coach"] for role in SANNE_CHANGE},
    "resident": ["resident"],
    "network": ["network"],
}

ROLE_CAPABILITIES = {
    "work_with_residents": (
        COACHES | {"manager"},
        [("GET", "residents.index"), ("GET", "rounds.caseload")],
    ),
    "add_resident": (COACHES, [("GET", "residents.new")]),
    "see_dashboard": ({"policymaker", "manager"}, [("GET", "dashboard.index")]),
    "manage_accounts": ({"admin"}, [("GET", "admin.users"), ("GET", "admin.api_tokens")]),
    "review_access_log": (COACHES | {"admin"}, [("GET", "privacy.access_log")]),
    "find_inactive": (COACHES | {"admin"}, [("GET", "privacy.retention")]),
}

ROLE_CHECKS = {
    "work_with_residents": policy.works_with_residents,
    "add_resident": policy.may_add_resident,
    "see_dashboard": policy.may_see_dashboard,
    "manage_accounts": policy.may_manage_accounts,
    "review_access_log": policy.may_review_access_log,
    "find_inactive": policy.may_find_inactive,
}


def _answers(session, user, sanne, measurement, draft, step, erasure) -> dict[str, bool]:
    """What the policy layer answers for ``user``, per capability."""
    return {
        "view": policy.may_view(session, user, sanne),
        "view_report": policy.may_view_report(session, user, sanne),
        "start_round": policy.may_start_round(session, user, sanne),
        "complete_round": policy.may_complete_round(session, user, draft, sanne),
        "stop_round": policy.may_stop_round(session, user, draft, sanne),
        "correct_answer": policy.may_correct_answer(session, user, measurement, sanne),
        "change_plan": policy.may_change_plan(session, user, sanne),
        "tick_step": policy.may_tick_step(session, user, step, sanne),
        "edit_details": policy.may_edit_details(session, user, sanne),
        "invite": policy.may_invite(session, user, sanne),
        "change_network": policy.may_change_network(session, user, sanne),
        "change_case_director": policy.may_change_case_director(session, user, sanne),
        "record_consent": policy.may_record_consent(session, user, sanne),
        "export": policy.may_export(session, user, sanne),
        "ask_erasure": policy.may_ask_erasure(session, user, sanne),
        "decide_erasure": policy.may_decide_erasure(session, user, erasure, sanne),
        "see_log": policy.may_see_resident_log(session, user, sanne),
        "change_involvement": policy.may_change_involvement(session, user, sanne),
    }


def _url(app, endpoint: str, params: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{k: params[k] for k in rule.arguments})


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_each_capability_for_each_role(app, role):
    chain = build_consent_chain(app)
    params = _params(app, chain)
    draft = add_measurement(app, chain["sanne"], chain["coach"], status="draft")
    wrong = []

    with app.app_context(), db.standalone_session() as session:
        user = session.get(User, chain[ROLES[role]].id)
        sanne = session.get(Resident, chain["sanne"].id)
        answers = _answers(
            session,
            user,
            sanne,
            session.get(Measurement, chain["measurement"].id),
            session.get(Measurement, draft.id),
            session.get(Step, params["step_id"]),
            session.get(ErasureRequest, params["request_id"]),
        )
        for name, (allowed, _routes) in RESIDENT_CAPABILITIES.items():
            if answers[name] != (role in allowed):
                wrong.append(f"policy {name}: {answers[name]}, expected {role in allowed}")
        for name, check in ROLE_CHECKS.items():
            allowed = ROLE_CAPABILITIES[name][0]
            if check(user) != (role in allowed):
                wrong.append(f"policy {name}: {check(user)}, expected {role in allowed}")
        fills = policy.perspectives_to_fill(
            session, user, session.get(Measurement, draft.id), sanne
        )
        if fills != FILL_IN[role]:
            wrong.append(f"policy fill in: {fills}, expected {FILL_IN[role]}")

    client = app.test_client()
    log_in(client, chain[ROLES[role]])

    def check_route(name, method, endpoint, allowed, values=params):
        url = _url(app, endpoint, values)
        # A decision that is valid, so that only who decides can make the difference.
        data = {"decision": "reject"} if endpoint == "privacy.decide_erasure" else {}
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        assert response.status_code < 500, f"{method} {url} as {role}"
        if _refused(response, endpoint) == allowed:
            wrong.append(
                f"{name}: {method} {url} answered {response.status_code} "
                f"{response.headers.get('Location', '')}, expected "
                f"{'allowed' if allowed else 'refused'}"
            )

    for name, (allowed, routes) in ROLE_CAPABILITIES.items():
        for method, endpoint in routes:
            check_route(name, method, endpoint, role in allowed)
    for perspective in ("resident", "coach", "network"):
        values = {**params, "measurement_id": draft.id, "perspective": perspective, "step": 1}
        check_route("fill in", "GET", "measurements.fill", perspective in FILL_IN[role], values)
    for name, (allowed, routes) in RESIDENT_CAPABILITIES.items():
        for method, endpoint, audience in routes:
            check_route(name, method, endpoint, role in allowed and role in audience)

    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", sorted(SANNE_VIEW))
def test_sannes_page_offers_exactly_what_the_person_may_do(app, role):
    """The links and forms on the resident's page follow the capabilities, not the role."""
    chain = build_consent_chain(app)
    params = _params(app, chain)
    client = app.test_client()
    log_in(client, chain[ROLES[role]])
    page = client.get(_url(app, "residents.detail", params)).get_data(as_text=True)
    offers = {
        "start_round": "measurements.start",
        "edit_details": "residents.edit",
        "change_involvement": "residents.end_involvement",
        "change_case_director": "residents.change_case_director",
        "change_network": "residents.add_network_member",
        "export": "privacy.resident_export",
        "ask_erasure": "privacy.request_erasure",
        "see_log": "privacy.resident_access_log",
    }
    wrong = [
        f"{name}: {'offered' if _url(app, endpoint, params) in page else 'not offered'}"
        for name, endpoint in offers.items()
        if (_url(app, endpoint, params) in page) != (role in RESIDENT_CAPABILITIES[name][0])
    ]
    assert not wrong, f"{role}: " + ", ".join(wrong)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_menu_follows_the_role_capabilities(app, role):
    chain = build_consent_chain(app)
    client = app.test_client()
    log_in(client, chain[ROLES[role]])
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    menu = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    shown = {
        name: 'href="' + _url(app, endpoint, {}) + '"' in menu
        for name, endpoint in (
            ("work_with_residents", "residents.index"),
            ("see_dashboard", "dashboard.index"),
            ("manage_accounts", "admin.index"),
        )
    }
    wrong = [
        f"{name}: {'shown' if is_shown else 'not shown'}"
        for name, is_shown in shown.items()
        if is_shown != (role in ROLE_CAPABILITIES[name][0])
    ]
    assert not wrong, f"{role}: " + ", ".join(wrong)


@pytest.mark.parametrize("role", ["coach", "colleague", "manager", "admin"])
def test_the_erasure_list_offers_to_decide_only_to_who_may(app, role):
    """Her case director asked; the list lets him look, the others decide."""
    chain = build_consent_chain(app)
    params = _params(app, chain)
    client = app.test_client()
    log_in(client, chain[ROLES[role]])
    page = client.get(_url(app, "privacy.erasures", {})).get_data(as_text=True)
    link = _url(app, "privacy.decide_erasure", params)
    label = page.split(f'href="{link}">', 1)[1].split("<", 1)[0]
    may_decide = role in RESIDENT_CAPABILITIES["decide_erasure"][0]
    assert label == ("Beslissen" if may_decide else "Bekijken")
