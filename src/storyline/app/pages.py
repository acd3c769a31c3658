"""Story pages as bytes: the Jinja environment, the story page's view and its renderer.

Kept apart from web.py (no FastAPI import) so the pipeline can render a story's page (and
its API JSON) when it builds the story and keep them in the store; `storyline serve` then
sends the stored bytes. Stored bytes are used only for the story version they were rendered
from and only by the same renderer (:data:`RENDERER`, a hash of the templates and of this
module and render.py), so an upgrade never serves pages from older templates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..records import Article, Story

ENV = Environment(
    loader=PackageLoader("storyline.app", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _renderer_key() -> str:
    """A short hash of everything a story page's bytes depend on besides the story."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for name in sorted(ENV.list_templates()):
        digest.update(name.encode() + b"\0" + (here / "templates" / name).read_bytes())
    for module in ("pages.py", "render.py", "render_compare.py"):
        source = here / module
        digest.update(source.read_bytes() if source.is_file() else module.encode())
    return digest.hexdigest()[:16]


RENDERER = _renderer_key()


def render_story_page(data: Mapping[str, Any]) -> bytes:
    """The story page (UTF-8 HTML) for a story in the documented JSON shape."""
    text = ENV.get_template("story.html").render(title=data["title"], **story_view(data))
    return text.encode("utf-8")


def page_etag(html: bytes) -> str:
    """A strong HTTP ETag for a page: a hash of its bytes (a rebuilt story gets a new one)."""
    return '"' + hashlib.blake2b(html, digest_size=12).hexdigest() + '"'


@dataclass(frozen=True, slots=True)
class RenderedStory:
    """What readers get for one version of a story: its web page and its API JSON."""

    html: bytes  # UTF-8 page
    json: bytes  # UTF-8 body of GET /api/stories/{id}


def story_json_bytes(data: Mapping[str, Any]) -> bytes:
    """A story's API JSON body (compact UTF-8, as Starlette's JSONResponse writes it)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


def story_page(story: Story, articles: Mapping[str, Article]) -> RenderedStory:
    """The page and API JSON of a built story and its articles."""
    from . import render  # render imports the pipeline, which imports this module lazily

    data = render.story_json(story, articles)
    return RenderedStory(render_story_page(data), story_json_bytes(data))


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
