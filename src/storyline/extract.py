"""Extract: RawDocument -> Article (text via the cleaner; HTML via trafilatura + the cleaner)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .clean import clean_paragraphs, clean_text
from .errors import InputError
from .ingest.readers import decode_text
from .records import Article, RawDocument, Removed

_BYLINE_PREFIX = re.compile(r"^\s*by\s+", re.IGNORECASE)
_CLOSING_TAG = re.compile(rb"</(html|body)\s*>", re.IGNORECASE)
_OPENING_TAG = re.compile(rb"<(html|body)[\s>]", re.IGNORECASE)


def extract(doc: RawDocument) -> Article:
    """Turn one raw input into a cleaned Article, or raise InputError naming it and why."""
    normalize_date(doc.metadata.get("published"), doc.source)  # refuse a bad date up front
    if doc.content_type == "html":
        return _from_html(doc)
    return _from_text(doc)


def _from_text(doc: RawDocument) -> Article:
    text = decode_text(doc.source, doc.content)
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


def _from_html(doc: RawDocument) -> Article:
    import trafilatura

    data = doc.content
    if _OPENING_TAG.search(data[:65536]) and not _CLOSING_TAG.search(data[-65536:]):
        raise InputError(doc.source, "truncated HTML: the page ends before </body> or </html>")
    try:
        result = trafilatura.bare_extraction(
            data,
            url=doc.metadata.get("url"),
            with_metadata=True,
            include_comments=False,
            include_tables=False,
        )
    except Exception as exc:  # trafilatura raises assorted parser errors on broken pages
        raise InputError(doc.source, f"cannot parse HTML: {exc}") from exc
    body = getattr(result, "text", None) if result is not None else None
    if not body or not body.strip():
        raise InputError(doc.source, "no article text found in the HTML page")
    kept, removed, self_named = clean_paragraphs([p for p in body.split("\n") if p.strip()])
    byline = getattr(result, "author", None)
    return _article(
        doc,
        title=getattr(result, "title", None),
        paragraphs=kept,
        removed=removed,
        outlet=getattr(result, "sitename", None) or self_named,
        dek=getattr(result, "description", None),
        byline=_BYLINE_PREFIX.sub("", byline) if byline else None,
        published=getattr(result, "date", None),
        url=getattr(result, "url", None),
        language=getattr(result, "language", None),
    )


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
        source=doc.source,
        title=title,
        text=text,
        paragraphs=paragraphs,
        url=meta.get("url") or url,
        outlet=meta.get("outlet") or outlet,
        kicker=kicker,
        dek=dek if dek and dek.strip() != title else None,
        byline=byline,
        published=normalize_date(meta.get("published") or published, doc.source),
        language=language,
        removed=removed,
    )


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
            return dt.date.fromisoformat(raw).isoformat()
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise InputError(
            source, f"published: cannot read {raw!r} as a date (expected YYYY-MM-DD or ISO 8601)"
        ) from None
