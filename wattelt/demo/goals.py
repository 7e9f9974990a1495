"""The demo's plans: goals made at T0 from each measured resident's "I want to work on this",
in their own words, with steps for the resident, their network and the organisations involved.

Steps get ticked off as time goes by. At every follow-up (T1, T2) the open goals are scored:
better where the goal's life domains improved, and some goals are reached or stopped. Every plan
has a next appointment and a history. Sanne has a rich plan with goals from three
organisations, and her carer Jan has a step of his own.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session, col, select

from wattelt import clock
from wattelt.demo.world import World
from wattelt.goals import history
from wattelt.goals.scores import signed
from wattelt.goals.services import helper_choices
from wattelt.models import (
    Answer,
    Goal,
    GoalDomain,
    GoalScore,
    Measurement,
    Organisation,
    Plan,
    Resident,
    Step,
    User,
)

# Per life domain: the goal in the resident's words, when it is reached, and steps with who
# usually does them ("resident", "network", or the kind of organisation).
LIBRARY: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "money": (
        "Ik wil mijn rekeningen op tijd betalen.",
        "Ik krijg drie maanden lang geen aanmaning.",
        [
            ("Elke vrijdag samen de post openen", "network"),
            ("Aanmelden bij de schuldhulp", "schuldhulpverlening"),
            ("De huur automatisch laten betalen", "resident"),
        ],
    ),
    "housing": (
        "Ik wil een huis dat groot genoeg is voor ons.",
        "Ik sta ingeschreven en reageer elke week op een huis.",
        [
            ("Inschrijven bij de woningcorporatie", "resident"),
            ("Urgentie aanvragen bij de gemeente", "wijkteam"),
        ],
    ),
    "daytime": (
        "Ik wil vrijwilligerswerk doen.",
        "Ik werk één dag per week als vrijwilliger.",
        [
            ("Drie plekken uitzoeken die me leuk lijken", "resident"),
            ("Samen naar een kennismaking gaan", "MEE"),
        ],
    ),
    "school_work": (
        "Ik wil mijn diploma halen.",
        "Ik heb mijn diploma in mijn hand.",
        [("Elke dag op tijd naar school", "resident"), ("Huiswerkbegeleiding regelen", "MEE")],
    ),
    "free_time": (
        "Ik wil weer iets leuks doen in de week.",
        "Ik doe elke week iets wat ik leuk vind.",
        [("Kijken wat het buurthuis doet", "resident"), ("Een keer samen meegaan", "network")],
    ),
    "physical_health": (
        "Ik wil fitter worden.",
        "Ik wandel drie keer per week een half uur.",
        [
            ("Een afspraak maken bij de huisarts", "resident"),
            ("Op zondag samen wandelen", "network"),
        ],
    ),
    "health": (
        "Ik wil me fitter voelen.",
        "Ik sport twee keer per week.",
        [("Een sportclub uitzoeken", "resident")],
    ),
    "mental_health": (
        "Ik wil beter slapen.",
        "Ik slaap de meeste nachten door.",
        [("Een slaapdagboek bijhouden", "resident"), ("Gesprek bij de GGZ", "GGZ")],
    ),
    "feelings": (
        "Ik wil minder piekeren.",
        "Ik voel me de meeste dagen rustig.",
        [("Elke dag opschrijven wat goed ging", "resident"), ("Gesprek bij de GGZ", "GGZ")],
    ),
    "self_care": (
        "Ik wil goed voor mezelf zorgen.",
        "Ik eet elke dag een warme maaltijd.",
        [
            ("Een boodschappenlijst maken voor de week", "resident"),
            ("Op woensdag samen koken", "network"),
        ],
    ),
    "household": (
        "Ik wil mijn huis netjes houden.",
        "Mijn huis is elke week opgeruimd.",
        [("Een weekschema maken", "wijkteam"), ("Elke maandag de keuken doen", "resident")],
    ),
    "family": (
        "Ik wil minder ruzie thuis.",
        "We praten weer rustig met elkaar.",
        [
            ("Een gesprek met de gezinscoach", "wijkteam"),
            ("Eén avond per week samen eten", "resident"),
        ],
    ),
    "home": (
        "Ik wil dat het thuis rustiger is.",
        "Er is thuis bijna geen ruzie meer.",
        [("Afspraken maken over het huishouden", "wijkteam")],
    ),
    "parenting": (
        "Ik wil mijn kinderen goed helpen.",
        "De kinderen zijn elke dag op tijd op school.",
        [
            ("Het ochtendritme op papier zetten", "resident"),
            ("Een opvoedcursus zoeken", "wijkteam"),
        ],
    ),
    "friends": (
        "Ik wil vaker iemand zien.",
        "Ik spreek elke week met iemand af.",
        [("Een oude vriendin bellen", "resident"), ("Samen naar de koffieochtend", "network")],
    ),
    "neighbourhood": (
        "Ik wil meedoen in de buurt.",
        "Ik help één keer per maand mee in de buurt.",
        [("Kennismaken bij het buurthuis", "resident")],
    ),
    "online": (
        "Ik wil minder op mijn telefoon.",
        "Ik zit 's avonds niet meer tot laat op mijn telefoon.",
        [("De telefoon om elf uur in de keuken leggen", "resident")],
    ),
    "substances": (
        "Ik wil minder drinken.",
        "Ik drink doordeweeks niet meer.",
        [
            ("Een afspraak bij de verslavingszorg", "GGZ"),
            ("Bijhouden hoeveel ik drink", "resident"),
        ],
    ),
    "safety": (
        "Ik wil me veilig voelen in huis.",
        "Ik slaap met een gerust gevoel.",
        [
            ("Het slot laten vervangen", "wijkteam"),
            ("Het nummer van de wijkagent opslaan", "resident"),
        ],
    ),
    "meaning": (
        "Ik wil weten wat ik wil met mijn leven.",
        "Ik heb een plan voor het komende jaar.",
        [
            ("Opschrijven wat ik belangrijk vind", "resident"),
            ("Een gesprek over mijn toekomst", "MEE"),
        ],
    ),
    "future": (
        "Ik wil weten wat ik later wil worden.",
        "Ik heb een opleiding gekozen.",
        [("Naar een open dag gaan", "resident"), ("Een gesprek over mijn toekomst", "MEE")],
    ),
}
APPOINTMENT_NOTES = [
    "Bij het wijkteam, met {name}",
    "{name} komt bij je thuis",
    "Samen met {name}, in het buurthuis",
]
MAX_GOALS = 4


def _completed(session: Session, resident: Resident) -> list[Measurement]:
    return list(
        session.exec(
            select(Measurement)
            .where(Measurement.resident_id == resident.id, Measurement.status == "completed")
            .order_by(col(Measurement.completed_at))
        ).all()
    )


def _resident_answers(session: Session, measurement: Measurement) -> dict[str, Answer]:
    rows = session.exec(
        select(Answer).where(
            Answer.measurement_id == measurement.id, Answer.perspective == "resident"
        )
    ).all()
    return {a.item: a for a in rows}


class _Plan:
    """Builds one resident's plan at the demo's points in time."""

    def __init__(self, session: Session, world: World, resident: Resident):
        self.session, self.world, self.resident = session, world, resident
        self.rng = world.rng
        self.director = session.get(User, resident.case_director_id)
        self.choices = helper_choices(session, resident)
        self.account = session.get(User, resident.account_id) if resident.account_id else None
        self.goals: list[tuple[Goal, list[str]]] = []
        #: At most this many goals get closed (Sanne keeps a full plan to show).
        self.may_close = MAX_GOALS

    def _organisation(self, kind: str) -> tuple[Organisation, User | None]:
        for user, organisation in self.choices.professionals:
            if organisation.kind == kind:
                return organisation, user
        own = self.session.get(Organisation, self.director.organisation_id)
        return own, self.director

    def _helper(self, kind: str) -> dict:
        if kind == "resident" or (kind == "network" and not self.choices.network):
            return {"helper": "resident"}
        if kind == "network":
            return {"helper": "network", "network_member_id": self.choices.network[0].id}
        organisation, user = self._organisation(kind)
        return {
            "helper": "organisation",
            "organisation_id": organisation.id,
            "professional_id": user.id if user and self.rng.random() < 0.7 else None,
        }

    def _done_by(self, step: Step) -> User:
        if step.helper == "resident" and self.account is not None:
            return self.account
        if step.helper == "network":
            member = next(m for m in self.choices.network if m.id == step.network_member_id)
            if member.user_id:
                return self.session.get(User, member.user_id)
        if step.professional_id:
            return self.session.get(User, step.professional_id)
        return self.director

    def add_goal(self, key: str, measurement: Measurement | None, at: datetime) -> None:
        text, reached_when, steps = LIBRARY[key]
        author = self.director
        if key == "money":  # the debt counsellor writes the money goal, in the same plan
            _organisation, author = self._organisation("schuldhulpverlening")
        goal = Goal(
            resident_id=self.resident.id,
            text=text,
            reached_when=reached_when,
            weight=2 if key in ("money", "housing") else 1,
            measurement_id=measurement.id if measurement else None,
            organisation_id=author.organisation_id,
            created_by_id=author.id,
            created_at=at,
            updated_by_id=author.id,
            updated_at=at,
        )
        self.session.add(goal)
        self.session.flush()
        self.session.add(GoalDomain(goal_id=goal.id, domain=key))
        history.record(
            self.session, self.resident.id, "goal_added", author, goal_id=goal.id, new=text, at=at
        )
        for number, (step_text, kind) in enumerate(steps):
            when = at + timedelta(minutes=5 + number)
            step = Step(
                goal_id=goal.id,
                text=step_text,
                due_on=(at + timedelta(days=14 * (number + 1))).date(),
                created_by_id=author.id,
                created_at=when,
                updated_by_id=author.id,
                updated_at=when,
                **self._helper(kind),
            )
            self.session.add(step)
            self.session.flush()
            history.record(
                self.session,
                self.resident.id,
                "step_added",
                author,
                goal_id=goal.id,
                step_id=step.id,
                new=step_text,
                at=when,
            )
        self.goals.append((goal, [key]))

    def tick_steps(self, until: datetime, share: float) -> None:
        """Steps done by ``until``: about ``share`` of them, the earliest first."""
        for goal, _keys in self.goals:
            for step in self.session.exec(select(Step).where(Step.goal_id == goal.id)).all():
                if step.done_at is None and self.rng.random() < share:
                    step.done_at = min(until, datetime.combine(step.due_on, time(11), until.tzinfo))
                    step.done_by_id = self._done_by(step).id
                    step.version += 1
                    self.session.add(step)
                    history.record(
                        self.session,
                        self.resident.id,
                        "step_done",
                        self.session.get(User, step.done_by_id),
                        goal_id=goal.id,
                        step_id=step.id,
                        new=step.text,
                        at=step.done_at,
                    )

    def score(self, first: Measurement, measurement: Measurement, last: bool) -> int:
        """Score the open goals at a follow-up: better where their domain improved."""
        before = _resident_answers(self.session, first)
        now = _resident_answers(self.session, measurement)
        at = measurement.completed_at + timedelta(minutes=20)
        scored = 0
        for goal, keys in self.goals:
            if goal.status != "open" or goal.created_at > measurement.completed_at:
                continue
            changes = [
                now[k].value - before[k].value
                for k in keys
                if k in now and k in before and now[k].value and before[k].value
            ]
            change = sum(changes) / len(changes) if changes else 0
            score = max(-2, min(2, round(change - 0.5 + self.rng.random())))
            self.session.add(
                GoalScore(
                    goal_id=goal.id,
                    measurement_id=measurement.id,
                    score=score,
                    scored_by_id=self.director.id,
                    scored_at=at,
                )
            )
            history.record(
                self.session,
                self.resident.id,
                "goal_score",
                self.director,
                goal_id=goal.id,
                new=signed(score),
                at=at,
            )
            outcome = "open"
            if score >= 1 and self.rng.random() < (0.6 if last else 0.3):
                outcome = "reached"
            elif score <= -1 and self.rng.random() < 0.3:
                outcome = "stopped"
            if outcome != "open" and self.may_close > 0:
                self.may_close -= 1
                goal.status, goal.closed_at = outcome, at
                history.record(
                    self.session,
                    self.resident.id,
                    "goal_status",
                    self.director,
                    goal_id=goal.id,
                    old="open",
                    new=outcome,
                    at=at,
                )
            goal.version += 1
            goal.updated_by_id, goal.updated_at = self.director.id, at
            self.session.add(goal)
            scored += 1
        return scored

    def appoint(self) -> None:
        on = clock.today() + timedelta(days=self.rng.randint(3, 28))
        while on.weekday() >= 5:
            on += timedelta(days=1)
        note = self.rng.choice(APPOINTMENT_NOTES).format(name=self.director.display_name.split()[0])
        self.session.add(
            Plan(
                resident_id=self.resident.id,
                next_on=on,
                next_at=self.rng.choice([time(9, 30), time(10, 0), time(14, 30)]),
                next_note=note,
                updated_by_id=self.director.id,
            )
        )
        history.record(
            self.session,
            self.resident.id,
            "appointment",
            self.director,
            new=f"{on.isoformat()} · {note}",
        )


def build(session: Session, world: World) -> None:
    goals = scores = 0
    for resident in world.residents:
        measurements = _completed(session, resident)
        if not measurements:
            continue
        first = measurements[0]
        wanted = [k for k, a in _resident_answers(session, first).items() if a.wants_to_work]
        is_sanne = resident.id == world.sanne.id
        if is_sanne:
            # Sanne's plan shows every kind of helper: debts (schuldhulp), a day activity (MEE),
            # friends with her carer Jan.
            wanted = list(dict.fromkeys(["money", "daytime", "friends", *wanted]))
        keys = [k for k in wanted if k in LIBRARY][:MAX_GOALS]
        if not keys:
            continue
        plan = _Plan(session, world, resident)
        if is_sanne:
            plan.may_close = 1
        made_at = first.completed_at + timedelta(minutes=15)
        for key in keys:
            plan.add_goal(key, first, made_at)
            goals += 1
        for number, measurement in enumerate(measurements[1:], start=1):
            plan.tick_steps(measurement.completed_at, 0.55 if number == 1 else 0.7)
            scores += plan.score(first, measurement, last=number == len(measurements) - 1)
        if is_sanne:
            _sanne(plan)
        plan.appoint()
    world.counts["goals"] = goals
    world.counts["goal scores"] = scores


def _sanne(plan: _Plan) -> None:
    """Sanne's carer Jan has a step of his own that is still to do."""
    jan = next(m for m in plan.choices.network if m.user_id == plan.world.carer.id)
    session = plan.session
    open_goals = [g for g, keys in plan.goals if g.status == "open"]
    goal = next((g for g, keys in plan.goals if keys == ["friends"] and g.status == "open"), None)
    goal = goal or open_goals[0]
    step = Step(
        goal_id=goal.id,
        text="Sanne meenemen naar de zangclub",
        helper="network",
        network_member_id=jan.id,
        due_on=clock.today() + timedelta(days=10),
        created_by_id=plan.director.id,
        updated_by_id=plan.director.id,
    )
    session.add(step)
    session.flush()
    history.record(
        session,
        plan.resident.id,
        "step_added",
        plan.director,
        goal_id=goal.id,
        step_id=step.id,
        new=step.text,
    )
