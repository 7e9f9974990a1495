"""The releases benchmark runs (tiny N), so the script never rots: it makes two releases (the
second after some residents withdrew their counting consent) and reads figures from the newest.
No timing is asserted here; the figures are in docs/benchmarks.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from helpers.database import POSTGRESQL_URL

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "releases.py"
pytestmark = pytest.mark.scripts


def _load():
    spec = importlib.util.spec_from_file_location("releases_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_releases_benchmark_runs_and_prints_its_figures(capsys):
    benchmark = _load()
    arguments = ["--residents", "300", "--repeat", "1"]
    if POSTGRESQL_URL:
        own = make_url(POSTGRESQL_URL).set(database="wattelt_release_benchmark_test")
        arguments += ["--no-sqlite", "--postgresql", own.render_as_string(hide_password=False)]
    results = benchmark.main(arguments)
    output = capsys.readouterr().out
    assert len(results) == 1
    _backend, figures = results[0]
    assert figures["n"] == 300
    for name in ("first", "next", "dashboard", "cached", "api"):
        assert figures[name] > 0, name
    assert "first release" in output and "300" in output
