"""The sums per atom, kept in ``outcome_atom`` by difference.

Every sum behind the anonymous figures is a sum over counted residents of a few numbers from
their row in the summary of rounds (``outcome_resident``, ``outcome_item``). So when the summary
of some residents is refreshed, their old rows are taken out of their atoms' sums (added with a
minus sign) before the rows are replaced, and the new rows are added after: the same GROUP BY
queries, restricted to those residents, upserted with ``s = s + excluded.s``. Additions commute,
so two transactions refreshing residents of the same atom cannot lose each other's change.
:func:`rebuild` computes the table from scratch; tests check that both always agree.

Kinds of rows (``s0`` is always the number of residents):

* ``residents``: s0 residents measured, s1 measured at least twice;
* ``change`` (per perspective and item): the sums of ``atoms.CHANGE_SUMS``;
* ``wishes`` (per item, the resident's own view): s0 residents who want to work on it;
* ``goals``: s0 residents with a goal, s1 goals set, s2 reached, s3 residents with a GAS
  T-score, s4 the sum of their T-scores in thousandths.

One more row, of kind ``version``, is no atom: its s0 counts the refreshes (``bump_version``).
"""

from __future__ import annotations

from sqlalchemy import and_, case, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from wattelt.models import OVERALL, OutcomeAtom, OutcomeItem, OutcomeResident
from wattelt.models.outcome import ATOM_SUMS, WISHES_INDEX_WHERE

#: The overall grade (1-10) counts as changed from this many points; the life domains use their
#: questionnaire's ``scale.change_threshold``.
GRADE_CHANGE_THRESHOLD = 1
#: Baseline distribution: values 1..10 cover the domain scales (1-5) and the grade (1-10).
DISTRIBUTION_VALUES = tuple(range(1, 11))
KEY = (
    "organisation_id",
    "district_id",
    "age_band",
    "year",
    "quarter",
    "questionnaire_key",
    "questionnaire_version",
)
COLUMNS = ["kind", "perspective", "item", *KEY, *(f"s{i}" for i in range(ATOM_SUMS))]
NO_ID = -1  # no organisation or district
NO_BAND = ""  # no age band
#: Not an atom: one row whose ``s0`` every refresh raises in its own transaction, so that the
#: figures' cache (``wattelt.outcomes.cache``) sees every change as soon as it is committed. It
#: is also taken first, so refreshes touching the same atoms queue instead of deadlocking.
VERSION_KIND = "version"


def _key():
    return [
        func.coalesce(col(OutcomeResident.organisation_id), NO_ID),
        func.coalesce(col(OutcomeResident.district_id), NO_ID),
        func.coalesce(col(OutcomeResident.age_band), NO_BAND),
        col(OutcomeResident.baseline_year),
        col(OutcomeResident.baseline_quarter),
        col(OutcomeResident.questionnaire_key),
        col(OutcomeResident.questionnaire_version),
    ]


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _padded(sums: list) -> list:
    return sums + [literal(0)] * (ATOM_SUMS - len(sums))


def _selects(resident_ids: list[int] | None, sign: int) -> list:
    """The four GROUP BY queries, for these residents (None: all), each sum times ``sign``."""

    def only(query):
        query = query.where(col(OutcomeResident.counted).is_(True))
        if resident_ids is not None:
            query = query.where(col(OutcomeResident.resident_id).in_(resident_ids))
        return query

    key = _key()
    residents = only(
        select(
            literal("residents"),
            literal(""),
            literal(""),
            *key,
            *_padded(
                [
                    sign * func.count(),
                    sign * _count_if(col(OutcomeResident.measurements) >= 2),
                ]
            ),
        ).select_from(OutcomeResident)
    ).group_by(*key)

    baseline = col(OutcomeItem.baseline_value)
    latest = col(OutcomeItem.latest_value)
    diff = latest - baseline
    threshold = case(
        (col(OutcomeItem.item) == OVERALL, GRADE_CHANGE_THRESHOLD),
        else_=col(OutcomeResident.change_threshold),
    )
    joined = (OutcomeResident, OutcomeItem)
    on = col(OutcomeItem.resident_id) == col(OutcomeResident.resident_id)
    change = (
        only(
            select(
                literal("change"),
                col(OutcomeItem.perspective),
                col(OutcomeItem.item),
                *key,
                *_padded(
                    [
                        sign * func.count(),
                        sign * func.sum(baseline),
                        sign * func.sum(latest),
                        sign * func.sum(diff),
                        sign * func.sum(diff * diff),
                        sign * _count_if(diff >= threshold),
                        sign * _count_if(and_(diff < threshold, -diff < threshold)),
                        sign * _count_if(-diff >= threshold),
                        *(sign * _count_if(baseline == v) for v in DISTRIBUTION_VALUES),
                    ]
                ),
            )
            .select_from(joined[0])
            .join(joined[1], on)
        )
        .where(baseline.is_not(None))
        .where(latest.is_not(None))
        .group_by(*key, col(OutcomeItem.perspective), col(OutcomeItem.item))
    )
    wishes = (
        only(
            select(
                literal("wishes"),
                literal("resident"),
                col(OutcomeItem.item),
                *key,
                *_padded([sign * func.count()]),
            )
            .select_from(joined[0])
            .join(joined[1], on)
        )
        .where(WISHES_INDEX_WHERE)
        .group_by(*key, col(OutcomeItem.item))
    )
    t_milli = col(OutcomeResident.gas_t_milli)
    goals = (
        only(
            select(
                literal("goals"),
                literal(""),
                literal(""),
                *key,
                *_padded(
                    [
                        sign * func.count(),
                        sign * func.sum(col(OutcomeResident.goals_set)),
                        sign * func.sum(col(OutcomeResident.goals_reached)),
                        sign * func.count(t_milli),
                        sign * func.sum(func.coalesce(t_milli, 0)),
                    ]
                ),
            ).select_from(OutcomeResident)
        )
        .where(col(OutcomeResident.goals_set) > 0)
        .group_by(*key)
    )
    return [residents, change, wishes, goals]


def add(db: Session, resident_ids: list[int], sign: int) -> None:
    """Add (sign +1) or take out (sign -1) these residents' summary rows from their atoms."""
    table = OutcomeAtom.__table__  # type: ignore[attr-defined]
    dialect = db.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for query in _selects(resident_ids, sign):
        statement = make(table).from_select(COLUMNS, query)
        statement = statement.on_conflict_do_update(
            index_elements=["kind", "perspective", "item", *KEY],
            set_={
                f"s{i}": table.c[f"s{i}"] + statement.excluded[f"s{i}"] for i in range(ATOM_SUMS)
            },
        )
        db.exec(statement)  # type: ignore[call-overload]


def bump_version(db: Session) -> None:
    """Raise the version of the sums (see ``VERSION_KIND``), in the caller's transaction."""
    table = OutcomeAtom.__table__  # type: ignore[attr-defined]
    dialect = db.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    row = {name: 0 for name in COLUMNS}
    row.update(
        kind=VERSION_KIND,
        perspective="",
        item="",
        organisation_id=NO_ID,
        district_id=NO_ID,
        age_band=NO_BAND,
        questionnaire_key="",
        s0=1,
    )
    statement = make(table).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "perspective", "item", *KEY], set_={"s0": table.c.s0 + 1}
    )
    db.exec(statement)  # type: ignore[call-overload]


def version(db: Session) -> int:
    """The version of the sums: raised by every refresh (0 before the first)."""
    found = db.connection().execute(
        select(col(OutcomeAtom.s0)).where(col(OutcomeAtom.kind) == VERSION_KIND)
    )
    return int(found.scalar() or 0)


def drop_empty(db: Session) -> None:
    """Atoms whose last resident left (the partial index finds them)."""
    db.exec(delete(OutcomeAtom).where(col(OutcomeAtom.s0) == 0))  # type: ignore[call-overload]


def rebuild(db: Session) -> None:
    db.exec(delete(OutcomeAtom).where(col(OutcomeAtom.kind) != VERSION_KIND))  # type: ignore[call-overload]
    table = OutcomeAtom.__table__  # type: ignore[attr-defined]
    for query in _selects(None, 1):
        db.exec(table.insert().from_select(COLUMNS, query))  # type: ignore[call-overload]


def read(
    db: Session, organisation_ids: tuple[int, ...], kind: str, perspective: str, sums: int
) -> list[tuple]:
    """The atoms of a scope: rows of (the 7 parts of the key, item, s0, s1, ... up to ``sums``
    sums), as stored: "no district" and "no age band" are ``NO_ID`` and ``NO_BAND``."""
    query = (
        select(
            *(col(getattr(OutcomeAtom, name)) for name in KEY),
            col(OutcomeAtom.item),
            *(col(getattr(OutcomeAtom, f"s{i}")) for i in range(sums)),
        )
        .where(col(OutcomeAtom.kind) == kind)
        .where(col(OutcomeAtom.perspective) == perspective)
        .where(col(OutcomeAtom.organisation_id).in_(organisation_ids))
        .where(col(OutcomeAtom.s0) > 0)
    )
    result = db.connection().execute(query)
    # Plain tuples straight from the driver: these rows need no conversion of types.
    cursor = getattr(result, "cursor", None)
    return cursor.fetchall() if cursor is not None else [tuple(row) for row in result]
