"""RSS / Atom reader: each feed entry becomes a RawDocument; the feed title gives the outlet.

An entry's text is, in order of preference: its full content (``content:encoded``,
Atom ``content``); the linked page when it is present locally (an HTML file next to
the feed, named in the folder's ``manifest.jsonl`` or by the URL's last path segment,
or a response record in a WARC in the same folder); its summary when that is long
enough to be the article itself. Feeds that declare XML entities are refused before
parsing (no entity expansion, so no billion-laughs and no external entities);
feedparser itself never fetches external DTDs or entities. Broken XML is reported
by name and reason, and whatever entries the lenient parser recovered still go in.
"""

from __future__ import annotations

import calendar
import io
import json
import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import InputError
from ..records import RawDocument
from .warc import WARC_SUFFIXES, WarcPage, html_index, read_warc_record

FEED_SUFFIXES = (".rss", ".atom", ".rdf", ".rss.gz", ".atom.gz")
MIN_SUMMARY_WORDS = 150  # a summary this long is the article itself (many feeds put it there)
_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z]")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
# Python's SAX looks each attribute up by a linear scan: an element with 50,000
# attributes costs minutes. Only long tags are counted (a few regex steps per byte).
_LONG_TAG = re.compile(rb"<[A-Za-z][^<>]{4096,}>")
MAX_ATTRIBUTES = 1000
# bozo exceptions that only say the (HTTP) media type was off
_BENIGN = ("NonXMLContentType",)
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "section",
        "article",
        "figcaption",
        "dd",
        "dt",
        "ul",
        "ol",
        "table",
        "header",
        "footer",
        "aside",
        "figure",
    ]
)


def is_feed(head: bytes) -> bool:
    """True when the root element in the leading bytes is rss, Atom feed or RSS 1.0 rdf:RDF."""
    first = _FIRST_ELEMENT.search(head)
    return first is not None and _ROOT.match(head, first.start()) is not None


def read_feed(
    name: str, data: bytes, max_bytes: int = 50_000_000
) -> Iterator[RawDocument | InputError]:
    """Parse one RSS/Atom document into one RawDocument (or InputError) per entry."""
    import feedparser

    first = _FIRST_ELEMENT.search(data)
    prolog = data[: first.start()] if first else data
    if _ENTITY_DECL.search(prolog):
        yield InputError(name, "feed declares XML entities (refused: no entity expansion)")
        return
    for tag in _LONG_TAG.finditer(data):
        if tag.group().count(b"=") > MAX_ATTRIBUTES:
            yield InputError(name, f"an element has over {MAX_ATTRIBUTES} attributes (refused)")
            return
    # A file object, never a str: feedparser would fetch a str that looks like a URL.
    parsed: Any = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    entries = list(parsed.entries)
    if problem is not None and type(problem).__name__ not in _BENIGN:
        yield InputError(name, f"broken feed XML: {_describe(problem)}")
    if not entries:
        if problem is None:
            yield InputError(name, "feed has no entries")
        return
    outlet = _clean(parsed.feed.get("title"))
    pages = LocalPages(Path(name).parent) if name != "-" else None
    for number, entry in enumerate(entries, 1):
        yield _entry(f"{name}#{number}", entry, outlet, pages, max_bytes)


def _entry(
    source: str, entry: Any, outlet: str | None, pages: LocalPages | None, max_bytes: int
) -> RawDocument | InputError:
    link = _clean(entry.get("link"))
    metadata: dict[str, str] = {}
    for key, value in (("url", link), ("outlet", outlet), ("title", _clean(entry.get("title")))):
        if value:
            metadata[key] = value
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    if isinstance(published, time.struct_time):
        try:
            stamp = calendar.timegm(published)
            metadata["published"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(stamp))
        except (ValueError, OverflowError):  # feedparser keeps years like -1 or 99999
            return InputError(source, f"published: the entry's date is out of range ({published})")
    content = max(
        (c for c in entry.get("content") or [] if _clean(c.get("value"))),
        key=lambda c: len(c.get("value") or ""),
        default=None,
    )
    if content is not None:
        return _text_document(source, content.get("value"), content.get("type"), metadata)
    if link and pages is not None:
        page = pages.find(link, source, max_bytes)
        if page is not None:
            if isinstance(page, InputError):
                return page
            return RawDocument(source, "html", page.content, {**page.metadata, **metadata})
    summary = entry.get("summary") or ""
    words = len(" ".join(html_paragraphs(summary)).split())
    if words >= MIN_SUMMARY_WORDS:
        return _text_document(
            source, summary, entry.get("summary_detail", {}).get("type"), metadata
        )
    where = f" ({link})" if link else ""
    return InputError(
        source,
        f"entry has no full content, only a {words}-word summary, and its linked page{where} "
        "is not available locally",
    )


def _text_document(
    source: str, value: str, kind: str | None, metadata: Mapping[str, str]
) -> RawDocument | InputError:
    if kind == "text/plain":
        paragraphs = [line.strip() for line in value.splitlines() if line.strip()]
    else:
        paragraphs = html_paragraphs(value)
    if not paragraphs:
        return InputError(source, "entry content has no text")
    return RawDocument(source, "text", "\n".join(paragraphs).encode("utf-8"), dict(metadata))


def html_paragraphs(fragment: str) -> list[str]:
    """Paragraph texts of an HTML fragment (block elements and <br> break paragraphs)."""
    import lxml.html
    from lxml import etree

    if not fragment.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [" ".join(fragment.split())]
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buffer).split())
        if text:
            out.append(text)
        buffer.clear()

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "style"):
            return
        block = tag in _BLOCK_TAGS or tag == "br"
        if block:
            flush()
        if tag and element.text:
            buffer.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                buffer.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return out


class LocalPages:
    """Linked pages present on disk beside a feed: HTML files and WARC response records."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._by_url: dict[str, Path] | None = None
        self._warc: dict[str, WarcPage] | None = None

    def find(self, url: str, source: str, max_bytes: int) -> RawDocument | InputError | None:
        """The page for ``url``, an InputError if it is present but unreadable, else None."""
        path = self._files().get(url) or self._by_name(url)
        if path is not None:
            return _html_file(path, source, url, max_bytes)
        page = self._archives().get(url)
        if page is not None:
            return read_warc_record(page, source, max_bytes)
        return None

    def _files(self) -> dict[str, Path]:
        if self._by_url is None:
            self._by_url = {}
            manifest = self.folder / "manifest.jsonl"
            if manifest.is_file():
                for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines():
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # the plain-text reader reports a bad manifest line
                    if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                        path = self.folder / str(entry.get("file", ""))
                        if path.is_file() and path.parent == self.folder:
                            self._by_url[entry["url"]] = path
        return self._by_url

    def _by_name(self, url: str) -> Path | None:
        segment = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
        if not segment or "/" in segment or segment.startswith("."):
            return None
        stem = segment.removesuffix(".html").removesuffix(".htm")
        for candidate in (segment, f"{stem}.html", f"{stem}.htm"):
            path = self.folder / candidate
            if path.is_file():
                return path
        return None

    def _archives(self) -> dict[str, WarcPage]:
        if self._warc is None:
            self._warc = {}
            for path in sorted(self.folder.iterdir()):
                if path.name.lower().endswith(WARC_SUFFIXES) and path.is_file():
                    for uri, page in html_index(str(path)).items():
                        self._warc.setdefault(uri, page)
        return self._warc


def _html_file(path: Path, source: str, url: str, max_bytes: int) -> RawDocument | InputError:
    try:
        if path.stat().st_size > max_bytes:
            return InputError(source, f"linked page {path} is over {max_bytes} bytes")
        data = path.read_bytes()
    except OSError as exc:
        return InputError(source, f"cannot read linked page {path}: {exc.strerror or exc}")
    return RawDocument(source, "html", data, {"url": url})


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__
