"""The dashboard pages, exports and token administration: who may see what, bad input, and the
exports holding exactly the suppressed figures."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from wattelt.demo.population import Spread

from helpers.outcomes import populate, release


@pytest.fixture
def figures_chain(
    app, db_session, make_chain, make_organisation, make_district, make_user, make_resident
):
    """160 synthetic residents over three partners (60/35/5 %) and two districts, and one person
    of every role (and a policymaker without an organisation)."""
    chain = make_chain(name="Samen Sterk")
    organisations = [make_organisation(name=f"Partner {i}", chain=chain) for i in range(3)]
    districts = [make_district(name=f"Wijk {i}") for i in range(2)]
    populate(
        db_session,
        Spread(
            [o.id for o in organisations], [d.id for d in districts], (0.6, 0.35, 0.05), days=300
        ),
        160,
        seed=31,
    )
    coach = make_user(role="coach", organisation=organisations[0])
    resident_account = make_user(role="resident")
    make_resident(organisation=organisations[0], coach=coach, account=resident_account)
    release(db_session)
    return {
        "organisations": organisations,
        "districts": districts,
        "policymaker": make_user(role="policymaker", organisation=organisations[0]),
        "lost_policymaker": make_user(role="policymaker"),
        "manager": make_user(role="manager", organisation=organisations[1]),
        "coach": coach,
        "admin": make_user(role="admin"),
        "resident": resident_account,
        "network": make_user(role="network"),
    }


PAGES = [
    "/dashboard/",
    "/dashboard/compare?by=district",
    "/dashboard/export.xlsx",
    "/dashboard/export.zip",
]


@pytest.mark.parametrize("role", ["coach", "admin", "resident", "network"])
def test_other_roles_get_nothing(client, login, figures_chain, role):
    login(client, figures_chain[role])
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert "/dashboard/" not in client.get("/").get_data(as_text=True)


def test_logged_out_visitors_are_sent_to_the_login(client, figures_chain):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_policymaker_sees_the_chain_and_is_linked_from_home_and_menu(client, login, figures_chain):
    login(client, figures_chain["policymaker"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/dashboard/"' in home
    page = client.get("/dashboard/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Samen Sterk" in text
    for organisation in figures_chain["organisations"]:
        assert organisation.name in text  # every partner is a filter choice
    # The small partner (about 5% of 160 residents) is below k on its own.
    small = client.get(f"/dashboard/?organisation={figures_chain['organisations'][2].id}").get_data(
        as_text=True
    )
    assert "minder dan 10" in small


def test_policymaker_without_organisation_gets_a_clear_message(client, login, figures_chain):
    login(client, figures_chain["lost_policymaker"])
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "niet gekoppeld" in page.get_data(as_text=True)
    assert client.get("/dashboard/export.zip").status_code == 200  # the same message, no data


def test_manager_sees_only_their_own_organisation(client, login, figures_chain):
    login(client, figures_chain["manager"])
    own, other = figures_chain["organisations"][1], figures_chain["organisations"][0]
    page = client.get("/dashboard/").get_data(as_text=True)
    assert own.name in page and other.name not in page
    refused = client.get(f"/dashboard/?organisation={other.id}")
    assert refused.status_code == 400
    assert other.name not in refused.get_data(as_text=True)
    compare = client.get("/dashboard/compare?by=organisation").get_data(as_text=True)
    assert other.name not in compare


@pytest.mark.parametrize(
    "query, field",
    [
        ("district=999999", "district"),
        ("district=abc", "district"),
        ("age_band=12-13", "age_band"),
        ("period=1800", "period"),
        ("period=9999-Q1", "period"),
        ("period=2026-07", "period"),
        ("period=2026-01-01", "period"),
        ("questionnaire=wattelt-77", "questionnaire"),
        ("perspective=mother", "perspective"),
    ],
)
def test_bad_filter_values_get_a_clear_message_and_are_not_applied(
    client, login, figures_chain, query, field
):
    login(client, figures_chain["policymaker"])
    response = client.get(f"/dashboard/?{query}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'class="error-summary"' in text
    assert f'href="#filter-{field}"' in text
    assert "Inwoners gemeten" in text  # the figures without the bad filter are still there
    assert client.get(f"/dashboard/export.xlsx?{query}").status_code == 400


def test_compare_by_something_else_is_refused_plainly(client, login, figures_chain):
    login(client, figures_chain["policymaker"])
    response = client.get("/dashboard/compare?by=postcode")
    assert response.status_code == 400
    assert "Vergelijk per organisatie of per wijk" in response.get_data(as_text=True)


def test_exports_hold_the_suppressed_figures_and_a_codebook(client, login, figures_chain):
    login(client, figures_chain["policymaker"])
    small = figures_chain["organisations"][2]
    response = client.get("/dashboard/export.zip?lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {"summary.csv", "domains.csv", "wishes.csv", "codebook.csv"}
    summary = list(csv.DictReader(io.StringIO(archive.read("summary.csv").decode())))
    by_name = {row["group"]: row for row in summary}
    assert by_name[small.name]["suppressed"] == "yes"
    assert by_name[small.name]["residents_measured"] == ""
    assert int(summary[0]["residents_measured"]) == 160
    domains = list(csv.DictReader(io.StringIO(archive.read("domains.csv").decode())))
    for row in domains:
        if row["suppressed"] == "yes":
            assert row["n"] == "" and row["change_mean"] == "" and row["baseline_share_1"] == ""
        else:
            assert int(row["n"]) >= 10
    codebook = archive.read("codebook.csv").decode()
    for column in ("change_ci_low", "d_z", "improved", "suppressed"):
        assert column in codebook
    assert "10" in codebook

    workbook = load_workbook(io.BytesIO(client.get("/dashboard/export.xlsx").data))
    assert workbook.sheetnames == ["summary", "domains", "wishes", "codebook"]
    sheet = workbook["summary"]
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    assert rows[0]["residents_measured"] == 160
    assert {r["group"]: r["suppressed"] for r in rows}[small.name] == "yes"


def test_plotly_is_our_own_bundle_served_by_us_and_cached(client, login, figures_chain):
    login(client, figures_chain["policymaker"])
    page = client.get("/dashboard/").get_data(as_text=True)
    src = re.search(r'<script src="(/static/vendor/plotly/plotly\.min\.js\?v=\w+)"', page)
    assert src, "the dashboard loads our own plotly.js bundle"
    response = client.get(src.group(1))
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()


def test_charts_travel_as_json_data_blocks_without_inline_script(client, login, figures_chain):
    login(client, figures_chain["policymaker"])
    text = client.get("/dashboard/").get_data(as_text=True)
    assert '<script type="application/json" id="chart-change">' in text
    import re

    for script in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
        assert 'type="application/json"' in script


def test_admin_makes_shows_once_and_revokes_a_token(client, login, figures_chain):
    login(client, figures_chain["admin"])
    assert client.get("/admin/api-tokens").status_code == 200
    response = client.post(
        "/admin/api-tokens",
        data={"user_id": figures_chain["policymaker"].id, "name": "Power BI", "days": "90"},
    )
    assert response.status_code == 200
    token = re.search(r'id="api-token">(wt_[^<]+)<', response.get_data(as_text=True)).group(1)
    listing = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "Power BI" in listing and token not in listing and token[:10] in listing
    api = client.get("/api/v1/summary", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    token_id = re.search(r"/admin/api-tokens/(\d+)/revoke", listing).group(1)
    assert client.post(f"/admin/api-tokens/{token_id}/revoke").status_code == 303
    assert (
        client.get("/api/v1/summary", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    # A coach cannot be given a token; the form says so.
    refused = client.post(
        "/admin/api-tokens", data={"user_id": figures_chain["coach"].id, "name": "x", "days": "30"}
    )
    assert refused.status_code == 400


def test_only_admins_manage_tokens(client, login, figures_chain):
    login(client, figures_chain["policymaker"])
    assert client.get("/admin/api-tokens").status_code == 403
    assert (
        client.post(
            "/admin/api-tokens", data={"user_id": figures_chain["policymaker"].id, "name": "x"}
        ).status_code
        == 403
    )
