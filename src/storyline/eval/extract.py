"""`storyline eval extract`: article text and metadata, Storyline against plain trafilatura.

Body scores follow the scrapinghub article-extraction-benchmark (``evaluate.py``):
``\\w+`` tokens, multisets of 4-token shingles, per page tp/fp/fn normalised to sum 1,
precision averaged over pages with any prediction, recall over pages with any gold,
F1 from the two averages. A file without gold bodies but with must-include /
must-exclude segments is scored as in trafilatura's own evaluation (pooled counts:
tp = include found, fn = include missing, fp = exclude found). Title, byline and date
are exact matches after light normalisation, over the pages whose gold has the field.
Both systems run in the same process, alternating page by page, so the speed ratio
is not skewed by load on a shared machine.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..extract import extract
from ..records import RawDocument
from ..settings import Settings
from .common import read_records

__all__ = [
    "Prediction",
    "evaluate",
    "report_text",
    "shingle_counts",
    "storyline_scores",
    "trafilatura_baseline",
]

SHINGLE = 4
_TOKEN = re.compile(r"\w+")
_BY = re.compile(r"^(?:by|par|von|por|di|door)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Prediction:
    """What one system extracted from one page."""

    text: str
    title: str | None
    byline: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class _Page:
    """One evaluation page with its gold fields."""

    id: str
    url: str | None
    html: bytes
    body: str | None
    must_include: tuple[str, ...]
    must_exclude: tuple[str, ...]
    title: str | None
    byline: str | None
    published: str | None


def shingle_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """Per-page (tp, fp, fn) over 4-token shingles, normalised to sum 1 (scrapinghub)."""
    true, pred = _shingles(gold), _shingles(predicted)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(
        tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)) if tokens
    )


def _body_scores(counts: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Mean precision, mean recall and F1 of the means, as the benchmark computes them."""

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    ps = [precision(*c) for c in counts if c[0] + c[1] > 0]
    rs = [recall(*c) for c in counts if c[0] + c[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _segment_scores(pages: Sequence[_Page], texts: Sequence[str]) -> tuple[float, float, float]:
    """Pooled segment P/R/F1 (trafilatura's evaluation): include found, missing; exclude found."""
    tp = fn = fp = 0
    for page, text in zip(pages, texts, strict=True):
        flat = " ".join(text.split())
        for segment in page.must_include:
            found = " ".join(segment.split()) in flat
            tp += found
            fn += not found
        fp += sum(" ".join(segment.split()) in flat for segment in page.must_exclude)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _norm_text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").casefold().split())


def _norm_byline(value: str | None) -> str:
    return _BY.sub("", _norm_text(value))


def _norm_date(value: str | None) -> str:
    # Gold dates are written several ways ("2017-11-03 03:01:00", "...T07:00:02.000Z"):
    # the calendar day as the page states it is what both systems are asked for.
    return (value or "").strip()[:10]


def _accuracy(
    gold: Sequence[str | None], predicted: Sequence[str | None], norm: Callable[[str | None], str]
) -> float | None:
    pairs = [(g, p) for g, p in zip(gold, predicted, strict=True) if g and g.strip()]
    if not pairs:
        return None
    return sum(norm(g) == norm(p) for g, p in pairs) / len(pairs)


def trafilatura_baseline(html: bytes, url: str | None) -> Prediction:
    """Plain trafilatura with default settings: ``trafilatura.extract``'s text, plus metadata."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    except Exception:  # the baseline's own failures count as an empty extraction
        document = None
    if document is None or isinstance(document, dict):
        return Prediction("", None, None, None)
    # trafilatura.extract's default text output: main text, then comments.
    text = "\n".join(part for part in (document.text, document.comments) if part).strip()
    return Prediction(text, document.title, document.author, document.date)


def _storyline(page: _Page, settings: Settings) -> Prediction:
    metadata = {"url": page.url} if page.url else {}
    doc = RawDocument(f"{page.id}.html", "html", page.html, metadata)
    try:
        article = extract(doc, settings=settings)
    except InputError:  # no article found: an empty extraction, scored as such
        return Prediction("", None, None, None)
    return Prediction(article.text, article.title, article.byline, article.published)


def _page_caches() -> list[Callable[[], None]]:
    """``cache_clear`` of the bounded LRU caches of trafilatura and its helpers.

    They are keyed by page text (dates, lines), so the system that runs second on a page
    would find the first one's work cached and look faster than it is. Unbounded caches
    hold static tables (locales, patterns) and are kept.
    """
    import sys

    import trafilatura  # noqa: F401  (loads the modules whose caches are cleared)

    clears: list[Callable[[], None]] = []
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in ("trafilatura", "htmldate", "courlan"):
            continue
        for value in vars(module).values():
            info = getattr(value, "cache_parameters", None)
            if callable(info) and info().get("maxsize") is not None:
                clears.append(value.cache_clear)
    return clears


def _load(path: Path) -> list[_Page]:
    pages = []
    for number, record in enumerate(read_records(path), 1):
        where = f"{path}:{number}"
        try:
            raw = (path.parent / record["html_file"]).read_bytes()
        except (KeyError, TypeError, OSError) as exc:
            raise InputError(where, f"cannot read the page's html_file: {exc}") from exc
        html = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        pages.append(
            _Page(
                id=str(record.get("id") or number),
                url=record.get("url"),
                html=html,
                body=record.get("body"),
                must_include=tuple(record.get("must_include") or ()),
                must_exclude=tuple(record.get("must_exclude") or ()),
                title=record.get("title"),
                byline=record.get("byline"),
                published=record.get("published"),
            )
        )
    return pages


def _score(
    pages: Sequence[_Page], predictions: Sequence[Prediction], seconds: float
) -> dict[str, Any]:
    texts = [p.text for p in predictions]
    with_body = [(page, text) for page, text in zip(pages, texts, strict=True) if page.body]
    if with_body:
        p, r, f1 = _body_scores([shingle_counts(page.body or "", t) for page, t in with_body])
    else:
        p, r, f1 = _segment_scores(pages, texts)
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "title_accuracy": _rounded(
            _accuracy([g.title for g in pages], [x.title for x in predictions], _norm_text)
        ),
        "byline_accuracy": _rounded(
            _accuracy([g.byline for g in pages], [x.byline for x in predictions], _norm_byline)
        ),
        "date_accuracy": _rounded(
            _accuracy([g.published for g in pages], [x.published for x in predictions], _norm_date)
        ),
        "pages_per_second": round(len(pages) / seconds, 2) if seconds > 0 else 0.0,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def evaluate(
    path: Path, settings: Settings, predictions: Path | None = None, **options: Any
) -> dict[str, Any]:
    """Score Storyline and plain trafilatura on one extraction JSONL file."""
    if options:
        raise InputError(str(path), f"unknown options for eval extract: {sorted(options)}")
    pages = _load(path)
    ours: list[Prediction] = []
    theirs: list[Prediction] = []
    spent = {"storyline": 0.0, "trafilatura": 0.0}
    if pages:
        # Warm both up untimed: the first date parse builds dateparser's locale tables
        # (seconds, once per process), which would otherwise land on whichever runs first.
        _storyline(pages[0], settings)
        trafilatura_baseline(pages[0].html, pages[0].url)
    clears = _page_caches()
    for index, page in enumerate(pages):
        # Alternate which system goes first, page caches emptied before each, so neither
        # profits from the other's work or from a quiet moment on a shared machine.
        order = ("storyline", "trafilatura") if index % 2 == 0 else ("trafilatura", "storyline")
        for system in order:
            for clear in clears:
                clear()
            start = time.perf_counter()
            if system == "storyline":
                ours.append(_storyline(page, settings))
            else:
                theirs.append(trafilatura_baseline(page.html, page.url))
            spent[system] += time.perf_counter() - start
    if predictions is not None:
        with open(predictions, "w", encoding="utf-8") as fh:
            for page, pred in zip(pages, ours, strict=True):
                line = {
                    "id": page.id,
                    "text": pred.text,
                    "title": pred.title,
                    "byline": pred.byline,
                    "published": pred.published,
                }
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return {
        "pages": len(pages),
        "systems": {
            "storyline": _score(pages, ours, spent["storyline"]),
            "trafilatura": _score(pages, theirs, spent["trafilatura"]),
        },
    }


def storyline_scores(path: Path, settings: Settings) -> dict[str, Any]:
    """Storyline's scores alone, without the baseline run (what the quality gate pins)."""
    pages = _load(path)
    start = time.perf_counter()
    ours = [_storyline(page, settings) for page in pages]
    return _score(pages, ours, time.perf_counter() - start)


def report_text(result: dict[str, Any]) -> str:
    """A readable table of the result of :func:`evaluate`."""
    columns = (
        ("precision", "P"),
        ("recall", "R"),
        ("f1", "F1"),
        ("title_accuracy", "title"),
        ("byline_accuracy", "byline"),
        ("date_accuracy", "date"),
        ("pages_per_second", "pages/s"),
    )
    lines = [f"{result['pages']} pages", f"{'system':<12}" + "".join(f"{h:>9}" for _, h in columns)]
    for name, scores in result["systems"].items():
        cells = "".join(
            f"{'-':>9}"
            if scores[key] is None
            else f"{scores[key]:>9.3f}"
            if key != "pages_per_second"
            else f"{scores[key]:>9.1f}"
            for key, _ in columns
        )
        lines.append(f"{name:<12}{cells}")
    ours, base = result["systems"]["storyline"], result["systems"]["trafilatura"]
    if base["pages_per_second"]:
        ratio = ours["pages_per_second"] / base["pages_per_second"]
        lines.append(f"speed: storyline at {ratio:.2f}x trafilatura's pages/second")
    return "\n".join(lines)
