"""Parallel ingest on a process pool: the same articles and stories as the single-process path.

Inputs: the two seed articles, the small real-shaped fixtures, and the WARC and feed
excerpts of real AEB pages in tests/fixtures/archive/ (see build_archive.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, FIXTURES
from storyline import pipeline
from storyline.errors import ConfigError
from storyline.scale import runner
from storyline.settings import Settings
from storyline.store import SQLiteStore

INPUTS = [
    str(EXAMPLES),
    str(FIXTURES / "harborledger.trade-deal.txt"),
    str(FIXTURES / "wire.port-strike.txt"),
    str(FIXTURES / "harborledger.port-reopens.html"),
    str(FIXTURES / "gadgetdesk.headphones.txt"),
    str(FIXTURES / "archive" / "crawl.warc.gz"),
    str(FIXTURES / "archive" / "science-wire.rss"),
    str(FIXTURES / "missing.txt"),  # a failure in the stream
]


def snapshot(store: SQLiteStore, report: pipeline.IngestReport) -> dict[str, Any]:
    """Everything an ingest decides: stored order, duplicates, failures, skips and stories."""
    rows = store.stories(limit=1000)
    return {
        "stored": [a.id for a in report.stored],
        "duplicates": sorted(report.duplicates),
        "failures": sorted((f.source, f.reason) for f in report.failures),
        "skipped": dict(report.skipped),
        "rows": rows,
        "stories": [store.story(r.id) for r in rows],
        "members": {r.id: store.story_article_ids(r.id) for r in rows},
    }


def run(
    tmp_path: Path, name: str, twice: bool = True, inputs: list[str] = INPUTS, **parallel: Any
) -> dict[str, Any]:
    """Ingest the inputs into a fresh store (twice: the second run must store nothing new)."""
    settings = Settings.load({"db": str(tmp_path / f"{name}.db")})
    with SQLiteStore(settings.db) as store:
        report = pipeline.ingest(inputs, store, settings, **parallel)
        result = snapshot(store, report)
        if not twice:
            return result
        again = pipeline.ingest(inputs, store, settings, **parallel)
        result["second_run_stored"] = len(again.stored)
        result["second_run_duplicates"] = len(again.duplicates)
    return result


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The single-process reference run (pipeline.ingest's default path)."""
    return run(tmp_path_factory.mktemp("serial"), "serial")


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two documents a task, so inputs span several tasks and tasks overlap."""
    monkeypatch.setattr(runner, "CHUNK", 2)
    yield


def test_serial_reference_is_meaningful(serial: dict[str, Any]) -> None:
    assert len(serial["stored"]) >= 8
    assert len(serial["rows"]) >= 3
    assert any(len(m) >= 2 for m in serial["members"].values())  # real clustering happened
    assert serial["failures"] and serial["skipped"]["request record"] == 2
    assert serial["second_run_stored"] == 0
    # the feed's Europa entry is the archived page itself: a duplicate within the stream
    assert [source.rsplit("#", 1)[-1] for source, _ in serial["duplicates"]] == ["2"]
    assert serial["second_run_duplicates"] == len(serial["stored"]) + 1


def test_one_worker_equals_serial(
    serial: dict[str, Any], tmp_path: Path, small_chunks: None
) -> None:
    assert run(tmp_path, "one", workers=1) == serial


def test_process_pool_equals_serial(
    serial: dict[str, Any], tmp_path: Path, small_chunks: None
) -> None:
    # inline_tasks=0: every task goes to the two worker processes
    settings = Settings.load({"db": str(tmp_path / "pool.db")})
    with SQLiteStore(settings.db) as store:
        report = runner.ingest_parallel(INPUTS, store, settings, workers=2, inline_tasks=0)
        assert snapshot(store, report) == {
            k: v for k, v in serial.items() if not k.startswith("second_run")
        }


def test_bad_worker_count_is_a_config_error(tmp_path: Path) -> None:
    settings = Settings.load({"db": str(tmp_path / "x.db")})
    with SQLiteStore(settings.db) as store, pytest.raises(ConfigError, match="workers"):
        runner.ingest_parallel(INPUTS, store, settings, workers=0)


def test_progress_reports_every_stored_article(tmp_path: Path, small_chunks: None) -> None:
    settings = Settings.load({"db": str(tmp_path / "p.db")})
    seen: list[tuple[str, int]] = []
    with SQLiteStore(settings.db) as store:
        report = pipeline.ingest(
            INPUTS[:3], store, settings, progress=lambda n, c: seen.append((n, c)), workers=1
        )
    assert sum(c for _, c in seen) == len(report.stored) > 0
