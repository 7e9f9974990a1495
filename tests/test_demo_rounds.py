"""The demo shows what rounds are for: several rounds with visible change, someone overdue, a
single measurement, and a report that opens for each."""

from __future__ import annotations

from sqlmodel import select

from wattelt.models import Organisation, User
from wattelt.questionnaires.loader import shipped
from wattelt.rounds import caseload


def test_the_demo_caseload_has_every_state_of_rounds(runner, app, db_session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    intervals = {o.kind: o.follow_up_months for o in db_session.exec(select(Organisation)).all()}
    assert intervals == {"wijkteam": 6, "MEE": 3, "schuldhulpverlening": 3, "GGZ": 6}
    kees = db_session.exec(select(User).where(User.email == "coach@wijkteam.example")).one()
    result = caseload.load(db_session, kees, caseload.Filters(mine=True), shipped())
    rows = result.rows
    ten = [row for row in rows if row.rounds == 10]
    assert len(ten) == 1 and ten[0].improved > ten[0].declined
    assert ten[0].total_change == "improved"
    assert any(row.due == "overdue" for row in rows)
    assert any(row.rounds == 1 for row in rows)
    assert any(row.rounds == 0 for row in rows)
    assert result.references["wattelt"].usable
    client = app.test_client()
    client.post("/login", data={"email": kees.email, "password": "wattelt-demo"})
    page = client.get(f"/residents/{ten[0].resident_id}/report").get_data(as_text=True)
    assert "10 metingen" in page and "ging het omhoog" in page


def test_the_demo_policymaker_sees_figures_of_a_first_release(runner, app, db_session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    client = app.test_client()
    client.post("/login", data={"email": "beleid@lindendaal.example", "password": "wattelt-demo"})
    response = client.get("/dashboard/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Er zijn nog geen cijfers vrijgegeven" not in page
    assert "Cijfers van" in page  # the release the figures come from
