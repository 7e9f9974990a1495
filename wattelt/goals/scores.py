"""Goal attainment at follow-up measurements: every open goal scored together (-2..+2), each
closed as reached or stopped or carried on, and the Goal Attainment Scaling T-score of the plan.

The sums behind the T-score are computed in SQL per round, organisation and life domain; the
formula itself (Kiresuk & Sherman 1968) lives in ``wattelt.scoring.gas``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, or_, select

from wattelt.goals import history
from wattelt.goals.services import Conflict, compare_and_set
from wattelt.models import Goal, GoalDomain, GoalScore, Measurement, Organisation, User, utcnow
from wattelt.scoring.gas import GasSums, gas_t_score_from_sums

SCORES = (-2, -1, 0, 1, 2)
SCORE_LABELS = {
    -2: _l("Much less than expected"),
    -1: _l("Less than expected"),
    0: _l("As expected"),
    1: _l("More than expected"),
    2: _l("Much more than expected"),
}
OUTCOMES = {
    "carry_on": _l("Carry on with it"),
    "reached": _l("Reached"),
    "stopped": _l("Stopped"),
}
_STATUS_OF_OUTCOME = {"carry_on": "open", "reached": "reached", "stopped": "stopped"}
OUTCOME_OF_STATUS = {status: outcome for outcome, status in _STATUS_OF_OUTCOME.items()}


def signed(score: int | None) -> str:
    """A score as people write it: -2, -1, 0, +1, +2."""
    if score is None:
        return ""
    return f"{score:+d}" if score else "0"


class ScoreConflicts(Exception):
    """Someone else changed these goals (scored, closed or edited them) since the form opened."""

    def __init__(self, goals: list[Goal]):
        super().__init__("goals changed meanwhile")
        self.goals = goals


@dataclass(frozen=True)
class ScoreEntry:
    goal_id: int
    expected_version: int
    score: int
    outcome: str


# --- which measurement, which goals ---------------------------------------------------------


def completed_measurements(db: Session, resident_id: int) -> list[Measurement]:
    return list(
        db.exec(
            select(Measurement)
            .where(Measurement.resident_id == resident_id, Measurement.status == "completed")
            .order_by(col(Measurement.completed_at), col(Measurement.id))
        ).all()
    )


def previous_measurement(db: Session, measurement: Measurement) -> Measurement | None:
    """The resident's completed measurement before this one, if any."""
    if measurement.status != "completed":
        return None
    earlier = [
        m
        for m in completed_measurements(db, measurement.resident_id)
        if (m.completed_at, m.id) < (measurement.completed_at, measurement.id)
    ]
    return earlier[-1] if earlier else None


def is_follow_up(db: Session, measurement: Measurement) -> bool:
    """A completed measurement that is not the resident's first: its goals can be scored."""
    return previous_measurement(db, measurement) is not None


def goals_to_score(db: Session, measurement: Measurement) -> list[Goal]:
    """The goals scored at this follow-up: those open now or already scored at it, set before it
    was completed and not made from it (a goal is scored at the measurements after its own)."""
    scored_here = select(GoalScore.goal_id).where(GoalScore.measurement_id == measurement.id)
    return list(
        db.exec(
            select(Goal)
            .where(
                Goal.resident_id == measurement.resident_id,
                col(Goal.created_at) <= measurement.completed_at,
                or_(col(Goal.measurement_id).is_(None), Goal.measurement_id != measurement.id),
                or_(Goal.status == "open", col(Goal.id).in_(scored_here)),
            )
            .order_by(col(Goal.created_at), col(Goal.id))
        ).all()
    )


def scores_at(db: Session, measurement_id: int) -> dict[int, GoalScore]:
    rows = db.exec(select(GoalScore).where(GoalScore.measurement_id == measurement_id)).all()
    return {row.goal_id: row for row in rows}


def latest_scores(db: Session, goal_ids: list[int]) -> dict[int, tuple[GoalScore, datetime]]:
    """Each goal's most recent score and the date of the measurement it was given at."""
    if not goal_ids:
        return {}
    rows = db.exec(
        select(GoalScore, Measurement.completed_at)
        .join(Measurement, col(Measurement.id) == GoalScore.measurement_id)
        .where(col(GoalScore.goal_id).in_(goal_ids))
        .order_by(col(Measurement.completed_at), col(Measurement.id))
    ).all()
    return {score.goal_id: (score, at) for score, at in rows}


# --- saving ----------------------------------------------------------------------------------


def save_scores(
    db: Session, measurement: Measurement, user: User, entries: list[ScoreEntry]
) -> None:
    """Score every goal of :func:`goals_to_score` at once and close or carry on each.

    Each goal's version is compared and bumped; goals that someone else changed meanwhile are
    reported together in :class:`ScoreConflicts` (the caller rolls back, so all or nothing)."""
    goals = {goal.id: goal for goal in goals_to_score(db, measurement)}
    if sorted(e.goal_id for e in entries) != sorted(goals):
        raise ValueError("every goal of this measurement needs a score")
    if any(e.score not in SCORES or e.outcome not in _STATUS_OF_OUTCOME for e in entries):
        raise ValueError("a score is -2..+2 and an outcome is carry_on, reached or stopped")
    existing = scores_at(db, measurement.id)
    conflicts = []
    now = utcnow()
    for entry in entries:
        goal = goals[entry.goal_id]
        old_status, status = goal.status, _STATUS_OF_OUTCOME[entry.outcome]
        values: dict = {"status": status, "updated_by_id": user.id, "updated_at": now}
        if status != old_status:
            values["closed_at"] = None if status == "open" else now
        try:
            compare_and_set(db, Goal, goal, entry.expected_version, values)
        except Conflict:
            conflicts.append(goal)
            continue
        row = existing.get(goal.id)
        old_score = row.score if row else None
        if row is None:
            row = GoalScore(goal_id=goal.id, measurement_id=measurement.id, score=entry.score)
        row.score, row.scored_by_id, row.scored_at = entry.score, user.id, now
        db.add(row)
        if old_score != entry.score:
            history.record(
                db,
                goal.resident_id,
                "goal_score",
                user,
                goal_id=goal.id,
                old=signed(old_score),
                new=signed(entry.score),
            )
        if old_status != status:
            history.record(
                db,
                goal.resident_id,
                "goal_status",
                user,
                goal_id=goal.id,
                old=old_status,
                new=status,
            )
    if conflicts:
        raise ScoreConflicts(conflicts)
    db.flush()
    # The anonymous figures count goals from the summary of rounds: keep it up to date.
    from wattelt.outcomes import summary

    summary.refresh(db, [measurement.resident_id])  # type: ignore[list-item]


# --- Goal Attainment Scaling T-scores --------------------------------------------------------


@dataclass(frozen=True)
class GasSet:
    """The T-score of one set of scored goals (a round, an organisation's, a life domain's)."""

    key: object
    label: str | None
    goals: int
    t_score: float | None


@dataclass(frozen=True)
class GasOverview:
    rounds: list[GasSet]  # per follow-up measurement, oldest first; key = measurement id
    by_organisation: list[GasSet]  # at the latest follow-up
    by_domain: list[GasSet]  # at the latest follow-up; a goal counts in each of its domains

    @property
    def latest(self) -> GasSet | None:
        return self.rounds[-1] if self.rounds else None


def _sums():
    weight, score = col(Goal.weight), col(GoalScore.score)
    return (
        func.count(),
        func.sum(weight * score),
        func.sum(weight * weight),
        func.sum(weight),
    )


def _gas_set(key, label, count, weighted, squared, weights) -> GasSet:
    sums = GasSums(int(count), float(weighted or 0), float(squared or 0), float(weights or 0))
    return GasSet(key, label, sums.goals, gas_t_score_from_sums(sums))


def gas_overview(db: Session, resident_id: int) -> GasOverview:
    """The plan's T-scores: per follow-up round (all goals scored at it), and at the latest one
    per organisation that set the goals and per life domain."""
    scored = (
        select()
        .select_from(GoalScore)
        .join(Goal, col(Goal.id) == GoalScore.goal_id)
        .where(Goal.resident_id == resident_id)
    )
    rounds = [
        _gas_set(measurement_id, None, *sums)
        for measurement_id, _at, *sums in db.exec(
            scored.add_columns(Measurement.id, Measurement.completed_at, *_sums())
            .join(Measurement, col(Measurement.id) == GoalScore.measurement_id)
            .group_by(Measurement.id, Measurement.completed_at)
            .order_by(col(Measurement.completed_at), col(Measurement.id))
        ).all()
    ]
    if not rounds:
        return GasOverview([], [], [])
    latest = scored.where(GoalScore.measurement_id == rounds[-1].key)
    by_organisation = [
        _gas_set(organisation_id, name, *sums)
        for organisation_id, name, *sums in db.exec(
            latest.add_columns(Goal.organisation_id, Organisation.name, *_sums())
            .join(Organisation, col(Organisation.id) == Goal.organisation_id, isouter=True)
            .group_by(Goal.organisation_id, Organisation.name)
            .order_by(Organisation.name)
        ).all()
    ]
    by_domain = [
        _gas_set(domain, None, *sums)
        for domain, *sums in db.exec(
            latest.add_columns(GoalDomain.domain, *_sums())
            .join(GoalDomain, col(GoalDomain.goal_id) == Goal.id)
            .group_by(GoalDomain.domain)
            .order_by(GoalDomain.domain)
        ).all()
    ]
    return GasOverview(rounds, by_organisation, by_domain)
