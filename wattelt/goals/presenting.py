"""The plan as its pages show it: goals with their life domains, steps, who does each step (in
the words that fit the reader) and the latest score; the case director and next appointment.

A handful of queries per plan, whatever its size: goals, domains, steps, scores and the people
and organisations they mention are each read once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from wattelt import policy
from wattelt.goals import domains, plan, scores, services
from wattelt.goals.domains import DomainLabel
from wattelt.main.services import helpers_of
from wattelt.models import (
    Answer,
    Goal,
    GoalScore,
    Measurement,
    NetworkMember,
    Organisation,
    Plan,
    Resident,
    Step,
    User,
)
from wattelt.residents.forms import RELATION_LABELS


@dataclass
class StepView:
    step: Step
    who: str
    #: The reader is the one who does this step (the resident, or this network member).
    mine: bool
    done_by: str | None


@dataclass
class GoalView:
    goal: Goal
    domains: list[DomainLabel]
    steps: list[StepView]
    set_by: str | None
    organisation: str | None
    latest: tuple[GoalScore, datetime] | None
    from_measurement: Measurement | None

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.step.done_at)


@dataclass
class PlanView:
    resident: Resident
    open: list[GoalView]
    closed: list[GoalView]
    plan: Plan | None
    case_director: User | None
    case_director_organisation: Organisation | None
    helpers: list[dict] = field(default_factory=list)
    network: list[NetworkMember] = field(default_factory=list)


class _Names:
    """Names of the people and organisations a plan mentions, each looked up once."""

    def __init__(self, db: Session, resident: Resident, user_ids, organisation_ids):
        users = db.exec(select(User).where(col(User.id).in_(set(user_ids)))).all()
        organisations = db.exec(
            select(Organisation).where(col(Organisation.id).in_(set(organisation_ids)))
        ).all()
        self.users = {u.id: u for u in users}
        self.organisations = {o.id: o for o in organisations}
        self.network = {
            m.id: m
            for m in db.exec(
                select(NetworkMember).where(NetworkMember.resident_id == resident.id)
            ).all()
        }

    def user(self, user_id: int | None) -> str | None:
        user = self.users.get(user_id) if user_id else None
        return user.display_name if user else None

    def organisation(self, organisation_id: int | None) -> str | None:
        organisation = self.organisations.get(organisation_id) if organisation_id else None
        return organisation.name if organisation else None


def _reader_member_id(db: Session, resident: Resident, reader: User) -> int | None:
    return policy.network_member_id(db, reader, resident)


#: Whose words a plan is shown in: a professional's, the resident's own, their network
#: member's, or the resident's printed plan ("My plan"), which speaks as the resident.
VOICES = ("professional", "resident", "network", "paper")


def voice_of(reader: User) -> str:
    return policy.plan_voice(reader)


def _who(step: Step, names: _Names, voice: str, reader_member: int | None, resident) -> str:
    """Who does a step, in the words of ``voice``: "You" for the reader's own steps."""
    if step.helper == "resident":
        if voice == "resident":
            return _("You")
        if voice == "paper":
            return _("Me")
        if voice == "network":
            account = names.users.get(resident.account_id)
            if account and account.display_name != resident.code:
                return account.display_name
            return _("The person you help")
        return _("The resident")
    if step.helper == "network":
        if reader_member is not None and step.network_member_id == reader_member:
            return _("You")
        member = names.network.get(step.network_member_id)
        if member is None:
            return "?"
        if voice != "professional":
            return member.display_name
        relation = RELATION_LABELS.get(member.relation, member.relation)
        return _("%(name)s (%(relation)s)", name=member.display_name, relation=relation)
    organisation = names.organisation(step.organisation_id) or "?"
    professional = names.user(step.professional_id)
    if professional is None:
        return organisation
    if voice != "professional":
        return _("%(name)s from %(organisation)s", name=professional, organisation=organisation)
    return _("%(name)s (%(organisation)s)", name=professional, organisation=organisation)


def _mine(step: Step, reader: User, reader_member: int | None) -> bool:
    if step.helper == "resident":
        return policy.is_resident(reader)
    return (
        step.helper == "network"
        and reader_member is not None
        and (step.network_member_id == reader_member)
    )


def plan_view(
    db: Session, resident: Resident, reader: User, language: str, voice: str | None = None
) -> PlanView:
    goals = services.goals_of(db, resident)
    goal_ids = [g.id for g in goals]
    keys = services.goal_domains(db, goal_ids)
    steps = services.steps_of(db, goal_ids)
    latest = scores.latest_scores(db, goal_ids)
    all_steps = [s for group in steps.values() for s in group]
    names = _Names(
        db,
        resident,
        [g.created_by_id for g in goals]
        + [s.professional_id for s in all_steps]
        + [s.done_by_id for s in all_steps]
        + [resident.case_director_id, resident.account_id],
        [g.organisation_id for g in goals] + [s.organisation_id for s in all_steps],
    )
    measurement_ids = {g.measurement_id for g in goals if g.measurement_id}
    measurements = {
        m.id: m
        for m in db.exec(select(Measurement).where(col(Measurement.id).in_(measurement_ids))).all()
    }
    voice = voice or voice_of(reader)
    # On paper the plan speaks as the resident, whoever prints it.
    reader_member = None if voice == "paper" else _reader_member_id(db, resident, reader)
    views = [
        GoalView(
            goal=goal,
            domains=[domains.label(k, language) for k in keys[goal.id]],
            steps=[
                StepView(
                    step=step,
                    who=_who(step, names, voice, reader_member, resident),
                    mine=_mine(step, reader, reader_member),
                    done_by=names.user(step.done_by_id),
                )
                for step in steps[goal.id]
            ],
            set_by=names.user(goal.created_by_id),
            organisation=names.organisation(goal.organisation_id),
            latest=latest.get(goal.id),
            from_measurement=measurements.get(goal.measurement_id),
        )
        for goal in goals
    ]
    director = names.users.get(resident.case_director_id) if resident.case_director_id else None
    director_organisation = (
        db.get(Organisation, director.organisation_id)
        if director and director.organisation_id
        else None
    )
    return PlanView(
        resident=resident,
        open=[v for v in views if v.goal.status == "open"],
        closed=[v for v in views if v.goal.status != "open"],
        plan=plan.plan_of(db, resident),
        case_director=director,
        case_director_organisation=director_organisation,
        helpers=helpers_of(db, resident),
        network=list(names.network.values()),
    )


def goal_view_of(view: PlanView, goal_id: int) -> GoalView | None:
    return next((g for g in [*view.open, *view.closed] if g.goal.id == goal_id), None)


def wanted_domains(db: Session, measurement: Measurement) -> dict[str, str | None]:
    """The domains the resident marked "I want to work on this" in a measurement, in the
    questionnaire's order, with what they said about each in their own words."""
    questionnaire = domains.questionnaire_for(measurement)
    order = [d.key for d in questionnaire.domains_for(measurement.optional_keys)]
    marked = dict(
        db.exec(
            select(Answer.item, Answer.note).where(
                Answer.measurement_id == measurement.id,
                Answer.perspective == "resident",
                col(Answer.wants_to_work).is_(True),
            )
        ).all()
    )
    return {key: marked[key] for key in order if key in marked}


def open_goal_domains(db: Session, resident: Resident) -> set[str]:
    """The life domains that already have an open goal."""
    goals = [g.id for g in services.goals_of(db, resident) if g.status == "open"]
    return {key for keys in services.goal_domains(db, goals).values() for key in keys}
