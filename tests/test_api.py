"""The figures API: bearer tokens (made, used, revoked, expired), answers that match the OpenAPI
document, the same numbers as the dashboard, no cookies, and clear errors instead of 500s."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlmodel import select

from wattelt import db
from wattelt.api import tokens
from wattelt.demo.population import Spread
from wattelt.models import ApiToken, utcnow

from helpers.outcomes import populate, release


@pytest.fixture
def api_chain(app, db_session, make_chain, make_organisation, make_district, make_user):
    """150 synthetic residents over two partners (70/30 %) and two districts, a policymaker, a
    manager, a coach and an admin."""
    chain = make_chain(name="Samen Sterk")
    organisations = [make_organisation(name=f"Partner {i}", chain=chain) for i in range(2)]
    districts = [make_district(name=f"Wijk {i}") for i in range(2)]
    populate(
        db_session,
        Spread([o.id for o in organisations], [d.id for d in districts], (0.7, 0.3), days=300),
        150,
        seed=21,
    )
    release(db_session)
    people = {
        "policymaker": make_user(role="policymaker", organisation=organisations[0]),
        "manager": make_user(role="manager", organisation=organisations[1]),
        "coach": make_user(role="coach", organisation=organisations[0]),
        "admin": make_user(role="admin"),
    }
    return {"organisations": organisations, "districts": districts, **people}


def _token(app, user, days=None) -> str:
    with app.app_context():
        session = db.session()
        _row, token = tokens.create(session, user, "BI", user, days)
        session.commit()
    return token


def _get(client, path, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers=headers, query_string=params)


def _validator(client, path: str, status: int) -> Draft202012Validator:
    spec = client.get("/api/v1/openapi.json").get_json()
    response = spec["paths"][path]["get"]["responses"][str(status)]
    schema = dict(response["content"]["application/json"]["schema"])
    # The references point into the document's components; keep them next to the $ref.
    schema["components"] = spec["components"]
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _valid(client, path: str, response) -> dict:
    body = response.get_json()
    errors = sorted(_validator(client, path, response.status_code).iter_errors(body), key=str)
    assert not errors, [e.message for e in errors[:5]]
    return body


def test_the_openapi_document_is_valid_openapi_3_1(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/summary",
        "/domains",
        "/compare",
        "/filters",
        "/releases",
        "/releases/{release_id}",
    }
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema({**schema, "components": spec["components"]})


@pytest.mark.parametrize(
    "path, params",
    [
        ("/summary", {}),
        ("/domains", {}),
        ("/domains", {"perspective": "coach", "lang": "en"}),
        ("/compare", {"by": "district"}),
        ("/compare", {"by": "organisation"}),
        ("/filters", {}),
    ],
)
def test_every_answer_matches_the_openapi_document(app, client, api_chain, path, params):
    token = _token(app, api_chain["policymaker"])
    response = _get(client, f"/api/v1{path}", token, **params)
    assert response.status_code == 200
    _valid(client, path, response)
    assert "Set-Cookie" not in response.headers


def test_the_api_gives_the_dashboards_numbers(app, client, api_chain, login):
    token = _token(app, api_chain["policymaker"])
    district = api_chain["districts"][0].id
    api = _get(client, "/api/v1/domains", token, district=district, lang="en").get_json()
    summary = _get(client, "/api/v1/summary", token, district=district).get_json()
    login(client, api_chain["policymaker"])
    page = client.get("/dashboard/", query_string={"district": district}).get_data(as_text=True)
    assert f">{summary['residents']['value']}<" in page
    shown = [i for i in api["items"] if not i["suppressed"]]
    assert shown, "expected some figures above k"
    for item in shown:
        assert f">{item['n']}<" in page


def test_errors_are_json_and_match_the_document(app, client, api_chain):
    token = _token(app, api_chain["policymaker"])
    cases = [
        (_get(client, "/api/v1/summary"), 401, "missing_token"),
        (_get(client, "/api/v1/summary", "wt_not-a-real-token"), 401, "invalid_token"),
        (_get(client, "/api/v1/summary", token, district="999999"), 400, "invalid_filter"),
        (_get(client, "/api/v1/summary", token, period="1850"), 400, "invalid_filter"),
        (_get(client, "/api/v1/summary", token, period="2026-07-14"), 400, "invalid_filter"),
        (_get(client, "/api/v1/summary", token, age_band="42"), 400, "invalid_filter"),
        (_get(client, "/api/v1/summary", token, postcode="3531"), 400, "unknown_parameter"),
        (_get(client, "/api/v1/compare", token, by="resident"), 400, "invalid_filter"),
        (_get(client, "/api/v1/domains", token, questionnaire="wattelt-99"), 400, "invalid_filter"),
    ]
    for response, status, error in cases:
        assert response.status_code == status, response.get_json()
        body = _valid(client, "/summary", response)
        assert body["error"] == error
        assert body["message"]
    assert client.get("/api/v1/no-such-thing").get_json()["error"] == "http_404"


def test_a_revoked_or_expired_token_gets_401(app, client, api_chain, db_session):
    token = _token(app, api_chain["policymaker"])
    assert _get(client, "/api/v1/summary", token).status_code == 200
    row = db_session.exec(
        select(ApiToken).where(ApiToken.token_hash == tokens.hash_token(token))
    ).one()
    assert row.last_used_at is not None
    with app.app_context():
        session = db.session()
        assert tokens.revoke(session, session.get(ApiToken, row.id))
        session.commit()
    response = _get(client, "/api/v1/summary", token)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"

    expiring = _token(app, api_chain["policymaker"], days=1)
    row = db_session.exec(
        select(ApiToken).where(ApiToken.token_hash == tokens.hash_token(expiring))
    ).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db_session.add(row)
    db_session.commit()
    assert _get(client, "/api/v1/summary", expiring).status_code == 401


def test_a_token_stops_working_when_its_account_changes(app, client, api_chain, db_session):
    user = api_chain["policymaker"]
    token = _token(app, user)
    user.role = "coach"
    db_session.add(user)
    db_session.commit()
    assert _get(client, "/api/v1/summary", token).status_code == 403
    user.role, user.active = "policymaker", False
    db_session.add(user)
    db_session.commit()
    assert _get(client, "/api/v1/summary", token).status_code == 401


def test_tokens_are_only_for_policymakers_and_managers(app, api_chain):
    with app.app_context():
        for role in ("coach", "admin"):
            with pytest.raises(ValueError):
                tokens.create(db.session(), api_chain[role], "x", api_chain["admin"], None)


def test_a_managers_token_sees_only_their_organisation(app, client, api_chain):
    token = _token(app, api_chain["manager"])
    own = api_chain["organisations"][1]
    summary = _get(client, "/api/v1/summary", token).get_json()
    assert summary["filters"]["organisation"]["value"] == str(own.id)
    other = _get(client, "/api/v1/summary", token, organisation=api_chain["organisations"][0].id)
    assert other.status_code == 400
    comparison = _get(client, "/api/v1/compare", token, by="organisation").get_json()
    assert [g["id"] for g in comparison["groups"]] == [own.id]
    options = _get(client, "/api/v1/filters", token).get_json()
    assert [o["value"] for o in options["organisation"]] == [str(own.id)]


def test_no_person_level_data_in_any_answer(app, client, api_chain, db_session):
    """No resident codes, birth years, postcodes, notes or exact dates by any route."""
    from wattelt.models import Resident

    token = _token(app, api_chain["policymaker"])
    bodies = "".join(
        _get(client, f"/api/v1{path}", token, **params).get_data(as_text=True)
        for path, params in [
            ("/summary", {}),
            ("/domains", {}),
            ("/compare", {"by": "district"}),
            ("/filters", {}),
        ]
    )
    residents = db_session.exec(select(Resident)).all()
    assert not any(r.code in bodies for r in residents)
    assert "birth" not in bodies and "postcode" not in bodies and "note" not in bodies
    import re

    # The only exact dates are the release's own: its reference date and when it was made.
    bodies = re.sub(r'"(reference_date|generated_at)":"[^"]*"', "", bodies)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", bodies)


def test_api_ignores_a_session_cookie_and_sets_none(app, client, api_chain, login):
    login(client, api_chain["policymaker"])
    response = client.get("/api/v1/summary")
    assert response.status_code == 401  # a logged-in browser session is no token
    assert "Set-Cookie" not in response.headers


def test_the_docs_page_is_in_our_layout(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "/api/v1/summary" in text and "Authorization: Bearer" in text
    assert "swagger" not in text.lower() and "cdn" not in text.lower()
