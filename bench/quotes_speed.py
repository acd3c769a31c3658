"""Speed of quote + entity analysis vs the previous analysis and spaCy NER alone, one run.

Usage: .venv/bin/python bench/quotes_speed.py [DATA.jsonl] [--articles N] [--processes P]

Articles are PolNeAR texts of 500-900 words (about 700 on average), cycled to N. Every
figure uses the same number of worker processes, so the ratios hold on a busy machine:

- spaCy NER alone: the pipeline analysis used before (tok2vec + tagger + senter + NER)
  over every paragraph, entities read, nothing else (the issue's reference);
- previous analysis: that pipeline with NER on every paragraph, then quotes, reported
  speech and story entities (what ``analyze`` did before the selective NER);
- quotes + entities: ``analyze`` as it is now (senter + NER only where needed, known
  names string-matched elsewhere), then story entities.

"cpu" is articles per CPU-second of the workers times the process count: the rate the
same work would reach on that many otherwise idle cores.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from storyline.analyze import analyze, extract_quotes
from storyline.analyze import nlp as nlp_module
from storyline.analyze.nlp import model_name, paragraph_spans, sentences_and_mentions
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


@functools.lru_cache(maxsize=1)
def _previous_nlp() -> Any:
    """The spaCy pipeline analysis loaded before: everything but parser, lemmatizer, rules."""
    import spacy

    nlp = spacy.load(model_name(), exclude=["parser", "lemmatizer", "attribute_ruler"])
    nlp.enable_pipe("senter")
    return nlp


def ner_only(articles: list[Article]) -> int:
    """The reference: the previous spaCy pipeline over every paragraph, entities read."""
    texts = [a.text[s:e] for a in articles for s, e in paragraph_spans(a.text)]
    return sum(len(doc.ents) for doc in _previous_nlp().pipe(texts, batch_size=64))


def _story_entities(articles: list[Article], analyses: list[Analysis]) -> int:
    by_id = {a.article_id: a for a in analyses}
    entities = 0
    for i in range(0, len(articles), 4):  # stories of four articles
        entities += len(canonical_entities(articles[i : i + 4], by_id)[0])
    return sum(len(a.quotes) for a in analyses) + entities


def previous(articles: list[Article]) -> int:
    """The analysis before: previous pipeline, NER on every paragraph, quotes, entities."""
    # the previous pipeline in place of the current one, in this worker process only
    nlp_module.load_nlp = lambda model="en_core_web_sm": _previous_nlp()  # type: ignore[assignment]
    pairs = sentences_and_mentions(articles, ner="full")
    analyses = [
        Analysis(a.id, s, m, extract_quotes(a.id, a.text, m))
        for a, (s, m) in zip(articles, pairs, strict=True)
    ]
    return _story_entities(articles, analyses)


def quotes_and_entities(articles: list[Article]) -> int:
    """Storyline now: sentences, mentions, quotes (direct, partial, reported), story entities."""
    return _story_entities(articles, analyze(articles))


def _warm(articles: list[Article]) -> None:
    """Load both pipelines and compile the patterns in a worker before timing."""
    ner_only(articles)
    analyze(articles)


JOBS = {"ner": ner_only, "previous": previous, "quotes": quotes_and_entities}


def _work(job: str, articles: list[Article]) -> float:
    start = time.process_time()
    JOBS[job](articles)
    return time.process_time() - start


def _timed(job: str, articles: list[Article], processes: int) -> tuple[float, float]:
    """(articles/s wall clock, articles per CPU-second x processes) of one job."""
    chunks = [articles[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_warm, [c[:4] for c in chunks]))
        start = time.perf_counter()
        cpu = list(pool.map(_work, [job] * processes, chunks))
        wall = time.perf_counter() - start
    return len(articles) / wall, len(articles) / max(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    articles = _articles(args.data, args.articles)
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    print(f"{len(articles)} articles, {words:.0f} words on average, {args.processes} processes")
    print(f"{'':38} {'articles/s':>10} {'cpu':>7} {'x NER':>6} {'x prev':>6}")
    rates = {}
    for job, label in (
        ("ner", "spaCy NER alone (reference)"),
        ("previous", "previous analysis (NER everywhere)"),
        ("quotes", "quotes + entities (selective NER)"),
    ):
        rates[job] = _timed(job, articles, args.processes)
        wall, cpu = rates[job]
        prev = rates.get("previous", rates[job])[0]
        print(
            f"{label:38} {wall:10.1f} {cpu:7.1f} {wall / rates['ner'][0]:6.2f} {wall / prev:6.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
