"""`storyline eval summarize`: ROUGE of Storyline's cited summaries vs classic baselines.

Reads the summarization format of ../shared/eval (also the comparison format, whose
``references`` may be empty: those clusters count for citations only). Every system sees
the same sentences (one spaCy pass), runs on to the word budget and is cut there before
scoring: Storyline's summary is filled past its whole-sentence budget for this (see
``summarize(fill=True)``), so the predictions' last sentence may run over the budget.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analyze import analyze
from ..errors import InputError
from ..records import Analysis, Article, SummarySentence
from ..settings import Settings
from ..story.compare import compare_for
from ..story.entities import canonical_entities
from ..story.summarize import summarize
from .baselines import BASELINES
from .common import read_records, rouge, truncate_words

SYSTEMS = ("storyline", *BASELINES)
METRICS = ("rouge1_r", "rouge2_r", "rougeL_r", "rouge1_f", "rouge2_f", "rougeL_f")
_BLANK_LINE = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class Cluster:
    """One evaluation cluster: its articles (analysed) and reference summaries."""

    id: str
    articles: tuple[Article, ...]
    references: tuple[str, ...]


def _article(document: Mapping[str, Any], where: str) -> Article:
    """An Article from one document record: blank-line paragraphs, wrapped lines joined."""
    text = document.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, "document without text")
    paragraphs = tuple(
        " ".join(block.split()) for block in _BLANK_LINE.split(text) if block.strip()
    )
    if len(paragraphs) == 1 and "\n" in text.strip():
        paragraphs = tuple(" ".join(p.split()) for p in text.splitlines() if p.strip())
    body = "\n".join(paragraphs)
    title = document.get("title") or ""
    published = document.get("published")
    return Article(
        id=str(document.get("id") or Article.make_id(title, body)),
        source=where,
        title=title,
        text=body,
        paragraphs=paragraphs,
        outlet=document.get("outlet"),
        published=published if isinstance(published, str) else None,
    )


def load_clusters(path: Path) -> list[Cluster]:
    """Clusters of a summarization (or comparison) JSONL file; InputError on a bad record."""
    clusters = []
    for number, record in enumerate(read_records(path), 1):
        where = f"{path}:{number}"
        documents = record.get("documents")
        if not isinstance(documents, list) or not documents:
            raise InputError(where, "record without documents")
        articles = tuple(_article(d, f"{where}:document {k}") for k, d in enumerate(documents))
        references = tuple(r for r in record.get("references") or () if isinstance(r, str))
        clusters.append(Cluster(str(record.get("id", number)), articles, references))
    return clusters


def analyse_clusters(clusters: Sequence[Cluster], settings: Settings) -> dict[str, Analysis]:
    """Analyses of every article of every cluster, in one batched pass."""
    articles = [a for c in clusters for a in c.articles]
    return {a.id: r for a, r in zip(articles, analyze(articles, settings.spacy_model), strict=True)}


def storyline_summary(
    cluster: Cluster,
    analyses: Mapping[str, Analysis],
    settings: Settings,
    words: int,
    fill: bool = True,
) -> tuple[SummarySentence, ...]:
    """Storyline's summary of a cluster at a word budget (with the comparison's agreement,
    as a story build does).

    With ``fill`` (the default here) it runs on past the budget, as every baseline does, so
    that all systems are cut at exactly ``words`` words (the DUC/MultiLing protocol).
    """
    _, alias_map = canonical_entities(cluster.articles, analyses)
    comparison = compare_for(cluster.articles, analyses, alias_map, settings)
    return summarize(
        cluster.articles,
        analyses,
        words=words,
        citation_threshold=settings.citation_threshold,
        agreed=comparison.agreed,
        fill=fill,
    )


def evaluate(
    path: Path, settings: Settings, predictions: Path | None = None, words: int = 250
) -> dict[str, Any]:
    """ROUGE (recall and F1) of Storyline and the baselines at ``words`` words, plus citations."""
    if words <= 0:
        raise InputError("--words", f"must be positive, got {words}")
    clusters = load_clusters(path)
    analyses = analyse_clusters(clusters, settings)
    totals = {s: dict.fromkeys(METRICS, 0.0) for s in SYSTEMS}
    scored = cited = multi_cited = sentences = multi_sentences = multi_clusters = 0
    lines = []
    for cluster in clusters:
        summary = storyline_summary(cluster, analyses, settings, words)
        lines.append(
            {
                "id": cluster.id,
                "summary": [
                    {
                        "text": s.text,
                        "citations": list(dict.fromkeys(c.article_id for c in s.citations)),
                    }
                    for s in summary
                ],
            }
        )
        sources = {a.outlet or a.id for a in cluster.articles}
        sentences += len(summary)
        cited += sum(bool(s.citations) for s in summary)
        if len(sources) > 1:
            multi_clusters += 1
            multi_sentences += len(summary)
            multi_cited += sum(len({c.article_id for c in s.citations}) >= 2 for s in summary)
        if not cluster.references:
            continue
        scored += 1
        documents = [[s.text for s in analyses[a.id].sentences] for a in cluster.articles]
        texts = {"storyline": [s.text for s in summary]}
        texts.update({name: system(documents, words) for name, system in BASELINES.items()})
        for name, chosen in texts.items():
            for metric, value in rouge(
                truncate_words(" ".join(chosen), words), cluster.references
            ).items():
                totals[name][metric] += value
    if predictions is not None:
        with open(predictions, "w", encoding="utf-8") as fh:
            for line in lines:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return {
        "clusters": len(clusters),
        "words": words,
        "systems": {
            name: {m: round(v / scored, 4) if scored else None for m, v in metrics.items()}
            for name, metrics in totals.items()
        },
        "citations": {
            "clusters_with_references": scored,
            "clusters_multi_outlet": multi_clusters,
            "share_cited": round(cited / sentences, 4) if sentences else None,
            "share_cited_2plus_multi_outlet": (
                round(multi_cited / multi_sentences, 4) if multi_sentences else None
            ),
        },
    }


def report_text(result: Mapping[str, Any]) -> str:
    """A readable table of the scores, best ROUGE-2 recall first."""
    systems: Mapping[str, Mapping[str, float | None]] = result["systems"]
    header = f"{'system':<10}" + "".join(f"{m:>10}" for m in METRICS)
    rows = [f"{result['clusters']} clusters, summaries cut at {result['words']} words", header]
    ranked = sorted(systems, key=lambda s: -(systems[s]["rouge2_r"] or 0.0))
    for name in ranked:
        cells = "".join(
            f"{v:>10.4f}" if v is not None else f"{'-':>10}" for v in systems[name].values()
        )
        rows.append(f"{name:<10}{cells}")
    c = result["citations"]
    rows.append(
        f"storyline citations: share of sentences cited {c['share_cited']}; "
        f"with >= 2 articles (multi-outlet clusters: {c['clusters_multi_outlet']}) "
        f"{c['share_cited_2plus_multi_outlet']}"
    )
    return "\n".join(rows)
