"""Regressions for the bugs the hostile-input corpus found (tests/hostile/; case named on each)."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from pathlib import Path

import pytest

from conftest import FIXTURES
from storyline.analyze.nlp import load_nlp
from storyline.errors import InputError
from storyline.extract import extract, normalize_date, printable_source
from storyline.ingest import expand_inputs, read_input
from storyline.ingest.feeds import read_feed
from storyline.records import RawDocument
from storyline.settings import Settings

TEXT = (FIXTURES / "wire.port-strike.txt").read_text(encoding="utf-8")


def _line(text: str) -> bytes:
    return json.dumps({"title": "Port strike", "text": text}).encode() + b"\n"


def test_every_gzip_member_is_read(tmp_path: Path) -> None:
    """gzip two-members.jsonl.gz: the second member of `cat a.gz b.gz` was silently dropped."""
    path = tmp_path / "two.jsonl.gz"
    path.write_bytes(gzip.compress(_line("one body.")) + gzip.compress(_line("two body.")))
    items = list(read_input(str(path)))
    assert [i.source for i in items] == [f"{path}:1", f"{path}:2"]
    assert all(isinstance(i, RawDocument) for i in items)


def test_gzip_bomb_members_are_capped(tmp_path: Path) -> None:
    """bomb bomb-10gb.jsonl.gz: 100 members of 100 MB of zeros stop at the size limit."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    member = comp.compress(bytes(2_000_000)) + comp.flush()
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(member * 10)
    [error] = list(read_input(str(path), max_bytes=5_000_000))
    assert isinstance(error, InputError) and "decompresses to more than" in error.reason


def test_empty_warc_is_an_error_not_silence(tmp_path: Path) -> None:
    """empty blank0.warc and warc-truncated cut-first-1.warc gave neither article nor error."""
    for data in (b"", b"W", b"\n\n"):
        path = tmp_path / "x.warc"
        path.write_bytes(data)
        [error] = list(read_input(str(path)))
        assert isinstance(error, InputError) and error.source == str(path)


def test_warc_gzip_bomb_stops_after_the_good_records(tmp_path: Path) -> None:
    """bomb bomb-raw.warc.gz: a member inflating to 1 GB of zeros ran past the time budget."""
    crawl = (FIXTURES / "archive" / "crawl.warc.gz").read_bytes()
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = comp.compress(b"WARC/1.0\r\n") + comp.compress(bytes(200 << 20)) + comp.flush()
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(crawl + bomb)
    items = list(read_input(str(path)))
    assert sum(isinstance(i, RawDocument) for i in items) == 2  # the crawl's two pages
    assert isinstance(items[-1], InputError) and "decompression bomb" in items[-1].reason


def test_feed_element_with_many_attributes_is_refused() -> None:
    """feed-broken attrs.rss: 50,000 attributes cost Python's SAX minutes (quadratic)."""
    data = b"<rss><channel><item " + b" ".join(b'a%d="v"' % i for i in range(5000)) + b"/>"
    [error] = list(read_feed("attrs.rss", data + b"</channel></rss>"))
    assert isinstance(error, InputError) and "attributes" in error.reason


def test_feed_entry_with_out_of_range_date_is_an_error() -> None:
    """feed-date date-5.rss: a pubDate feedparser turns into year -1 crashed the batch."""
    item = (
        "<item><title>t</title><pubDate>Tue, 03 Dec 0000 10:00:00 GMT</pubDate>"
        "<description>x</description></item>"
    )
    for entry in read_feed("d.rss", f"<rss><channel>{item}</channel></rss>".encode()):
        assert isinstance(entry, InputError | RawDocument)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00-01:00", "9999-12-31", "0001-01-01", "2999-01-01"]
)
def test_implausible_publication_dates_are_refused(value: str) -> None:
    """jsonl-date date-13.jsonl: year 1 crashed the timeline (date arithmetic to year 0)."""
    with pytest.raises(InputError, match="not a plausible date"):
        normalize_date(value, "x")


def test_long_texts_are_refused_before_nlp() -> None:
    """big one-10mb-line.txt: spaCy raised E088 (text over 1,000,000 characters)."""
    doc = RawDocument("long.txt", "text", (TEXT + "\n" + "word " * 30_000).encode(), {})
    with pytest.raises(InputError, match="max_article_chars"):
        extract(doc, settings=Settings(max_article_chars=100_000))


def test_pages_with_too_many_elements_are_refused() -> None:
    """html tiny-paras.html: 50,000 paragraphs took over a minute to extract."""
    page = b"<html><body>" + b"<p>a</p>" * 2000 + b"</body></html>"
    doc = RawDocument("p.html", "html", page, {})
    with pytest.raises(InputError, match="max_page_elements"):
        extract(doc, settings=Settings(max_page_elements=1000))


def test_tokenizer_keeps_text_and_offsets_on_long_runs() -> None:
    """deep deep-quotes.txt: 5,000 “ in a row cost spaCy's tokenizer 44 s (quadratic)."""
    nlp = load_nlp()
    text = "He said “" + "“" * 3000 + "a” then left. " + "x" * 250
    doc = nlp.make_doc(text)
    assert doc.text == text
    assert max(len(t.text) for t in doc) <= 100


def test_file_names_that_are_not_utf8_or_too_long(tmp_path: Path) -> None:
    """path latin1-caf\\xe9.txt crashed the store; a 254-byte name crashed the sidecar lookup."""
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(TEXT.encode())
    name = os.fsdecode(raw)
    assert printable_source(name).endswith("caf\\xe9.txt")
    long_name = tmp_path / ("x" * 250 + ".txt")
    long_name.write_text(TEXT, encoding="utf-8")
    found = list(expand_inputs([str(tmp_path)]))
    assert str(long_name) in found and name in found
    [doc] = list(read_input(str(long_name)))
    assert isinstance(doc, RawDocument)


def test_empty_directory_and_fifo_are_reported(tmp_path: Path) -> None:
    """path empty-dir and fifo-arg: nothing was said about them."""
    empty = tmp_path / "empty"
    empty.mkdir()
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    errors = list(expand_inputs([str(empty), str(fifo)]))
    assert [e.source for e in errors if isinstance(e, InputError)] == [str(empty), str(fifo)]


def test_warc_reader_writes_no_raw_record_bytes_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """binary blob-sqlite.warc: warcio echoed hostile record bytes (escapes) to stderr."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>x</body></html>"
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/a b\x1b[31m\r\n"
        b"Content-Length: %d\r\n\r\n" % (len(http) - 20)
    )
    path = tmp_path / "noisy.warc"
    path.write_bytes(head + http + b"\r\n\r\n" + b"\x1b[2J garbage\r\n" * 3)
    items = list(read_input(str(path)))
    assert any(isinstance(i, InputError) for i in items)
    assert capsys.readouterr().err == ""
