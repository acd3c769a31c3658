"""Cost of the outlet comparison per story, lexical only vs with MiniLM embeddings.

Analyses every event of a comparison file once (excluded from the timings), then times
``compare_story`` per event: without embeddings (the default) and with ``embeddings =
minilm`` (the claims embedded in the comparison), each ``--repeat`` times, best of the
repeats, by this process's CPU time (steadier than the wall clock when other jobs share
the machine). Models load before the clock starts. Prints seconds per story of each and
their ratio, measured in the same run, and the unique-claim counts.

    python bench/compare_unique.py                       # NewsWCL50 comparison file
    python bench/compare_unique.py DATA.jsonl --repeat 3
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from storyline.analyze import analyze
from storyline.eval.common import read_records
from storyline.eval.compare import event_articles
from storyline.records import Comparison
from storyline.settings import Settings
from storyline.story.compare import compare_story
from storyline.story.entities import canonical_entities
from storyline.story.unique import Embed, is_caption, sentence_embedder

DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "comparison" / "newswcl50.jsonl"


def _best(run: Callable[[], Comparison], repeat: int) -> tuple[float, Comparison]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = run()
        times.append(time.process_time() - start)
    assert result is not None
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DATA)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    settings = Settings()
    events = []
    for number, record in enumerate(read_records(args.data), 1):
        articles = event_articles(record, f"{args.data}:{number}")
        analyses = dict(
            zip((a.id for a in articles), analyze(articles, settings.spacy_model), strict=True)
        )
        events.append((articles, analyses, canonical_entities(articles, analyses)[1]))
    embed: Embed | None = sentence_embedder("minilm")
    assert embed is not None
    embed(["warm up"])
    is_caption("Warm up the parser.")
    totals = {"lexical": 0.0, "minilm": 0.0}
    unique = {"lexical": 0, "minilm": 0}
    for articles, analyses, aliases in events:
        for name, fn in (("lexical", None), ("minilm", embed)):
            run = partial(compare_story, articles, analyses, aliases, fn)
            seconds, comparison = _best(run, args.repeat)
            totals[name] += seconds
            unique[name] += sum(len(t.unique_claims) for t in comparison.outlets)
    n = len(events)
    for name in totals:
        print(f"{name:8s} {totals[name] / n:.3f} s CPU per story, {unique[name]} unique claims")
    print(f"minilm / lexical cost ratio: {totals['minilm'] / totals['lexical']:.1f}")


if __name__ == "__main__":
    main()
