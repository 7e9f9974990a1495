"""Filling in a measurement: saving each answer, resuming, perspectives, conflicts, locking."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from wattelt.models import AccessLog, Answer, AnswerCorrection, Measurement
from wattelt.questionnaires.loader import registry


@pytest.fixture
def team(make_chain, make_organisation, make_user, make_resident, make_network_member):
    chain = make_chain(name="Samen Sterk")
    wijkteam = make_organisation(name="Wijkteam", chain=chain)
    elsewhere = make_organisation(name="Elders", chain=make_chain(name="Other"))
    coach = make_user(role="coach", organisation=wijkteam, display_name="Kees")
    account = make_user(role="resident", username="sanne")
    sanne = make_resident(organisation=wijkteam, coach=coach, case_director=coach, account=account)
    carer = make_user(role="network", username="jan")
    make_network_member(sanne, user=carer, relation="carer")
    other_account = make_user(role="resident", username="piet")
    make_resident(organisation=wijkteam, coach=coach, account=other_account)
    return {
        "coach": coach,
        "resident": account,
        "sanne": sanne,
        "carer": carer,
        "other_resident": other_account,
        "other_coach": make_user(role="coach", organisation=elsewhere),
        "manager": make_user(role="manager", organisation=wijkteam),
    }


def _start(client, resident, **data) -> int:
    form = {"questionnaire": "wattelt", "present": "coach", "mode": "together", **data}
    response = client.post(f"/residents/{resident.id}/measurements/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return (
        int(response.headers["Location"].split("/measurements/")[1].split("/")[0])
        if "/measurements/" in response.headers["Location"]
        else None
    )


def _measurement(db_session) -> Measurement:
    db_session.expire_all()
    return db_session.exec(select(Measurement).order_by(Measurement.id.desc())).first()


def _answers(db_session, perspective="resident") -> dict:
    db_session.expire_all()
    return {
        a.item: a
        for a in db_session.exec(select(Answer).where(Answer.perspective == perspective)).all()
    }


def _screens(questionnaire, optional=()) -> int:
    return len(questionnaire.domains_for(optional)) + 1  # the overall grade comes last


def test_coach_starts_a_measurement_with_the_exact_questionnaire_version(
    team, client, login, db_session
):
    login(client, team["coach"])
    measurement_id = _start(client, team["sanne"])
    measurement = _measurement(db_session)
    default = registry().default()
    assert measurement.id == measurement_id
    assert (measurement.questionnaire_key, measurement.questionnaire_version) == (
        default.key,
        default.version,
    )
    page = client.get(f"/measurements/{measurement_id}/fill/resident/1").get_data(as_text=True)
    assert f"Vraag 1 van {_screens(default)}" in page
    assert default.domains[0].question.get("nl") in page


def test_each_answer_is_saved_and_the_next_screen_follows(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    first = registry().default().domains[0].key
    response = client.post(
        f"/measurements/{mid}/fill/resident/1",
        data={
            "answer": "4",
            "wants_to_work": "y",
            "note": "Post is lastig",
            "version": "0",
            "action": "next",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/measurements/{mid}/fill/resident/2"
    )
    saved = _answers(db_session)[first]
    assert (saved.value, saved.special, saved.wants_to_work, saved.wants_to_talk, saved.note) == (
        4,
        None,
        True,
        False,
        "Post is lastig",
    )


def test_special_answers_are_stored_as_such_never_as_numbers(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    client.post(
        f"/measurements/{mid}/fill/resident/1", data={"answer": "dont_know", "version": "0"}
    )
    client.post(
        f"/measurements/{mid}/fill/resident/2", data={"answer": "rather_not", "version": "0"}
    )
    answers = sorted(((a.value, a.special) for a in _answers(db_session).values()), key=str)
    assert answers == [(None, "dont_know"), (None, "rather_not")]


@pytest.mark.parametrize(
    "data",
    [
        {"answer": "9", "version": "0"},
        {"answer": "0", "version": "0"},
        {"answer": "very happy", "version": "0"},
        {"answer": "3", "note": "x" * 100_000, "version": "0"},
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(team, client, login, db_session, data):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    response = client.post(f"/measurements/{mid}/fill/resident/1", data=data)
    assert response.status_code == 400
    assert "Controleer dit" in response.get_data(as_text=True)
    assert _answers(db_session) == {}


def test_grade_goes_from_1_to_10(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    last = _screens(registry().default())
    assert (
        client.post(
            f"/measurements/{mid}/fill/resident/{last}", data={"answer": "11", "version": "0"}
        ).status_code
        == 400
    )
    response = client.post(
        f"/measurements/{mid}/fill/resident/{last}", data={"answer": "7", "version": "0"}
    )
    assert response.headers["Location"].endswith(
        f"/measurements/{mid}/summary?perspective=resident"
    )
    assert _answers(db_session)["overall"].value == 7


@pytest.mark.parametrize(
    "path", ["/fill/resident/0", "/fill/resident/99", "/fill/nobody/1", "/fill/resident/x"]
)
def test_screens_outside_the_questionnaire_are_not_found(team, client, login, path):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    assert client.get(f"/measurements/{mid}{path}").status_code == 404


def test_tampered_measurement_id_is_not_found_and_logged(team, client, login, db_session):
    login(client, team["coach"])
    assert client.get("/measurements/424242/summary").status_code == 404
    assert (
        client.post("/measurements/424242/fill/resident/1", data={"answer": "3"}).status_code == 404
    )
    denied = db_session.exec(select(AccessLog).where(AccessLog.action == "denied")).all()
    assert len(denied) == 2


def test_skip_and_back_move_without_saving(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    skip = client.post(
        f"/measurements/{mid}/fill/resident/1",
        data={"answer": "2", "version": "0", "action": "skip"},
    )
    assert skip.headers["Location"].endswith("/fill/resident/2")
    back = client.post(
        f"/measurements/{mid}/fill/resident/2", data={"version": "0", "action": "back"}
    )
    assert back.headers["Location"].endswith("/fill/resident/1")
    assert _answers(db_session) == {}


def test_closed_tab_resumes_where_it_stopped(team, app, login, db_session):
    tablet = app.test_client()
    login(tablet, team["coach"])
    mid = _start(tablet, team["sanne"])
    for step in (1, 2, 3):
        tablet.post(
            f"/measurements/{mid}/fill/resident/{step}", data={"answer": "3", "version": "0"}
        )
    # A new device (or the same after a timeout) starts again at screen 4 with nothing lost.
    again = app.test_client()
    login(again, team["coach"])
    response = again.get(f"/measurements/{mid}/fill/resident")
    assert response.headers["Location"].endswith(f"/measurements/{mid}/fill/resident/4")
    assert len(_answers(db_session)) == 3
    page = again.get(f"/measurements/{mid}/fill/resident/2").get_data(as_text=True)
    assert re.search(r'<input checked[^>]* name="answer" type="radio" value="3">', page)


def test_autosave_answers_right_away_with_a_version(team, app, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    headers = {"X-Wattelt-Autosave": "1"}
    first = client.post(
        f"/measurements/{mid}/fill/resident/1",
        data={"answer": "2", "version": "0"},
        headers=headers,
    )
    assert first.status_code == 200 and first.json == {"saved": True, "version": 1}
    second = client.post(
        f"/measurements/{mid}/fill/resident/1",
        data={"answer": "3", "version": "1"},
        headers=headers,
    )
    assert second.json == {"saved": True, "version": 2}
    # Someone else whose screen still shows version 1 is refused, and the 3 stays.
    sanne = app.test_client()
    login(sanne, team["resident"])
    stale = sanne.post(
        f"/measurements/{mid}/fill/resident/1",
        data={"answer": "5", "version": "1"},
        headers=headers,
    )
    assert stale.status_code == 409 and stale.json == {"saved": False, "conflict": True}
    assert next(iter(_answers(db_session).values())).value == 3


def test_own_background_save_still_on_its_way_is_no_conflict(team, client, login, db_session):
    """Pressing Next while one's own background save is under way posts the older version;
    that is the same person's latest choice, not someone else's change."""
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    headers = {"X-Wattelt-Autosave": "1"}
    client.post(
        f"/measurements/{mid}/fill/resident/1",
        data={"answer": "2", "version": "0"},
        headers=headers,
    )
    client.post(
        f"/measurements/{mid}/fill/resident/1",
        data={"answer": "3", "version": "1"},
        headers=headers,
    )
    response = client.post(
        f"/measurements/{mid}/fill/resident/1", data={"answer": "4", "version": "1"}
    )
    assert response.status_code == 302
    answer = next(iter(_answers(db_session).values()))
    assert (answer.value, answer.version) == (4, 3)


def test_two_people_on_one_draft_never_overwrite_each_other(team, app, login, db_session):
    coach = app.test_client()
    login(coach, team["coach"])
    mid = _start(coach, team["sanne"])
    resident = app.test_client()
    login(resident, team["resident"])
    # Both opened screen 1 when it had no answer yet (version 0).
    assert (
        coach.post(
            f"/measurements/{mid}/fill/resident/1", data={"answer": "2", "version": "0"}
        ).status_code
        == 302
    )
    clash = resident.post(
        f"/measurements/{mid}/fill/resident/1", data={"answer": "5", "version": "0"}
    )
    assert clash.status_code == 409
    text = clash.get_data(as_text=True)
    assert "Iemand anders" in text and "niet opgeslagen" in text
    assert next(iter(_answers(db_session).values())).value == 2


def test_optional_domain_is_switched_on_per_measurement(team, client, login, db_session):
    questionnaire = registry().default()
    optional = [d.key for d in questionnaire.optional_domains]
    assert optional, "the default questionnaire has an optional domain (parenting)"
    login(client, team["coach"])
    mid = _start(client, team["sanne"], optional_domains=optional[0])
    total = _screens(questionnaire, optional[:1])
    assert f"Vraag 1 van {total}" in client.get(f"/measurements/{mid}/fill/resident/1").get_data(
        as_text=True
    )
    assert _measurement(db_session).optional_keys == optional[:1]


def test_measurement_with_another_questionnaire_uses_its_own_screens(team, client, login):
    young = registry().latest("jong")
    login(client, team["coach"])
    mid = _start(client, team["sanne"], questionnaire="jong")
    page = client.get(f"/measurements/{mid}/fill/resident/1").get_data(as_text=True)
    assert f"Vraag 1 van {_screens(young)}" in page
    assert young.domains[0].question.get("nl") in page


def test_completed_measurement_is_locked(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    client.post(f"/measurements/{mid}/fill/resident/1", data={"answer": "2", "version": "0"})
    assert client.post(f"/measurements/{mid}/complete").status_code == 302
    assert _measurement(db_session).status == "completed"
    late = client.post(f"/measurements/{mid}/fill/resident/1", data={"answer": "5", "version": "1"})
    assert late.status_code == 303
    assert next(iter(_answers(db_session).values())).value == 2
    assert "afgerond" in client.get(f"/measurements/{mid}/summary").get_data(as_text=True)


def test_professional_corrects_a_locked_answer_with_a_reason(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    first = registry().default().domains[0].key
    client.post(f"/measurements/{mid}/fill/resident/1", data={"answer": "2", "version": "0"})
    client.post(f"/measurements/{mid}/complete")
    no_reason = client.post(
        f"/measurements/{mid}/correct/resident/{first}", data={"answer": "4", "reason": ""}
    )
    assert no_reason.status_code == 400
    ok = client.post(
        f"/measurements/{mid}/correct/resident/{first}",
        data={"answer": "4", "reason": "Verkeerd getikt"},
    )
    assert ok.status_code == 302
    assert _answers(db_session)[first].value == 4
    correction = db_session.exec(select(AnswerCorrection)).one()
    assert (correction.old_value, correction.new_value, correction.reason) == (
        2,
        4,
        "Verkeerd getikt",
    )
    assert "Verkeerd getikt" in client.get(f"/measurements/{mid}/summary").get_data(as_text=True)


def test_coach_view_never_overwrites_the_residents_and_differences_are_marked(
    team, client, login, db_session
):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    client.post(f"/measurements/{mid}/fill/resident/1", data={"answer": "5", "version": "0"})
    client.post(f"/measurements/{mid}/fill/coach/1", data={"answer": "2", "version": "0"})
    assert _answers(db_session, "resident")[registry().default().domains[0].key].value == 5
    assert _answers(db_session, "coach")[registry().default().domains[0].key].value == 2
    page = client.get(f"/measurements/{mid}/summary").get_data(as_text=True)
    assert "verschillen" in page


def test_network_member_gives_own_view_only(team, app, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    client.post(f"/measurements/{mid}/fill/resident/1", data={"answer": "5", "version": "0"})
    jan = app.test_client()
    login(jan, team["carer"])
    assert f"/measurements/{mid}/fill/network" in jan.get("/").get_data(as_text=True)
    assert jan.get(f"/measurements/{mid}/fill/resident/1").status_code == 403
    assert (
        jan.post(
            f"/measurements/{mid}/fill/network/1", data={"answer": "3", "version": "0"}
        ).status_code
        == 302
    )
    assert _answers(db_session, "network")[registry().default().domains[0].key].value == 3
    assert jan.post(f"/measurements/{mid}/complete").status_code == 403
    summary = jan.get(f"/measurements/{mid}/summary").get_data(as_text=True)
    assert "Heel goed" not in summary  # the resident's own 5 is not shown to the carer


def test_own_device_mode_lets_only_the_resident_answer_for_themself(
    team, app, client, login, db_session
):
    login(client, team["coach"])
    response = client.post(
        f"/residents/{team['sanne'].id}/measurements/new",
        data={"questionnaire": "wattelt", "present": "alone", "mode": "own_device"},
    )
    assert response.status_code == 302
    mid = _measurement(db_session).id
    assert client.get(f"/measurements/{mid}/fill/resident/1").status_code == 403
    sanne = app.test_client()
    login(sanne, team["resident"])
    assert f"/measurements/{mid}/fill/resident" in sanne.get("/").get_data(as_text=True)
    assert (
        sanne.post(
            f"/measurements/{mid}/fill/resident/1", data={"answer": "4", "version": "0"}
        ).status_code
        == 302
    )


@pytest.mark.parametrize("who", ["other_resident", "other_coach"])
def test_others_never_see_a_measurement(team, app, client, login, who):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    outsider = app.test_client()
    login(outsider, team[who])
    assert outsider.get(f"/measurements/{mid}/summary").status_code == 404
    assert outsider.get(f"/measurements/{mid}/fill/resident/1").status_code == 404


def test_manager_may_read_but_not_fill_in(team, app, client, login):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    manager = app.test_client()
    login(manager, team["manager"])
    assert manager.get(f"/measurements/{mid}/summary").status_code == 200
    assert manager.get(f"/measurements/{mid}/fill/resident/1").status_code == 403
    assert manager.post(f"/measurements/{mid}/complete").status_code == 403


def test_starting_with_a_domain_from_another_questionnaire_is_refused(
    team, client, login, db_session
):
    login(client, team["coach"])
    response = client.post(
        f"/residents/{team['sanne'].id}/measurements/new",
        data={
            "questionnaire": "jong",
            "optional_domains": "parenting",
            "present": "coach",
            "mode": "together",
        },
    )
    assert response.status_code == 400
    assert db_session.exec(select(func.count()).select_from(Measurement)).one() == 0


def test_one_unfinished_measurement_at_a_time_and_a_stopped_one_is_kept(
    team, client, login, db_session
):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    client.post(f"/measurements/{mid}/fill/resident/1", data={"answer": "2", "version": "0"})
    again = client.post(
        f"/residents/{team['sanne'].id}/measurements/new",
        data={"questionnaire": "wattelt", "present": "coach", "mode": "together"},
    )
    assert again.status_code == 409
    assert "nog niet af" in again.get_data(as_text=True)
    assert db_session.exec(select(func.count()).select_from(Measurement)).one() == 1

    assert client.post(f"/measurements/{mid}/stop").status_code == 302
    stopped = _measurement(db_session)
    assert stopped.status == "stopped"
    assert len(_answers(db_session)) == 1  # nothing is thrown away
    late = client.post(f"/measurements/{mid}/fill/resident/2", data={"answer": "4", "version": "0"})
    assert late.status_code == 303 and len(_answers(db_session)) == 1
    assert "telt niet mee" in client.get(f"/measurements/{mid}/summary").get_data(as_text=True)
    # Now a new one can start.
    assert _start(client, team["sanne"]) != mid


def test_a_completed_measurement_cannot_be_stopped(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    client.post(f"/measurements/{mid}/complete")
    client.post(f"/measurements/{mid}/stop")
    assert _measurement(db_session).status == "completed"


def test_own_device_needs_the_residents_own_account(team, client, login, make_resident, db_session):
    login(client, team["coach"])
    no_account = make_resident(organisation=None, coach=team["coach"], case_director=team["coach"])
    response = client.post(
        f"/residents/{no_account.id}/measurements/new",
        data={"questionnaire": "wattelt", "present": "alone", "mode": "own_device"},
    )
    assert response.status_code == 400
    assert "nog geen account" in response.get_data(as_text=True)
    assert db_session.exec(select(func.count()).select_from(Measurement)).one() == 0


def test_network_member_who_is_there_answers_on_the_shared_device(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"], present="coach_network")
    assert (
        client.post(
            f"/measurements/{mid}/fill/network/1", data={"answer": "3", "version": "0"}
        ).status_code
        == 302
    )
    assert _answers(db_session, "network")[registry().default().domains[0].key].value == 3
    # Without the network there, the coach cannot type a network view.
    client.post(f"/measurements/{mid}/stop")
    other = _start(client, team["sanne"], present="coach")
    assert client.get(f"/measurements/{other}/fill/network/1").status_code == 403


def test_a_blank_answer_is_no_answer_and_no_error(team, client, login, db_session):
    login(client, team["coach"])
    mid = _start(client, team["sanne"])
    response = client.post(
        f"/measurements/{mid}/fill/resident/1", data={"answer": " ", "version": "0"}
    )
    assert response.status_code == 302
    assert _answers(db_session) == {}
