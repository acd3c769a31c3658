"""`storyline eval compare`: neutral story summary vs a lead baseline, and tone spread.

Data: the comparison format of ../shared/eval (one event covered by several outlets per line).
Storyline's summary is ``storyline.story.summarize.summarize`` at the configured word budget;
the lead baseline takes the first sentences of each outlet in turn (round-robin) and is cut
to the same number of words. ROUGE is averaged over the events that have references.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analyze import analyze
from ..clean import clean_text
from ..errors import InputError
from ..records import Analysis, Article, Comparison
from ..settings import Settings
from ..story.compare import compare_for, outlet_label, tone_ranking
from ..story.entities import canonical_entities
from ..story.summarize import summarize
from .common import read_records, rouge, truncate_words

SYSTEMS = ("storyline", "lead")
METRICS = ("rouge1_f", "rouge2_f", "rougeL_f")


@dataclass(frozen=True, slots=True)
class EventResult:
    """One event: both summaries, its references and Storyline's outlet comparison."""

    id: str
    summary: str
    lead: str
    references: tuple[str, ...]
    comparison: Comparison


def event_articles(record: dict[str, Any], where: str) -> list[Article]:
    """The event's documents as cleaned Articles (one paragraph a line); InputError if bad."""
    documents = record.get("documents")
    if not isinstance(documents, list) or not documents:
        raise InputError(where, "expected a non-empty 'documents' list")
    articles = []
    for k, doc in enumerate(documents):
        text = doc.get("text") if isinstance(doc, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{where} document {k}", "missing or empty 'text'")
        # The clean stage, as ingest applies it to a text file: the data keeps page chrome
        # ("More: ...", "Related: ...", a video's headline above the body) that would otherwise
        # read as the outlet's claims.
        cleaned = clean_text(text)
        paragraphs = cleaned.paragraphs
        title = str(doc.get("title") or cleaned.headline or "")
        if not paragraphs:
            raise InputError(f"{where} document {k}", "nothing left after cleaning")
        body = "\n".join(paragraphs)
        articles.append(
            Article(
                id=Article.make_id(title, body),
                source=str(doc.get("id") or f"{where}:{k}"),
                title=title,
                text=body,
                paragraphs=paragraphs,
                outlet=doc.get("outlet") or None,
                published=doc.get("published") or None,
            )
        )
    return articles


def lead_summary(articles: list[Article], analyses: dict[str, Analysis], words: int) -> str:
    """First sentences of each outlet in turn (round-robin), cut to ``words`` words."""
    queues = [[s.text for s in analyses[a.id].sentences] for a in articles]
    picked: list[str] = []
    count = 0
    depth = 0
    while count < words and any(depth < len(q) for q in queues):
        for queue in queues:
            if depth < len(queue) and count < words:
                picked.append(queue[depth])
                count += len(queue[depth].split())
        depth += 1
    return truncate_words(" ".join(picked), words)


def run_events(path: Path, settings: Settings) -> Iterator[EventResult]:
    """Summarise and compare every event of a comparison file, in file order."""
    for number, record in enumerate(read_records(path), 1):
        where = f"{path}:{number}"
        articles = event_articles(record, where)
        analyses = {
            a.id: x for a, x in zip(articles, analyze(articles, settings.spacy_model), strict=True)
        }
        _, alias_map = canonical_entities(articles, analyses)
        comparison = compare_for(articles, analyses, alias_map, settings)
        sentences = summarize(
            articles,
            analyses,
            words=settings.summary_words,
            citation_threshold=settings.citation_threshold,
            agreed=comparison.agreed,
        )
        summary = " ".join(s.text for s in sentences)
        lead = lead_summary(articles, analyses, max(len(summary.split()), 1))
        references = tuple(r for r in record.get("references") or () if isinstance(r, str))
        yield EventResult(
            id=str(record.get("id") or number),
            summary=summary,
            lead=lead,
            references=references,
            comparison=comparison,
        )


def evaluate(
    path: Path, settings: Settings, predictions: Path | None = None, **options: Any
) -> dict[str, Any]:
    """Exactly: {"events", "systems": {"storyline": {...}, "lead": {...}}, "tone_spread"}."""
    totals = {s: dict.fromkeys(METRICS, 0.0) for s in SYSTEMS}
    scored = events = 0
    spreads: list[float] = []
    with ExitStack() as stack:
        out = stack.enter_context(open(predictions, "w", encoding="utf-8")) if predictions else None
        for event in run_events(path, settings):
            events += 1
            tones = event.comparison.outlets
            if len(tones) >= 2:
                values = [t.subjectivity for t in tones]
                spreads.append(max(values) - min(values))
            if event.references:
                scored += 1
                for system, text in (("storyline", event.summary), ("lead", event.lead)):
                    scores = rouge(text, event.references)
                    for metric in METRICS:
                        totals[system][metric] += scores[metric]
            if out is not None:
                line = {
                    "id": event.id,
                    "summary": event.summary,
                    "outlets": [
                        {
                            "outlet": t.outlet,
                            "subjectivity": t.subjectivity,
                            "sentiment": t.sentiment,
                        }
                        for t in tones
                    ],
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return {
        "events": events,
        "systems": {
            s: {m: round(v / scored, 4) if scored else 0.0 for m, v in totals[s].items()}
            for s in SYSTEMS
        },
        "tone_spread": round(sum(spreads) / len(spreads), 4) if spreads else 0.0,
    }


def report_text(result: dict[str, Any]) -> str:
    """A readable table of the result."""
    lines = [
        f"events: {result['events']}",
        "",
        f"{'system':<12}" + "".join(f"{m:>11}" for m in METRICS),
    ]
    for system, scores in result["systems"].items():
        lines.append(f"{system:<12}" + "".join(f"{scores[m]:>11.4f}" for m in METRICS))
    lines += [
        "",
        "mean tone spread (subjectivity, most minus least opinionated outlet): "
        f"{result['tone_spread']:.4f}",
    ]
    return "\n".join(lines)


def event_report(event: EventResult) -> dict[str, Any]:
    """Per-event comparison figures: tone ranking, unique and contradicting claim counts."""
    comparison = event.comparison
    return {
        "id": event.id,
        "tone_ranking": [
            (t.outlet, t.subjectivity, t.sentiment)
            for t in sorted(comparison.outlets, key=lambda t: -t.subjectivity)
        ],
        "ranking": tone_ranking(comparison),
        "unique": {t.outlet: len(t.unique_claims) for t in comparison.outlets},
        "contradictions": len(comparison.contradictions),
        "agreed": len(comparison.agreed),
    }


__all__ = ["evaluate", "event_report", "outlet_label", "report_text", "run_events"]
