"""Speed of quote + entity analysis vs spaCy NER alone, measured in the same run.

Usage: .venv/bin/python bench/quotes_speed.py [DATA.jsonl] [--articles N] [--processes P]

Articles are PolNeAR texts of 500-900 words (about 700 on average), cycled to N. Both
figures use the same spaCy pipeline (tagger + NER + senter, no parser) and the same number of
worker processes, so the ratio is what quotes, reported speech and entities add.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from storyline.analyze import analyze, extract_quotes
from storyline.analyze.nlp import load_nlp, paragraph_spans, sentences_and_mentions
from storyline.records import Analysis, Article
from storyline.story.entities import canonical_entities

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "quotes" / "polnear_dev.jsonl"


def _articles(path: Path, count: int) -> list[Article]:
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        if 500 <= len(text.split()) <= 900:
            texts.append(text)
    chosen = [texts[i % len(texts)] for i in range(count)]
    return [
        Article(id=f"a{i}", source="bench", title="", text=t, paragraphs=(), outlet=f"o{i % 3}")
        for i, t in enumerate(chosen)
    ]


def ner_only(articles: list[Article]) -> int:
    """The baseline: spaCy over every paragraph, entities read, nothing else."""
    nlp = load_nlp()
    texts = [a.text[s:e] for a in articles for s, e in paragraph_spans(a.text)]
    return sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))


def quotes_and_entities(articles: list[Article]) -> int:
    """Storyline: sentences, mentions, quotes (direct, partial, reported), story entities."""
    analyses = analyze(articles)
    by_id = {a.article_id: a for a in analyses}
    entities = 0
    for i in range(0, len(articles), 4):  # stories of four articles
        entities += len(canonical_entities(articles[i : i + 4], by_id)[0])
    return sum(len(a.quotes) for a in analyses) + entities


def stage_only(articles: list[Article]) -> float:
    """Seconds spent in quotes and entities alone, given the spaCy mentions (not timed)."""
    pairs = sentences_and_mentions(articles)
    start = time.perf_counter()
    analyses = {
        a.id: Analysis(a.id, s, m, extract_quotes(a.id, a.text, m))
        for a, (s, m) in zip(articles, pairs, strict=True)
    }
    for i in range(0, len(articles), 4):
        canonical_entities(articles[i : i + 4], analyses)
    return time.perf_counter() - start


def _timed(job: str, articles: list[Article], processes: int) -> float:
    chunks = [articles[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(ner_only, [c[:8] for c in chunks]))  # load spaCy in every worker first
        if job == "stage":
            return len(articles) / max(pool.map(stage_only, chunks))
        work = ner_only if job == "ner" else quotes_and_entities
        start = time.perf_counter()
        list(pool.map(work, chunks))
        return len(articles) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    articles = _articles(args.data, args.articles)
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    baseline = _timed("ner", articles, args.processes)
    ours = _timed("quotes", articles, args.processes)
    print(f"{len(articles)} articles, {words:.0f} words on average, {args.processes} processes")
    print(f"spaCy NER alone (baseline):  {baseline:7.1f} articles/s")
    print(f"quotes + entities:           {ours:7.1f} articles/s  ({ours / baseline:.2f}x baseline)")
    stage = _timed("stage", articles, args.processes)
    print(f"  of which quotes + entities on given mentions: {stage:7.1f} articles/s")


if __name__ == "__main__":
    main()
