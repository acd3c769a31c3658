"""The pipeline: inputs -> articles -> analyses -> stories, written to the store.

Each input file is one transaction (its articles, their analyses and their story
membership). Stories touched by a batch are marked stale and rebuilt at the end,
each in its own transaction, so a crash never loses stored articles and a later
run finishes any rebuild that was cut short. Bad inputs are reported with their
reason and the batch goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from .analyze import analyze
from .cluster import OnlineClusterer
from .errors import InputError
from .extract import extract
from .ingest import expand_inputs, read_input
from .records import Article, Story
from .settings import Settings
from .store import SQLiteStore
from .story import build_story

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be ingested, and why."""

    source: str
    reason: str


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did: new articles, duplicates skipped, failures, stories touched."""

    stored: list[Article] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, article id)
    failures: list[Failure] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return not self.failures

    def fail(self, error: InputError) -> None:
        """Record a failed input (and log it with its source)."""
        log.info("skipped %s: %s", error.source, error.reason)
        self.failures.append(Failure(error.source, error.reason))


Progress = Callable[[str, int], None]


def ingest(
    paths: Sequence[str],
    store: SQLiteStore,
    settings: Settings,
    options: Mapping[str, str] | None = None,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files, directories, globs or '-' into the store; never raises for bad input."""
    report = IngestReport()
    clusterer = OnlineClusterer(store, settings)
    seen: set[str] = set()
    for name in expand_inputs(list(paths)):
        if isinstance(name, InputError):
            report.fail(name)
            continue
        articles: list[Article] = []
        for item in _read(name, options, stdin, settings):
            if isinstance(item, InputError):
                report.fail(item)
            elif item.id in seen or store.has_article(item.id):
                report.duplicates.append((item.source, item.id))
            else:
                seen.add(item.id)
                articles.append(item)
        if articles:
            _store_batch(articles, store, clusterer, settings, report)
        if progress:
            progress(name, len(articles))
    report.stories = rebuild_stale(store, settings)
    return report


def _read(
    name: str, options: Mapping[str, str] | None, stdin: BinaryIO | None, settings: Settings
) -> list[Article | InputError]:
    items: list[Article | InputError] = []
    try:
        for doc in read_input(name, options, stdin, settings.max_input_bytes):
            if isinstance(doc, InputError):
                items.append(doc)
                continue
            try:
                items.append(extract(doc))
            except InputError as exc:
                items.append(exc)
    except InputError as exc:  # e.g. a broken sidecar: the whole input fails
        items.append(exc)
    return items


def _store_batch(
    articles: list[Article],
    store: SQLiteStore,
    clusterer: OnlineClusterer,
    settings: Settings,
    report: IngestReport,
) -> None:
    """One input's articles: analyse (outside the write lock), then store and cluster atomically."""
    analyses = analyze(articles, settings.spacy_model)
    try:
        with store.transaction():
            for article, analysis in zip(articles, analyses, strict=True):
                seq = store.add_article(article, analysis)
                clusterer.assign(article, analysis, seq)
    except BaseException:
        clusterer.reload()  # keep memory in step with the rolled-back store
        raise
    report.stored.extend(articles)


def rebuild_stale(store: SQLiteStore, settings: Settings) -> list[str]:
    """Rebuild every story whose articles changed; return their ids."""
    rebuilt = []
    for story_id in store.stale_story_ids():
        story = build(store, story_id, settings)
        with store.transaction():
            store.save_story(story)
        rebuilt.append(story_id)
    return rebuilt


def build(store: SQLiteStore, story_id: str, settings: Settings) -> Story:
    """Build a story from its stored articles and analyses."""
    ids = store.story_article_ids(story_id)
    articles = store.articles(ids)
    analyses = {i: store.analysis(i) for i in ids}
    return build_story(story_id, articles, analyses, settings)
