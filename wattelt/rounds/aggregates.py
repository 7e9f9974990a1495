"""SQL aggregates over rounds, per resident: nothing here loads answers into Python.

Change per domain compares the resident's own answers (the resident perspective) of the baseline
(T0) and the latest round, domain by domain, with the threshold of the latest round's
questionnaire file. The totals follow :mod:`wattelt.scoring.total`: the mean over the domains
answered with a number in both rounds. The reference for reliable change (SD1 and Cronbach's
alpha) comes from baselines, aggregated as sums.

Answers that cannot be right are left out here as in the report: a domain the questionnaire
version does not have, a value outside its scale, a version whose definition file is gone.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, false, func, literal, or_
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from wattelt.models import Answer, Goal, Involvement, Measurement, User
from wattelt.questionnaires.loader import Registry
from wattelt.rounds.definition import is_round, round_number
from wattelt.scoring.total import ChangeReference, Sums, change_reference_from_sums, min_items

# --- which answers count ----------------------------------------------------------------------


def valid_number(answer, measurement, questionnaires: Registry) -> ColumnElement[bool]:
    """A numeric answer for a domain of its measurement's questionnaire version, on its scale."""
    clauses = [
        and_(
            measurement.questionnaire_key == q.key,
            measurement.questionnaire_version == q.version,
            answer.item.in_([d.key for d in q.all_domains]),
            answer.value.between(q.scale.minimum, q.scale.maximum),
        )
        for q in questionnaires.all()
    ]
    return and_(answer.special.is_(None), or_(false(), *clauses))


def threshold_of(measurement, questionnaires: Registry):
    """The per-domain change threshold of the measurement's questionnaire version (NULL when its
    file is gone, so nothing is classified)."""
    return case(
        *[
            (
                and_(
                    measurement.questionnaire_key == q.key,
                    measurement.questionnaire_version == q.version,
                ),
                q.scale.change_threshold,
            )
            for q in questionnaires.all()
        ],
        else_=None,
    )


def total_items(questionnaires: Registry) -> dict[str, list[str]]:
    """Per questionnaire key, the domains of its total: the core (not optional) domains that
    every version of it asks, so that totals of different versions stay comparable."""
    items: dict[str, list[str]] = {}
    for key in {q.key for q in questionnaires.all()}:
        versions = questionnaires.versions(key)
        common = set.intersection(*({d.key for d in v.domains} for v in versions))
        items[key] = [d.key for d in versions[-1].domains if d.key in common]
    return items


def in_total(answer, measurement, items: dict[str, list[str]]) -> ColumnElement[bool]:
    return or_(
        false(),
        *[
            and_(measurement.questionnaire_key == key, answer.item.in_(keys))
            for key, keys in items.items()
        ],
    )


# --- rounds per resident ------------------------------------------------------------------------


def ranked_rounds(resident_ids: Select):
    """Every round of the given residents with its number (0 = baseline) and their count."""
    return (
        select(
            col(Measurement.id).label("measurement_id"),
            col(Measurement.resident_id).label("resident_id"),
            col(Measurement.questionnaire_key).label("key"),
            col(Measurement.completed_at).label("completed_at"),
            round_number().label("number"),
            func.count().over(partition_by=col(Measurement.resident_id)).label("rounds"),
        )
        .where(is_round(), col(Measurement.resident_id).in_(resident_ids))
        .subquery("ranked")
    )


def round_summary(ranked):
    """Per resident: the latest round's date, the number of rounds, the baseline and latest ids."""
    return (
        select(
            ranked.c.resident_id,
            func.max(ranked.c.completed_at).label("last_round"),
            func.max(ranked.c.rounds).label("rounds"),
            func.max(case((ranked.c.number == 0, ranked.c.measurement_id))).label("baseline_id"),
            func.max(case((ranked.c.number == ranked.c.rounds - 1, ranked.c.measurement_id))).label(
                "latest_id"
            ),
        )
        .group_by(ranked.c.resident_id)
        .subquery("summary")
    )


def changes(summary, questionnaires: Registry):
    """Per resident with two rounds or more: domains improved / the same / declined from the
    baseline to the latest round, and the totals over the domains answered both times."""
    base_m, last_m = aliased(Measurement), aliased(Measurement)
    base, last = aliased(Answer), aliased(Answer)
    threshold = threshold_of(last_m, questionnaires)
    diff = last.value - base.value
    items = total_items(questionnaires)
    counted = and_(
        in_total(base, base_m, items), base_m.questionnaire_key == last_m.questionnaire_key
    )
    return (
        select(
            summary.c.resident_id,
            func.sum(case((diff >= threshold, 1), else_=0)).label("improved"),
            func.sum(case((-diff >= threshold, 1), else_=0)).label("declined"),
            func.sum(case((func.abs(diff) < threshold, 1), else_=0)).label("same"),
            func.count(case((counted, 1))).label("total_items"),
            func.avg(case((counted, base.value))).label("total_before"),
            func.avg(case((counted, last.value))).label("total_after"),
            func.max(base_m.questionnaire_key).label("key"),
            func.max(
                case((base_m.questionnaire_key == last_m.questionnaire_key, 1), else_=0)
            ).label("same_questionnaire"),
        )
        .select_from(summary)
        .join(base_m, base_m.id == summary.c.baseline_id)
        .join(last_m, last_m.id == summary.c.latest_id)
        .join(
            base,
            and_(
                base.measurement_id == base_m.id,
                base.perspective == "resident",
                valid_number(base, base_m, questionnaires),
            ),
        )
        .join(
            last,
            and_(
                last.measurement_id == last_m.id,
                last.perspective == "resident",
                last.item == base.item,
                valid_number(last, last_m, questionnaires),
            ),
        )
        .where(summary.c.rounds >= 2)
        .group_by(summary.c.resident_id)
        .subquery("changes")
    )


# --- the reference for reliable change ---------------------------------------------------------


def references(
    db: Session, resident_ids: Select, questionnaires: Registry
) -> dict[str, ChangeReference]:
    """Per questionnaire key, SD1 and Cronbach's alpha from the baselines of these residents."""
    ranked = ranked_rounds(resident_ids)
    found = {}
    for key, items in total_items(questionnaires).items():
        found[key] = _reference(db, ranked, key, items, questionnaires)
    return found


def _reference(db: Session, ranked, key: str, items: list[str], questionnaires: Registry):
    measurement = aliased(Measurement)
    values = (
        select(
            col(Answer.measurement_id).label("measurement_id"),
            col(Answer.item).label("item"),
            col(Answer.value).label("value"),
        )
        .join(measurement, measurement.id == Answer.measurement_id)
        .where(
            col(Answer.measurement_id).in_(
                select(ranked.c.measurement_id).where(ranked.c.number == 0, ranked.c.key == key)
            ),
            Answer.perspective == "resident",
            col(Answer.item).in_(items),
            valid_number(Answer, measurement, questionnaires),
        )
        .subquery("baseline_values")
    )
    per_baseline = (
        select(
            values.c.measurement_id,
            func.count().label("answered"),
            func.sum(values.c.value).label("total"),
            (func.sum(values.c.value) * literal(1.0) / func.count()).label("mean"),
        )
        .group_by(values.c.measurement_id)
        .subquery("per_baseline")
    )
    k = len(items)
    totals = db.exec(
        select(
            func.count(),
            func.coalesce(func.sum(per_baseline.c.mean), 0),
            func.coalesce(func.sum(per_baseline.c.mean * per_baseline.c.mean), 0),
        ).where(per_baseline.c.answered >= min_items(k))
    ).one()
    complete = select(per_baseline.c.measurement_id).where(per_baseline.c.answered == k)
    complete_totals = db.exec(
        select(
            func.count(),
            func.coalesce(func.sum(per_baseline.c.total), 0),
            func.coalesce(func.sum(per_baseline.c.total * per_baseline.c.total), 0),
        ).where(per_baseline.c.answered == k)
    ).one()
    item_sums = {
        item: Sums(n, total, squares)
        for item, n, total, squares in db.exec(
            select(
                values.c.item,
                func.count(),
                func.sum(values.c.value),
                func.sum(values.c.value * values.c.value),
            )
            .where(values.c.measurement_id.in_(complete))
            .group_by(values.c.item)
        ).all()
    }
    return change_reference_from_sums(
        k,
        Sums(*totals),
        [item_sums[item] for item in items if item in item_sums],
        Sums(*complete_totals),
    )


# --- one row per resident -----------------------------------------------------------------------


def caseload_query(visible, organisation_id: int | None, questionnaires: Registry) -> Select:
    """One row per resident of ``visible`` (a subquery of residents) with their aggregates, the
    involved professional of ``organisation_id`` and the case director."""
    ranked = ranked_rounds(select(visible.c.id))
    summary = round_summary(ranked)
    change = changes(summary, questionnaires)
    involvement = aliased(Involvement)
    coach, director = aliased(User), aliased(User)
    draft = (
        select(Measurement.id)
        .where(Measurement.resident_id == visible.c.id, Measurement.status == "draft")
        .exists()
    )
    open_goals = (
        select(func.count())
        .select_from(Goal)
        .where(Goal.resident_id == visible.c.id, Goal.status == "open")
        .scalar_subquery()
    )
    return (
        select(
            visible.c.id.label("resident_id"),
            visible.c.code,
            visible.c.case_director_id,
            summary.c.last_round,
            func.coalesce(summary.c.rounds, 0).label("rounds"),
            change.c.improved,
            change.c.same,
            change.c.declined,
            change.c.total_before,
            change.c.total_after,
            func.coalesce(change.c.total_items, 0).label("total_items"),
            change.c.key,
            func.coalesce(change.c.same_questionnaire, 0).label("same_questionnaire"),
            involvement.professional_id.label("coach_id"),
            coach.display_name.label("coach"),
            director.display_name.label("case_director"),
            draft.label("has_draft"),
            open_goals.label("open_goals"),
        )
        .select_from(visible)
        .outerjoin(summary, summary.c.resident_id == visible.c.id)
        .outerjoin(change, change.c.resident_id == visible.c.id)
        .outerjoin(
            involvement,
            and_(
                involvement.resident_id == visible.c.id,
                involvement.organisation_id == organisation_id,
            ),
        )
        .outerjoin(coach, coach.id == involvement.professional_id)
        .outerjoin(director, director.id == visible.c.case_director_id)
    )


def due_query(visible, organisation_id: int | None) -> Select:
    """Only what due dates need, per resident of ``visible``: the latest round, the case
    director and the involved professional of ``organisation_id`` (for the home page's counts)."""
    latest = (
        select(
            col(Measurement.resident_id).label("resident_id"),
            func.max(Measurement.completed_at).label("last_round"),
        )
        .where(is_round(), col(Measurement.resident_id).in_(select(visible.c.id)))
        .group_by(col(Measurement.resident_id))
        .subquery("latest")
    )
    involvement = aliased(Involvement)
    return (
        select(
            visible.c.id.label("resident_id"),
            visible.c.case_director_id,
            latest.c.last_round,
            involvement.professional_id.label("coach_id"),
        )
        .select_from(visible)
        .outerjoin(latest, latest.c.resident_id == visible.c.id)
        .outerjoin(
            involvement,
            and_(
                involvement.resident_id == visible.c.id,
                involvement.organisation_id == organisation_id,
            ),
        )
    )
