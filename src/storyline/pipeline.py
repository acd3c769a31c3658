"""The pipeline: inputs -> articles -> analyses -> stories, written to the store.

Each input file is one transaction (its articles, their analyses and their story
membership). Stories touched by a batch are marked stale and rebuilt at the end,
each in its own transaction, so a crash never loses stored articles and a later
run finishes any rebuild that was cut short. Bad inputs are reported with their
reason and the batch goes on.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from .analyze import analyze
from .cluster import OnlineClusterer
from .errors import InputError
from .extract import extract
from .ingest import expand_inputs, read_input
from .records import Analysis, Article, Story
from .settings import Settings
from .store import SQLiteStore
from .story import build_story
from .story.abstractive import AbstractiveSummary, abstractive_summary

if TYPE_CHECKING:
    from .app.pages import RenderedStory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be ingested, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What a report keeps of a stored article: who it is, not its text or analysis
    (so an ingest's memory does not grow with the bodies of everything it stored)."""

    id: str
    source: str
    title: str
    outlet: str | None


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did: new articles, duplicates skipped, failures, stories touched."""

    stored: list[StoredArticle] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, article id)
    failures: list[Failure] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> records not articles

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
    workers: int | None = None,
    dask: str | None = None,
) -> IngestReport:
    """Ingest files, directories, globs or '-' into the store; never raises for bad input.

    With ``workers`` (a process pool) or ``dask`` (a scheduler address or "local"),
    extraction and analysis run in parallel and this process stays the one writer,
    in stream order (see :mod:`storyline.scale`); the stories come out the same.
    """
    with store.writer_lock(settings.ingest_lock_wait):  # one ingest per store at a time
        if workers is not None or dask is not None:
            from .scale.runner import ingest_parallel

            return ingest_parallel(paths, store, settings, options, stdin, progress, workers, dask)
        return _ingest_serial(paths, store, settings, options, stdin, progress)


def _ingest_serial(
    paths: Sequence[str],
    store: SQLiteStore,
    settings: Settings,
    options: Mapping[str, str] | None,
    stdin: BinaryIO | None,
    progress: Progress | None,
) -> IngestReport:
    report = IngestReport()
    clusterer = OnlineClusterer(store, settings)
    seen: set[str] = set()
    for name in expand_inputs(list(paths)):
        if isinstance(name, InputError):
            report.fail(name)
            continue
        articles: list[Article] = []
        for item in _read(name, options, stdin, settings, report.skipped):
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
    name: str,
    options: Mapping[str, str] | None,
    stdin: BinaryIO | None,
    settings: Settings,
    skipped: Counter[str] | None = None,
) -> list[Article | InputError]:
    items: list[Article | InputError] = []
    try:
        for doc in read_input(name, options, stdin, settings.max_input_bytes, skipped):
            if isinstance(doc, InputError):
                items.append(doc)
                continue
            try:
                items.append(extract(doc, settings=settings))
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
    write_batch(articles, analyses, store, clusterer, report)


def write_batch(
    articles: Sequence[Article],
    analyses: Sequence[Analysis],
    store: SQLiteStore,
    clusterer: OnlineClusterer,
    report: IngestReport,
) -> None:
    """Store and cluster analysed articles in one transaction (the single writer, in order)."""
    clusterer.prepare(articles)  # sentence embeddings, batched, when the settings ask for them
    try:
        with store.transaction():
            for article, analysis in zip(articles, analyses, strict=True):
                store_and_cluster(article, analysis, store, clusterer)
    except BaseException:
        clusterer.reload()  # keep memory in step with the rolled-back store
        raise
    report.stored.extend(StoredArticle(a.id, a.source, a.title, a.outlet) for a in articles)


def store_and_cluster(
    article: Article, analysis: Analysis, store: SQLiteStore, clusterer: OnlineClusterer
) -> tuple[Article, str]:
    """Store one analysed article, link it to the article it copies (if any), cluster it.

    A copy (wire story, republication) gets ``duplicate_of`` and joins its original's
    story.
    """
    original, minhash = clusterer.deduper.original_of(article)
    if original is not None and original != article.id:
        article = dataclasses.replace(article, duplicate_of=original)
    seq = store.add_article(article, analysis)
    clusterer.deduper.add(article, seq, minhash)
    pinned = store.story_of(article.duplicate_of) if article.duplicate_of else None
    return article, clusterer.assign(article, analysis, seq, pinned=pinned)


def rebuild_stale(store: SQLiteStore, settings: Settings) -> list[str]:
    """Rebuild every story whose articles changed; return their ids.

    A story is built outside the write lock; it is saved (and marked fresh) only if its
    members did not change meanwhile (another writer, e.g. an ingest, may have added
    one or merged the story away), else it stays stale for the next rebuild.
    """
    rebuilt = []
    for story_id in store.stale_story_ids():
        ids = store.story_article_ids(story_id)
        if not ids:  # merged away since the list was read
            continue
        story = build(store, story_id, settings, ids)
        page = story_page(store, story)
        with store.transaction():
            store.lock_story(story_id)  # a writer adding to it now waits, or already did
            if store.story_article_ids(story_id) != ids:
                continue
            save_story(store, story, page)
        rebuilt.append(story_id)
    return rebuilt


def render_pages(store: SQLiteStore) -> int:
    """Store the page and API JSON of every built story lacking them by the current renderer.

    Pages made by older templates (or never made) are otherwise rendered on each request
    until their story changes; this renders them once. A story rebuilt meanwhile is left to
    its rebuild, which stores its own page. Returns how many pages were stored.
    """
    from .app.pages import RENDERER, page_etag

    stored = 0
    for story_id, version in store.unrendered_stories(RENDERER):
        page = story_page(store, store.story(story_id))
        with store.transaction():
            store.lock_story(story_id)  # a rebuild saving this story now waits, or already did
            if store.story_version(story_id)[1] != version:
                continue
            etag = page_etag(page.html)
            store.save_story_page(story_id, version, RENDERER, page.html, etag, page.json)
        stored += 1
    return stored


def story_page(store: SQLiteStore, story: Story) -> RenderedStory:
    """A built story's web page and API JSON, as `storyline serve` sends them."""
    from .app.pages import story_page as render_page  # the app layer imports this module

    return render_page(story, {a.id: a for a in store.articles(story.article_ids)})


def save_story(store: SQLiteStore, story: Story, page: RenderedStory) -> None:
    """Save a built story and its rendered page and JSON, in the caller's transaction.

    They are kept for the version this save gives the story, so the web server sends
    them as stored until the story changes again (then it renders them itself).
    """
    from .app.pages import RENDERER, page_etag

    store.save_story(story)
    version = store.story_version(story.id)[1]
    store.save_story_page(story.id, version, RENDERER, page.html, page_etag(page.html), page.json)


def load_story(store: SQLiteStore, story_id: str, settings: Settings) -> Story:
    """A story by id or unique prefix, rebuilt first if an interrupted run left it stale."""
    full_id = store.resolve_story_id(story_id)
    if full_id in store.stale_story_ids():
        rebuild_stale(store, settings)
    return store.story(full_id)


def abstractive(store: SQLiteStore, story: Story, settings: Settings) -> AbstractiveSummary:
    """The story's abstractive summary from the configured endpoint, checked against sources.

    InputError when no endpoint is configured (nothing is sent then); ServiceError when the
    endpoint fails. Built from the same original articles as the extractive summary.
    """
    if not settings.abstractive_url:
        raise InputError(
            "abstractive_url", "not set (STORYLINE_ABSTRACTIVE_URL): no endpoint to ask"
        )
    ids = list(story.article_ids)
    articles = store.articles(ids)
    originals = [a for a in articles if a.duplicate_of not in ids] or articles
    analyses = {a.id: store.analysis(a.id) for a in originals}
    result = abstractive_summary(originals, analyses, settings)
    assert result is not None  # the endpoint is configured
    return result


def build(
    store: SQLiteStore, story_id: str, settings: Settings, ids: Sequence[str] | None = None
) -> Story:
    """Build a story from its stored articles (``ids``, default: its members) and analyses."""
    ids = store.story_article_ids(story_id) if ids is None else list(ids)
    articles = store.articles(ids)
    analyses = {i: store.analysis(i) for i in ids}
    # copies of an article in the story are listed but are not another perspective:
    # summary, quotes, outlets and comparison come from the originals only
    originals = [a for a in articles if a.duplicate_of not in ids] or articles
    story = build_story(story_id, originals, analyses, settings)
    if len(originals) < len(articles):
        story = dataclasses.replace(story, article_ids=tuple(ids))
    return story
