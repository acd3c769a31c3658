"""Readers: turn input files, directories, globs and stdin into RawDocuments.

Dispatch is by extension, else by sniffing the first bytes: JSONL, RSS/Atom feeds
(feeds.py), WARC archives (warc.py, streamed, never read whole), HTML, plain text.

Each input yields RawDocuments or InputErrors (one bad line in a JSONL file does
not stop the others). Metadata for plain text comes from, in rising order of
trust: a ``manifest.jsonl`` in the file's folder, a ``NAME.txt.json`` sidecar,
then the options given by the caller (``--outlet``/``--published``/``--url``).
"""

from __future__ import annotations

import functools
import glob
import io
import json
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Literal

from ..errors import InputError
from ..records import ContentType, RawDocument
from .feeds import FEED_SUFFIXES, is_feed, read_feed
from .warc import WARC_SUFFIXES, is_warc, read_warc, read_warc_stream

METADATA_KEYS = ("id", "url", "outlet", "title", "published")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz")
TEXT_SUFFIXES = (".txt", ".text", ".md", "")
MANIFEST = "manifest.jsonl"
STDIN = "-"
_LINE_END_RE = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


def expand_inputs(paths: list[str]) -> Iterator[str | InputError]:
    """Expand files, directories (recursive, sorted) and globs into input names; '-' is stdin."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        path = Path(raw)
        if os.path.isdir(raw):
            found = sorted(p for p in path.rglob("*") if _is_file(p) and _wanted(p))
            if not found:
                yield InputError(raw, "no input files in this directory (hidden files skipped)")
            root = path.resolve()
            for p in found:
                if p.resolve().is_relative_to(root):
                    yield str(p)
                else:  # a link out of the folder (e.g. to /etc/passwd) is not silently read
                    yield InputError(
                        str(p),
                        "symbolic link to a file outside the input directory, skipped "
                        "(name the file itself to read it)",
                    )
        elif _is_file(path):
            yield str(path)
        elif glob.has_magic(raw):
            matches = sorted(m for m in glob.glob(raw, recursive=True) if os.path.isfile(m))
            if not matches:
                yield InputError(raw, "no file matches this pattern")
            yield from (m for m in matches if _wanted(Path(m)))
        elif os.path.lexists(raw):
            yield InputError(raw, "not a regular file (a FIFO, device, socket or broken link)")
        else:
            yield InputError(raw, "no such file or directory")


def _wanted(path: Path) -> bool:
    """Skip hidden files, sidecars and manifests when walking a directory."""
    name = path.name
    if any(part.startswith(".") for part in path.parts[-1:]):
        return False
    if name == MANIFEST:
        return False
    return not (name.endswith(".json") and _is_file(path.with_suffix("")))


def _is_file(path: Path) -> bool:
    """Path.is_file, but False (not OSError) for a name the file system refuses (too long)."""
    try:
        return path.is_file()
    except OSError:
        return False


def read_input(
    name: str,
    options: Mapping[str, str] | None = None,
    stdin: BinaryIO | None = None,
    max_bytes: int = 50_000_000,
    skipped: Counter[str] | None = None,
) -> Iterator[RawDocument | InputError]:
    """Read one input (a path or '-') into RawDocuments, or InputErrors naming it.

    WARC archives are streamed record by record (never read whole); records that
    are not HTML responses are counted by reason in ``skipped``.
    """
    options = {k: v for k, v in (options or {}).items() if v}
    if name != STDIN and _is_warc_file(name):
        yield from _with_options(read_warc(name, max_bytes, skipped), options)
        return
    try:
        data = _read_bytes(name, stdin, max_bytes)
    except InputError as exc:
        yield exc
        return
    kind = _kind(name, data)
    if kind == "jsonl":
        yield from read_jsonl(name, data, options)
        return
    if kind == "warc":  # only from stdin: files are streamed above
        stream = read_warc_stream(name, io.BytesIO(data), max_bytes, skipped)
        yield from _with_options(stream, options)
        return
    if kind == "feed":
        yield from _with_options(read_feed(name, data, max_bytes), options)
        return
    if not data.strip():
        yield InputError(name, "empty input (no bytes other than white space)")
        return
    metadata = {} if name == STDIN else sidecar_metadata(Path(name))
    metadata.update(options)
    yield RawDocument(source=name, content_type=kind, content=data, metadata=metadata)


def _read_bytes(name: str, stdin: BinaryIO | None, max_bytes: int) -> bytes:
    try:
        if name == STDIN:
            if stdin is None:
                raise InputError(name, "standard input is not available")
            data = stdin.read(max_bytes + 1)
        else:
            size = os.path.getsize(name)
            if size > max_bytes:
                raise InputError(name, f"too large: {size} bytes (limit {max_bytes})")
            with open(name, "rb") as fh:
                data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise InputError(name, f"too large: over {max_bytes} bytes")
    if name.endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = _gunzip(name, data, max_bytes)
    return data


def _gunzip(name: str, data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip, every member (``cat a.gz b.gz``), with an output cap (no bombs)."""
    parts: list[bytes] = []
    size = 0
    while True:
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = decomp.decompress(data, max_bytes - size + 1)
        except zlib.error as exc:
            raise InputError(name, f"corrupt gzip data: {exc}") from exc
        size += len(out)
        if size > max_bytes or decomp.unconsumed_tail:
            raise InputError(name, f"decompresses to more than {max_bytes} bytes")
        if not decomp.eof:
            raise InputError(name, "truncated gzip data (the compressed stream ends early)")
        parts.append(out)
        data = decomp.unused_data
        if data[:2] != b"\x1f\x8b":  # the end (trailing bytes are ignored, as gunzip does)
            return b"".join(parts)


def _with_options(
    items: Iterator[RawDocument | InputError], options: Mapping[str, str]
) -> Iterator[RawDocument | InputError]:
    """The caller's options win over what a feed entry or archive record says."""
    for item in items:
        if isinstance(item, RawDocument) and options:
            item = replace(item, metadata={**item.metadata, **options})
        yield item


def _is_warc_file(name: str) -> bool:
    """A WARC by its extension, or by its first bytes (also gzip-compressed)."""
    if name.lower().endswith(WARC_SUFFIXES):
        return True
    try:
        with open(name, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return False  # reported by the normal read
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return is_warc(head)


def _kind(name: str, data: bytes) -> ContentType | Literal["jsonl", "feed", "warc"]:
    lower = name.lower()
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(FEED_SUFFIXES) or is_feed(data[:4096]):
        return "feed"
    if is_warc(data[:64]):
        return "warc"
    head = data[:2048].lstrip().lower()
    if name == STDIN and head.startswith(b"{"):
        return "jsonl"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or (
        head.startswith(b"<") and b"<body" in data[:65536].lower()
    ):
        return "html"
    return "text"


def sidecar_metadata(path: Path) -> dict[str, str]:
    """Metadata for a file from its folder's manifest.jsonl, then its NAME.ext.json sidecar."""
    metadata: dict[str, str] = {}
    manifest = path.parent / MANIFEST
    if _is_file(manifest):
        stat = manifest.stat()
        entries = _manifest_entries(str(manifest), stat.st_mtime_ns, stat.st_size)
        if isinstance(entries, tuple):  # a broken line: which file it meant is unknown
            raise InputError(*entries)
        for number, entry in entries.get(path.name, ()):
            metadata.update(_metadata(entry, f"{manifest}:{number}"))
    sidecar = path.with_name(path.name + ".json")
    if _is_file(sidecar):
        try:
            entry = json.loads(sidecar.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(str(sidecar), f"invalid JSON sidecar: {exc}") from exc
        metadata.update(_metadata(entry, str(sidecar)))
    return metadata


@functools.lru_cache(maxsize=16)
def _manifest_entries(
    manifest: str, mtime_ns: int, size: int
) -> dict[str, list[tuple[int, dict[str, Any]]]] | tuple[str, str]:
    """A manifest's entries by file name with their line numbers, read once per version of
    the file (a folder of n files is not n reads of it), or (source, reason) of its first
    line that is not JSON."""
    entries: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    # as in read_jsonl: U+2028 inside a JSON string is not a line end
    lines = _LINE_END_RE.split(Path(manifest).read_text(encoding="utf-8"))
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            return f"{manifest}:{number}", f"invalid JSON: {exc.msg}"
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            entries.setdefault(entry["file"], []).append((number, entry))
    return entries


def _metadata(entry: object, source: str) -> dict[str, str]:
    """The known metadata keys of a JSON object, each checked to be a string."""
    if not isinstance(entry, dict):
        raise InputError(source, "expected a JSON object")
    found: dict[str, str] = {}
    for key in METADATA_KEYS:
        value = entry.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(source, f"field {key!r} must be a string, not {type(value).__name__}")
        _utf8(value, source, key)
        found[key] = value
    return found


def _utf8(value: str, source: str, key: str) -> bytes:
    """``value`` as UTF-8; a lone surrogate (JSON allows "\\ud800") is refused, naming the field."""
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            source, f"field {key!r} holds an unpaired surrogate at character {exc.start}"
        ) from exc


def read_jsonl(
    name: str, data: bytes, options: Mapping[str, str] | None = None
) -> Iterator[RawDocument | InputError]:
    """Each JSONL line: {id?, url?, outlet?, title?, published?, text | html}."""
    # Lines end at CR, LF or CRLF only: str.splitlines would also cut at U+2028, U+0085
    # and other separators that a JSON string may hold raw, splitting one record in two.
    # Each line is decoded on its own: one line of bad bytes does not cost the others.
    lines: list[str | UnicodeDecodeError] = []
    for raw in _LINE_END_BYTES.split(data.removeprefix(b"\xef\xbb\xbf")):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            lines.append(exc)
    bad = [line for line in lines if isinstance(line, UnicodeDecodeError)]
    if bad and len(bad) * 2 > sum(1 for line in lines if not isinstance(line, str) or line.strip()):
        yield InputError(name, f"not UTF-8 JSONL: {bad[0].reason} in {len(bad)} line(s)")
        return
    if not any(isinstance(line, str) and line.strip() for line in lines):
        yield InputError(name, "empty JSONL file (no records)")
        return
    for number, line in enumerate(lines, 1):
        source = f"{name}:{number}"
        if isinstance(line, UnicodeDecodeError):
            yield InputError(source, f"not UTF-8: {line.reason} at byte {line.start} of the line")
            continue
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(source, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        except ValueError as exc:  # e.g. an integer over Python's 4300-digit limit
            yield InputError(source, f"invalid JSON: {str(exc)[:120]}")
            continue
        except RecursionError:
            yield InputError(source, "invalid JSON: nested too deeply")
            continue
        try:
            metadata = _metadata(entry, source)
        except InputError as exc:
            yield exc
            continue
        assert isinstance(entry, dict)
        metadata.update(options or {})
        try:
            kind, content = _content(entry, source)
        except InputError as exc:
            yield exc
            continue
        yield RawDocument(source, kind, content, metadata)


def _content(entry: dict[str, object], source: str) -> tuple[ContentType, bytes]:
    """A JSONL record's body as (type, UTF-8 bytes): its 'html' if any, else its 'text'."""
    html, text = entry.get("html"), entry.get("text")
    if isinstance(html, str) and html.strip():
        return "html", _utf8(html, source, "html")
    if isinstance(text, str) and text.strip():
        return "text", _utf8(text, source, "text")
    if html is not None and not isinstance(html, str):
        raise InputError(source, f"field 'html' must be a string, not {type(html).__name__}")
    if text is not None and not isinstance(text, str):
        raise InputError(source, f"field 'text' must be a string, not {type(text).__name__}")
    raise InputError(source, "record has no 'text' or 'html' content")


def _bomless_utf16(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on one side of most byte pairs, as in
    mostly-Latin UTF-16 text saved without a byte-order mark; None for other binary data."""
    if len(sample) < 4 or len(sample) % 2:
        return None
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.6 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.6 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def decode_text(source: str, data: bytes) -> str:
    """Decode plain text (UTF-8, UTF-16 with or without a BOM, Windows-1252) or refuse binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"invalid UTF-16 text: {exc.reason}") from exc
    if b"\x00" in data[:65536]:
        encoding = _bomless_utf16(data[:65536])
        if encoding is None:
            raise InputError(source, "binary content (NUL bytes), not a text article")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            reason = f"binary content (not valid {encoding}): {exc.reason}"
            raise InputError(source, reason) from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:65536]) // 100) or text.count("\ufffd") > len(text) // 20 + 8:
        raise InputError(source, "binary content (control bytes), not a text article")
    return text
