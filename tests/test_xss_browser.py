"""The XSS corpus (tests/xsscorpus.py) through the real pipeline, checked in real Chromium.

Every page that shows article-derived strings is opened twice: once with the
Content-Security-Policy bypassed (escaping alone must keep every payload inert) and once with
it enforced (no payload may even reach the point where the policy has to block it). On each
page: no dialog opened, no alert/confirm/prompt/print called, no ``window.__xss*`` flag set,
no element the pages never use (script, iframe, svg, img, ...), no ``on*`` attribute, every
link and form target a web URL, and the payloads placed on that page shown as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import xsscorpus as corpus
from storyline import pipeline
from storyline.settings import Settings
from storyline.store import SQLiteStore
from webfixtures import build_store, chromium, require_chromium, serve_in_thread

require_chromium()

# Runs before any page script: records calls to the dialog functions, CSP violations, and
# makes sure nothing the page defines can hide them.
WATCH = """
window.__calls = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__calls.push(name + '(' + args.join(',') + ')'); };
}
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""
# What a page shows of itself after loading and being hovered and tabbed through.
INSPECT = """
() => {
  const flags = Object.keys(window).filter(k => k.startsWith('__xss'));
  const foreign = [...document.querySelectorAll(
    'script, iframe, frame, object, embed, svg, math, img, video, audio, source, base, '
    + 'template, noscript, style, textarea, meta[http-equiv], '
    + 'link:not([href="/static/style.css"]), '
    + 'details:not(section[aria-labelledby="h-removed"] > details)'  // the pages' only one
  )].map(e => e.outerHTML.slice(0, 80));
  const handlers = [...document.querySelectorAll('*')].flatMap(
    e => [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
      .map(a => e.tagName + ' ' + a.name));
  const targets = [...document.querySelectorAll('a[href], form[action], link[href], area[href]')]
    .map(e => e.href || e.action);
  const web = t => { try { return ['http:', 'https:'].includes(new URL(t).protocol); }
                      catch (e) { return false; } };
  const bad = targets.filter(t => !web(t));
  const text = document.documentElement.textContent.replace(/\\s+/g, ' ');
  return {flags, calls: window.__calls, violations: window.__violations, foreign, handlers,
          bad, text, links: targets.length};
}
"""


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The seeds plus the XSS corpus in one store, served by uvicorn on a loopback port."""
    folder = tmp_path_factory.mktemp("xss")
    db = build_store(folder / "x.db")
    (folder / "xss.jsonl").write_bytes(corpus.jsonl())
    with SQLiteStore(db) as store:
        report = pipeline.ingest([str(folder / "xss.jsonl")], store, Settings(db=str(db)))
    assert len(report.stored) == corpus.ARTICLES, report.failures
    for url in serve_in_thread(db):
        yield url, db


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    yield from chromium()


def _pages(base: str, db: Path) -> list[tuple[str, list[str]]]:
    """Every page that shows corpus strings, each with the strings it must show as text."""
    import httpx

    api = httpx.Client(base_url=base)
    articles = [
        a
        for a in api.get("/api/articles?limit=500").json()
        if a["title"] and "Harbor City dock" in a["title"]
    ]
    assert len(articles) == corpus.ARTICLES
    by_outlet = {a["outlet"]: a for a in articles}
    pages: list[tuple[str, list[str]]] = []
    story_ids = set()
    for k in range(corpus.ARTICLES):
        outlet = corpus.outlet_name(k)
        ref = by_outlet[outlet]
        full = api.get(f"/api/articles/{ref['id']}").json()
        story_ids.add(full["story_id"])
        p = corpus.placement(k)
        shown = [corpus.title(k), outlet, full["url"]]
        shown += [corpus.PAYLOADS[i] for i in p.body + p.quote]
        if full["byline"]:
            shown.append(full["byline"])
        pages.append((f"/articles/{ref['id']}", shown))
        pages.append(("/?" + _query(outlet=outlet), [outlet]))
    for story_id in story_ids:
        story = api.get(f"/api/stories/{story_id}").json()
        shown = [a["title"] for a in story["articles"]] + list(story["outlets"])
        shown += [q["text"] for q in story["quotes"]] + [
            q["speaker"] for q in story["quotes"] if q["speaker"]
        ]
        shown += [s["text"] for s in story["summary"]]
        assert story["comparison"], "the corpus story must have a comparison section"
        pages.append((f"/stories/{story_id}", shown))
        pages.append(("/?" + _query(q="cranes"), [story["title"]]))
    pages.append(("/", []))
    pages.append(("/search?" + _query(q="cranes board"), []))
    pages.append(("/search?" + _query(q="officials filing"), []))
    for payload in corpus.PAYLOADS[::5]:  # reflected: the query itself is shown back
        pages.append(("/search?" + _query(q=payload), [payload]))
        pages.append(("/?" + _query(q=payload), []))
        pages.append(("/articles/" + quote(payload, safe=""), []))
    api.close()
    return pages


def _query(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def _visit(
    browser: Any, base: str, pages: list[tuple[str, list[str]]], bypass_csp: bool
) -> dict[str, Any]:
    context = browser.new_context(bypass_csp=bypass_csp)
    context.add_init_script(WATCH)
    dialogs: list[str] = []
    tab = context.new_page()

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    seen_text = ""
    problems: list[str] = []
    links = 0
    for path, shown in pages:
        response = tab.goto(base + path)
        assert response is not None and response.status in (200, 400, 404), (path, response)
        tab.wait_for_load_state("load")
        for link in tab.locator("main a, main button").all()[:60]:  # fire hover handlers
            if link.is_visible():
                link.hover()
        for _ in range(5):  # and focus handlers
            tab.keyboard.press("Tab")
        found = tab.evaluate(INSPECT)
        links += found["links"]
        for key in ("flags", "calls", "violations", "foreign", "handlers", "bad"):
            if found[key]:
                problems.append(f"{path}: {key} {found[key]}")
        text = found["text"]
        seen_text += text
        # trafilatura decodes entities once more than HTML does ("&amp;lt;" ends as "<"),
        # so a payload written with entities may show decoded: still text, still inert.
        missing = [s for s in shown if _norm(s) not in text and _norm(unescape(s)) not in text]
        if missing:
            problems.append(f"{path}: not shown as text: {missing[:3]}")
    context.close()
    if dialogs:
        problems.append(f"dialogs opened: {dialogs}")
    return {"problems": problems, "text": seen_text, "links": links}


def test_xss_corpus_stays_text_in_chromium(
    site: tuple[str, Path], browser: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base, db = site
    pages = _pages(base, db)
    escaped = _visit(browser, base, pages, bypass_csp=True)
    enforced = _visit(browser, base, pages, bypass_csp=False)
    assert escaped["problems"] == [], escaped["problems"]
    assert enforced["problems"] == [], enforced["problems"]
    shown = [
        p
        for p in corpus.PAYLOADS
        if _norm(p) in escaped["text"] or _norm(unescape(p)) in escaped["text"]
    ]
    assert len(shown) == len(corpus.PAYLOADS), set(corpus.PAYLOADS) - set(shown)
    with capsys.disabled():
        print(
            f"\nXSS corpus: {len(corpus.PAYLOADS)} payloads in {corpus.ARTICLES} articles, "
            f"{len(pages)} pages x 2 (CSP bypassed / enforced), {escaped['links']} links checked, "
            f"payloads shown as text: {len(shown)}, executed: 0"
        )


def test_article_urls_are_links_only_when_web_urls(site: tuple[str, Path]) -> None:
    """A javascript:/data: URL is shown as text on the article page, never as an href."""
    import httpx

    base, _ = site
    with httpx.Client(base_url=base) as api:
        articles = api.get("/api/articles?limit=500").json()
        script_urls = [
            a for a in articles if a["url"] and not a["url"].strip().lower().startswith("http")
        ]
        assert len(script_urls) >= 5
        for a in script_urls:
            page = api.get(f"/articles/{a['id']}").text
            assert 'href="' + a["url"] not in page
            assert 'href="javascript' not in page.lower() and 'href="data:' not in page.lower()
