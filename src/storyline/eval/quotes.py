"""`storyline eval quotes`: quote spans, speakers and attribution vs textacy, in one run."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analyze.nlp import model_name, sentences_and_mentions
from ..analyze.quotes import extract_quotes
from ..errors import InputError
from ..records import Article
from ..settings import Settings
from .common import read_records

# A predicted quote matches a gold one when their spans overlap by at least this share of the
# longer span (the definition).
MATCH_SHARE = 0.5
_METRICS = ("quote_precision", "quote_recall", "quote_f1", "speaker_accuracy", "attribution_f1")


@dataclass(frozen=True, slots=True)
class Span:
    """A quote as scored: its span, whether direct, and the speaker mention span (if any)."""

    start: int
    end: int
    direct: bool
    speaker_start: int | None
    speaker_end: int | None


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def _speaker_right(predicted: Span, gold: Span) -> bool:
    """Correct when the attributed mention overlaps the gold speaker (both absent also counts)."""
    if gold.speaker_start is None or gold.speaker_end is None:
        return predicted.speaker_start is None
    if predicted.speaker_start is None or predicted.speaker_end is None:
        return False
    return (
        _overlap(
            predicted.speaker_start, predicted.speaker_end, gold.speaker_start, gold.speaker_end
        )
        > 0
    )


@dataclass
class Counts:
    """Running totals of one system on one section (direct or all quotes)."""

    predicted: int = 0
    gold: int = 0
    matched: int = 0
    speaker_ok: int = 0

    def add(self, predicted: Sequence[Span], gold: Sequence[Span]) -> None:
        """Match one article greedily (largest overlaps first, one-to-one) and count."""
        self.predicted += len(predicted)
        self.gold += len(gold)
        pairs = []
        for i, p in enumerate(predicted):
            for j, g in enumerate(gold):
                shared = _overlap(p.start, p.end, g.start, g.end)
                if shared and shared >= MATCH_SHARE * max(p.end - p.start, g.end - g.start):
                    pairs.append((shared, i, j))
        used_p: set[int] = set()
        used_g: set[int] = set()
        for _, i, j in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            self.matched += 1
            self.speaker_ok += _speaker_right(predicted[i], gold[j])

    def scores(self) -> dict[str, float]:
        """The issue's five figures, rounded to four places."""
        precision = self.matched / self.predicted if self.predicted else 0.0
        recall = self.matched / self.gold if self.gold else 0.0
        a_precision = self.speaker_ok / self.predicted if self.predicted else 0.0
        a_recall = self.speaker_ok / self.gold if self.gold else 0.0
        values = (
            precision,
            recall,
            _f1(precision, recall),
            self.speaker_ok / self.matched if self.matched else 0.0,
            _f1(a_precision, a_recall),
        )
        return {k: round(v, 4) for k, v in zip(_METRICS, values, strict=True)}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _gold(record: dict[str, Any], source: str) -> list[Span]:
    quotes = record.get("quotes")
    if not isinstance(quotes, list):
        raise InputError(source, "missing 'quotes' list")
    try:
        return [
            Span(q["start"], q["end"], bool(q["direct"]), q["speaker_start"], q["speaker_end"])
            for q in quotes
        ]
    except (KeyError, TypeError) as exc:
        raise InputError(source, f"bad quote record: {exc}") from exc


def textacy_spans(doc: Any) -> list[Span]:
    """textacy 0.13 ``direct_quotations``; an article it raises on counts as no predictions."""
    from textacy.extract.triples import direct_quotations

    try:
        triples = list(direct_quotations(doc))
    except Exception:  # noqa: BLE001 - textacy raises ValueError and others on unbalanced marks
        return []
    spans = []
    for triple in triples:
        content = triple.content
        speaker = list(triple.speaker)
        s_start = min(t.idx for t in speaker) if speaker else None
        s_end = max(t.idx + len(t) for t in speaker) if speaker else None
        spans.append(Span(content.start_char, content.end_char, True, s_start, s_end))
    return spans


def _prediction_line(article_id: str, quotes: Iterable[Any]) -> str:
    return json.dumps(
        {
            "id": article_id,
            "quotes": [
                {
                    "start": q.start,
                    "end": q.end,
                    "direct": q.direct,
                    "speaker": q.speaker_name,
                    "speaker_start": q.speaker_start,
                    "speaker_end": q.speaker_end,
                    "cue": q.cue,
                }
                for q in quotes
            ],
        },
        ensure_ascii=False,
    )


def evaluate(
    path: Path,
    settings: Settings,
    predictions: Path | None = None,
    textacy: bool = True,
    **options: Any,
) -> dict[str, Any]:
    """Score Storyline's quotes and textacy's ``direct_quotations`` on a quotes JSONL file.

    ``textacy=False`` skips the baseline (its parser pass doubles the run time); the CLI
    always runs it.
    """
    records = list(read_records(path))
    articles = []
    golds = []
    for number, record in enumerate(records, 1):
        source = f"{path}:{number}"
        text = record.get("text")
        if not isinstance(text, str):
            raise InputError(source, "missing 'text' string")
        article_id = str(record.get("id", number))
        articles.append(Article(id=article_id, source=source, title="", text=text, paragraphs=()))
        golds.append(_gold(record, source))
    analysed = sentences_and_mentions(articles, settings.spacy_model)
    docs: Iterable[Any] = (
        _full_pipeline(settings.spacy_model).pipe((a.text for a in articles), batch_size=16)
        if textacy
        else (None for _ in articles)
    )
    systems = ("storyline", "textacy") if textacy else ("storyline",)
    counts = {
        (system, section): Counts()
        for system in ("storyline", "textacy")
        for section in ("direct", "all")
    }
    lines = []
    for article, gold, (_, mentions), doc in zip(articles, golds, analysed, docs, strict=True):
        quotes = extract_quotes(article.id, article.text, mentions)
        lines.append(_prediction_line(article.id, quotes))
        ours = [Span(q.start, q.end, q.direct, q.speaker_start, q.speaker_end) for q in quotes]
        theirs = textacy_spans(doc) if doc is not None else []
        gold_direct = [g for g in gold if g.direct]
        counts["storyline", "direct"].add([s for s in ours if s.direct], gold_direct)
        counts["storyline", "all"].add(ours, gold)
        counts["textacy", "direct"].add(theirs, gold_direct)
        counts["textacy", "all"].add(theirs, gold)
    if predictions is not None:
        predictions.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return {
        "articles": len(articles),
        "gold_quotes": counts["storyline", "direct"].gold,
        "systems": {s: counts[s, "direct"].scores() for s in systems},
        "all_quotes": {
            "gold_quotes": counts["storyline", "all"].gold,
            "systems": {s: counts[s, "all"].scores() for s in systems},
        },
    }


def _full_pipeline(model: str) -> Any:
    """The spaCy pipeline with its dependency parser, which textacy's extractor needs."""
    import spacy

    return spacy.load(model_name(model))


def report_text(result: dict[str, Any]) -> str:
    """A readable table: one row per system, for direct quotes and for all quotes."""
    lines = [f"{result['articles']} articles"]
    header = "{:<10} {:>9} {:>7} {:>7} {:>8} {:>12}".format(
        "system", "precision", "recall", "F1", "speaker", "attribution"
    )
    sections = (
        ("direct quotes", result["gold_quotes"], result["systems"]),
        ("all quotes (textacy: direct only)", *result["all_quotes"].values()),
    )
    for title, gold, systems in sections:
        lines += ["", f"{title}: {gold} gold", header]
        for name, s in systems.items():
            lines.append(
                f"{name:<10} {s['quote_precision']:>9.3f} {s['quote_recall']:>7.3f} "
                f"{s['quote_f1']:>7.3f} {s['speaker_accuracy']:>8.3f} {s['attribution_f1']:>12.3f}"
            )
    return "\n".join(lines)
