"""Quick benchmark of the anonymous figures: N generated residents, the dashboard's aggregates,
on SQLite and PostgreSQL.

    python benchmarks/dashboard_quick.py                       # N=10,000 on SQLite
    python benchmarks/dashboard_quick.py --postgresql postgresql://postgres@127.0.0.1:5432/wattelt_dashboard_bench

Residents are written with bulk inserts (``wattelt.demo.population.add_population``) into a
fresh database built by the migrations; the PostgreSQL database is dropped and created anew, so
never point it at a database you need. Prints, per database: the time to generate the data, to
rebuild the summary of rounds, to refresh one resident (as on completing a measurement), and the
median of five runs of what one dashboard page computes (all blocks, the figures for "all", and
the comparison by organisation and by district), next to a hand-written SQL query that computes
the same per-domain sums without the blocks, as a floor.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wattelt import create_app, db, migrate  # noqa: E402
from wattelt.db import normalise_url  # noqa: E402
from wattelt.demo.population import Spread, add_population  # noqa: E402
from wattelt.models import Chain, District, Organisation, OutcomeResident  # noqa: E402
from wattelt.outcomes import figures, summary  # noqa: E402
from wattelt.outcomes.atoms import Scope  # noqa: E402
from wattelt.outcomes.dimensions import Filters, Options  # noqa: E402

K = 10
RAW_SQL = """
SELECT i.item, COUNT(*), SUM(i.baseline_value), SUM(i.latest_value),
       SUM(i.latest_value - i.baseline_value),
       SUM((i.latest_value - i.baseline_value) * (i.latest_value - i.baseline_value))
FROM outcome_resident r JOIN outcome_item i ON i.resident_id = r.resident_id
WHERE r.organisation_id IN ({ids}) AND i.perspective = 'resident'
  AND i.baseline_value IS NOT NULL AND i.latest_value IS NOT NULL
GROUP BY i.item
"""


def _fresh_postgresql(url: str) -> None:
    parsed = make_url(normalise_url(url))
    admin = create_engine(
        parsed.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def _timed(function, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(url: str, n: int) -> None:
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "benchmark",
            "ENVIRON": {"WATTELT_SECRET_KEY": "benchmark", "WATTELT_DATABASE_URL": url},
        }
    )
    with app.test_request_context():
        migrate.upgrade()
        session = db.session()
        chain = Chain(name="Benchmark")
        session.add(chain)
        session.flush()
        organisations = [Organisation(name=f"Partner {i}", chain_id=chain.id) for i in range(6)]
        districts = [District(name=f"Wijk {i}", municipality="Benchmark") for i in range(8)]
        session.add_all(organisations + districts)
        session.flush()
        spread = Spread(
            [o.id for o in organisations],
            [d.id for d in districts],
            (0.35, 0.2, 0.15, 0.15, 0.1, 0.05),
            days=1000,
        )
        start = time.perf_counter()
        add_population(session, random.Random(1), spread, n)
        session.commit()
        generated = time.perf_counter() - start
        start = time.perf_counter()
        summary.rebuild(session)
        session.commit()
        rebuilt = time.perf_counter() - start
        one = session.exec(OutcomeResident.__table__.select().limit(1)).first()  # type: ignore[attr-defined]
        refresh_one = _timed(lambda: summary.refresh(session, [one.resident_id]))
        session.commit()

        scope = Scope(tuple(o.id for o in organisations), chain.id, chain.name)
        options = Options(
            {o.id: o.name for o in organisations},
            {d.id: d.name for d in districts},
            {("wattelt", 1): "Wattelt", ("jong", 1): "Jong"},
        )

        def page() -> None:
            fam = figures.families(session, scope, "resident", K)
            figures.figures(session, scope, options, Filters(), K, "nl", fam)
            figures.compare(session, scope, options, Filters(), "organisation", K, "nl", fam)
            figures.compare(session, scope, options, Filters(), "district", K, "nl", fam)

        def raw() -> None:
            ids = ",".join(str(i) for i in scope.organisation_ids)
            session.exec(text(RAW_SQL.format(ids=ids))).all()  # type: ignore[call-overload]

        dashboard = _timed(page)
        floor = _timed(raw)
    app.extensions["wattelt.engine"].dispose()
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    name = make_url(normalise_url(url)).get_backend_name()
    print(
        f"{name:<10} N={n:,}  generate {generated:6.2f} s  rebuild summary {rebuilt:6.2f} s  "
        f"refresh one resident {refresh_one * 1000:6.1f} ms  dashboard page {dashboard * 1000:7.1f} ms  "
        f"raw per-domain SQL {floor * 1000:6.1f} ms  peak memory {memory:5.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="residents (default 10,000)")
    parser.add_argument("--postgresql", help="a PostgreSQL URL to drop, create and use")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/benchmark.sqlite", args.n)
    if args.postgresql:
        _fresh_postgresql(args.postgresql)
        run(args.postgresql, args.n)


if __name__ == "__main__":
    main()
