"""Benchmark of releases (peildatum): making a release, and reading figures from one.

    python benchmarks/releases.py                                    # 100,000 residents on SQLite
    python benchmarks/releases.py --postgresql postgresql://postgres@127.0.0.1:5432/wattelt_bench
    python benchmarks/releases.py --residents 2000 --repeat 3        # a quick check

For every size and database it builds a fresh database with the migrations, fills it with
``flask synth`` (one chain, three rounds at most, seed 1) and prints:

* ``first release``: making the first release (every scope and perspective: the blocks, who is
  in which block, frozen and stored);
* ``next release``: making a second one after 1 % of the residents withdrew their counting
  consent, checked against the first (the rule across time; it holds blocks back);
* ``dashboard``: a policymaker's dashboard figures and filter options from the newest release,
  cold (the first request of a worker: the release's blocks read and unpacked) and cached;
* ``API``: a whole ``GET /api/v1/domains`` request on the release with a bearer token, cold.

Times are medians of ``--repeat`` runs. A PostgreSQL database given with ``--postgresql`` is
dropped and created anew for every size, so never point it at a database you need.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import fresh_postgresql  # noqa: E402

from wattelt import create_app, db, migrate  # noqa: E402
from wattelt.api import tokens  # noqa: E402
from wattelt.demo.synth import synthesise  # noqa: E402
from wattelt.models import OutcomeResident, Role, User  # noqa: E402
from wattelt.outcomes import releases, service, summary  # noqa: E402

K = 10
TODAY = date(2026, 11, 29)


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _median(action, repeat: int) -> float:
    action()  # warm-up
    return statistics.median(_timed(action) for _ in range(repeat))


def run(url: str, n: int, repeat: int, rounds: int, seed: int) -> dict:
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "benchmark",
            "ENVIRON": {"WATTELT_SECRET_KEY": "benchmark", "WATTELT_DATABASE_URL": url},
        }
    )
    result: dict = {"n": n}
    with app.app_context():
        migrate.upgrade()
        with db.standalone_session() as session:
            synthesise(session, n, rounds=rounds, seed=seed, today=TODAY, chains=1)
        with db.standalone_session() as session:
            result["first"] = _timed(lambda: releases.make(session, K, "command"))
        with db.standalone_session() as session:
            # 1 % withdraw their counting consent (as the consent page's refresh does).
            ids = list(
                session.exec(
                    select(OutcomeResident.resident_id)
                    .where(col(OutcomeResident.counted).is_(True))
                    .order_by(OutcomeResident.resident_id)
                ).all()
            )[::100]
            summary.refresh(session, ids)
            session.exec(  # type: ignore[call-overload]
                update(OutcomeResident)
                .where(col(OutcomeResident.resident_id).in_(ids))
                .values(counted=False)
            )
            summary.atom_table.rebuild(session)
        with db.standalone_session() as session:
            made: list = []
            result["next"] = _timed(lambda: made.append(releases.make(session, K, "command")))
            result["held"] = made[0].held_back_blocks
    with app.test_request_context():
        session = db.session()
        policymaker = session.exec(select(User).where(User.role == Role.POLICYMAKER.value)).first()

        def warm() -> None:
            query = service.query(session, policymaker, {}, K, "nl")
            query.figures()
            query.options()

        def cold() -> None:
            service._cache().clear()
            warm()

        result["dashboard"] = _median(cold, repeat)
        result["cached"] = _median(warm, repeat)
        _row, secret = tokens.create(session, policymaker, "benchmark", policymaker, None)
        session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}

    def api() -> None:
        with app.app_context():
            service._cache().clear()
        response = client.get("/api/v1/domains", headers=headers)
        if response.status_code != 200 or response.get_json()["release"] is None:
            raise RuntimeError(f"API answered {response.status_code}: {response.get_data()!r}")

    result["api"] = _median(api, repeat)
    app.extensions["wattelt.engine"].dispose()
    return result


def _line(name: str, r: dict) -> str:
    return (
        f"{name:<10} {r['n']:>8,}  first release {r['first']:6.1f} s  "
        f"next release {r['next']:6.1f} s ({r['held']} blocks held back)  "
        f"dashboard {r['dashboard'] * 1000:6.0f} ms (cached {r['cached'] * 1000:5.0f} ms)  "
        f"API {r['api'] * 1000:6.0f} ms"
    )


def main(argv: list[str] | None = None) -> list[tuple[str, dict]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, nargs="+", default=[100_000])
    parser.add_argument("--postgresql", help="a PostgreSQL URL to drop, create and use")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (median)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    results: list[tuple[str, dict]] = []
    print(f"Wattelt releases benchmark, k={K}, seed {args.seed}, at most {args.rounds} rounds")
    for n in args.residents:
        if not args.no_sqlite:
            with tempfile.TemporaryDirectory() as folder:
                r = run(f"sqlite:///{folder}/bench.sqlite", n, args.repeat, args.rounds, args.seed)
            results.append(("sqlite", r))
            print(_line("sqlite", r), flush=True)
        if args.postgresql:
            fresh_postgresql(args.postgresql)
            r = run(args.postgresql, n, args.repeat, args.rounds, args.seed)
            results.append(("postgresql", r))
            print(_line("postgresql", r), flush=True)
    return results


if __name__ == "__main__":
    main()
