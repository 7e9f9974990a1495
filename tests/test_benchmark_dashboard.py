"""The dashboard benchmark runs (tiny N), so the script never rots: it builds its database with
``synth``, checks that its hand-written SQL computes exactly the dashboard's sums, and prints a
line of figures per database. No timing is asserted here; the figures are in docs/benchmarks.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy.engine import make_url

from helpers.database import POSTGRESQL_URL

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "dashboard.py"


def _load():
    spec = importlib.util.spec_from_file_location("dashboard_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_dashboard_benchmark_runs_and_prints_its_figures(capsys):
    benchmark = _load()
    arguments = ["--residents", "120", "--repeat", "1"]
    if POSTGRESQL_URL:
        # A database of its own next to the test database: the script drops and creates it.
        own = make_url(POSTGRESQL_URL).set(database="wattelt_benchmark_test")
        arguments += ["--no-sqlite", "--postgresql", own.render_as_string(hide_password=False)]
    results = benchmark.main(arguments)
    output = capsys.readouterr().out
    assert len(results) == 1
    backend, figures = results[0]
    assert backend == ("postgresql" if POSTGRESQL_URL else "sqlite")
    assert figures["n"] == 120
    assert figures["report"].residents == 120
    for name in ("generate", "dashboard", "warm", "compare", "api", "raw", "grouping", "memory"):
        assert figures[name] > 0, name
    assert "ratio" in output and "120" in output
