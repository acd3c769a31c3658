"""Crash safety at CI size: `storyline ingest` SIGKILLed at random moments, restarted, checked.

bench/crash.py does the work (see its docstring for the trials and every check); this runs
it on 200 real-shaped articles in 5 trials per backend. The full size (5000 articles, 20
trials per backend) is documented there. PostgreSQL runs against the throwaway cluster
``make test`` starts, and skips without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import eval_data_dir, load_bench
from storebackends import postgres_url

ARTICLES = 200
TRIALS = 5


crash = load_bench("crash")


@pytest.fixture(scope="module")
def slices(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    records = crash.make_corpus(ARTICLES, 10, eval_data_dir())
    paths: list[Path] = crash.write_slices(records, TRIALS, tmp_path_factory.mktemp("crash"))
    return paths


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL on a fresh, empty schema of the test cluster."""
    yield from postgres_url()


def _assert_nothing_lost(trials: list[object], rerun: dict[str, object]) -> None:
    row = crash.summarize("store", trials, rerun)
    assert row["trials"] == TRIALS
    assert row["trials_killed"] == TRIALS, row  # every trial had its ingest killed mid-run
    assert (row["lost"], row["duplicated"], row["inconsistent"]) == (0, 0, 0), row
    assert row["integrity_failures"] == 0, row
    assert row["orphans"] == 0, row  # no worker of a killed ingest lives on
    assert row["trials_ok"] == TRIALS, [t.check for t in trials]  # type: ignore[attr-defined]
    assert row["stored"] + row["rejected"] == ARTICLES, row
    assert row["rerun_new"] == 0 and row["rerun_duplicates"] == row["stored"], row


def test_sqlite_ingest_survives_sigkill(tmp_path: Path, slices: list[Path]) -> None:
    db = str(tmp_path / "crash.db")
    trials = crash.crash_trials("sqlite", db, slices, seed=10)
    rerun, _ = crash.run_to_end(slices, db, 1800.0)
    _assert_nothing_lost(trials, rerun)


def test_postgres_ingest_survives_sigkill(pg_url: str, slices: list[Path]) -> None:
    trials = crash.crash_trials("postgresql", pg_url, slices, seed=10)
    rerun, _ = crash.run_to_end(slices, pg_url, 1800.0)
    _assert_nothing_lost(trials, rerun)
