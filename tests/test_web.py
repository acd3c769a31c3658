"""The web pages in-process: they render what an editor needs, accessibly, and escape all text."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import FIXTURES
from storyline import pipeline
from storyline.app.api import PAGE_CSP, STRICT_CSP, create_app
from storyline.app.cli import app as cli_app
from storyline.app.pages import ENV, RENDERER, render_story_page, story_view
from storyline.app.web import PageCache
from storyline.settings import Settings
from storyline.store import open_store
from storyline.stories import merge_stories, recluster, split_story
from webfixtures import BACKENDS, QUARTZ, VANITY_FAIR, web_store, xss_article_id


@pytest.fixture(scope="module", params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Seeds plus the XSS fixture, built once for the module on each backend."""
    yield from web_store(request.param, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    """An in-process client over the store."""
    with TestClient(create_app(Settings(db=str(db))), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def seed_story(client: TestClient) -> dict[str, Any]:
    """The seed story's JSON (the one with both seed articles)."""
    return client.get("/api/stories", params={"outlet": "Quartz"}).json()[0]  # type: ignore[no-any-return]


class Outline(HTMLParser):
    """Collects tags, attributes and landmarks of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def _accessible(html: str) -> None:
    """Landmarks, one h1, a language, a phone viewport, labelled inputs, alt on images."""
    tags = _outline(html).tags
    names = [t for t, _ in tags]
    assert re.search(r'<html lang="en">', html)
    assert 'name="viewport" content="width=device-width' in html
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in names, landmark
    assert names.count("h1") == 1
    ids = {a.get("id") for _, a in tags}
    labelled = {a.get("for") for t, a in tags if t == "label"}
    for tag, attrs in tags:
        if tag in ("input", "select") and attrs.get("type") != "hidden":
            assert attrs.get("id") in labelled, attrs
        if tag == "img":
            assert attrs.get("alt") is not None
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            assert (attrs.get("href") or "")[1:] in ids


def test_story_list_shows_what_an_editor_scans(client: TestClient, seed_story: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    _accessible(html)
    assert f'href="/stories/{seed_story["id"]}"' in html
    assert "The second Trump-Kim summit ended before they even got to lunch" in html
    assert "2 articles" in html and "2 outlets" in html
    assert ">Quartz</a>, <a" in html
    assert re.search(r"Key entities:.*Donald Trump", html, re.S)
    assert 'role="search"' in html and 'name="entity"' in html and 'name="outlet"' in html
    # newest first: the XSS fixture story (2019-03-02) comes before the seed story (2019-02-28)
    assert html.index("Harbor &lt;script&gt;") < html.index("The second Trump-Kim")


def test_story_list_filters_by_outlet_entity_and_words(client: TestClient) -> None:
    only_seed = client.get("/", params={"outlet": "Vanity Fair"}).text
    assert "The second Trump-Kim" in only_seed and "Harbor" not in only_seed
    assert "1 story matches the filter" in only_seed
    assert "Harbor &lt;script" in client.get("/", params={"entity": "Maria Lopez"}).text
    assert "No stories match" in client.get("/", params={"q": "platypus"}).text
    assert client.get("/", params={"since": "not a date"}).status_code == 422
    form = {"q": "", "outlet": "Quartz", "entity": "", "since": "", "until": ""}  # as submitted
    assert "1 story matches the filter" in client.get("/", params=form).text


def test_story_page_cites_sentences_quotes_outlets_entities(
    client: TestClient, seed_story: Any
) -> None:
    story = client.get(f"/api/stories/{seed_story['id']}").json()
    html = client.get(f"/stories/{seed_story['id']}").text
    _accessible(html)
    for s in story["summary"]:
        for c in s["citations"]:
            assert f'href="/articles/{c["article_id"]}#s{c["sentence_index"]}"' in html
    for heading in ("Summary", "Who said what", "Outlets side by side", "People, organisations"):
        assert re.search(rf"<h2 [^>]*>{heading}", html), heading
    assert re.search(r"<h3 [^>]*>Donald Trump</h3>", html)
    walk = html.index("Sometimes you have to walk", html.index('id="h-quotes"'))
    carriers = html[walk : html.index("</li>", walk)]
    assert "Quartz [1]" in carriers and "Vanity Fair [2]" in carriers
    for outlet in ("Quartz", "Vanity Fair"):  # side by side, each with its article count
        assert re.search(rf"<h3 [^>]*>{outlet}</h3>\s*<p( class=\"meta\")?>1 article", html)
    assert 'href="/?entity=Kim%20Jong%20Un"' in html


def _claim(outlet: str, article_id: str, index: int, text: str) -> dict[str, Any]:
    return {
        "outlet": outlet,
        "article_id": article_id,
        "sentence_index": index,
        "start": 0,
        "end": len(text),
        "text": text,
    }


def test_comparison_is_shown_side_by_side_when_present(seed_story: Any, client: TestClient) -> None:
    story = client.get(f"/api/stories/{seed_story['id']}").json()
    # the documented shape (README "JSON output"), with a contradiction the seeds do not have
    story["comparison"] = {
        "outlets": [
            {
                "name": "Quartz",
                "article_ids": [QUARTZ],
                "subjectivity": 0.18,
                "sentiment": -0.026,
                "loaded_words": ["cheery"],
                "opinion_markers": {},
                "quoted_people": ["Donald Trump"],
                "unique_claims": [_claim("Quartz", QUARTZ, 5, "The press conference moved.")],
            },
            {
                "name": "Vanity Fair",
                "article_ids": [VANITY_FAIR],
                "subjectivity": 0.62,
                "sentiment": -0.08,
                "loaded_words": [],
                "opinion_markers": {},
                "quoted_people": [],
                "unique_claims": [],
            },
        ],
        "agreed": [
            {
                "outlets": ["Quartz", "Vanity Fair"],
                "scope": "all",
                "claims": [
                    _claim("Quartz", QUARTZ, 9, "Trump walked."),
                    _claim("Vanity Fair", VANITY_FAIR, 6, "Trump walked away."),
                ],
            }
        ],
        "contradictions": [
            {
                "kind": "time",
                "left": {**_claim("Quartz", QUARTZ, 5, "At 2pm."), "value": "2pm"},
                "right": {**_claim("Vanity Fair", VANITY_FAIR, 3, "At 4pm."), "value": "4pm"},
            }
        ],
        "timeline": [
            {
                "date": "2018-06",
                "precision": "month",
                "phrase": "in June",
                "outlets": ["Quartz"],
                "claims": [_claim("Quartz", QUARTZ, 12, "Singapore, in June.")],
            }
        ],
        "statements": ["Vanity Fair is markedly more opinionated than Quartz in this story."],
    }
    html = ENV.get_template("story.html").render(title="t", **story_view(story))
    assert re.search(
        r'<h3 [^>]*>Quartz</h3>\s*<p class="meta">1 article · subjectivity 0.18 · sentiment -0.03',
        html,
    )
    assert f'The press conference moved. <a class="cite" href="/articles/{QUARTZ}#s5"' in html
    assert f'Trump walked away. <a class="cite" href="/articles/{VANITY_FAIR}#s6"' in html
    assert "Nothing that only this outlet reports." in html
    assert "time: 2pm vs 4pm" in html
    assert '<time datetime="2018-06">2018-06</time> (in June) · Quartz' in html
    assert "markedly more opinionated" in html


def test_article_page_highlights_cited_sentences_and_shows_removed(
    client: TestClient, seed_story: Any
) -> None:
    story = client.get(f"/api/stories/{seed_story['id']}").json()
    cited = {
        c["sentence_index"]
        for s in story["summary"]
        for c in s["citations"]
        if c["article_id"] == QUARTZ
    }
    html = client.get(f"/articles/{QUARTZ}").text
    _accessible(html)
    marked = set(map(int, re.findall(r'<span id="s(\d+)" class="sentence cited"><mark>', html)))
    assert marked == cited and cited
    first = story["summary"][0]
    assert f'<span id="s0" class="sentence cited"><mark>{first["text"]}</mark>' in html
    assert re.search(r"<details>\s*<summary>\d+ lines? removed", html)
    assert "<code>photo-credit</code></td><td>Image: Reuters/Athit Perawongmetha" in html
    assert f'href="/stories/{seed_story["id"]}"' in html


def test_search_page_and_html_errors(client: TestClient) -> None:
    html = client.get("/search", params={"q": "Jean Lee"}).text
    _accessible(html)
    assert f'href="/articles/{VANITY_FAIR}"' in html and "1 article." in html
    missing = client.get("/stories/ffffffff")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "no story with id &#39;ffffffff&#39;" in missing.text


def test_xss_payloads_render_as_text_on_every_page(client: TestClient, db: str) -> None:
    article_id = xss_article_id(db)
    story_id = client.get(f"/api/articles/{article_id}").json()["story_id"]
    article = client.get(f"/api/articles/{article_id}").json()
    assert "<script>" in article["title"] and "<script>" in article["outlet"]
    assert "<img src=x onerror" in article["text"]
    pages = [
        "/",
        f"/stories/{story_id}",
        f"/articles/{article_id}",
        "/search?q=harbor",
        "/search?q=<script>alert(1)</script>",
        f"/?outlet={article['outlet']}",
    ]
    for path in pages:
        html = client.get(path).text
        assert "&lt;script&gt;" in html, path  # the payload is there, as text
        for tag, attrs in _outline(html).tags:
            assert tag not in ("script", "img", "b"), (path, tag)
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            assert not (attrs.get("href") or "").lower().startswith("javascript:"), (path, attrs)
    html = client.get(f"/articles/{article_id}").text
    assert "Harbor &lt;script&gt;window.__xss=1&lt;/script&gt; reopens" in html
    assert "&lt;img src=x onerror=&#34;window.__xss_img2=1&#34;&gt;" in html
    assert "<dd>javascript:window.__xss_url=1</dd>" in html  # shown, never a link


@pytest.mark.parametrize("kind", BACKENDS)
def test_story_page_follows_a_rebuilt_story(kind: str, tmp_path: Path) -> None:
    for copy in web_store(kind, tmp_path):
        with TestClient(create_app(Settings(db=copy))) as c:
            story_id = c.get("/api/stories", params={"outlet": "Quartz"}).json()[0]["id"]
            assert "Rebuilt headline" not in c.get(f"/stories/{story_id}").text  # now cached
            with open_store(copy) as store, store.transaction():
                story = store.story(story_id)  # saved without a page: the stored one is stale
                store.save_story(dataclasses.replace(story, title="Rebuilt headline"))
            page = c.get(f"/stories/{story_id}").text
            assert '<h1 id="story-title">Rebuilt headline</h1>' in page


def test_page_cache_keeps_exact_versions_within_its_byte_budget() -> None:
    cache = PageCache(10)
    cache.put(("a", 1), b"12345")
    cache.put(("b", 1), b"12345")
    assert cache.get(("a", 1)) == b"12345"  # now the most recently used
    assert cache.get(("a", 2)) is None  # another version of the story
    cache.put(("c", 1), b"123")  # over budget: b, the least recently used, goes
    assert cache.get(("b", 1)) is None and cache.get(("c", 1)) == b"123"
    cache.put(("a", 2), b"1")
    assert cache.get(("a", 1)) is None and cache.size == 4


@pytest.mark.parametrize("kind", BACKENDS)
def test_story_page_is_sent_as_stored_at_build_time(kind: str, tmp_path: Path) -> None:
    for db in web_store(kind, tmp_path):
        with TestClient(create_app(Settings(db=db))) as c, open_store(db) as store:
            story_id = c.get("/api/stories", params={"outlet": "Quartz"}).json()[0]["id"]
            stored = store.story_page(story_id, RENDERER)
            assert stored.html is not None and stored.etag is not None  # the ingest made it
            first = c.get(f"/stories/{story_id}")
            assert first.content == stored.html and first.headers["etag"] == stored.etag
            assert first.headers["content-type"] == "text/html; charset=utf-8"
            assert first.headers["content-security-policy"] == PAGE_CSP
            # byte for byte what the server renders from the story JSON itself
            assert stored.html == render_story_page(c.get(f"/api/stories/{story_id}").json())
            again = c.get(f"/stories/{story_id}", headers={"If-None-Match": stored.etag})
            assert again.status_code == 304 and not again.content
            assert again.headers["etag"] == stored.etag
            assert again.headers["content-security-policy"] == PAGE_CSP
            # the API JSON too: stored beside the page, byte for byte what the route builds
            api = c.get(f"/api/stories/{story_id}")
            assert store.stored_story_json(story_id, RENDERER) == api.content
            assert api.headers["content-type"] == "application/json"
            assert api.headers["content-security-policy"] == STRICT_CSP
            with store.transaction():
                store.save_story_page(
                    story_id,
                    stored.version,
                    RENDERER,
                    stored.html,
                    stored.etag,
                    b'{"stored": true}',
                )
            assert c.get(f"/api/stories/{story_id}").json() == {"stored": True}
            assert c.get(f"/api/stories/{story_id[:8]}").content == api.content  # prefix: built
            # readers get the stored bytes: a marked copy for this version is what they see
            marked = stored.html.replace(b"</main>", b"<p>stored copy</p></main>")
            with store.transaction():
                store.save_story_page(story_id, stored.version, RENDERER, marked, '"m"')
            page = c.get(f"/stories/{story_id}")
            assert "<p>stored copy</p>" in page.text and page.headers["etag"] == '"m"'
            assert c.get(f"/stories/{story_id[:8]}").content == marked  # an id prefix too
            # never a page of another version or of another renderer (older templates)
            for version, renderer in ((stored.version - 1, RENDERER), (stored.version, "old")):
                with store.transaction():
                    store.save_story_page(story_id, version, renderer, marked, '"m"')
                page = c.get(f"/stories/{story_id}")
                assert page.content == stored.html and page.headers["etag"] == stored.etag
            # `storyline render-pages` stores the current renderer's page again, once
            assert (story_id, stored.version) in store.unrendered_stories(RENDERER)
            result = CliRunner().invoke(cli_app, ["render-pages", "--db", db])
            assert result.exit_code == 0, result.output
            assert int(result.output.split()[0]) >= 1 and not store.unrendered_stories(RENDERER)
            assert store.story_page(story_id, RENDERER).html == stored.html
            again = CliRunner().invoke(cli_app, ["render-pages", "--db", db])
            assert again.output.startswith("0 story pages rendered")


@pytest.mark.parametrize("kind", BACKENDS)
def test_stored_pages_follow_merge_split_recluster_and_new_articles(
    kind: str, tmp_path: Path
) -> None:
    for db in web_store(kind, tmp_path):
        settings = Settings(db=db)
        xss_id = xss_article_id(db)
        with open_store(db) as store, TestClient(create_app(settings)) as c:

            def current() -> dict[str, bytes]:
                """Every story's stored page: there, current, and what readers get."""
                pages = {}
                for row in store.stories(100):
                    found = store.story_page(row.id, RENDERER)
                    assert found.html is not None, row.id
                    built = pipeline.story_page(store, store.story(row.id))
                    assert found.html == built.html
                    assert c.get(f"/stories/{row.id}").content == found.html
                    assert store.stored_story_json(row.id, RENDERER) == built.json
                    assert c.get(f"/api/stories/{row.id}").content == built.json
                    pages[row.id] = found.html
                return pages

            seed, other = store.story_of(QUARTZ), store.story_of(xss_id)
            assert seed and other and seed != other
            before = current()
            kept = merge_stories(store, settings, seed, other)
            merged = current()
            assert list(merged) == [kept]
            assert b"&lt;script&gt;window.__xss=1" in merged[kept]  # the XSS title, as text
            assert b"&lt;script&gt;window.__xss=1" not in before[seed]
            new_id = split_story(store, settings, kept, [xss_id])
            split = current()
            assert set(split) == {kept, new_id}
            assert b"&lt;script&gt;window.__xss=1" not in split[kept]
            recluster(store, settings)
            reclustered = current()
            assert len(reclustered) == 2
            report = pipeline.ingest([str(FIXTURES / "wire.port-strike.txt")], store, settings)
            assert report.stored
            grown = current()
            assert grown != reclustered
