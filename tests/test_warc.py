"""WARC archives: HTML responses become articles; other records are skipped and counted.

tests/fixtures/archive/crawl.warc.gz holds excerpts of two real AEB pages (sciencealert.com;
see tests/fixtures/build_archive.py) plus request, warcinfo, image, 404 and dns records.
Damaged copies are made from it in a temporary folder.
"""

from __future__ import annotations

import gzip
import io
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from conftest import FIXTURES
from storyline.app.cli import app
from storyline.errors import InputError
from storyline.extract import extract
from storyline.ingest import read_input
from storyline.ingest.warc import read_warc_stream
from storyline.records import RawDocument

CRAWL = FIXTURES / "archive" / "crawl.warc.gz"
EXPECTED_SKIPS = {
    "warcinfo record": 1,
    "request record": 2,
    "not HTML (image/png)": 1,
    "HTTP status 404": 1,
    "non-HTTP response (dns)": 1,
}
EUROPA = "nasa-finds-water-plumes-above-the-surface-of-jupiter-s-icy-moon-europa"
TITAN = "we-finally-have-a-global-geological-map-of-saturn-s-moon-titan"


def _read(path: Path) -> tuple[list[RawDocument | InputError], Counter[str]]:
    skipped: Counter[str] = Counter()
    return list(read_input(str(path), skipped=skipped)), skipped


def test_html_responses_become_documents_and_the_rest_is_counted() -> None:
    items, skipped = _read(CRAWL)
    assert [type(i).__name__ for i in items] == ["RawDocument", "RawDocument"]
    assert dict(skipped) == EXPECTED_SKIPS
    europa = items[0]
    assert isinstance(europa, RawDocument)
    assert europa.source == f"{CRAWL}#https://www.sciencealert.com/{EUROPA}"
    assert europa.metadata == {
        "url": f"https://www.sciencealert.com/{EUROPA}",
        "fetched": "2019-12-01T08:30:00Z",
    }


def test_archived_pages_extract_with_url_site_name_and_date() -> None:
    items, _ = _read(CRAWL)
    europa, titan = (extract(i) for i in items if isinstance(i, RawDocument))
    assert europa.url == f"https://www.sciencealert.com/{EUROPA}"
    assert europa.outlet == "ScienceAlert"
    assert "Goddard Space Flight Center" in europa.text
    assert (
        titan.title
        == "The First Map of Saturn's Moon Titan Just Revealed Some Tantalising Features"
    )
    assert europa.published is not None and titan.published is not None


def test_uncompressed_warc_is_sniffed_without_extension(tmp_path: Path) -> None:
    plain = tmp_path / "crawl-dump"
    plain.write_bytes(gzip.decompress(CRAWL.read_bytes()))
    items, skipped = _read(plain)
    assert len(items) == 2 and all(isinstance(i, RawDocument) for i in items)
    assert dict(skipped) == EXPECTED_SKIPS


def test_truncated_gzip_keeps_earlier_records_and_names_the_cut_one(tmp_path: Path) -> None:
    data = CRAWL.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.55)])
    items, _ = _read(cut)
    assert isinstance(items[0], RawDocument)
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(errors) == 1
    assert errors[0].source.startswith(f"{cut}#https://www.sciencealert.com/")
    assert "cut short" in errors[0].reason


def test_wrong_record_length_is_reported_after_the_good_records(tmp_path: Path) -> None:
    raw = gzip.decompress(CRAWL.read_bytes())
    first = raw.index(b"WARC-Type: response")
    second = raw.index(b"WARC-Type: response", first + 1)
    start = raw.index(b"Content-Length: ", second)
    end = raw.index(b"\r\n", start)
    length = int(raw[start + 16 : end])
    bad = tmp_path / "bad-length.warc"
    bad.write_bytes(raw[:start] + b"Content-Length: %d" % (length - 300) + raw[end:])
    items, _ = _read(bad)
    assert isinstance(items[0], RawDocument)  # the record before the damage
    assert isinstance(items[-1], InputError)
    assert items[-1].source == str(bad)
    assert items[-1].reason.startswith("damaged WARC after record")


def _record(uri: str, http: bytes) -> bytes:
    """One WARC response record, written out by hand."""
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2019-12-03T10:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def test_binary_bytes_labelled_html_are_reported_by_record(tmp_path: Path) -> None:
    path = tmp_path / "binary.warc"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>\x00\x01\xff\xfe</html>"
    path.write_bytes(_record("https://example.org/x", http) + gzip.decompress(CRAWL.read_bytes()))
    items, _ = _read(path)
    error = items[0]
    assert isinstance(error, InputError)
    assert error.source == f"{path}#https://example.org/x"
    assert "NUL bytes" in error.reason
    assert sum(isinstance(i, RawDocument) for i in items) == 2  # the rest still goes in


def test_response_without_a_valid_http_head_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nohttp.warc"
    path.write_bytes(_record("https://example.org/y", b"<html><body>no status line</body></html>"))
    [error] = _read(path)[0]
    assert isinstance(error, InputError)
    assert error.source == f"{path}#https://example.org/y"
    assert "without a valid HTTP head" in error.reason


def test_reading_streams_record_by_record() -> None:
    """The first document arrives before the archive has been read to its end."""

    class Counting(io.BytesIO):
        consumed = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            Counting.consumed += len(chunk)
            return chunk

    data = CRAWL.read_bytes() * 20  # gzip members concatenate: a 20-times longer archive
    stream = Counting(data)
    first = next(read_warc_stream("crawl", stream))
    assert isinstance(first, RawDocument)
    assert Counting.consumed < len(data) / 4


def test_cli_ingests_a_warc_and_reports_skips(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    result = CliRunner().invoke(
        app, ["ingest", str(CRAWL), "--db", str(db), "--workers", "1", "-q"]
    )
    assert result.exit_code == 0, result.stderr
    assert "2 new, 0 already stored, 0 failed" in result.stdout
    assert "skipped 6 records (not articles)" in result.stderr
    assert "HTTP status 404: 1" in result.stderr
