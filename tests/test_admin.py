"""The admin area: chains, organisations, districts and professional accounts.

The admin's account is in English, so the page texts checked here are the msgids whatever the
Dutch catalogue says."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlmodel import func, select

from wattelt.models import Chain, District, Invitation, Organisation, Role, User

from conftest import PASSWORD, csrf_token, log_in

NEW_PASSWORD = "paarse olifant danst vrolijk"

PAGES = [
    "/admin/",
    "/admin/chains",
    "/admin/chains/new",
    "/admin/organisations",
    "/admin/organisations/new",
    "/admin/districts",
    "/admin/districts/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/api-tokens",
    "/admin/releases",
]


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.ADMIN, display_name="Ada Admin", language="en")


@pytest.fixture
def as_admin(client, admin, login):
    login(client, admin)
    return client


def count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.exec(select(func.count()).select_from(model)).one()


def text_of(response) -> str:
    return response.get_data(as_text=True)


def field_error(response, field_id: str) -> str:
    """The error text shown for a field, checking it is linked to the field."""
    page = text_of(response)
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, flags=re.S)
    assert match, f"no error shown for {field_id}"
    assert re.search(rf'id="{field_id}"[^>]*aria-describedby="[^"]*{field_id}-error', page) or (
        re.search(rf'aria-describedby="[^"]*{field_id}-error[^"]*"[^>]*id="{field_id}"', page)
    ), f"the error of {field_id} is not linked with aria-describedby"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# --- who may come in ------------------------------------------------------------------------


def _all_urls(chain, organisation, district, user) -> list[tuple[str, str]]:
    return [("GET", path) for path in PAGES] + [
        ("GET", f"/admin/chains/{chain.id}/edit"),
        ("POST", f"/admin/chains/{chain.id}/edit"),
        ("POST", "/admin/chains/new"),
        ("GET", f"/admin/organisations/{organisation.id}/edit"),
        ("POST", f"/admin/organisations/{organisation.id}/edit"),
        ("GET", f"/admin/districts/{district.id}/edit"),
        ("POST", f"/admin/districts/{district.id}/edit"),
        ("GET", f"/admin/users/{user.id}"),
        ("POST", f"/admin/users/{user.id}"),
        ("POST", "/admin/users/new"),
        ("POST", f"/admin/users/{user.id}/deactivate"),
        ("POST", f"/admin/users/{user.id}/activate"),
        ("POST", f"/admin/users/{user.id}/reactivate"),
        ("POST", f"/admin/users/{user.id}/invite"),
        ("POST", f"/admin/users/{user.id}/two-factor/reset"),
        ("POST", "/admin/api-tokens"),
        ("POST", "/admin/api-tokens/1/revoke"),
        ("POST", "/admin/releases"),
    ]


def test_the_access_checks_cover_every_admin_view(
    app, make_chain, make_organisation, make_district, make_user
):
    organisation = make_organisation()
    urls = _all_urls(
        make_chain(), organisation, make_district(), make_user(organisation=organisation)
    )
    adapter = app.url_map.bind("localhost")
    checked = {adapter.match(path, method=method)[0] for method, path in urls}
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")
    }
    assert checked == endpoints


@pytest.mark.parametrize("role", ["policymaker", "manager", "coach", "resident", "network"])
def test_other_roles_get_403_everywhere(
    role, client, login, make_user, make_chain, make_organisation, make_district, db_session
):
    chain = make_chain(name="Keten Zuid")
    organisation = make_organisation(name="Wijkteam Zuid", chain=chain)
    district = make_district(name="Centrum")
    coach = make_user(role="coach", organisation=organisation, display_name="Kees")
    login(client, make_user(role=role, organisation=organisation))
    for method, path in _all_urls(chain, organisation, district, coach):
        response = client.open(path, method=method, data={"name": "Overgenomen"})
        assert response.status_code == 403, f"{method} {path}"
    db_session.expire_all()
    assert db_session.get(Chain, chain.id).name == "Keten Zuid"
    assert db_session.get(User, coach.id).active
    assert count(db_session, Invitation) == 0


def test_anonymous_visitors_are_sent_to_the_login_page(
    client, make_chain, make_organisation, make_district, make_user
):
    organisation = make_organisation()
    urls = _all_urls(
        make_chain(), organisation, make_district(), make_user(organisation=organisation)
    )
    for method, path in urls:
        response = client.open(path, method=method)
        assert response.status_code == 302, f"{method} {path}"
        assert urlsplit(response.headers["Location"]).path == "/login", f"{method} {path}"


def test_admin_home_links_to_the_four_areas_with_counts(
    as_admin, make_chain, make_organisation, make_district, make_user
):
    chain = make_chain()
    make_organisation(chain=chain)
    make_organisation()
    make_district()
    make_user(role="policymaker")
    make_user(role="resident")  # not counted: residents are not managed here
    page = text_of(as_admin.get("/admin/"))
    for path in ("/admin/chains", "/admin/organisations", "/admin/districts", "/admin/users"):
        assert f'href="{path}"' in page
    numbers = re.findall(r'<span class="stat-number">(\d+)</span>', page)
    # chains, organisations, districts, active professionals (the admin and the policymaker)
    assert numbers == ["1", "2", "1", "2"]


def test_admin_sees_no_person_level_resident_data(
    as_admin, make_resident, make_user, make_organisation, make_network_member
):
    organisation = make_organisation()
    resident = make_resident(organisation=organisation, account=True, postcode4="3511")
    member = make_network_member(resident, user=True, display_name="Tante Truus")
    resident_account = resident.account_id
    for path in [*PAGES, f"/admin/organisations/{organisation.id}/edit"]:
        page = text_of(as_admin.get(path))
        assert resident.code not in page, path
        assert "Tante Truus" not in page, path
        assert "3511" not in page, path
    # Residents' and network members' accounts are not managed here at all.
    assert as_admin.get(f"/admin/users/{resident_account}").status_code == 404
    assert as_admin.get(f"/admin/users/{member.user_id}").status_code == 404
    assert as_admin.post(f"/admin/users/{resident_account}/invite").status_code == 404


# --- chains ---------------------------------------------------------------------------------


def test_admin_creates_and_renames_a_chain(as_admin, db_session):
    response = as_admin.post("/admin/chains/new", data={"name": "  Keten Noord  "})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/chains"
    chain = db_session.exec(select(Chain)).one()
    assert chain.name == "Keten Noord"
    listing = as_admin.get("/admin/chains")
    assert "Keten Noord" in text_of(listing)
    assert "Chain Keten Noord saved." in text_of(listing)

    edit = as_admin.get(f"/admin/chains/{chain.id}/edit")
    assert 'value="Keten Noord"' in text_of(edit)
    response = as_admin.post(f"/admin/chains/{chain.id}/edit", data={"name": "Keten Noord-Oost"})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Chain, chain.id).name == "Keten Noord-Oost"
    # Saving a chain under its own name is no conflict.
    assert (
        as_admin.post(
            f"/admin/chains/{chain.id}/edit", data={"name": "keten noord-oost"}
        ).status_code
        == 302
    )


def test_duplicate_chain_name_is_refused_whatever_the_case(as_admin, make_chain, db_session):
    make_chain(name="Keten Noord")
    other = make_chain(name="Keten Zuid")
    response = as_admin.post("/admin/chains/new", data={"name": "keten noord"})
    assert response.status_code == 400
    assert field_error(response, "name") == "A chain with this name already exists."
    assert count(db_session, Chain) == 2
    response = as_admin.post(f"/admin/chains/{other.id}/edit", data={"name": "KETEN NOORD"})
    assert response.status_code == 400
    assert "A chain with this name already exists." in text_of(response)
    db_session.expire_all()
    assert db_session.get(Chain, other.id).name == "Keten Zuid"


def test_chain_name_is_required(as_admin, db_session):
    response = as_admin.post("/admin/chains/new", data={"name": "   "})
    assert response.status_code == 400
    assert field_error(response, "name") == "Fill in a name."
    assert count(db_session, Chain) == 0


# --- organisations --------------------------------------------------------------------------


def test_admin_creates_and_changes_an_organisation(as_admin, make_chain, db_session):
    noord = make_chain(name="Keten Noord")
    zuid = make_chain(name="Keten Zuid")
    form = text_of(as_admin.get("/admin/organisations/new"))
    assert "Keten Noord" in form and "Keten Zuid" in form
    response = as_admin.post(
        "/admin/organisations/new",
        data={"name": "Wijkteam Noord", "kind": "wijkteam", "chain_id": str(noord.id)},
    )
    assert response.status_code == 302
    organisation = db_session.exec(select(Organisation)).one()
    assert (organisation.name, organisation.kind, organisation.chain_id) == (
        "Wijkteam Noord",
        "wijkteam",
        noord.id,
    )
    listing = text_of(as_admin.get("/admin/organisations"))
    row = re.search(r"<tr>\s*<th scope=\"row\">Wijkteam Noord</th>.*?</tr>", listing, flags=re.S)
    assert row and "Keten Noord" in row.group(0) and "wijkteam" in row.group(0)

    response = as_admin.post(
        f"/admin/organisations/{organisation.id}/edit",
        data={"name": "Schuldhulp Zuid", "kind": "schuldhulp", "chain_id": str(zuid.id)},
    )
    assert response.status_code == 302
    db_session.expire_all()
    changed = db_session.get(Organisation, organisation.id)
    assert (changed.name, changed.kind, changed.chain_id) == (
        "Schuldhulp Zuid",
        "schuldhulp",
        zuid.id,
    )
    # And out of every chain again.
    as_admin.post(
        f"/admin/organisations/{organisation.id}/edit",
        data={"name": "Schuldhulp Zuid", "kind": "", "chain_id": ""},
    )
    db_session.expire_all()
    assert db_session.get(Organisation, organisation.id).chain_id is None


def test_duplicate_organisation_name_is_refused(as_admin, make_organisation, db_session):
    make_organisation(name="Wijkteam Noord")
    response = as_admin.post(
        "/admin/organisations/new", data={"name": "WIJKTEAM NOORD ", "kind": "", "chain_id": ""}
    )
    assert response.status_code == 400
    assert field_error(response, "name") == "An organisation with this name already exists."
    assert count(db_session, Organisation) == 1


@pytest.mark.parametrize("chain_id", ["abc", "99999", "1.5", "-1", "9" * 40])
def test_tampered_chain_choice_is_a_field_error(as_admin, make_chain, db_session, chain_id):
    make_chain()
    response = as_admin.post(
        "/admin/organisations/new", data={"name": "Wijkteam X", "kind": "", "chain_id": chain_id}
    )
    assert response.status_code == 400
    assert field_error(response, "chain_id")
    assert count(db_session, Organisation) == 0


# --- districts ------------------------------------------------------------------------------


def test_admin_creates_and_changes_a_district(as_admin, db_session):
    response = as_admin.post(
        "/admin/districts/new", data={"name": "Centrum", "municipality": "Lindendaal"}
    )
    assert response.status_code == 302
    district = db_session.exec(select(District)).one()
    assert (district.name, district.municipality) == ("Centrum", "Lindendaal")
    assert "Lindendaal" in text_of(as_admin.get("/admin/districts"))
    response = as_admin.post(
        f"/admin/districts/{district.id}/edit",
        data={"name": "Oud-Centrum", "municipality": "Lindendaal"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(District, district.id).name == "Oud-Centrum"


def test_district_names_are_unique_within_a_municipality(as_admin, make_district, db_session):
    make_district(name="Centrum", municipality="Lindendaal")
    other_town = as_admin.post(
        "/admin/districts/new", data={"name": "Centrum", "municipality": "Berkheide"}
    )
    assert other_town.status_code == 302
    response = as_admin.post(
        "/admin/districts/new", data={"name": "centrum", "municipality": "LINDENDAAL"}
    )
    assert response.status_code == 400
    assert (
        field_error(response, "name") == "This municipality already has a district with this name."
    )
    assert count(db_session, District) == 2


# --- users ----------------------------------------------------------------------------------


def test_admin_creates_a_coach_without_password(as_admin, make_organisation, db_session):
    organisation = make_organisation(name="Wijkteam Noord")
    response = as_admin.post(
        "/admin/users/new",
        data={
            "email": "  Kees.Jansen@Example.ORG ",
            "display_name": "Kees Jansen",
            "role": "coach",
            "organisation_id": str(organisation.id),
        },
    )
    assert response.status_code == 302
    user = db_session.exec(select(User).where(User.display_name == "Kees Jansen")).one()
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.email == "kees.jansen@example.org"
    assert (user.role, user.organisation_id, user.active) == ("coach", organisation.id, True)
    assert user.password_hash is None
    listing = text_of(as_admin.get("/admin/users"))
    assert "kees.jansen@example.org" in listing and "Wijkteam Noord" in listing
    assert "no password yet" in listing


@pytest.mark.parametrize("role", ["coach", "manager"])
def test_coach_and_manager_need_an_organisation(as_admin, db_session, role):
    before = count(db_session, User)
    response = as_admin.post(
        "/admin/users/new",
        data={"email": "x@example.org", "display_name": "X", "role": role, "organisation_id": ""},
    )
    assert response.status_code == 400
    assert field_error(response, "organisation_id") == "Coaches and managers need an organisation."
    assert count(db_session, User) == before


def test_policymaker_may_have_no_organisation(as_admin, db_session):
    response = as_admin.post(
        "/admin/users/new",
        data={"email": "beleid@example.org", "display_name": "Bea", "role": "policymaker"},
    )
    assert response.status_code == 302
    user = db_session.exec(select(User).where(User.email == "beleid@example.org")).one()
    assert (user.role, user.organisation_id) == ("policymaker", None)


def test_duplicate_email_is_refused_whatever_the_case(as_admin, make_user, db_session):
    make_user(role="policymaker", email="bea@example.org")
    before = count(db_session, User)
    response = as_admin.post(
        "/admin/users/new",
        data={"email": "BEA@example.org", "display_name": "Bea 2", "role": "policymaker"},
    )
    assert response.status_code == 400
    assert field_error(response, "email") == "A user with this e-mail address already exists."
    assert count(db_session, User) == before


@pytest.mark.parametrize("email", ["kees", "kees@", "@example.org", "kees jansen@example.org", ""])
def test_malformed_email_is_refused(as_admin, db_session, email):
    before = count(db_session, User)
    response = as_admin.post(
        "/admin/users/new", data={"email": email, "display_name": "Kees", "role": "policymaker"}
    )
    assert response.status_code == 400
    assert field_error(response, "email")
    assert count(db_session, User) == before


@pytest.mark.parametrize("role", ["resident", "network", "superuser", ""])
def test_only_professional_roles_can_be_given(as_admin, make_organisation, db_session, role):
    before = count(db_session, User)
    response = as_admin.post(
        "/admin/users/new",
        data={
            "email": "y@example.org",
            "display_name": "Y",
            "role": role,
            "organisation_id": str(make_organisation().id),
        },
    )
    assert response.status_code == 400
    assert field_error(response, "role")
    assert count(db_session, User) == before


def test_admin_changes_name_role_and_organisation(
    as_admin, make_user, make_organisation, db_session
):
    first = make_organisation(name="Wijkteam Noord")
    second = make_organisation(name="MEE Zuid")
    coach = make_user(
        role="coach", organisation=first, display_name="Kees", email="kees@example.org"
    )
    page = text_of(as_admin.get(f"/admin/users/{coach.id}"))
    assert "kees@example.org" in page and 'value="Kees"' in page
    response = as_admin.post(
        f"/admin/users/{coach.id}",
        data={
            "display_name": "Kees de Vries",
            "role": "manager",
            "organisation_id": str(second.id),
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    changed = db_session.get(User, coach.id)
    assert (changed.display_name, changed.role, changed.organisation_id) == (
        "Kees de Vries",
        "manager",
        second.id,
    )
    assert changed.email == "kees@example.org"
    response = as_admin.post(
        f"/admin/users/{coach.id}",
        data={"display_name": "Kees de Vries", "role": "coach", "organisation_id": ""},
    )
    assert response.status_code == 400
    assert field_error(response, "organisation_id") == "Coaches and managers need an organisation."
    db_session.expire_all()
    assert db_session.get(User, coach.id).organisation_id == second.id


def test_admin_cannot_take_away_own_admin_role(as_admin, admin, db_session):
    response = as_admin.post(
        f"/admin/users/{admin.id}",
        data={"display_name": "Ada", "role": "coach", "organisation_id": ""},
    )
    assert response.status_code == 400
    response = as_admin.post(
        f"/admin/users/{admin.id}",
        data={"display_name": "Ada", "role": "policymaker", "organisation_id": ""},
    )
    assert response.status_code == 400
    assert field_error(response, "role") == "You cannot take away your own administrator role."
    db_session.expire_all()
    assert db_session.get(User, admin.id).role == "admin"


def test_user_list_filters_and_searches(as_admin, make_user, make_organisation):
    noord = make_organisation(name="Wijkteam Noord")
    zuid = make_organisation(name="Wijkteam Zuid")
    make_user(
        role="coach", organisation=noord, display_name="Kees Noord", email="kees@noord.example"
    )
    make_user(role="manager", organisation=zuid, display_name="Mia Zuid", email="mia@zuid.example")
    make_user(role="policymaker", display_name="Bea Beleid", email="bea@gemeente.example")
    make_user(role="resident", display_name="R-ABCDEF")

    def names(**query) -> set[str]:
        page = text_of(as_admin.get("/admin/users", query_string=query))
        return set(re.findall(r'<th scope="row"><a href="/admin/users/\d+">([^<]+)</a>', page))

    assert names() == {"Ada Admin", "Kees Noord", "Mia Zuid", "Bea Beleid"}
    assert names(role="manager") == {"Mia Zuid"}
    assert names(organisation_id=noord.id) == {"Kees Noord"}
    assert names(q="ZUID") == {"Mia Zuid"}
    assert names(q="gemeente.example") == {"Bea Beleid"}
    assert names(q="%") == set()  # wildcards are searched for literally
    assert names(role="coach", organisation_id=zuid.id) == set()
    # A tampered filter is ignored with an error, not a crash.
    response = as_admin.get(
        "/admin/users", query_string={"role": "resident", "organisation_id": "x"}
    )
    assert response.status_code == 200
    assert field_error(response, "role")
    assert "R-ABCDEF" not in text_of(response)


# --- deactivating ---------------------------------------------------------------------------


def test_deactivating_ends_the_users_session_at_once(app, as_admin, make_user, login, db_session):
    coach = make_user(role="coach", display_name="Kees")
    coach_client = app.test_client()
    login(coach_client, coach)
    assert coach_client.get("/residents/").status_code == 200

    response = as_admin.post(f"/admin/users/{coach.id}/deactivate")
    assert response.status_code == 303
    assert "Kees is deactivated and logged out." in text_of(
        as_admin.get(response.headers["Location"])
    )
    db_session.expire_all()
    stored = db_session.get(User, coach.id)
    assert stored.active is False
    assert stored.login_id != coach.login_id

    next_request = coach_client.get("/residents/")
    assert next_request.status_code == 302
    assert urlsplit(next_request.headers["Location"]).path == "/login"
    refused = coach_client.post("/login", data={"email": coach.email, "password": PASSWORD})
    assert refused.status_code == 401
    listing = text_of(as_admin.get("/admin/users"))
    assert "deactivated" in listing

    assert as_admin.post(f"/admin/users/{coach.id}/reactivate").status_code == 303
    db_session.expire_all()
    assert db_session.get(User, coach.id).active is True
    login(coach_client, coach)


def test_admin_cannot_deactivate_themself(as_admin, admin, db_session):
    page = text_of(as_admin.get(f"/admin/users/{admin.id}"))
    assert f"/admin/users/{admin.id}/deactivate" not in page
    response = as_admin.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in text_of(response)
    db_session.expire_all()
    stored = db_session.get(User, admin.id)
    assert stored.active and stored.login_id == admin.login_id
    assert as_admin.get("/admin/").status_code == 200


def test_admin_may_deactivate_another_admin(as_admin, make_user, db_session):
    other = make_user(role="admin")
    assert as_admin.post(f"/admin/users/{other.id}/deactivate").status_code == 303
    db_session.expire_all()
    assert db_session.get(User, other.id).active is False


# --- invitations ----------------------------------------------------------------------------


def _invitation_link(response) -> str:
    match = re.search(r'<code id="invitation-link">([^<]+)</code>', text_of(response))
    assert match, "no invitation link on the page"
    return match.group(1).replace("&amp;", "&")


def test_invitation_link_lets_a_new_user_set_a_password(
    as_admin, app, db_session, make_organisation, make_user
):
    organisation = make_organisation()
    as_admin.post(
        "/admin/users/new",
        data={
            "email": "nieuw@example.org",
            "display_name": "Nina",
            "role": "coach",
            "organisation_id": str(organisation.id),
        },
    )
    user = db_session.exec(select(User).where(User.email == "nieuw@example.org")).one()
    page = text_of(as_admin.get(f"/admin/users/{user.id}"))
    assert f'action="/admin/users/{user.id}/invite"' in page

    response = as_admin.post(f"/admin/users/{user.id}/invite")
    assert response.status_code == 200
    assert "Copy link" in text_of(response) and "nieuw@example.org" in text_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    link = _invitation_link(response)
    assert link.startswith("http://localhost/welkom?token=")

    newcomer = app.test_client()
    path = link.removeprefix("http://localhost")
    assert newcomer.get(path).status_code == 200
    accepted = newcomer.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    # Without a mail server the admin saw the link: a second admin activates the account.
    assert accepted.status_code == 200
    second = app.test_client()
    log_in(second, make_user(role="admin"))
    second.post(f"/admin/users/{user.id}/activate")
    assert (
        newcomer.post(
            "/login", data={"email": "nieuw@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_a_new_invitation_replaces_the_old_link(as_admin, app, make_user):
    user = make_user(role="policymaker", password=None)
    first = _invitation_link(as_admin.post(f"/admin/users/{user.id}/invite"))
    second = _invitation_link(as_admin.post(f"/admin/users/{user.id}/invite"))
    other = app.test_client()
    assert other.get(first.removeprefix("http://localhost")).status_code == 410
    assert other.get(second.removeprefix("http://localhost")).status_code == 200


def test_deactivating_voids_open_links_and_blocks_new_ones(as_admin, app, make_user, db_session):
    user = make_user(role="policymaker", password=None)
    link = _invitation_link(as_admin.post(f"/admin/users/{user.id}/invite"))
    as_admin.post(f"/admin/users/{user.id}/deactivate")
    # Otherwise accepting the old link would make the account active again.
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 410
    response = as_admin.post(f"/admin/users/{user.id}/invite", follow_redirects=True)
    assert "Make the account active again first." in text_of(response)
    db_session.expire_all()
    assert count(db_session, Invitation) == 1


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data", "field", "model"),
    [
        ("/admin/chains/new", {"name": "x" * 121}, "name", Chain),
        (
            "/admin/organisations/new",
            {"name": "x" * 121, "kind": "", "chain_id": ""},
            "name",
            Organisation,
        ),
        (
            "/admin/organisations/new",
            {"name": "MEE", "kind": "k" * 61, "chain_id": ""},
            "kind",
            Organisation,
        ),
        (
            "/admin/districts/new",
            {"name": "x" * 121, "municipality": "Lindendaal"},
            "name",
            District,
        ),
        (
            "/admin/districts/new",
            {"name": "Centrum", "municipality": "m" * 121},
            "municipality",
            District,
        ),
        ("/admin/chains/new", {"name": "Keten\x00Noord"}, "name", Chain),
    ],
)
def test_oversized_or_odd_input_writes_nothing(as_admin, db_session, path, data, field, model):
    response = as_admin.post(path, data=data)
    assert response.status_code == 400
    assert field_error(response, field)
    assert count(db_session, model) == 0


def test_oversized_user_input_writes_nothing(as_admin, db_session):
    before = count(db_session, User)
    too_long_email = "a" * 250 + "@example.org"
    response = as_admin.post(
        "/admin/users/new",
        data={"email": too_long_email, "display_name": "N" * 121, "role": "policymaker"},
    )
    assert response.status_code == 400
    assert field_error(response, "email") == "Use at most 254 characters."
    assert field_error(response, "display_name") == "Use at most 120 characters."
    assert count(db_session, User) == before


def test_oversized_edit_changes_nothing(as_admin, make_chain, db_session):
    chain = make_chain(name="Keten Noord")
    response = as_admin.post(f"/admin/chains/{chain.id}/edit", data={"name": "x" * 500})
    assert response.status_code == 400
    db_session.expire_all()
    assert db_session.get(Chain, chain.id).name == "Keten Noord"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/chains/99999/edit"),
        ("POST", "/admin/chains/99999/edit"),
        ("GET", "/admin/organisations/99999/edit"),
        ("GET", "/admin/districts/99999/edit"),
        ("GET", "/admin/users/99999"),
        ("POST", "/admin/users/99999/deactivate"),
        ("POST", "/admin/users/99999/reactivate"),
        ("POST", "/admin/users/99999/invite"),
        ("GET", "/admin/chains/abc/edit"),
        ("GET", "/admin/users/-1"),
        ("GET", "/admin/users/1e3"),
    ],
)
def test_tampered_ids_give_404(as_admin, db_session, method, path):
    assert as_admin.open(path, method=method, data={"name": "X"}).status_code == 404
    assert count(db_session, Chain) == 0


def test_actions_need_the_csrf_token(csrf_client, make_user, login, db_session):
    admin = make_user(role="admin", language="en")
    coach = make_user(role="coach")
    login(csrf_client, admin)
    assert csrf_client.post(f"/admin/users/{coach.id}/deactivate").status_code == 400
    assert csrf_client.post("/admin/chains/new", data={"name": "Keten"}).status_code == 400
    db_session.expire_all()
    assert db_session.get(User, coach.id).active
    assert count(db_session, Chain) == 0
    token = csrf_token(csrf_client, f"/admin/users/{coach.id}")
    response = csrf_client.post(f"/admin/users/{coach.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 303
    db_session.expire_all()
    assert not db_session.get(User, coach.id).active


# --- page structure -------------------------------------------------------------------------


def test_pages_have_one_heading_labels_and_no_inline_code(
    as_admin, make_chain, make_organisation, make_district, make_user
):
    chain = make_chain()
    organisation = make_organisation(chain=chain)
    district = make_district()
    coach = make_user(organisation=organisation)
    paths = [
        *PAGES,
        f"/admin/chains/{chain.id}/edit",
        f"/admin/organisations/{organisation.id}/edit",
        f"/admin/districts/{district.id}/edit",
        f"/admin/users/{coach.id}",
    ]
    for path in paths:
        response = as_admin.get(path)
        assert response.status_code == 200, path
        page = text_of(response)
        assert page.count("<h1") == 1, path
        assert " style=" not in page and "<style" not in page, path
        assert re.search(r"<script(?![^>]*\bsrc=)", page) is None, path
        controls = re.findall(
            r'<(?:input|select)\b(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', page
        )
        for control in controls:
            assert f'<label for="{control}"' in page, f"{path}: no label for {control}"
        for table in re.findall(r"<table.*?</table>", page, flags=re.S):
            assert "<caption" in table, path
            assert '<th scope="col">' in table, path


def test_a_name_taken_at_the_same_moment_is_a_field_error_not_a_crash(
    as_admin, make_chain, db_session, monkeypatch
):
    from wattelt.admin import services

    make_chain(name="Keten Noord")
    # As if another request saved the same name between our check and our write.
    monkeypatch.setattr(services, "chain_name_taken", lambda *args, **kwargs: False)
    response = as_admin.post("/admin/chains/new", data={"name": "Keten Noord"})
    assert response.status_code == 400
    assert field_error(response, "name") == "A chain with this name already exists."
    assert "Logged in as Ada Admin" in text_of(response)
    assert count(db_session, Chain) == 1
