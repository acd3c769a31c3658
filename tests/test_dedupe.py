"""Near-duplicate linking: wire copies point at their original and join its story."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import QUARTZ_SEED, VANITY_FAIR_SEED
from storyline import pipeline
from storyline.app.render import story_text
from storyline.dedupe import Deduper, signature
from storyline.records import Analysis, Article
from storyline.settings import Settings
from storyline.store import SQLiteStore


def _article(title: str, text: str) -> Article:
    paragraphs = tuple(p for p in text.split("\n") if p.strip())
    return Article(Article.make_id(title, text), title, title, "\n".join(paragraphs), paragraphs)


def _body(path: Path) -> str:
    # the bundled seed articles (examples/hanoi-summit), minus their headline line
    return "\n".join(path.read_text(encoding="utf-8").splitlines()[1:])


def test_republished_copy_is_found_and_a_different_article_is_not() -> None:
    store = SQLiteStore(":memory:")
    deduper = Deduper(store, 0.8)
    quartz = _article("The second Trump-Kim summit ended", _body(QUARTZ_SEED))
    # a republication: new headline, a tagline added, one paragraph cut
    lines = quartz.text.split("\n")
    copy = _article(
        "Trump and Kim summit ends early",
        "\n".join(lines[:-1] + ["This story originally appeared on Quartz."]),
    )
    other = _article("Trump cancels lunch", _body(VANITY_FAIR_SEED))
    original, minhash = deduper.original_of(quartz)
    assert original is None
    deduper.add(quartz, store.add_article(quartz, Analysis(quartz.id, (), (), ())), minhash)
    assert deduper.original_of(copy)[0] == quartz.id
    assert deduper.original_of(other)[0] is None
    assert signature(copy).jaccard(signature(quartz)) >= 0.8


def test_ingested_wire_copy_links_to_original_and_joins_its_story(tmp_path: Path) -> None:
    quartz = QUARTZ_SEED.read_text(encoding="utf-8")
    lines = quartz.splitlines()
    records = [
        {"title": lines[0], "text": "\n".join(lines[1:]), "outlet": "Quartz"},
        {
            "title": "Summit ends before lunch",
            "text": "\n".join(lines[1:]) + "\nDistributed by a syndication partner.",
            "outlet": "Partner Daily",
        },
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    store = SQLiteStore(tmp_path / "s.db")
    report = pipeline.ingest([str(feed)], store, Settings())
    first, second = (a.id for a in report.stored)
    assert store.article(second).duplicate_of == first
    assert store.article(first).duplicate_of is None
    assert store.story_of(first) == store.story_of(second)
    # the copy is listed in the story but is not another outlet's perspective
    story_id = store.story_of(first)
    assert story_id is not None
    story = store.story(story_id)
    assert story.article_ids == (first, second)
    assert story.outlets == ("Quartz",)
    text = story_text(story, {a: store.article(a) for a in story.article_ids})
    assert "Partner Daily; copy of [1]" in text
    # a later run (new process state) still recognises the copy from stored signatures
    again = tmp_path / "again.jsonl"
    again.write_text(
        json.dumps({**records[0], "title": "Hanoi summit collapses", "outlet": "Mirror"}) + "\n",
        encoding="utf-8",
    )
    report = pipeline.ingest([str(again)], SQLiteStore(tmp_path / "s.db"), Settings())
    [third] = report.stored
    assert SQLiteStore(tmp_path / "s.db").article(third.id).duplicate_of == first
