"""The web pages of `storyline serve`: server-rendered Jinja templates, no JavaScript needed.

Pages read the same JSON shapes as the API (render.py) and add only what reading needs:
article numbers for citations, quotes grouped by speaker, an article's body split into
sentences with anchors (``/articles/{id}#s{index}``) so a citation lands on its sentence.
Autoescaping is on: every piece of article text is rendered as text, never as markup.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from ..errors import NotFound
from ..records import Article, Sentence
from ..settings import Settings
from ..store import SQLiteStore
from . import render
from .api import IsoDate, StoreSource, load_story, story_filter

PAGE_SIZE = 20

ENV = Environment(
    loader=PackageLoader("storyline.app", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template into an HTML response."""
    return HTMLResponse(ENV.get_template(template).render(**context), status_code=http_status)


def error_page(status: int, message: str) -> HTMLResponse:
    """An error as a page (the API answers the same errors in JSON)."""
    return page("error.html", status, title=f"Error {status}", status=status, message=message)


def _store(request: Request) -> SQLiteStore:
    stores: StoreSource = request.app.state.stores
    return stores.get()


def add_routes(app: FastAPI) -> None:
    """Register the pages on the app."""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def story_list(
        request: Request,
        q: str | None = None,
        outlet: str | None = None,
        entity: str | None = None,
        since: IsoDate = None,
        until: IsoDate = None,
        page_number: int = Query(1, alias="page", ge=1),
    ) -> HTMLResponse:
        store = _store(request)
        where = story_filter(since, until, outlet, entity, q)
        offset = (page_number - 1) * PAGE_SIZE
        rows = store.find_stories(where, PAGE_SIZE, offset)
        total = store.count_stories(where)
        keys = store.key_entities([r.id for r in rows])
        params = {"q": q, "outlet": outlet, "entity": entity, "since": since, "until": until}
        kept = {k: v for k, v in params.items() if v}
        return page(
            "stories.html",
            title="Stories",
            stories=[{**render.story_row_json(r), "entities": keys[r.id]} for r in rows],
            total=total,
            filters=kept,
            outlets=store.outlet_counts(),
            page=page_number,
            pages=max(1, math.ceil(total / PAGE_SIZE)),
            link=lambda **change: "/?" + urlencode({**kept, **change}),
        )

    settings: Settings = app.state.settings
    cache = PageCache(settings.web_cache_bytes)

    def render_story(request: Request, version: tuple[str, int]) -> bytes:
        data = load_story(_store(request), version[0])
        text = ENV.get_template("story.html").render(title=data["title"], **story_view(data))
        html = text.encode("utf-8")
        cache.put(version, html)
        return html

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        version = _store(request).story_version(story_id)
        html = cache.get(version)
        if html is None:
            html = render_story(request, version)
        return HTMLResponse(html)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        store = _store(request)
        article = store.article(article_id)
        story_id = store.story_of(article.id)
        cited: set[int] = set()
        story_title = None
        if story_id is not None:
            try:
                story = store.story(story_id)
            except NotFound:  # clustered but not built yet: show the article without marks
                story = None
            if story is not None:
                story_title = story.title
                cited = {
                    c.sentence_index
                    for s in story.summary
                    for c in s.citations
                    if c.article_id == article.id
                }
        try:
            sentences: Sequence[Sentence] = store.analysis(article.id).sentences
        except NotFound:
            sentences = ()
        return page(
            "article.html",
            title=article.title,
            article=render.article_json(article, story_id),
            story_title=story_title,
            paragraphs=sentence_paragraphs(article, sentences, cited),
            cited_count=len(cited),
            copies=store.copies_of(article),
        )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "") -> HTMLResponse:
        hits = render.search_json(_store(request).search(q, 50)) if q.strip() else []
        return page("search.html", title=f"Search: {q}" if q else "Search", q=q, hits=hits)


class PageCache:
    """Rendered story pages (UTF-8) by (story id, version), least recently used dropped first
    beyond ``max_bytes``: a page changes only when its story's stored JSON does, and
    rendering it costs far more than reading the version."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._pages: OrderedDict[str, tuple[tuple[str, int], bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: tuple[str, int]) -> bytes | None:
        """The cached page for this exact version, if any."""
        with self._lock:
            found = self._pages.get(version[0])
            if found is None or found[0] != version:
                return None
            self._pages.move_to_end(version[0])
            return found[1]

    def put(self, version: tuple[str, int], page: bytes) -> None:
        """Keep a rendered page."""
        with self._lock:
            old = self._pages.pop(version[0], None)
            if old is not None:
                self.size -= len(old[1])
            self._pages[version[0]] = (version, page)
            self.size += len(page)
            while self.size > self.max_bytes and self._pages:
                self.size -= len(self._pages.popitem(last=False)[1][1])


def story_view(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the story page shows, from the story JSON."""
    articles = {a["id"]: a for a in data["articles"]}
    number = {a["id"]: n for n, a in enumerate(data["articles"], 1)}

    def outlet_of(article_id: str) -> str:
        article = articles.get(article_id)
        return (article or {}).get("outlet") or "outlet unknown"

    speakers: dict[str, list[dict[str, Any]]] = {}
    for quote in data["quotes"]:
        carriers = [
            {"id": i, "number": number.get(i), "outlet": outlet_of(i)} for i in quote["article_ids"]
        ]
        speakers.setdefault(quote["speaker"] or "Unknown speaker", []).append(
            {**quote, "carriers": carriers}
        )
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for a in data["articles"]:
        by_outlet.setdefault(a["outlet"] or "outlet unknown", []).append(a)
    comparison = data.get("comparison")
    return {
        "story": data,
        "number": number,
        "speakers": sorted(speakers.items(), key=lambda kv: (-len(kv[1]), kv[0])),
        "by_outlet": sorted(by_outlet.items(), key=lambda kv: (-len(kv[1]), kv[0])),
        "comparison": comparison_view(comparison, number) if comparison else None,
        "outlet_of": outlet_of,
    }


def comparison_view(comparison: Mapping[str, Any], number: Mapping[str, int]) -> dict[str, Any]:
    """The documented ``comparison`` object (README), with each claim's link to its sentence."""

    def claim(c: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **c,
            "href": f"/articles/{c['article_id']}#s{c['sentence_index']}",
            "label": f"[{number.get(c['article_id'], '?')}]",
        }

    return {
        "outlets": [
            {**o, "unique_claims": [claim(c) for c in o.get("unique_claims", [])]}
            for o in comparison.get("outlets", [])
        ],
        "agreed": [
            {**g, "claims": [claim(c) for c in g.get("claims", [])]}
            for g in comparison.get("agreed", [])
        ],
        "contradictions": [
            {**x, "left": claim(x["left"]), "right": claim(x["right"])}
            for x in comparison.get("contradictions", [])
        ],
        "timeline": [
            {**t, "claims": [claim(c) for c in t.get("claims", [])]}
            for t in comparison.get("timeline", [])
        ],
        "statements": list(comparison.get("statements", [])),
    }


def sentence_paragraphs(
    article: Article, sentences: Sequence[Sentence], cited: set[int]
) -> list[list[dict[str, Any]]]:
    """The body as paragraphs of pieces: each piece is a sentence (with anchor) or the gap text.

    Offsets are code points into ``article.text`` (paragraphs joined by a newline); a
    sentence crossing a paragraph break keeps its anchor on its first piece.
    """
    text = article.text
    bounds = []
    start = 0
    for line in text.split("\n"):
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    ordered = sorted(sentences, key=lambda s: s.start)
    result: list[list[dict[str, Any]]] = []
    anchored: set[int] = set()
    for p_start, p_end in bounds:
        pieces: list[dict[str, Any]] = []
        cursor = p_start
        for s in ordered:
            lo, hi = max(s.start, p_start), min(s.end, p_end)
            if hi <= lo or lo < cursor:
                continue
            if lo > cursor:
                pieces.append({"text": text[cursor:lo], "index": None, "cited": False})
            anchor = s.index not in anchored
            anchored.add(s.index)
            pieces.append(
                {
                    "text": text[lo:hi],
                    "index": s.index if anchor else None,
                    "cited": s.index in cited,
                }
            )
            cursor = hi
        if cursor < p_end:
            pieces.append({"text": text[cursor:p_end], "index": None, "cited": False})
        if any(piece["text"].strip() for piece in pieces):
            result.append(pieces)
    return result
