"""Shared helpers of the evaluation harnesses: JSONL reading, timing, ROUGE."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of an evaluation JSONL file; InputError names the file and line on bad JSON."""
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}", f"invalid JSON: {exc.msg}") from exc
            if not isinstance(record, dict):
                raise InputError(f"{path}:{number}", "expected a JSON object")
            yield record


def rouge(summary: str, references: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L recall and F1 (rouge-score, stemming on) of a summary against references.

    Multiple references are scored one by one and averaged (rouge-score has no
    multi-reference mode); ``rougeL`` is sentence-free LCS, so no NLTK data is needed.
    """
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = dict.fromkeys(
        ("rouge1_r", "rouge2_r", "rougeL_r", "rouge1_f", "rouge2_f", "rougeL_f"), 0.0
    )
    refs = [r for r in references if r.strip()]
    for reference in refs:
        scores = scorer.score(reference, summary)
        for kind in ("rouge1", "rouge2", "rougeL"):
            totals[kind + "_r"] += scores[kind].recall
            totals[kind + "_f"] += scores[kind].fmeasure
    return {k: v / len(refs) for k, v in totals.items()} if refs else totals


def truncate_words(text: str, words: int) -> str:
    """The first ``words`` whitespace tokens of a text (ROUGE at a fixed length)."""
    return " ".join(text.split()[:words])
