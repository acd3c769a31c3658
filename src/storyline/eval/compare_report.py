"""`storyline eval compare DATA --report PATH`: what a person needs to judge the comparison.

For every event of a comparison file: the outlets ranked by tone, and how many unique and
contradicting claims each has. Then a seeded random sample of contradictions (both sides, with
outlets and the values that differ) and of unique claims (with, for each other outlet of the
event, its closest sentence), written as Markdown to read and mark by hand.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..analyze import analyze
from ..records import Claim, Comparison, Contradiction
from ..settings import Settings
from ..story.compare import claim_similarity, compare_for
from ..story.entities import canonical_entities
from .common import read_records
from .compare import event_articles

SAMPLE = 20


@dataclass(frozen=True, slots=True)
class UniqueSample:
    """A claim one outlet alone makes, and each other outlet's closest claim (score, text)."""

    event: str
    claim: Claim
    closest: tuple[tuple[str, float, str], ...]


@dataclass(frozen=True, slots=True)
class EventComparison:
    """One event's comparison and, per unique claim, the other outlets' closest claims."""

    id: str
    comparison: Comparison
    unique: tuple[UniqueSample, ...]


def compare_events(path: Path, settings: Settings) -> Iterator[EventComparison]:
    """Analyse and compare every event of a comparison file, in file order (no summaries)."""
    for number, record in enumerate(read_records(path), 1):
        where = f"{path}:{number}"
        event = str(record.get("id") or number)
        articles = event_articles(record, where)
        analyses = {
            a.id: x for a, x in zip(articles, analyze(articles, settings.spacy_model), strict=True)
        }
        _, aliases = canonical_entities(articles, analyses)
        comparison = compare_for(articles, analyses, aliases, settings)
        claims, sim = claim_similarity(articles, analyses, aliases)
        where_is = {(c.article_id, c.sentence_index): k for k, c in enumerate(claims)}
        outlets = [t.outlet for t in comparison.outlets]
        samples = []
        for tone in comparison.outlets:
            for claim in tone.unique_claims:
                k = where_is[(claim.article_id, claim.sentence_index)]
                closest = []
                for other in outlets:
                    if other == tone.outlet:
                        continue
                    members = [j for j, c in enumerate(claims) if c.outlet == other]
                    if members:
                        j = members[int(np.argmax(sim[k, members]))]
                        closest.append((other, round(float(sim[k, j]), 3), claims[j].text))
                samples.append(UniqueSample(event, claim, tuple(closest)))
        yield EventComparison(event, comparison, tuple(samples))


def event_rows(events: Sequence[EventComparison]) -> list[str]:
    """The per-event table: tone ranking, unique claims per outlet, contradictions."""
    lines = [
        "| event | tone ranking (most to least subjective) | unique claims | contradictions |",
        "| --- | --- | --- | --- |",
    ]
    for event in events:
        tones = sorted(event.comparison.outlets, key=lambda t: -t.subjectivity)
        ranking = " > ".join(f"{t.outlet} {t.subjectivity:.2f}" for t in tones)
        unique = ", ".join(f"{t.outlet} {len(t.unique_claims)}" for t in event.comparison.outlets)
        total = sum(len(t.unique_claims) for t in event.comparison.outlets)
        lines.append(
            f"| {event.id} | {ranking} | {total} ({unique}) | "
            f"{len(event.comparison.contradictions)} |"
        )
    return lines


def _contradiction_lines(k: int, event: str, c: Contradiction) -> list[str]:
    return [
        f"### C{k}. {event}: {c.kind} ({c.left_value} vs {c.right_value})",
        f"- **{c.left.outlet}**: {c.left.text}",
        f"- **{c.right.outlet}**: {c.right.text}",
        "- judgment (real contradiction?): ",
        "",
    ]


def _unique_lines(k: int, sample: UniqueSample) -> list[str]:
    lines = [
        f"### U{k}. {sample.event}: only {sample.claim.outlet}",
        f"> {sample.claim.text}",
        "",
        "Closest sentence of each other outlet:",
    ]
    lines += [f"- {outlet} ({score:.2f}): {text}" for outlet, score, text in sample.closest]
    lines += ["- judgment (truly unique?): ", ""]
    return lines


def report(events: Sequence[EventComparison], seed: int = 0, size: int = SAMPLE) -> str:
    """The Markdown report: event table, then the seeded samples to judge."""
    rng = random.Random(seed)
    contradictions = [(e.id, c) for e in events for c in e.comparison.contradictions]
    uniques = [s for e in events for s in e.unique]
    picked_c = rng.sample(contradictions, min(size, len(contradictions)))
    picked_u = rng.sample(uniques, min(size, len(uniques)))
    lines = ["# Outlet comparison report", "", *event_rows(events), ""]
    lines += [
        f"## Contradictions: {len(picked_c)} sampled of {len(contradictions)} (seed {seed})",
        "",
    ]
    for k, (event, c) in enumerate(picked_c, 1):
        lines += _contradiction_lines(k, event, c)
    lines += [f"## Unique claims: {len(picked_u)} sampled of {len(uniques)} (seed {seed})", ""]
    for k, sample in enumerate(picked_u, 1):
        lines += _unique_lines(k, sample)
    return "\n".join(lines)


def write_report(
    path: Path, settings: Settings, out: Path, seed: int = 0, size: int = SAMPLE
) -> list[str]:
    """Compare every event of ``path``, write the report to ``out``; returns the event table."""
    events = list(compare_events(path, settings))
    out.write_text(report(events, seed, size) + "\n", encoding="utf-8")
    return event_rows(events)
