"""RSS/Atom feeds: entries become articles (content, or the linked page found locally).

Fixtures in tests/fixtures/archive/ are excerpts of real AEB pages (sciencealert.com,
panarmenian.net; see tests/fixtures/build_archive.py for the exact sources).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from storyline.errors import InputError
from storyline.extract import extract
from storyline.ingest import read_input
from storyline.ingest.feeds import html_paragraphs, is_feed, read_feed
from storyline.records import RawDocument

ARCHIVE = FIXTURES / "archive"
FEED = ARCHIVE / "science-wire.rss"
EUROPA_URL = "https://www.sciencealert.com/nasa-finds-water-plumes-above-the-surface-of-jupiter-s-icy-moon-europa"

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Fixture Atom Desk</title>
  <id>urn:fixture</id><updated>2019-11-19T10:00:00Z</updated>
  <entry>
    <title>Scientists map Titan</title><id>urn:e1</id>
    <link href="https://example.org/titan"/>
    <updated>2019-11-19T10:00:00Z</updated>
    <content type="html">&lt;p&gt;WASHINGTON (Reuters) - Scientists on Monday unveiled the first
      global geological map of Saturn's moon Titan.&lt;/p&gt;&lt;p&gt;The map shows plains
      and dunes.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def _items(path: Path) -> list[RawDocument | InputError]:
    return list(read_input(str(path)))


def test_rss_entries_use_content_then_archived_page_then_local_file() -> None:
    items = _items(FEED)
    assert [type(i).__name__ for i in items] == [
        "RawDocument",
        "RawDocument",
        "RawDocument",
        "InputError",
    ]
    titan, europa, armenia, teaser = items
    assert isinstance(titan, RawDocument) and titan.content_type == "text"
    assert titan.metadata["outlet"] == "Fixture Science Wire"
    assert titan.metadata["published"] == "2019-11-19T10:00:00+00:00"
    assert isinstance(europa, RawDocument) and europa.content_type == "html"
    assert europa.metadata["url"] == EUROPA_URL  # found inside crawl.warc.gz next to the feed
    assert isinstance(armenia, RawDocument) and armenia.content_type == "html"
    assert b"protesters" in armenia.content  # the saved page named in manifest.jsonl
    assert isinstance(teaser, InputError)
    assert teaser.source == f"{FEED}#4"
    assert "not available locally" in teaser.reason
    assert "6-word summary" in teaser.reason


def test_feed_entries_extract_to_articles_with_feed_outlet() -> None:
    docs = [i for i in _items(FEED) if isinstance(i, RawDocument)]
    titan, europa, armenia = (extract(d) for d in docs)
    assert titan.title == "We Finally Have a Global Geological Map of Saturn's Moon Titan"
    assert titan.text.startswith("WASHINGTON (Reuters) - Scientists on Monday unveiled")
    assert europa.title.startswith("NASA Just Confirmed There Are Water Plumes")
    assert "Goddard Space Flight Center" in europa.text
    assert "Amnesty" in armenia.title
    assert {a.outlet for a in (titan, europa, armenia)} == {"Fixture Science Wire"}
    assert europa.published == "2019-11-18T09:00:00+00:00"  # the entry's date wins


def test_atom_feed_is_sniffed_without_an_extension(tmp_path: Path) -> None:
    path = tmp_path / "desk"
    path.write_bytes(ATOM)
    assert is_feed(ATOM)
    [doc] = _items(path)
    assert isinstance(doc, RawDocument)
    article = extract(doc)
    assert article.outlet == "Fixture Atom Desk"
    assert article.paragraphs[1] == "The map shows plains and dunes."


@pytest.mark.parametrize(
    "prolog",
    [
        # billion laughs: nested entities expanding to gigabytes
        '<!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
        # an external entity reading a local file
        '<!DOCTYPE rss [\n<!ENTITY secret SYSTEM "file:///etc/passwd">\n]>',
    ],
)
def test_feeds_declaring_entities_are_refused(prolog: str) -> None:
    data = (
        '<?xml version="1.0"?>' + prolog + "<rss><channel><title>&c;&secret;</title>"
        "<item><title>x</title><description>&c;</description></item></channel></rss>"
    ).encode()
    [error] = list(read_feed("evil.rss", data))
    assert isinstance(error, InputError)
    assert error.source == "evil.rss"
    assert "declares XML entities" in error.reason


def test_broken_feed_xml_is_reported_and_recovered_entries_go_in(tmp_path: Path) -> None:
    data = FEED.read_bytes()
    cut = data[: data.index(b"<item><title>A teaser only")] + b"<item><title>Cut"
    path = tmp_path / "cut.rss"
    path.write_bytes(cut)
    items = _items(path)
    errors = [i for i in items if isinstance(i, InputError)]
    assert errors[0].source == str(path)
    assert errors[0].reason.startswith("broken feed XML")
    recovered = [i for i in items if isinstance(i, RawDocument)]
    assert recovered and recovered[0].metadata["title"].startswith("We Finally Have")


def test_undecodable_feed_bytes_are_reported(tmp_path: Path) -> None:
    data = ATOM.replace(b"Saturn's moon", b"Saturn\xff\xfe moon")
    path = tmp_path / "bad.atom"
    path.write_bytes(data)
    items = _items(path)
    errors = [i for i in items if isinstance(i, InputError)]
    assert errors and errors[0].source == str(path)
    assert "broken feed XML" in errors[0].reason
    assert any(isinstance(i, RawDocument) for i in items)  # the entry still goes in


def test_feed_without_local_pages_fails_entries_by_name(tmp_path: Path) -> None:
    shutil.copy(FEED, tmp_path / "alone.rss")
    items = _items(tmp_path / "alone.rss")
    failed = [i.source for i in items if isinstance(i, InputError)]
    assert failed == [f"{tmp_path / 'alone.rss'}#{n}" for n in (2, 3, 4)]


def test_empty_feed_is_an_error() -> None:
    [error] = list(read_feed("empty.rss", b"<rss><channel><title>T</title></channel></rss>"))
    assert isinstance(error, InputError) and error.reason == "feed has no entries"


def test_html_paragraphs_break_on_blocks_and_br() -> None:
    html = "<p>One <b>bold</b> line.</p>Loose<br>text<ul><li>item</li></ul><script>x()</script>"
    assert html_paragraphs(html) == ["One bold line.", "Loose", "text", "item"]
