"""Extract: RawDocument -> Article (text via the cleaner; HTML via trafilatura + the cleaner)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .clean import clean_paragraphs, clean_text
from .clean.layout import strip_header
from .errors import ConfigError, InputError
from .htmlmeta import iso_date, person_names, read_metadata
from .ingest.readers import decode_text
from .records import Article, RawDocument, Removed
from .settings import Settings

_CLOSING_TAG = re.compile(rb"</(html|body)\s*>", re.IGNORECASE)
_OPENING_TAG = re.compile(rb"<(html|body)[\s>]", re.IGNORECASE)


FAVOR_CHOICES = ("balanced", "precision", "recall")
PLAUSIBLE_YEARS = (1500, 2500)  # publication dates outside are placeholders or garbage


def extract(doc: RawDocument, *, settings: Settings | None = None) -> Article:
    """Turn one raw input into a cleaned Article, or raise InputError naming it and why."""
    favor = settings.extract_favor if settings is not None else "balanced"
    if favor not in FAVOR_CHOICES:
        choices = ", ".join(FAVOR_CHOICES)
        raise ConfigError("extract_favor", f"expected one of {choices}, got {favor!r}")
    normalize_date(doc.metadata.get("published"), doc.source)  # refuse a bad date up front
    limits = settings if settings is not None else Settings()
    if doc.content_type == "html":
        return _from_html(doc, favor, limits)
    return _from_text(doc, limits)


def _check_length(source: str, text: str, settings: Settings) -> None:
    """Refuse a text longer than ``max_article_chars`` (NLP time grows with it)."""
    if len(text) > settings.max_article_chars:
        raise InputError(
            source,
            f"text too long for an article: {len(text)} characters "
            f"(limit max_article_chars={settings.max_article_chars})",
        )


def _from_text(doc: RawDocument, settings: Settings) -> Article:
    text = decode_text(doc.source, doc.content)
    _check_length(doc.source, text, settings)
    given_title = doc.metadata.get("title")
    if given_title:
        # The caller named the title (JSONL, sidecar): the text is body, minus a repeated title.
        lines = [line for line in text.splitlines() if line.strip()]
        if lines and " ".join(lines[0].split()) == " ".join(given_title.split()):
            lines = lines[1:]
        kept, removed, self_named = clean_paragraphs(lines)
        return _article(doc, title=given_title, paragraphs=kept, removed=removed, outlet=self_named)
    cleaned = clean_text(text)
    title = cleaned.headline
    return _article(
        doc,
        title=title,
        paragraphs=cleaned.paragraphs,
        removed=cleaned.removed,
        outlet=cleaned.outlet,
        kicker=cleaned.kicker,
        dek=cleaned.dek,
        byline=cleaned.byline,
    )


def _from_html(doc: RawDocument, favor: str, settings: Settings) -> Article:
    import trafilatura
    from trafilatura.utils import load_html

    data = doc.content
    if _OPENING_TAG.search(data[:65536]) and not _CLOSING_TAG.search(data[-65536:]):
        raise InputError(doc.source, "truncated HTML: the page ends before </body> or </html>")
    url = doc.metadata.get("url")
    try:
        # One parse serves both: our metadata reader looks first, then trafilatura prunes.
        tree = load_html(data)
        if tree is None:
            raise InputError(doc.source, "cannot parse HTML: no document tree")
        # extraction time grows with the element count; a news page has a few thousand
        elements = sum(1 for _ in itertools.islice(tree.iter(), settings.max_page_elements + 1))
        if elements > settings.max_page_elements:
            raise InputError(
                doc.source,
                f"page has over {settings.max_page_elements} HTML elements "
                "(limit max_page_elements)",
            )
        page = read_metadata(tree, url)
        # trafilatura's own metadata (htmldate above all) is slow: ask for it only when the
        # page's explicit metadata lacks a title or a date, and without htmldate's free-text
        # search (dateparser), the costliest and least trustworthy step. Extraction and
        # metadata reading leave the tree as it is, so one parse serves all three.
        fallback = None
        if page.title is None or page.published is None:
            fallback = trafilatura.extract_metadata(tree, default_url=url, extensive=False)
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=False,
            include_comments=False,
            favor_precision=favor == "precision",
            favor_recall=favor == "recall",
        )
    except InputError:
        raise
    except Exception as exc:  # trafilatura raises assorted parser errors on broken pages
        raise InputError(doc.source, f"cannot parse HTML: {exc}") from exc
    if result is None or isinstance(result, dict) or not (result.text or "").strip():
        raise InputError(doc.source, "no article text found in the HTML page")
    _check_length(doc.source, result.text or "", settings)
    title = page.title or (fallback.title if fallback else None)
    dek = page.dek or (fallback.description if fallback else None)
    lines = [p for p in (result.text or "").split("\n") if p.strip()]
    lines, permalinks = _drop_permalinks(lines, (url, page.url))
    titles = [t for t in (title, fallback.title if fallback else None) if t]
    lines, header = strip_header(lines, titles, dek, page.headings)
    kept, removed, self_named = clean_paragraphs(lines, favor=favor)
    return _article(
        doc,
        title=title,
        paragraphs=kept,
        removed=permalinks + header + removed,
        outlet=page.site_name or (fallback.sitename if fallback else None) or self_named,
        dek=dek,
        byline=page.byline or (person_names(fallback.author) if fallback else None),
        # The calendar day: a page's time of day and zone are often the CMS's, not the news's.
        published=(page.published or (iso_date(fallback.date) if fallback else None) or "")[:10]
        or None,
        url=page.url,
        language=page.language,
    )


def _drop_permalinks(
    lines: list[str], urls: tuple[str | None, ...]
) -> tuple[list[str], tuple[Removed, ...]]:
    """Drop bare links to the page's own site (a printed permalink, a share box's address)."""
    hosts = {urlsplit(u).netloc.lower().removeprefix("www.") for u in urls if u}
    hosts.discard("")
    kept: list[str] = []
    removed: list[Removed] = []
    for line in lines:
        text = line.strip()
        host = urlsplit(text).netloc.lower().removeprefix("www.")
        if text.startswith(("http://", "https://")) and " " not in text and host in hosts:
            removed.append(Removed(text, "bare-url"))
        else:
            kept.append(line)
    return kept, tuple(removed)


def _article(
    doc: RawDocument,
    *,
    title: str | None,
    paragraphs: tuple[str, ...],
    removed: tuple[Removed, ...],
    outlet: str | None = None,
    kicker: str | None = None,
    dek: str | None = None,
    byline: str | None = None,
    published: str | None = None,
    url: str | None = None,
    language: str | None = None,
) -> Article:
    """Assemble the Article; caller metadata (options, sidecar, JSONL) wins over the page's."""
    meta: Mapping[str, str] = doc.metadata
    if not paragraphs:
        raise InputError(doc.source, "no article text left after removing boilerplate")
    text = "\n".join(paragraphs)
    title = (title or "").strip() or _fallback_title(paragraphs[0])
    return Article(
        id=meta.get("id") or Article.make_id(title, text),
        source=printable_source(doc.source),
        title=title,
        text=text,
        paragraphs=paragraphs,
        url=meta.get("url") or url,
        outlet=meta.get("outlet") or outlet,
        kicker=kicker,
        dek=dek if dek and dek.strip() != title else None,
        byline=byline,
        # An archive's fetch date (WARC-Date) stands in only when the page gives no date.
        # the caller's date must be good; a page's or archive's own date is dropped if not
        published=normalize_date(meta.get("published"), doc.source)
        or _lenient_date(published, doc.source)
        or _lenient_date(meta.get("fetched"), doc.source),
        language=language,
        removed=removed,
    )


def _lenient_date(value: str | None, source: str) -> str | None:
    try:
        return normalize_date(value, source)
    except InputError:
        return None


def _fallback_title(first_paragraph: str) -> str:
    """A title made from the first words when the input has none."""
    words = first_paragraph.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "")


def normalize_date(value: str | None, source: str) -> str | None:
    """ISO form of a publication date or datetime; InputError when it is not a date."""
    if value is None or not value.strip():
        return None
    raw = value.strip()
    try:
        if len(raw) == 10:
            day: dt.date = dt.date.fromisoformat(raw)
            iso = day.isoformat()
        else:
            parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            day, iso = parsed.date(), parsed.isoformat()
    except (ValueError, OverflowError):
        raise InputError(
            source, f"published: cannot read {raw!r} as a date (expected YYYY-MM-DD or ISO 8601)"
        ) from None
    if not PLAUSIBLE_YEARS[0] <= day.year <= PLAUSIBLE_YEARS[1]:
        # year 1 or 9999 is a placeholder, and date arithmetic on it (timelines) overflows
        low, high = PLAUSIBLE_YEARS
        raise InputError(source, f"published: {raw!r} is not a plausible date (years {low}-{high})")
    return iso


def printable_source(source: str) -> str:
    """A source name that is valid text: bytes of a non-UTF-8 file name become \\xNN escapes."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return source
