"""Stories by hand: merge, split and recluster, kept across later ingests and reclustering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES
from storyline import pipeline
from storyline.errors import InputError
from storyline.settings import Settings
from storyline.store import SQLiteStore
from storyline.stories import merge_stories, recluster, split_story
from test_cluster import QUAKE_A1, QUAKE_A2, QUAKE_B, SUMMIT


def _feed(path: Path, pairs: list[tuple[tuple[str, str], str]]) -> Path:
    lines = [
        json.dumps({"title": title, "text": text, "published": day, "outlet": "Wire"})
        for (title, text), day in pairs
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _story_of_title(store: SQLiteStore, title: str) -> str | None:
    for article_id, _ in store.article_seqs():
        if store.article(article_id).title == title:
            return store.story_of(article_id)
    raise AssertionError(title)


def test_merge_and_split_survive_later_ingest_and_recluster(tmp_path: Path) -> None:
    settings = Settings()
    store = SQLiteStore(tmp_path / "s.db")
    first = _feed(tmp_path / "a.jsonl", [(QUAKE_A1, "2014-04-01"), (QUAKE_B, "2014-04-03")])
    pipeline.ingest([str(first)], store, settings)
    chile, sumatra = _story_of_title(store, QUAKE_A1[0]), _story_of_title(store, QUAKE_B[0])
    assert chile != sumatra and chile and sumatra
    # the user decides both quakes are one story ("quakes this week")
    assert merge_stories(store, settings, chile[:6], sumatra) == chile
    assert _story_of_title(store, QUAKE_B[0]) == chile
    assert store.story(chile).article_ids  # rebuilt
    # a later ingest adds to the merged story and leaves the manual decision alone
    later = _feed(tmp_path / "b.jsonl", [(QUAKE_A2, "2014-04-02"), (SUMMIT, "2014-04-02")])
    pipeline.ingest([str(later)], store, settings)
    assert _story_of_title(store, QUAKE_A2[0]) == chile
    assert _story_of_title(store, SUMMIT[0]) != chile
    assert _story_of_title(store, QUAKE_B[0]) == chile
    # split the Sumatra article off again; recluster keeps both manual decisions
    sumatra_id = next(a for a, _ in store.article_seqs() if store.article(a).title == QUAKE_B[0])
    new_story = split_story(store, settings, chile, [sumatra_id[:8]])
    assert _story_of_title(store, QUAKE_B[0]) == new_story != chile
    recluster(store, settings)
    assert _story_of_title(store, QUAKE_B[0]) == new_story
    assert _story_of_title(store, QUAKE_A1[0]) == _story_of_title(store, QUAKE_A2[0]) == chile
    assert _story_of_title(store, SUMMIT[0]) not in {chile, new_story}
    assert store.stale_story_ids() == []


def test_bad_merge_and_split_requests_are_refused_with_a_reason(tmp_path: Path) -> None:
    settings = Settings()
    store = SQLiteStore(tmp_path / "s.db")
    pipeline.ingest([str(EXAMPLES)], store, settings)
    [story] = {store.story_of(a) for a, _ in store.article_seqs()}
    assert story is not None
    with pytest.raises(InputError, match="itself"):
        merge_stories(store, settings, story, story)
    everything = [a for a, _ in store.article_seqs()]
    with pytest.raises(InputError, match="both sides"):
        split_story(store, settings, story, everything)


def test_recluster_reproduces_the_stream_result(tmp_path: Path) -> None:
    settings = Settings()
    store = SQLiteStore(tmp_path / "s.db")
    pairs = [(QUAKE_A1, "2014-04-01"), (SUMMIT, "2014-04-01"), (QUAKE_A2, "2014-04-02")]
    pipeline.ingest([str(_feed(tmp_path / "a.jsonl", pairs))], store, settings)
    before = {a: store.story_of(a) for a, _ in store.article_seqs()}
    assert recluster(store, settings) == 2
    assert {a: store.story_of(a) for a, _ in store.article_seqs()} == before


def test_cli_commands_are_thin_and_report_errors(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.app.cli import app

    runner = CliRunner()
    db = str(tmp_path / "s.db")
    pairs = [(QUAKE_A1, "2014-04-01"), (QUAKE_B, "2014-04-03")]
    feed = _feed(tmp_path / "a.jsonl", pairs)
    assert runner.invoke(app, ["ingest", str(feed), "--db", db, "--quiet"]).exit_code == 0
    store = SQLiteStore(db)
    chile, sumatra = _story_of_title(store, QUAKE_A1[0]), _story_of_title(store, QUAKE_B[0])
    assert chile and sumatra
    result = runner.invoke(app, ["merge", chile, sumatra, "--db", db])
    assert result.exit_code == 0 and f"merged into {chile}" in result.stdout
    result = runner.invoke(app, ["merge", chile, chile, "--db", db])
    assert result.exit_code == 1 and "cannot merge a story with itself" in result.stderr
    quake_b = next(a for a, _ in store.article_seqs() if store.article(a).title == QUAKE_B[0])
    result = runner.invoke(app, ["split", chile, quake_b, "--db", db])
    assert result.exit_code == 0 and result.stdout.startswith("new story ")
    result = runner.invoke(app, ["recluster", "--db", db])
    assert result.exit_code == 0 and result.stdout.strip() == "2 stories"
