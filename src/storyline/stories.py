"""Stories by hand: merge two stories, split articles off a story, re-cluster the whole store.

Manual decisions are kept as *pins* (article -> story) in the store: later ingests
never move a pinned article, never auto-merge a story shaped by hand, and
``recluster`` replays every article in ingest order with the pinned ones placed
where the user put them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Concatenate, ParamSpec, TypeVar

from .cluster import OnlineClusterer
from .errors import InputError
from .pipeline import rebuild_stale
from .records import content_id
from .settings import Settings
from .store import SQLiteStore

P = ParamSpec("P")
R = TypeVar("R")


def _one_writer(
    fn: Callable[Concatenate[SQLiteStore, Settings, P], R],
) -> Callable[Concatenate[SQLiteStore, Settings, P], R]:
    """Run ``fn`` holding the store's writer lock (no ingest interleaves with it)."""

    def locked(store: SQLiteStore, settings: Settings, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with store.writer_lock(settings.ingest_lock_wait):
            return fn(store, settings, *args, **kwargs)

    functools.update_wrapper(locked, fn)
    return locked


@_one_writer
def merge_stories(store: SQLiteStore, settings: Settings, into: str, other: str) -> str:
    """Fold story ``other`` into story ``into`` (ids or unique prefixes); return the kept id."""
    into, other = store.resolve_story_id(into), store.resolve_story_id(other)
    if into == other:
        raise InputError(f"story {other}", "cannot merge a story with itself")
    with store.transaction():
        OnlineClusterer(store, settings).merge(into, other)
        store.pin(store.story_article_ids(into), into)
    rebuild_stale(store, settings)
    return into


@_one_writer
def split_story(
    store: SQLiteStore, settings: Settings, story: str, article_ids: Sequence[str]
) -> str:
    """Move the given articles of a story into a new story of their own; return its id."""
    story = store.resolve_story_id(story)
    members = store.story_article_ids(story)
    chosen: list[str] = []
    for ident in article_ids:
        article_id = store.article(ident).id
        if article_id not in members:
            raise InputError(f"article {ident}", f"is not in story {story}")
        if article_id not in chosen:
            chosen.append(article_id)
    rest = [a for a in members if a not in chosen]
    if not chosen or not rest:
        raise InputError(f"story {story}", "a split must leave articles on both sides")
    new_id = content_id("story", "split", *sorted(chosen), length=12)
    seqs = dict(store.article_seqs())
    with store.transaction():
        clusterer = OnlineClusterer(store, settings)
        for part_id, part in ((story, rest), (new_id, chosen)):
            clusterer.rebuild(
                part_id,
                [(store.article(a), store.analysis(a), seqs[a]) for a in part],
            )
            for article_id in part:
                store.assign(article_id, part_id)
            store.pin(part, part_id)
    rebuild_stale(store, settings)
    return new_id


@_one_writer
def recluster(store: SQLiteStore, settings: Settings) -> int:
    """Cluster every stored article again, in ingest order, keeping manual pins; story count."""
    pins = store.pins()
    with store.transaction():
        store.clear_clustering()
        clusterer = OnlineClusterer(store, settings)
        for article_id, seq in store.article_seqs():
            article = store.article(article_id)
            pinned = pins.get(article_id)
            if pinned is None and article.duplicate_of is not None:
                pinned = store.story_of(article.duplicate_of)
            clusterer.assign(article, store.analysis(article_id), seq, pinned=pinned)
    rebuild_stale(store, settings)
    return len({store.story_of(a) for a, _ in store.article_seqs()})
