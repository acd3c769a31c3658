"""Concurrent writers: two ingests on one store take turns (or the second refuses), never corrupt.

Real `storyline ingest` processes on small real-shaped inputs (bench/crash.py makes them
and checks the store: integrity, every record once, stories consistent). PostgreSQL cases
run against the throwaway cluster ``make test`` starts, and skip without it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import eval_data_dir, load_bench
from storebackends import postgres_url
from storyline import pipeline
from storyline.errors import StoreError
from storyline.settings import Settings
from storyline.store import SQLiteStore, open_store

crash = load_bench("crash")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL on a fresh, empty schema of the test cluster."""
    yield from postgres_url()


@pytest.fixture
def slices(tmp_path: Path) -> list[Path]:
    """Three JSONL inputs of 4 real-shaped records each."""
    records = crash.make_corpus(12, 3, eval_data_dir())
    paths: list[Path] = crash.write_slices(records, 3, tmp_path / "input")
    return paths


def _ingest(inputs: list[Path], db: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        crash.ingest_command(inputs, db),
        env={**crash._env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _two_ingests_take_turns(db: str, slices: list[Path]) -> None:
    """Two processes start at once on overlapping inputs; both finish, each record once."""
    first = _ingest(slices[:2], db)
    second = _ingest(slices[1:], db)
    reports = []
    for proc in (first, second):
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
        reports.append(json.loads(out))
    # one ran after the other: the shared input was stored by exactly one of them
    stored = [len(r["stored"]) for r in reports]
    duplicates = [len(r["duplicates"]) for r in reports]
    assert sum(stored) == 12 and sum(duplicates) == 4, (stored, duplicates)
    expected = {s for path in slices for s in crash.sources_of(path)}
    found = crash.check_store(db, expected, set())
    assert found["integrity"] == "ok"
    assert found["articles"] == 12
    assert (found["lost"], found["duplicated"], found["inconsistent"]) == (0, 0, 0), found


def test_two_ingests_on_one_sqlite_file_take_turns(tmp_path: Path, slices: list[Path]) -> None:
    _two_ingests_take_turns(str(tmp_path / "shared.db"), slices)  # a new file: both migrate it


def test_two_ingests_on_one_postgres_store_take_turns(pg_url: str, slices: list[Path]) -> None:
    _two_ingests_take_turns(pg_url, slices)


def test_second_ingest_refuses_with_the_store_and_the_reason(
    tmp_path: Path, slices: list[Path]
) -> None:
    db = str(tmp_path / "busy.db")
    with SQLiteStore(db) as holder, holder.writer_lock(0):
        proc = _ingest(slices[:1], db, STORYLINE_INGEST_LOCK_WAIT="0")
        _, err = proc.communicate(timeout=300)
    message = err.decode()
    assert proc.returncode == 1
    assert f"store {db} is busy" in message
    assert f"pid {os.getpid()}" in message and "ingest_lock_wait" in message
    with SQLiteStore(db) as store:
        assert store.article_count() == 0


def test_a_waiting_ingest_runs_once_the_other_is_done(tmp_path: Path, slices: list[Path]) -> None:
    db = str(tmp_path / "wait.db")
    holder = SQLiteStore(db)
    lock = holder.writer_lock(600)
    lock.__enter__()
    proc = _ingest(slices[:1], db, STORYLINE_INGEST_LOCK_WAIT="600")
    try:
        time.sleep(3)
        with SQLiteStore(db) as store:
            assert store.article_count() == 0  # still waiting: nothing written meanwhile
        assert proc.poll() is None
    finally:
        lock.__exit__(None, None, None)
        holder.close()
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert len(json.loads(out)["stored"]) == 4


def test_a_killed_writer_leaves_no_lock_behind(tmp_path: Path) -> None:
    db = str(tmp_path / "killed.db")
    SQLiteStore(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from storyline.store import SQLiteStore\n"
            f"with SQLiteStore({db!r}).writer_lock(0):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(600)\n",
        ],
        env=crash._env(),
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
    with SQLiteStore(db) as store, pytest.raises(StoreError, match="is busy"), store.writer_lock(0):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    with SQLiteStore(db) as store, store.writer_lock(0):
        pass


def test_postgres_writer_lock_is_per_store_and_dies_with_its_connection(pg_url: str) -> None:
    with open_store(pg_url) as first, open_store(pg_url) as second:
        busy = pytest.raises(StoreError, match="is busy")
        with first.writer_lock(0), busy, second.writer_lock(0.3):
            pass
        with second.writer_lock(0):  # released on leaving
            pass
        lock = first.writer_lock(0)
        lock.__enter__()
        first.close()  # the connection ends: the server drops its lock
        with second.writer_lock(5):
            pass


def test_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path: Path) -> None:
    for round_ in range(3):
        db = str(tmp_path / f"new{round_}.db")
        code = f"from storyline.store import SQLiteStore\nSQLiteStore({db!r}).close()"
        procs = [
            subprocess.Popen([sys.executable, "-c", code], env=crash._env(), stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode(errors="replace")


def test_a_rebuild_raced_by_another_writer_leaves_the_story_stale(tmp_path: Path) -> None:
    """A story built while a writer changes its members is not saved as fresh."""
    store = SQLiteStore(":memory:")
    settings = Settings()
    records = crash.make_corpus(2, 5, None)
    inputs = crash.write_slices(records, 2, tmp_path / "in")
    pipeline.ingest([str(inputs[0])], store, settings)
    story_id = store.stories(1)[0].id
    stored = pipeline.ingest([str(inputs[1])], store, settings).stored[0]
    other = store.story_of(stored.id)
    assert other is not None and other != story_id
    store.conn.execute("UPDATE stories SET stale = 1")
    real_build = pipeline.build
    raced = threading.Event()

    def build_then_race(*args: object, **kwargs: object) -> object:
        built = real_build(*args, **kwargs)  # type: ignore[arg-type]
        if not raced.is_set():  # meanwhile another writer merges the other story in
            raced.set()
            with store.transaction():
                store.move_stories(other, story_id)
        return built

    pipeline.build = build_then_race  # type: ignore[assignment]
    try:
        pipeline.rebuild_stale(store, settings)
    finally:
        pipeline.build = real_build
    assert raced.is_set()
    assert story_id in store.stale_story_ids()  # not saved from the old member list
    pipeline.rebuild_stale(store, settings)
    assert store.stale_story_ids() == []
    assert set(store.story(story_id).article_ids) == set(store.story_article_ids(story_id))
