"""The pages in a real browser: Debian's Chromium driven by Playwright against `serve`'s app.

Screenshots of every page at desktop and phone widths are kept in tests/artifacts/.
Never run `playwright install`: the Makefile installs Debian's chromium package instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from webfixtures import (
    QUARTZ,
    build_store,
    chromium,
    require_chromium,
    serve_in_thread,
    xss_article_id,
)

ARTIFACTS = ROOT / "tests" / "artifacts"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """uvicorn on a free loopback port in a thread, over the seeds plus the XSS fixture."""
    db = build_store(tmp_path_factory.mktemp("browser") / "b.db")
    for url in serve_in_thread(db):
        yield url, db


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    yield from chromium()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records dialogs (a running XSS payload would open one)."""
    context = browser.new_context(viewport=SIZES["desktop"])
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    yield tab
    context.close()


def _shoot(page: Any, name: str) -> None:
    """Full-page screenshots at desktop and phone widths; the page must not scroll sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {size} width ({overflow}px)"
    page.set_viewport_size(SIZES["desktop"])


def test_editor_walk_from_list_to_story_to_cited_sentence(
    server: tuple[str, Path], page: Any
) -> None:
    base, _ = server
    page.goto(base + "/")
    assert page.title() == "Stories · Storyline"
    _shoot(page, "story-list")
    page.get_by_role(
        "link", name="The second Trump-Kim summit ended before they even got to lunch"
    ).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == (
        "The second Trump-Kim summit ended before they even got to lunch"
    )
    assert page.get_by_role("heading", name="Who said what").is_visible()
    assert page.get_by_role("heading", name="Quartz", exact=True).is_visible()
    assert page.get_by_role("heading", name="Vanity Fair", exact=True).is_visible()
    _shoot(page, "story")
    first = page.locator("ol.summary > li").first
    sentence = first.inner_text().rsplit(" [", 1)[0].strip()
    first.locator("a.cite").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{base}/articles/{QUARTZ}#s")
    target = page.locator(":target")
    assert target.count() == 1
    assert target.inner_text().strip() == sentence
    assert "cited" in (target.get_attribute("class") or "")
    assert target.is_visible()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < SIZES["desktop"]["height"]
    _shoot(page, "article-cited")
    page.get_by_text("lines removed").click()  # the collapsed boilerplate opens
    assert page.get_by_role("cell", name="photo-credit").first.is_visible()
    page.get_by_role("link", name="The second Trump-Kim summit").first.click()
    page.wait_for_load_state()
    assert "/stories/" in page.url
    assert page.dialogs == []


def test_filters_and_search_work_without_javascript(server: tuple[str, Path], browser: Any) -> None:
    base, _ = server
    context = browser.new_context(java_script_enabled=False, viewport=SIZES["phone"])
    tab = context.new_page()
    tab.goto(base + "/")
    tab.select_option("#f-outlet", "Vanity Fair")
    tab.get_by_role("button", name="Filter").click()
    tab.wait_for_load_state()
    assert "outlet=Vanity+Fair" in tab.url
    assert tab.locator("li.story-card").count() == 1
    tab.fill("#site-q", "Jean Lee")
    tab.get_by_role("button", name="Search").click()
    tab.wait_for_load_state()
    assert tab.locator("ol.hits > li").count() == 1
    _shoot(tab, "search")
    context.close()


def test_xss_payloads_stay_inert_in_the_browser(server: tuple[str, Path], page: Any) -> None:
    base, db = server
    article_id = xss_article_id(db)
    flags = (
        "[window.__xss, window.__xss_img, window.__xss_img2, window.__xss_body, "
        "window.__xss_outlet, window.__xss_url].filter(v => v !== undefined).length"
    )
    for path, name in (("/", None), (f"/articles/{article_id}", "article-xss")):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate(flags) == 0, path
        assert page.locator("img").count() == 0
        assert page.locator("main script").count() == 0
        if name:
            _shoot(page, name)
    assert "<script>window.__xss=1</script>" in page.locator("h1").inner_text()
    story = page.get_by_role("link", name="Harbor")
    story_href = page.locator("dd a[href^='/stories/']").get_attribute("href")
    assert story.count() == 0 or story_href
    page.goto(base + str(story_href))
    page.wait_for_load_state("load")
    assert page.evaluate(flags) == 0
    for link in page.locator("main a").all():  # hover everything: no on* handler may fire
        if link.is_visible():
            link.hover()
    assert page.evaluate(flags) == 0
    assert page.dialogs == []


def test_pages_style_under_the_content_security_policy(server: tuple[str, Path], page: Any) -> None:
    """The CSP is enforced and blocks nothing the pages need: the stylesheet applies."""
    base, db = server
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    story = page.request.get(base + "/api/stories").json()[0]["id"]
    paths = ["/", f"/stories/{story}", f"/articles/{QUARTZ}", "/search?q=trade", "/nope"]
    for path in paths + [f"/articles/{xss_article_id(db)}"]:
        response = page.goto(base + path)
        assert "default-src 'none'" in response.headers["content-security-policy"]
        # a rule of style.css in effect: the stylesheet loaded under style-src 'self'
        skip = page.evaluate("getComputedStyle(document.querySelector('.skip')).position")
        assert skip == "absolute", path
    assert not [m for m in messages if "Content Security Policy" in m], messages
    # the policy is live: an inline script injected into the page is refused
    page.goto(base + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__ran === undefined")
    assert any("Content Security Policy" in m for m in messages), messages
    assert page.dialogs == []
