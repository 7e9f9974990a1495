"""Property-based fuzzing of every form: any text (huge, control characters, any script),
wrong types (repeated fields), missing fields and tampered hidden ids. Never a 500, and when
the input is refused, the database is exactly as before (no partial write).

Adding a form? Add one ``Form`` to ``FORMS``: who posts it, where, and a strategy per field
(``junk`` for anything, or ``valid(...) | junk`` to get past the first checks sometimes)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select as sa_select

from wattelt import db
from wattelt.api import tokens as api_tokens
from wattelt.api.openapi import QUERY_PARAMETERS
from wattelt.auth.services import create_invitation
from wattelt.goals import services as goal_services
from wattelt.models import ErasureRequest, Resident, User

from conftest import log_in
from helpers import factories
from helpers.consent_chain import add_measurement, build_consent_chain

#: Written on purpose by refused requests too: the log of refused access and failed logins.
LOG_TABLES = {"access_log", "login_failure", "alembic_version"}
#: The API records a token's last use on every call, refused or not.
LOG_TABLES |= {"api_token"}
FILTER_NAMES = [name for name in QUERY_PARAMETERS if name != "by"]

SPECIAL = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "y",
    "yes",
    "no",
    "None",
    "null",
    "1e9",
    "99999999999999999999999",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00",
    "\u202e\u200b",
    "ü" * 300,
    "x" * 5000,
]
junk_text = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
# A list posts the field several times (a "wrong type" for single-valued fields).
junk = st.one_of(junk_text, st.lists(junk_text, min_size=2, max_size=3))


def valid(*values) -> st.SearchStrategy:
    return st.sampled_from([str(v) for v in values])


@dataclass
class Form:
    role: str | None  # key in the consent_chain, None: not logged in
    url: Callable[[dict], str]
    fields: Callable[[dict], dict[str, st.SearchStrategy]] = field(default=lambda w: {})
    method: str = "POST"
    headers: Callable[[dict], dict[str, str]] = field(default=lambda w: {})


def _ids(consent_chain, *names) -> list[int]:
    return [consent_chain[n].id for n in names]


FORMS: dict[str, Form] = {
    "login": Form(None, lambda w: "/login", lambda w: {"email": junk, "password": junk}),
    "easy login": Form(None, lambda w: "/inloggen", lambda w: {"username": junk, "password": junk}),
    "invitation": Form(
        None,
        lambda w: f"/welkom?token={w['token']}",
        lambda w: {"username": junk, "password": junk, "confirm": junk},
    ),
    "language": Form(
        "coach", lambda w: "/taal", lambda w: {"language": valid("nl", "en") | junk, "next": junk}
    ),
    "new resident": Form(
        "coach",
        lambda w: "/residents/new",
        lambda w: {
            "birth_year": valid(1984, 2100, 1899) | junk,
            "postcode4": valid("3531", "0123") | junk,
            "district_id": junk,
            "case_director": junk,
        },
    ),
    "edit resident": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/edit",
        lambda w: {
            "birth_year": valid(1984) | junk,
            "postcode4": junk,
            "district_id": junk,
            "version": valid(0, 1, 2) | junk,
        },
    ),
    "involvement": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/involvements",
        lambda w: {
            "organisation_id": valid(*_ids(w, "mee", "ggz", "elsewhere")) | junk,
            "professional_id": valid(*_ids(w, "mee_coach", "other_coach")) | junk,
        },
    ),
    "case director": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/case-director",
        lambda w: {
            "user_id": valid(*_ids(w, "other_coach", "admin")) | junk,
            "version": junk,
        },
    ),
    "network member": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/network",
        lambda w: {"display_name": junk, "relation": valid("carer") | junk},
    ),
    "start measurement": Form(
        "coach",
        lambda w: f"/residents/{w['piet'].id}/measurements/new",
        lambda w: {
            "questionnaire": valid("wattelt", "jong") | junk,
            "optional_domains": junk,
            "present": valid("coach") | junk,
            "mode": valid("together", "own_device") | junk,
        },
    ),
    "answer": Form(
        "coach",
        lambda w: f"/measurements/{w['draft'].id}/fill/resident/1",
        lambda w: {
            "answer": valid(1, 3, 5, "dont_know") | junk,
            "wants_to_talk": junk,
            "wants_to_work": junk,
            "note": junk,
            "version": valid(0) | junk,
            "action": junk,
        },
    ),
    "correction": Form(
        "coach",
        lambda w: f"/measurements/{w['measurement'].id}/correct/resident/money",
        lambda w: {"answer": valid(1, 4) | junk, "reason": junk},
    ),
    "my consent": Form(
        "sanne_account",
        lambda w: "/mijn/toestemming",
        lambda w: {
            "version": junk,
            "count": valid("yes", "no") | junk,
            f"share_{w['mee'].id}": valid("yes", "no") | junk,
            f"share_{w['ggz'].id}": junk,
            f"share_{w['elsewhere'].id}": junk,
            "explained_by": valid(*_ids(w, "coach", "other_coach")) | junk,
        },
    ),
    "consent on behalf": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/consent",
        lambda w: {
            "version": junk,
            "count": valid("yes", "no") | junk,
            f"share_{w['mee'].id}": junk,
        },
    ),
    "my erasure": Form("sanne_account", lambda w: "/mijn/wissen", lambda w: {"confirm": junk}),
    "erasure request": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/erasure",
        lambda w: {"reason": valid("other") | junk, "confirm": junk},
    ),
    "erasure decision": Form(
        "manager",
        lambda w: f"/privacy/erasures/{w['request_id']}",
        lambda w: {"decision": valid("reject") | junk},
    ),
    "two-factor enrolment": Form(
        "coach", lambda w: "/account/two-factor", lambda w: {"code": junk}
    ),
    "two-factor off": Form(
        "coach", lambda w: "/account/two-factor/disable", lambda w: {"code": junk}
    ),
    "access log filter": Form(
        "admin",
        lambda w: "/privacy/access-log",
        lambda w: {
            "code": junk,
            "user": junk,
            "action": junk,
            "date_from": valid("2026-01-01") | junk,
            "date_to": junk,
            "page": junk,
        },
        method="GET",
    ),
    "new goal": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/plan/goals/new",
        lambda w: {
            "text": junk,
            "reached_when": junk,
            "domains": valid("money", "housing") | junk,
            "weight": valid(1, 2, 3) | junk,
            "version": junk,
        },
    ),
    "edit goal": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/plan/goals/{w['goal_id']}",
        lambda w: {
            "text": junk,
            "reached_when": junk,
            "domains": valid("money") | junk,
            "weight": valid(1) | junk,
            "status": valid("open", "reached", "stopped") | junk,
            "version": valid(1) | junk,
        },
    ),
    "new step": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/plan/goals/{w['goal_id']}/steps/new",
        lambda w: {
            "text": junk,
            "helper": valid("resident", f"network-{w['member'].id}") | junk,
            "due_on": valid("2027-01-31", "31-01-2027") | junk,
            "version": junk,
        },
    ),
    "edit step": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/plan/goals/{w['goal_id']}/steps/{w['step_id']}",
        lambda w: {
            "text": junk,
            "helper": valid("resident") | junk,
            "due_on": junk,
            "version": valid(1) | junk,
        },
    ),
    "step done": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/plan/goals/{w['goal_id']}/steps/{w['step_id']}/done",
        lambda w: {"done": valid(0, 1) | junk, "version": valid(1) | junk},
    ),
    "my step done": Form(
        "sanne_account",
        lambda w: f"/my-plan/steps/{w['step_id']}/done",
        lambda w: {"done": valid(0, 1) | junk, "version": valid(1) | junk},
    ),
    "appointment": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/plan/appointment",
        lambda w: {
            "on": valid("2027-02-01") | junk,
            "at": valid("10:30") | junk,
            "note": junk,
            "version": junk,
        },
    ),
    "goal scores": Form(
        "coach",
        lambda w: f"/measurements/{w['follow_up'].id}/goal-scores",
        lambda w: {
            f"score_{w['goal_id']}": valid(-2, 0, 2) | junk,
            f"outcome_{w['goal_id']}": valid("carry_on", "reached", "stopped") | junk,
            f"version_{w['goal_id']}": valid(1) | junk,
        },
    ),
    "caseload filters": Form(
        "coach",
        lambda w: "/caseload",
        lambda w: {
            name: junk for name in ("mine", "coach", "due", "change", "code", "sort", "dir", "page")
        },
        method="GET",
    ),
    "report perspectives": Form(
        "coach",
        lambda w: f"/residents/{w['sanne'].id}/report",
        lambda w: {"perspective": valid("resident", "coach", "network") | junk, "print": junk},
        method="GET",
    ),
    "figures filters": Form(
        "policymaker",
        lambda w: "/dashboard/",
        lambda w: {name: junk for name in FILTER_NAMES},
        method="GET",
    ),
    "figures side by side": Form(
        "policymaker",
        lambda w: "/dashboard/compare",
        lambda w: (
            {"by": valid("organisation", "district") | junk} | {name: junk for name in FILTER_NAMES}
        ),
        method="GET",
    ),
    "api token": Form(
        "admin",
        lambda w: "/admin/api-tokens",
        lambda w: {
            "user_id": valid(w["policymaker"].id) | junk,
            "name": junk,
            "days": valid(30, 365) | junk,
        },
    ),
    **{
        f"api {endpoint}": Form(
            None,
            lambda w, endpoint=endpoint: f"/api/v1/{endpoint}",
            lambda w: (
                {"by": valid("organisation", "district") | junk, "lang": junk}
                | {name: junk for name in FILTER_NAMES}
            ),
            method="GET",
            headers=lambda w: {"Authorization": f"Bearer {w['api_token']}"},
        )
        for endpoint in ("summary", "domains", "compare")
    },
    "new chain": Form("admin", lambda w: "/admin/chains/new", lambda w: {"name": junk}),
    "organisation": Form(
        "admin",
        lambda w: f"/admin/organisations/{w['elsewhere'].id}/edit",
        lambda w: {
            "name": junk,
            "kind": junk,
            "chain_id": valid(w["chain"].id) | junk,
            "two_factor_required": junk,
        },
    ),
    "district": Form(
        "admin",
        lambda w: "/admin/districts/new",
        lambda w: {"name": junk, "municipality": junk},
    ),
    "new user": Form(
        "admin",
        lambda w: "/admin/users/new",
        lambda w: {
            "email": junk,
            "display_name": junk,
            "role": valid("coach", "admin", "resident") | junk,
            "organisation_id": junk,
        },
    ),
    "edit user": Form(
        "admin",
        lambda w: f"/admin/users/{w['other_coach'].id}",
        lambda w: {"display_name": junk, "role": junk, "organisation_id": junk},
    ),
}


def _snapshot(app) -> dict[str, str]:
    """A checksum of every table's rows (except the logs that refused requests write)."""
    from wattelt.db import metadata

    sums = {}
    with app.extensions["wattelt.engine"].connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in LOG_TABLES:
                continue
            rows = connection.execute(sa_select(table).order_by(*table.primary_key.columns)).all()
            sums[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return sums


def _fuzz_chain(app) -> dict:
    consent_chain = build_consent_chain(app)
    consent_chain["draft"] = add_measurement(
        app, consent_chain["sanne"], consent_chain["coach"], "draft"
    )
    # A link is only made for an account without a password yet.
    newcomer = factories.make_user(app, role="network", password=None)
    with app.app_context(), db.standalone_session() as session:
        consent_chain["token"] = create_invitation(session, session.get(User, newcomer.id), None)
        request = ErasureRequest(
            resident_id=consent_chain["piet"].id,
            reason="other",
            requested_by_id=consent_chain["mee_coach"].id,
        )
        session.add(request)
        session.flush()
        consent_chain["request_id"] = request.id
        _row, consent_chain["api_token"] = api_tokens.create(
            session,
            session.get(User, consent_chain["policymaker"].id),
            "BI",
            session.get(User, consent_chain["admin"].id),
            None,
        )
        sanne = session.get(Resident, consent_chain["sanne"].id)
        coach = session.get(User, consent_chain["coach"].id)
        goal = goal_services.create_goal(
            session,
            sanne,
            coach,
            text="Ik wil mijn post elke week openen.",
            reached_when="Geen stapel post meer.",
            domains=["money"],
        )
        step = goal_services.add_step(
            session, sanne, goal, coach, text="De post openen", helper_key="resident", due_on=None
        )
        consent_chain["goal_id"], consent_chain["step_id"] = goal.id, step.id
    consent_chain["follow_up"] = add_measurement(
        app, consent_chain["sanne"], consent_chain["coach"]
    )
    return consent_chain


@pytest.mark.parametrize("name", list(FORMS))
def test_no_input_breaks_a_form_or_writes_half(app, name):
    form = FORMS[name]
    consent_chain = _fuzz_chain(app)
    client = app.test_client()
    if form.role:
        log_in(client, consent_chain[form.role])
    url = form.url(consent_chain)
    strategy = st.fixed_dictionaries({}, optional=form.fields(consent_chain))

    @settings(
        max_examples=20,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=strategy)
    def post(data):
        before = _snapshot(app)
        headers = form.headers(consent_chain)
        if form.method == "GET":
            response = client.get(url, query_string=data, headers=headers)
        else:
            response = client.post(url, data=data, headers=headers)
        assert response.status_code < 500, (name, data)
        if response.status_code >= 400:
            assert _snapshot(app) == before, f"{name} refused {data!r} but changed the database"

    post()


def test_too_big_a_form_is_refused_whole(app, login, db_session):
    consent_chain = build_consent_chain(app)
    client = app.test_client()
    log_in(client, consent_chain["coach"])
    before = _snapshot(app)
    response = client.post(
        f"/residents/{consent_chain['sanne'].id}/network",
        data={"display_name": "x" * 1_100_000, "relation": "carer"},
    )
    assert response.status_code == 413
    assert _snapshot(app) == before
