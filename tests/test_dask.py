"""Dask: per-article stages on a real LocalCluster (2 worker processes) give the same stories.

Inputs as in test_parallel: the seed articles, small fixtures, and the WARC / feed excerpts
of real AEB pages in tests/fixtures/archive/ (see build_archive.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storyline import pipeline
from storyline.errors import ConfigError
from storyline.scale import runner
from storyline.scale.dask_runner import dask_submitter
from storyline.settings import Settings
from storyline.store import SQLiteStore
from test_parallel import INPUTS, run, snapshot

# the seeds, the archive and the feed: few articles, so the workers' model load dominates less
DASK_INPUTS = [INPUTS[0], *(i for i in INPUTS if i.endswith((".warc.gz", ".rss")))]


def test_local_cluster_equals_single_process(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(runner, "CHUNK", 3)
    reference = run(tmp_path, "serial", twice=False, inputs=DASK_INPUTS)
    distributed = pytest.importorskip("distributed")
    settings = Settings.load({"db": str(tmp_path / "dask.db")})
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        SQLiteStore(settings.db) as store,
    ):
        with dask_submitter(cluster.scheduler_address) as (_, slots):
            assert slots == 2  # one task slot per worker process
        report = pipeline.ingest(DASK_INPUTS, store, settings, dask=cluster.scheduler_address)
        result = snapshot(store, report)
    assert result == reference


def test_unreachable_scheduler_is_a_config_error() -> None:
    with (
        pytest.raises(ConfigError, match="cannot reach the Dask scheduler"),
        dask_submitter("tcp://127.0.0.1:9", timeout=1),
    ):
        pass
