"""Tests of the HTML extraction path: body cleaning, metadata and its order of trust, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from storyline.clean import clean_paragraphs
from storyline.clean.layout import strip_header
from storyline.errors import ConfigError, InputError
from storyline.extract import extract
from storyline.htmlmeta import iso_date, page_title_of, person_names, read_metadata
from storyline.records import RawDocument
from storyline.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# A real-shaped news page: JSON-LD, Open Graph, a <time> tag and a dated URL that disagree on
# purpose, so the order of trust shows; the body carries a headline, dek, caption, promo list,
# newsletter box, share line and a press-release "About" block.
PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Ferry operators cut winter timetable after fuel costs jump | The Coastal Post</title>
<meta property="og:title" content="Ferry operators cut winter timetable after fuel costs jump">
<meta property="og:site_name" content="The Coastal Post">
<meta property="og:description" content="Three routes lose their evening sailings from December.">
<meta property="article:published_time" content="2024-11-02T09:15:00Z">
<meta name="author" content="Coastal Post Staff">
<link rel="canonical" href="https://coastalpost.example/business/ferry-timetable">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Ferry operators cut winter timetable after fuel costs jump",
 "datePublished": "2024-11-01T18:40:00+00:00",
 "author": [{"@type": "Person", "name": "Ines Varga"}, {"@type": "Person", "name": "Tom Beck"},
            {"@type": "Organization", "name": "The Coastal Post"}],
 "publisher": {"@type": "Organization", "name": "The Coastal Post"}}</script>
</head><body>
<nav><a href="/">Home</a> <a href="/business">Business</a></nav>
<article>
<h1>Ferry operators cut winter timetable after fuel costs jump</h1>
<h2>Three routes lose their evening sailings from December</h2>
<p class="byline">By Ines Varga and Tom Beck</p>
<time datetime="2024-10-30">30 October 2024</time>
<p>Three ferry operators on the northern coast will cut their evening sailings from December,
blaming a 40 percent rise in fuel costs since the spring, the operators said on Friday.</p>
<p>“We have run these routes at a loss for six months and we cannot do it any longer,” said
Marta Lind, chief executive of Northern Link, the largest of the three operators.</p>
<p>Island councils said the cuts would leave commuters without a way home after 6 p.m. and
asked the regional government to step in with a subsidy before the timetable changes.</p>
<p>Share on Facebook</p>
<p>Sign up for our morning newsletter and get the day's news in your inbox.</p>
<p>Northern Link said it would review the timetable again in March, when fuel contracts for the
next season are signed, and did not rule out restoring some of the sailings.</p>
<p>About Northern Link</p>
<p>Northern Link is a leading ferry company headquartered in Kessel, with 900 employees.</p>
</article>
<footer><p>© 2024 The Coastal Post. All rights reserved.</p></footer>
</body></html>
"""


def _doc(
    page: str = PAGE, url: str | None = "https://coastalpost.example/2024/10/29/ferry"
) -> RawDocument:
    metadata = {"url": url} if url else {}
    return RawDocument("ferry.html", "html", page.encode("utf-8"), metadata)


def test_html_article_body_is_cleaned() -> None:
    article = extract(_doc())
    assert article.paragraphs[0].startswith("Three ferry operators on the northern coast")
    assert article.paragraphs[-1].startswith("Northern Link said it would review the timetable")
    assert any(p.startswith("“We have run these routes at a loss") for p in article.paragraphs)
    for junk in ("Share on Facebook", "morning newsletter", "About Northern Link", "900 employees"):
        assert not any(junk in p for p in article.paragraphs), junk
    # The headline and dek are metadata, not body.
    assert not any(p.startswith("Ferry operators cut winter timetable") for p in article.paragraphs)
    rules = {removed.text: removed.rule for removed in article.removed}
    assert rules["Share on Facebook"] == "social-share"
    assert rules["About Northern Link"] == "company-boilerplate"
    assert "headline" in rules.values()


def test_html_metadata_follows_the_order_of_trust() -> None:
    article = extract(_doc(url=None))
    assert article.title == "Ferry operators cut winter timetable after fuel costs jump"
    assert article.dek == "Three routes lose their evening sailings from December."
    # JSON-LD beats <meta>, <time> and the URL; the Organization author is not a person.
    assert article.published == "2024-11-01"
    assert article.byline == "Ines Varga, Tom Beck"
    assert article.outlet == "The Coastal Post"
    assert article.url == "https://coastalpost.example/business/ferry-timetable"
    assert article.language == "en"


def test_date_falls_back_from_meta_to_time_tag_to_url() -> None:
    without_ld = PAGE.replace('"datePublished": "2024-11-01T18:40:00+00:00",', "")
    assert extract(_doc(without_ld)).published == "2024-11-02"
    without_meta = without_ld.replace('content="2024-11-02T09:15:00Z"', 'content=""')
    assert extract(_doc(without_meta)).published == "2024-10-30"
    without_time = without_meta.replace('<time datetime="2024-10-30">', "<time>")
    assert extract(_doc(without_time)).published == "2024-10-29"


def test_caller_metadata_wins_over_the_page() -> None:
    doc = RawDocument(
        "ferry.html", "html", PAGE.encode(), {"outlet": "Wire Copy", "published": "2024-12-01"}
    )
    article = extract(doc)
    assert article.outlet == "Wire Copy"
    assert article.published == "2024-12-01"


def test_fixture_page() -> None:
    article = extract(
        RawDocument("p.html", "html", (FIXTURES / "harborledger.port-reopens.html").read_bytes())
    )
    assert article.title == "Port of Halden reopens after week-long strike"
    assert article.byline == "Mira Solberg"
    assert article.published == "2023-05-12"
    assert article.outlet == "The Harbor Ledger"
    assert article.paragraphs[0].startswith("The port of Halden reopened on Friday")
    assert not any("Related:" in p or p == "Advertisement" for p in article.paragraphs)


def test_favor_setting_is_checked_and_wired() -> None:
    with pytest.raises(ConfigError, match="extract_favor"):
        extract(_doc(), settings=Settings().replace(extract_favor="everything"))
    precise = extract(_doc(), settings=Settings().replace(extract_favor="precision"))
    loose = extract(_doc(), settings=Settings().replace(extract_favor="recall"))
    assert len(loose.text) >= len(precise.text)
    # In recall mode the cleaner drops only fixed-form boilerplate.
    bio = "Northern Link is a leading ferry company headquartered in Kessel, with 900 employees."
    body = "The operators said on Friday that the cuts would start in December."
    assert clean_paragraphs([body, bio], favor="recall")[0] == (body, bio)
    assert clean_paragraphs([body, "Share on Facebook"], favor="recall")[0] == (body,)


def test_page_without_text_is_refused_with_its_name() -> None:
    empty = "<html><head><title>Nothing here</title></head><body><script>x=1</script></body></html>"
    with pytest.raises(InputError, match="ferry.html"):
        extract(_doc(empty, url=None))


# --- metadata helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("Jane Doe and John Roe", "Jane Doe, John Roe"),
        ("Reuters", None),
        ("Coastal Post Staff", None),
        ("https://example.com/authors/jane", None),
        ("Joshua Sokol May 23, 2019", "Joshua Sokol"),
        ([{"@type": "Person", "name": "Ana de Souza"}, {"@type": "Organization", "name": "X"}],
         "Ana de Souza"),
        ("肖春芳", "肖春芳"),
    ],
)  # fmt: skip
def test_person_names(value: object, names: str | None) -> None:
    assert person_names(value) == names


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2019-01-03T07:00:02.000Z", "2019-01-03T07:00:02+00:00"),
        ("2017-11-03 03:01:00.000000", "2017-11-03T03:01:00"),
        ("2021-11-01T10:52:50+0100", "2021-11-01T10:52:50+01:00"),
        ("2024-06-25", "2024-06-25"),
        ("20150710", "2015-07-10"),
        ("last Tuesday", None),
        ("2019-13-45", None),
    ],
)
def test_iso_date(value: str, iso: str | None) -> None:
    assert iso_date(value) == iso


@pytest.mark.parametrize(
    ("title", "h1", "expected"),
    [
        (
            "Port of Halden reopens after strike | Ledger",
            "x",
            "Port of Halden reopens after strike",
        ),
        ("Mozilla - Wikipedia", "Mozilla", "Mozilla - Wikipedia"),  # too little left: keep all
        ("Daring Fireball: Colophon", "About This Site", "Daring Fireball: Colophon"),
        ("Short", "The one heading of the page", "The one heading of the page"),
    ],
)
def test_page_title(title: str, h1: str, expected: str) -> None:
    tree = lxml_html.fromstring(
        f"<html><head><title>{title}</title></head><body><h1>{h1}</h1></body></html>"
    )
    assert page_title_of(tree) == expected


def test_metadata_ignores_broken_json_ld() -> None:
    page = PAGE.replace('"@type": "NewsArticle",', '"@type": "NewsArticle",,')
    meta = read_metadata(lxml_html.fromstring(page), None)
    assert meta.published == "2024-11-02T09:15:00+00:00"  # the <meta> tag, next in trust
    assert meta.headings == ("Ferry operators cut winter timetable after fuel costs jump",)


def test_strip_header_keeps_a_lede_that_doubles_as_description() -> None:
    lede = "Three routes lose their evening sailings from December, the operators said."
    lines, removed = strip_header([lede, "More body."], ["Some headline here today"], lede)
    assert lines == [lede, "More body."]
    assert removed == ()
    dek = "A standfirst that the page also gives as its description"
    lines, removed = strip_header(
        ["Business", "Some headline here today", dek, lede], ["Some headline here today"], dek
    )
    assert lines == [lede]
    assert [r.rule for r in removed] == ["kicker", "headline", "dek"]
