"""Benchmark of the anonymous figures: the dashboard's aggregate requests at 10,000 and 100,000
residents, against the best hand-written SQL for the same sums, on SQLite and PostgreSQL.

    python benchmarks/dashboard.py                                   # 10,000 and 100,000 on SQLite
    python benchmarks/dashboard.py --postgresql postgresql://postgres@127.0.0.1:5432/wattelt_bench
    python benchmarks/dashboard.py --residents 300 --repeat 1        # a quick check

For every size and database it builds a fresh database with the migrations, fills it with
``flask synth`` (one chain of N residents, three rounds at most, seed 1) and prints:

* ``generate``: the time ``synth`` took (residents, measurements, answers, goals, summary);
* ``dashboard``: what the dashboard's main page computes for a manager's live figures (policymakers
  read releases: ``benchmarks/releases.py``), cold (as the first request after new
  data, without the worker's cache of blocks): the figures for all residents (every family of
  blocks, disclosure control, means, intervals, d_z) and the filter options; ``cached``: the
  same once the blocks are cached (every later request until the data changes);
  ``compare``: the comparison of organisations, cold; ``API``: a whole
  ``GET /api/v1/domains`` request with a bearer token through the app, cold;
* ``raw SQL``: the best hand-written SQL for the same sums per atom (residents, wishes, change
  per domain and grade, goals and GAS T-scores): reading the sums the database keeps per atom
  (``outcome_atom``), only fetched - the floor any implementation must pay (the filter options
  come from the same atoms); ``ratio`` = dashboard / raw SQL;
* ``grouping SQL``: the same sums grouped from the per-resident summary at request time, as
  the dashboard did before the sums per atom were kept (and as a check: the script stops when
  these sums differ from the dashboard's);
* ``memory``: the peak of Python allocations during one dashboard computation (tracemalloc),
  which stays flat when no rows are loaded per resident.

Times are medians of ``--repeat`` runs after one warm-up; the dashboard and the raw SQL run in
turn, so that the ratio is not skewed by a busy spell of the machine. A PostgreSQL database
given with ``--postgresql`` is dropped and created anew for every size, so never point it at a
database you need.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import fresh_postgresql  # noqa: E402

from wattelt import create_app, db, migrate  # noqa: E402
from wattelt.api import tokens  # noqa: E402
from wattelt.demo.synth import synthesise  # noqa: E402
from wattelt.models import OVERALL, Organisation, Role, User  # noqa: E402
from wattelt.outcomes import atoms, service  # noqa: E402
from wattelt.outcomes import goals as outcome_goals  # noqa: E402
from wattelt.outcomes.atoms import DISTRIBUTION_VALUES, GRADE_CHANGE_THRESHOLD  # noqa: E402
from wattelt.scoring.gas import DEFAULT_RHO  # noqa: E402

K = 10
TODAY = date(2026, 11, 29)


def atom_queries(organisation_ids: list[int]) -> list[str]:
    """Hand-written SQL reading the sums the database keeps per atom (the filter options need
    no query of their own: the periods start at the first year among these atoms)."""
    ids = ", ".join(str(int(i)) for i in organisation_ids)
    key = (
        "organisation_id, district_id, age_band, year, quarter, questionnaire_key, "
        "questionnaire_version"
    )
    sums = ", ".join(f"s{i}" for i in range(18))
    where = f"organisation_id IN ({ids}) AND s0 > 0"
    return [
        f"SELECT {key}, s0, s1 FROM outcome_atom WHERE kind = 'residents' AND {where}",
        f"SELECT {key}, item, s0 FROM outcome_atom WHERE kind = 'wishes' AND {where}",
        f"SELECT {key}, item, {sums} FROM outcome_atom "
        f"WHERE kind = 'change' AND perspective = 'resident' AND {where}",
        f"SELECT {key}, s0, s1, s2, s3, s4 FROM outcome_atom WHERE kind = 'goals' AND {where}",
    ]


def raw_queries(organisation_ids: list[int]) -> list[str]:
    """Hand-written SQL grouping the sums per atom from the per-resident summary."""
    ids = ", ".join(str(int(i)) for i in organisation_ids)
    people = f"""
WITH people AS (
    SELECT resident_id, organisation_id, district_id, age_band, baseline_year, baseline_quarter,
           questionnaire_key, questionnaire_version, measurements, change_threshold
    FROM outcome_resident
    WHERE organisation_id IN ({ids}) AND counted
)"""
    keys = (
        "p.organisation_id, p.district_id, p.age_band, p.baseline_year, p.baseline_quarter, "
        "p.questionnaire_key, p.questionnaire_version"
    )
    diff = "(i.latest_value - i.baseline_value)"
    threshold = (
        f"CASE WHEN i.item = '{OVERALL}' THEN {GRADE_CHANGE_THRESHOLD} ELSE p.change_threshold END"
    )
    distribution = ", ".join(
        f"SUM(CASE WHEN i.baseline_value = {v} THEN 1 ELSE 0 END)" for v in DISTRIBUTION_VALUES
    )
    residents = f"""{people}
SELECT {keys}, COUNT(*), SUM(CASE WHEN p.measurements >= 2 THEN 1 ELSE 0 END)
FROM people p GROUP BY {keys}"""
    wishes = f"""{people}
SELECT {keys}, i.item, COUNT(*)
FROM people p JOIN outcome_item i ON i.resident_id = p.resident_id
WHERE i.perspective = 'resident' AND i.wants_to_work
GROUP BY {keys}, i.item"""
    change = f"""{people}
SELECT {keys}, i.item, COUNT(*), SUM(i.baseline_value), SUM(i.latest_value), SUM({diff}),
       SUM({diff} * {diff}),
       SUM(CASE WHEN {diff} >= {threshold} THEN 1 ELSE 0 END),
       SUM(CASE WHEN {diff} < {threshold} AND -{diff} < {threshold} THEN 1 ELSE 0 END),
       SUM(CASE WHEN -{diff} >= {threshold} THEN 1 ELSE 0 END),
       {distribution}
FROM people p JOIN outcome_item i ON i.resident_id = p.resident_id
WHERE i.perspective = 'resident' AND i.baseline_value IS NOT NULL
  AND i.latest_value IS NOT NULL
GROUP BY {keys}, i.item"""
    goals = f"""{people},
goal_counts AS (
    SELECT resident_id, COUNT(*) AS goals_set,
           SUM(CASE WHEN status = 'reached' THEN 1 ELSE 0 END) AS goals_reached
    FROM goal GROUP BY resident_id
), ranked AS (
    SELECT g.resident_id, s.score, g.weight,
           DENSE_RANK() OVER (PARTITION BY g.resident_id
                              ORDER BY m.completed_at DESC, m.id DESC) AS recency
    FROM goal_score s JOIN goal g ON g.id = s.goal_id
    JOIN measurement m ON m.id = s.measurement_id
    WHERE m.status = 'completed'
), gas AS (
    SELECT resident_id,
           CAST(ROUND((50.0 + 10.0 * SUM(weight * score) / SQRT(
               {1 - DEFAULT_RHO} * SUM(weight * weight)
               + {DEFAULT_RHO} * SUM(weight) * SUM(weight))) * 1000.0) AS INTEGER) AS t_milli
    FROM ranked WHERE recency = 1 GROUP BY resident_id
)
SELECT {keys}, COUNT(*), SUM(c.goals_set), SUM(c.goals_reached), COUNT(t.t_milli),
       SUM(COALESCE(t.t_milli, 0))
FROM people p JOIN goal_counts c ON c.resident_id = p.resident_id
LEFT JOIN gas t ON t.resident_id = p.resident_id
GROUP BY {keys}"""
    periods = f"SELECT MIN(baseline_year) FROM outcome_resident WHERE organisation_id IN ({ids})"
    return [residents, wishes, change, goals, periods]


def session_settings(dialect: str) -> list[str]:
    """What the dashboard sets for its queries (``wattelt.outcomes.figures``), so the floor is
    measured the same way."""
    from wattelt.outcomes.figures import POSTGRESQL_SETTINGS

    return list(POSTGRESQL_SETTINGS) if dialect == "postgresql" else []


def _plain(rows) -> list[tuple]:
    return sorted(
        (tuple(int(v) if isinstance(v, Decimal) else v for v in row) for row in rows), key=repr
    )


def _check_same_sums(session, policymaker: User, queries: list[str]) -> None:
    """The raw SQL must compute what the dashboard computes: the same atoms and sums."""
    scope = service.query(session, policymaker, {}, K, "nl").view.scope
    connection = session.connection()
    residents, wishes, change, goals = (
        connection.exec_driver_sql(sql).fetchall() for sql in queries[:4]
    )
    ours = atoms.resident_atoms(session, scope)
    mine = [(*key, *row) for key, row in zip(ours.keys, ours.values.tolist(), strict=True)]
    checks = [("residents", _plain(residents), _plain(mine))]
    per_item = atoms.change_atoms(session, scope, "resident")
    mine = [
        (*key, item, *row)
        for item, sums in per_item.items()
        for key, row in zip(sums.keys, sums.values.tolist(), strict=True)
    ]
    checks.append(("change", _plain(change), _plain(mine)))
    wish_sums = atoms.wish_atoms(session, scope)
    mine = [
        (*key, item, count)
        for key, row in zip(wish_sums.keys, wish_sums.values.tolist(), strict=True)
        for item, count in zip(wish_sums.names[1:], row[1:], strict=True)
        if count
    ]
    checks.append(("wishes", _plain(wishes), _plain(mine)))
    goal_sums, gas_sums = outcome_goals.goal_atoms(session, scope)
    checks.append(("goals", len(goals), len(goal_sums)))
    checks.append(("GAS", sum(int(row[-2]) for row in goals), int(gas_sums.values[:, 0].sum())))
    for what, raw, dashboard in checks:
        if raw != dashboard:
            raise RuntimeError(f"The raw SQL and the dashboard disagree on {what}.")


def _median(function, repeat: int) -> float:
    return _medians([function], repeat)[0]


def _medians(functions: list, repeat: int) -> list[float]:
    """The median time of each function, run in turn (one of each, ``repeat`` times), so that
    a slower or faster spell of a shared machine touches all of them alike."""
    for function in functions:
        function()  # warm-up: plans, caches, imports
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(repeat):
        for function, found in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            found.append(time.perf_counter() - start)
    return [statistics.median(found) for found in times]


def run(url: str, n: int, repeat: int, rounds: int, seed: int) -> dict:
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "benchmark",
            "ENVIRON": {"WATTELT_SECRET_KEY": "benchmark", "WATTELT_DATABASE_URL": url},
        }
    )
    with app.app_context():
        migrate.upgrade()
        with db.standalone_session() as session:
            report = synthesise(session, n, rounds=rounds, seed=seed, today=TODAY, chains=1)
    result: dict = {"n": n, "generate": sum(report.seconds.values()), "report": report}
    with app.test_request_context():
        session = db.session()
        viewer = session.exec(select(User).where(User.role == Role.MANAGER.value)).first()
        chain_id = session.get(Organisation, viewer.organisation_id).chain_id
        organisation_ids = list(
            session.exec(select(Organisation.id).where(Organisation.chain_id == chain_id)).all()
        )

        cache = service._cache()

        def warm() -> None:
            query = service.query(session, viewer, {}, K, "nl")
            query.figures()
            query.options()

        def dashboard() -> None:
            cache.clear()  # cold: as the first request after new data
            warm()

        def compare() -> None:
            cache.clear()
            service.query(session, viewer, {}, K, "nl").compare("organisation")

        queries = raw_queries(organisation_ids)
        floor = atom_queries(organisation_ids)

        def run_sql(statements: list[str]) -> None:
            # Straight on the driver's cursor: rows as plain tuples, nothing converted.
            connection = session.connection()
            cursor = connection.connection.driver_connection.cursor()
            try:
                for sql in [*session_settings(connection.dialect.name), *statements]:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()
            finally:
                cursor.close()

        def raw() -> None:
            run_sql(floor)

        def grouping() -> None:
            run_sql(queries)

        _check_same_sums(session, viewer, queries)
        # The dashboard and its floor in turn: their ratio is what the target is about.
        result["dashboard"], result["raw"] = _medians([dashboard, raw], repeat)
        result["warm"] = _median(warm, repeat)
        result["compare"] = _median(compare, repeat)
        result["grouping"] = _median(grouping, repeat)
        tracemalloc.start()
        dashboard()
        result["memory"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        _row, secret = tokens.create(session, viewer, "benchmark", viewer, None)
        session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}

    def api() -> None:
        with app.app_context():
            service._cache().clear()
        response = client.get("/api/v1/domains", headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"API answered {response.status_code}: {response.get_data()!r}")

    result["api"] = _median(api, repeat)
    app.extensions["wattelt.engine"].dispose()
    return result


def _line(name: str, r: dict) -> str:
    return (
        f"{name:<10} {r['n']:>8,}  generate {r['generate']:7.1f} s  "
        f"dashboard {r['dashboard'] * 1000:7.0f} ms (cached {r['warm'] * 1000:5.0f} ms)  "
        f"compare {r['compare'] * 1000:7.0f} ms  "
        f"API {r['api'] * 1000:7.0f} ms  raw SQL {r['raw'] * 1000:6.0f} ms  "
        f"grouping SQL {r['grouping'] * 1000:6.0f} ms  "
        f"ratio {r['dashboard'] / r['raw']:4.2f}  memory {r['memory']:6.1f} MiB"
    )


def main(argv: list[str] | None = None) -> list[tuple[str, dict]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--residents", type=int, nargs="+", default=[10_000, 100_000], help="sizes (residents)"
    )
    parser.add_argument("--postgresql", help="a PostgreSQL URL to drop, create and use")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs (median)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    results: list[tuple[str, dict]] = []
    print(f"Wattelt dashboard benchmark, k={K}, seed {args.seed}, at most {args.rounds} rounds")
    for n in args.residents:
        if not args.no_sqlite:
            with tempfile.TemporaryDirectory() as folder:
                r = run(
                    f"sqlite:///{folder}/benchmark.sqlite", n, args.repeat, args.rounds, args.seed
                )
            results.append(("sqlite", r))
            print(_line("sqlite", r), flush=True)
        if args.postgresql:
            fresh_postgresql(args.postgresql)
            r = run(args.postgresql, n, args.repeat, args.rounds, args.seed)
            results.append(("postgresql", r))
            print(_line("postgresql", r), flush=True)
    for name in ("sqlite", "postgresql"):
        sizes = [r for db_name, r in results if db_name == name]
        if len(sizes) >= 2:
            small, large = sizes[0], sizes[-1]
            growth = (large["dashboard"] / small["dashboard"]) / (large["n"] / small["n"])
            print(
                f"{name}: from {small['n']:,} to {large['n']:,} residents the dashboard's time "
                f"grew {large['dashboard'] / small['dashboard']:.1f}x for "
                f"{large['n'] / small['n']:.0f}x the residents ({growth:.2f} of linear); "
                f"memory {small['memory']:.1f} -> {large['memory']:.1f} MiB"
            )
    return results


if __name__ == "__main__":
    main()
