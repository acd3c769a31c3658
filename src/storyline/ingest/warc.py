"""WARC reader: stream an archive's HTML responses as RawDocuments, record by record.

Only HTTP ``response`` records whose payload is HTML become documents; other
records (warcinfo, request, metadata, revisit, images, 404s) are skipped and
counted by reason. A record that is itself broken (bad HTTP head, payload cut
short, binary bytes labelled HTML) is reported as an InputError naming the
record; damage to the archive framing (truncated gzip, a wrong Content-Length
that leaves the reader off a record boundary) ends the archive with an error
naming the byte offset, after every earlier record has been yielded. Memory
stays bounded by one record (capped at ``max_bytes``), whatever the archive size,
and a gzip bomb (an archive inflating over 100x) is stopped the same way.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..errors import InputError
from ..records import RawDocument

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_READ = 1 << 16
# A gzip bomb (zeros inflate ~1000x) is stopped once the archive has inflated past
# INFLATE_FREE bytes and past INFLATE_RATIO times what was read; HTML inflates ~5-10x.
INFLATE_RATIO = 100
INFLATE_FREE = 64 << 20


class _NoRawUris(logging.Filter):
    """Drop warcio's warning that echoes a record's raw Target-URI bytes (terminal escapes)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Replacing spaces in invalid WARC-Target-URI")


logging.getLogger("warcio.recordloader").addFilter(_NoRawUris())


@dataclass(frozen=True, slots=True)
class WarcPage:
    """Where one HTML response sits in an archive (for feeds that link into it)."""

    path: str
    offset: int


def is_warc(head: bytes) -> bool:
    """True when (decompressed) leading bytes are a WARC record header."""
    return head.lstrip(b"\r\n").startswith(b"WARC/")


def read_warc(
    name: str,
    max_bytes: int = 50_000_000,
    skipped: Counter[str] | None = None,
) -> Iterator[RawDocument | InputError]:
    """Stream the HTML responses of a WARC (plain or gzip per record) as RawDocuments."""
    try:
        fh = open(name, "rb")  # noqa: SIM115 - closed below; the generator owns it
    except OSError as exc:
        yield InputError(name, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        yield from read_warc_stream(name, fh, max_bytes, skipped)


def read_warc_stream(
    name: str,
    stream: BinaryIO,
    max_bytes: int = 50_000_000,
    skipped: Counter[str] | None = None,
) -> Iterator[RawDocument | InputError]:
    """Stream the HTML responses of an open WARC stream (see :func:`read_warc`)."""
    counts: Counter[str] = skipped if skipped is not None else Counter()
    records = _archive(stream)
    number = 0
    try:
        for record in records:
            if record.rec_type is None:  # what warcio makes of trailing blank lines
                continue
            number += 1
            item = _document(name, number, record, max_bytes, counts)
            if item is not None:
                yield item
    except Exception as exc:  # warcio raises assorted errors on damaged framing
        where = f"after record {number}" if number else "at its start"
        yield InputError(name, f"damaged WARC {where} (byte {records.offset}): {_reason(exc)}")
        return
    if number == 0:
        yield InputError(name, "no WARC records (empty, or cut before its first record)")


class _Inflation(Exception):
    """The archive inflates like a decompression bomb."""


class _Guarded:
    """The compressed stream under warcio, refusing to feed a reader that inflates too much."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.taken = 0
        self.reader: Any = None

    def read(self, size: int = -1) -> bytes:
        inflated = self.reader.num_read if self.reader is not None else 0
        if inflated > INFLATE_FREE and inflated > INFLATE_RATIO * self.taken:
            raise _Inflation(
                f"{inflated} bytes inflated from {self.taken}: over {INFLATE_RATIO}x "
                "(a decompression bomb?); the rest of the archive is not read"
            )
        data = self.raw.read(size)
        self.taken += len(data)
        return data

    def tell(self) -> int:
        return self.raw.tell()


def _archive(stream: BinaryIO) -> Any:
    """A warcio ArchiveIterator that is quiet and stops gzip bombs."""
    from warcio.archiveiterator import ArchiveIterator

    guarded = _Guarded(stream)
    records = ArchiveIterator(guarded, no_record_parse=True, arc2warc=True)
    guarded.reader = records.reader
    # warcio writes a warning with raw record bytes to stderr on a bad Content-Length;
    # the damage is reported as an InputError instead
    records.INC_RECORD = ""
    return records


def read_warc_record(
    page: WarcPage, source: str, max_bytes: int = 50_000_000
) -> RawDocument | InputError:
    """Read the one response record at ``page.offset`` (an index entry from :func:`html_index`)."""

    counts: Counter[str] = Counter()
    try:
        with open(page.path, "rb") as fh:
            fh.seek(page.offset)
            for record in _archive(fh):
                item = _document(source, 1, record, max_bytes, counts)
                if item is None:
                    return InputError(source, f"{page.path}: record skipped ({next(iter(counts))})")
                return item
    except Exception as exc:
        return InputError(source, f"{page.path}: cannot read record: {_reason(exc)}")
    return InputError(source, f"{page.path}: no record at byte {page.offset}")


def html_index(path: str) -> dict[str, WarcPage]:
    """Target URI -> location of every HTML response in an archive (headers only are read)."""

    found: dict[str, WarcPage] = {}
    try:
        with open(path, "rb") as fh:
            records = _archive(fh)
            for record in records:
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and uri and uri not in found:
                    found[uri] = WarcPage(path, records.get_record_offset())
    except Exception:  # a damaged tail: keep what was indexed, reading it reports the damage
        pass
    return found


def _document(
    name: str, number: int, record: Any, max_bytes: int, counts: Counter[str]
) -> RawDocument | InputError | None:
    """One record -> a RawDocument, an InputError naming it, or None when skipped (counted)."""
    from warcio.recordloader import ArcWarcRecordLoader

    if record.rec_type != "response":
        counts[f"{record.rec_type} record"] += 1
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    source = f"{name}#{uri or number}"
    if not uri.startswith(("http:", "https:")):
        counts["non-HTTP response (" + (uri.split(":", 1)[0] or "no URI") + ")"] += 1
        return None
    try:
        record.http_headers = ArcWarcRecordLoader().http_parser.parse(record.raw_stream)
    except Exception as exc:
        return InputError(source, f"response record without a valid HTTP head: {_reason(exc)}")
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        counts[f"HTTP status {status or 'missing'}"] += 1
        return None
    ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        counts[f"not HTML ({ctype})"] += 1
        return None
    try:
        payload = _read_payload(record, max_bytes)
    except InputError as exc:
        return InputError(source, exc.reason)
    except Exception as exc:  # undecodable chunked / content-encoded payloads
        return InputError(source, f"cannot decode the HTTP payload: {_reason(exc)}")
    if not ctype and not _looks_html(payload):
        counts["not HTML (no Content-Type)"] += 1
        return None
    if b"\x00" in payload[:65536]:
        return InputError(source, "binary content (NUL bytes) in a record labelled HTML")
    if not payload.strip():
        return InputError(source, "empty HTML payload")
    metadata = {"url": uri}
    fetched = record.rec_headers.get_header("WARC-Date")
    if fetched:
        metadata["fetched"] = fetched
    return RawDocument(source=source, content_type="html", content=payload, metadata=metadata)


def _read_payload(record: Any, max_bytes: int) -> bytes:
    """The decoded HTTP payload, refusing oversize bodies and bodies cut short."""
    stream = record.content_stream()
    parts: list[bytes] = []
    size = 0
    while chunk := stream.read(_READ):
        size += len(chunk)
        if size > max_bytes:
            raise InputError("", f"payload over {max_bytes} bytes")
        parts.append(chunk)
    left = getattr(record.raw_stream, "limit", 0)
    if left:
        raise InputError("", f"record cut short: {left} bytes of its Content-Length are missing")
    return b"".join(parts)


def _looks_html(payload: bytes) -> bool:
    head = payload[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in payload[:65536].lower()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, _Inflation):
        return str(exc)
    if isinstance(exc, zlib.error | EOFError):
        return f"truncated or corrupt gzip data ({exc or type(exc).__name__})"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__
