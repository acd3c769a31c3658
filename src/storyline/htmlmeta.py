"""Article metadata read from a parsed HTML page: headline, dek, byline, date, site, URL, language.

Sources are tried in a fixed order of trust. Dates: JSON-LD ``datePublished`` >
``<meta>`` publication tags > ``<time>`` elements > a date in the URL path. Titles
and the rest: JSON-LD > Open Graph / Dublin Core / Twitter / Parse.ly meta >
page structure (``<h1>``, ``<title>``). A byline holds person names only: no "By",
no outlet, no e-mail or profile URL. Nothing here is keyed to one site's markup.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

__all__ = ["PageMeta", "iso_date", "person_names", "read_metadata"]


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Metadata a page states about its article; None where it says nothing usable."""

    title: str | None = None
    dek: str | None = None
    byline: str | None = None
    published: str | None = None
    site_name: str | None = None
    url: str | None = None
    language: str | None = None
    headings: tuple[str, ...] = ()


_ARTICLE_TYPES = re.compile(r"(?:Article|BlogPosting|Posting|Report|WebPage|Recipe|Review)$")
_DATE_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "parsely-pub-date", "sailthru.date", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "published_time", "dc.date.issued", "dc.date",
    "dcterms.issued", "dcterms.created", "dcterms.date", "citation_publication_date",
    "date", "article.published", "originalpublicationdate", "publication_date",
)  # fmt: skip
_AUTHOR_META = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "byl", "citation_author", "twitter:creator",
)  # fmt: skip
# The order Readability.js trusts them in (its expected output is the reference we test on).
_TITLE_META = (
    "dc:title", "dc.title", "dcterm:title", "dcterms.title", "og:title", "weibo:article:title",
    "weibo:webpage:title", "title", "twitter:title", "parsely-title",
)  # fmt: skip
_DEK_META = ("og:description", "description", "dc.description", "twitter:description")
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher", "al:ios:app_name")
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)"
)
# Words that mark a name as an organisation or a role, never a person.
_NOT_PERSON = re.compile(
    r"\b(?:news|staff|team|editors?|editorial|desk|newsroom|press|agency|reuters|associated"
    r"|bloomberg|afp|media|online|magazine|times|post|journal|daily|tribune|herald|guardian"
    r"|network|group|inc|ltd|llc|corp|company|contributors?|wikipedia|admin|administrator"
    r"|webmaster|follow|author|writer|report(?:er|ing)?|correspondent|updated|published|http"
    r"|www|com|org)\b",
    re.IGNORECASE,
)
_GLUED_DATE = re.compile(
    r"\s+(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?|Updated|Published)\b.*$"
)
_NAME_PARTICLES = frozenset(
    {"de", "da", "del", "der", "van", "von", "la", "le", "di", "du", "bin", "al", "el", "y", "st."}
)


def read_metadata(tree: HtmlElement, url: str | None = None) -> PageMeta:
    """Read the page's own statements about its article (the tree is not changed)."""
    meta = _meta_values(tree)
    ld = _json_ld(tree)
    page_title = page_title_of(tree)
    title = _first(_ld_title(ld, page_title), *(meta.get(k) for k in _TITLE_META), page_title)
    dek = _first(ld.get("description"), *(meta.get(k) for k in _DEK_META))
    byline = (
        person_names(ld.get("author"))
        or _first(*(person_names(meta.get(k)) for k in _AUTHOR_META))
        or _dom_byline(tree)
    )
    published = _first(
        iso_date(ld.get("datePublished")),
        *(iso_date(meta.get(k)) for k in _DATE_META),
        _time_tag(tree),
        _url_date(url),
        _url_date(meta.get("og:url")),
    )
    site = _first(ld.get("publisher"), *(meta.get(k) for k in _SITE_META))
    canonical = _first(
        *(link.get("href") for link in tree.iterfind(".//link[@rel='canonical']")),
        meta.get("og:url"),
        url,
    )
    language = _first(
        tree.get("lang"), tree.get("xml:lang"), meta.get("content-language"), ld.get("inLanguage")
    )
    return PageMeta(
        title=title,
        dek=dek,
        byline=byline,
        published=published,
        site_name=site,
        url=canonical if canonical and canonical.startswith("http") else url,
        language=language.split("-")[0].split("_")[0].lower() if language else None,
        headings=tuple(" ".join(h.text_content().split()) for h in tree.iterfind(".//h1"))[:3],
    )


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return " ".join(value.split())
    return None


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    """First non-empty content of each <meta> name/property/itemprop, keys lower-cased."""
    values: dict[str, str] = {}
    for element in tree.iterfind(".//meta"):
        content = element.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attr)
            if key:
                for part in key.lower().split():
                    values.setdefault(part, content.strip())
    return values


def _json_ld(tree: HtmlElement) -> dict[str, Any]:
    """Headline, description, author, datePublished, publisher of the article JSON-LD object."""
    found: dict[str, Any] = {}
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        raw = (script.text or "").strip().removeprefix("<![CDATA[").removesuffix("]]>")
        try:
            data = json.loads(raw, strict=False)
        except ValueError:  # broken JSON-LD is common; the other sources still count
            continue
        for item in _ld_objects(data):
            types = item.get("@type")
            names = types if isinstance(types, list) else [types]
            if not any(isinstance(t, str) and _ARTICLE_TYPES.search(t) for t in names):
                continue
            for key in ("headline", "name", "description", "datePublished", "inLanguage"):
                if isinstance(item.get(key), str):
                    found.setdefault(key, item[key])
            if "author" in item and "author" not in found:
                found["author"] = item["author"]
            publisher = item.get("publisher")
            if isinstance(publisher, Mapping) and isinstance(publisher.get("name"), str):
                found.setdefault("publisher", publisher["name"])
    return found


def _ld_objects(data: Any) -> Iterator[Mapping[str, Any]]:
    """Every JSON object in a JSON-LD document (top level, lists and @graph)."""
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, Mapping):
        yield data
        if "@graph" in data:
            yield from _ld_objects(data["@graph"])


def person_names(value: Any) -> str | None:
    """Person names from an author field (string, JSON-LD Person or list), joined by ", "."""
    names: list[str] = []
    for raw in _author_strings(value):
        for part in re.split(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\|)\s*", raw):
            name = _person(part)
            if name and name not in names:
                names.append(name)
    return ", ".join(names) if names else None


_BYLINE_PATH = (
    ".//*[@rel='author' or @itemprop='author' or contains(@class, 'byline')"
    " or contains(@class, 'Byline') or contains(@id, 'byline') or contains(@class, 'author')]"
)


def _dom_byline(tree: HtmlElement) -> str | None:
    """Names in the page's byline element (rel/itemprop author, a "byline"/"author" class)."""
    for element in tree.xpath(_BYLINE_PATH)[:8]:
        if not isinstance(element, HtmlElement) or element.tag in ("meta", "link", "script"):
            continue
        text = " ".join(element.text_content().split())
        if 0 < len(text) <= 100:
            names = person_names(text)
            if names:
                return names
    return None


def _author_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _author_strings(item)
    elif isinstance(value, Mapping):
        kind = value.get("@type")
        if kind in (None, "Person") or (isinstance(kind, list) and "Person" in kind):
            yield from _author_strings(value.get("name"))


def _person(text: str) -> str | None:
    """One person's name, or None when the text is an outlet, a role, a handle or a link."""
    name = re.sub(r"^\s*(?:by|par|von|por|door|di)\b[:\s]+", "", text.strip(), flags=re.I)
    name = " ".join(name.strip(" .·|-–—:").split())
    # A date glued on by the page ("Joshua Sokol May 23, 2019") is not part of the name.
    name = re.sub(_GLUED_DATE, "", name)
    if not name or "@" in name or "/" in name or any(ch.isdigit() for ch in name):
        return None
    if _NOT_PERSON.search(name):
        return None
    words = name.split()
    if not re.search(r"[A-Za-zÀ-ɏ]", name):
        # Scripts without capitals (CJK, ...): a short run of characters is a name.
        return name if len(name) <= 12 and len(words) <= 3 else None
    if not 2 <= len(words) <= 5:
        return None
    if not all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words):
        return None
    return name


def iso_date(value: str | None) -> str | None:
    """ISO form of a machine-readable date or datetime, else None (never guessed from prose)."""
    if not value:
        return None
    raw = value.strip()
    match = re.match(
        r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2}))?(?:[.,]\d+)?"
        r"\s*(Z|[+-]\d{2}:?\d{2})?)?",
        raw,
    )
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        day_value = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    if not 1990 <= day_value.year <= 2100:
        return None
    if hour is None:
        return day_value.isoformat()
    stamp = f"{day_value.isoformat()}T{hour}:{minute}:{second or '00'}"
    if zone:
        stamp += "+00:00" if zone == "Z" else f"{zone[:3]}:{zone[-2:]}"
    try:
        return dt.datetime.fromisoformat(stamp).isoformat()
    except ValueError:
        return day_value.isoformat()


def _time_tag(tree: HtmlElement) -> str | None:
    """The datetime of a publication <time> (pubdate / datePublished first, then the first)."""
    times = [t for t in tree.iterfind(".//time") if t.get("datetime")]
    preferred = [
        t
        for t in times
        if t.get("pubdate") is not None
        or (t.get("itemprop") or "").lower() == "datepublished"
        or "publish" in (t.get("class") or "").lower()
    ]
    for element in preferred + times:
        date = iso_date(element.get("datetime"))
        if date:
            return date
    return None


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    if match is None:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


def _ld_title(ld: Mapping[str, Any], page_title: str | None) -> str | None:
    """JSON-LD ``name`` or ``headline``: the one that matches the page title when they differ."""
    name, headline = ld.get("name"), ld.get("headline")
    if (
        name
        and headline
        and name != headline
        and page_title
        and _similarity(headline, page_title) > 0.75 >= _similarity(name, page_title)
    ):
        return str(headline)
    return _first(name, headline)


def _similarity(a: str, b: str) -> float:
    """Share of b's words (by characters) that also occur in a (Readability's text similarity)."""
    tokens_a = {t for t in re.split(r"\W+", a.lower()) if t}
    tokens_b = [t for t in re.split(r"\W+", b.lower()) if t]
    if not tokens_a or not tokens_b:
        return 0.0
    unique = [t for t in tokens_b if t not in tokens_a]
    return 1 - len(" ".join(unique)) / len(" ".join(tokens_b))


_SEPARATOR = r"[|\-\\/>»–—]"


def page_title_of(tree: HtmlElement) -> str | None:
    """The article title from ``<title>``: site parts cut at separators, else the lone ``<h1>``.

    Follows Readability.js: cut the last " | Site" part (or the first, if too little is
    left), keep a "Topic: Title" whole when a heading repeats it, and fall back to the
    full title when the cut leaves four words or fewer.
    """
    element = tree.find(".//title")
    original = " ".join((element.text_content() if element is not None else "").split())
    title = original
    hierarchical = False
    if re.search(rf" {_SEPARATOR} ", title):
        hierarchical = re.search(r" [\\/>»] ", title) is not None
        title = re.sub(rf"(.*){_SEPARATOR} .*", r"\1", original)
        if len(title.split()) < 3:
            title = re.sub(rf"^[^|\-\\/>»–—]*{_SEPARATOR}(.*)", r"\1", original)
    elif ": " in title:
        headings = {" ".join(h.text_content().split()) for h in tree.iter("h1", "h2")}
        if title not in headings:
            title = original[original.rfind(":") + 1 :]
            if len(title.split()) < 3:
                title = original[original.find(":") + 1 :]
            elif len(original[: original.find(":")].split()) > 5:
                title = original
    elif len(title) > 150 or len(title) < 15:
        h1s = tree.findall(".//h1")
        if len(h1s) == 1:
            title = h1s[0].text_content()
    title = " ".join(title.split())
    words = len(title.split())
    if words <= 4 and (
        not hierarchical or words != len(re.sub(rf"{_SEPARATOR}+", "", original).split()) - 1
    ):
        title = original
    return title or None
