"""Render a story's outlet comparison: the JSON shape, a text/Markdown section, a side-by-side."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

from ..records import Claim, Comparison, Story


def claim_json(claim: Claim) -> dict[str, Any]:
    """A claim: its outlet, article, sentence and exact span."""
    return {
        "outlet": claim.outlet,
        "article_id": claim.article_id,
        "sentence_index": claim.sentence_index,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The documented `comparison` object of `storyline show --format json`."""
    return {
        "outlets": [
            {
                "name": t.outlet,
                "article_ids": list(t.article_ids),
                "subjectivity": t.subjectivity,
                "sentiment": t.sentiment,
                "loaded_words": list(t.loaded_words),
                "opinion_markers": dict(t.opinion_markers),
                "quoted_people": list(t.quoted_people),
                "unique_claims": [claim_json(c) for c in t.unique_claims],
            }
            for t in comparison.outlets
        ],
        "agreed": [
            {
                "outlets": list(g.outlets),
                "scope": g.scope,
                "claims": [claim_json(c) for c in g.claims],
            }
            for g in comparison.agreed
        ],
        "contradictions": [
            {
                "kind": c.kind,
                "left": {**claim_json(c.left), "value": c.left_value},
                "right": {**claim_json(c.right), "value": c.right_value},
            }
            for c in comparison.contradictions
        ],
        "timeline": [
            {
                "date": e.date,
                "precision": e.precision,
                "phrase": e.phrase,
                "outlets": list(e.outlets),
                "claims": [claim_json(c) for c in e.claims],
            }
            for e in comparison.timeline
        ],
        "statements": list(comparison.statements),
    }


def comparison_text(comparison: Comparison, markdown: bool = False, limit: int = 8) -> str:
    """The comparison as a section of `storyline show` (text or Markdown)."""
    h2 = "## " if markdown else ""
    bullet = "- " if markdown else "  "
    if not comparison.outlets:
        return ""
    lines = [f"{h2}How each outlet covered it", ""]
    lines += [f"{bullet}{s}" for s in comparison.statements]
    for t in comparison.outlets:
        quoted = ", ".join(t.quoted_people[:5]) or "nobody"
        lines.append(
            f"{bullet}{t.outlet}: subjectivity {t.subjectivity:.2f}, sentiment {t.sentiment:+.2f}; "
            f"quotes {quoted}"
            + (f"; loaded words: {', '.join(t.loaded_words[:6])}" if t.loaded_words else "")
        )
    for scope, heading in (("all", "Reported by every outlet"), ("several", "Reported by several")):
        groups = [g for g in comparison.agreed if g.scope == scope]
        if groups:
            lines += ["", f"{h2}{heading}", ""]
            for g in groups[:limit]:
                # One wording per outlet: the reader sees how each put the same point.
                first = {c.outlet: c for c in reversed(g.claims)}
                lines += [f"{bullet}{o}: {first[o].text}" for o in g.outlets]
                lines.append("")
            lines.pop()
    for t in comparison.outlets:
        if t.unique_claims:
            lines += ["", f"{h2}Only in {t.outlet}", ""]
            lines += [f"{bullet}{c.text}" for c in t.unique_claims[:limit]]
    if comparison.contradictions:
        lines += ["", f"{h2}Contradictions", ""]
        for c in comparison.contradictions:
            lines.append(
                f"{bullet}{c.kind}: {c.left.outlet} says {c.left_value} "
                f"(“{c.left.text}”); {c.right.outlet} says {c.right_value} (“{c.right.text}”)"
            )
    if comparison.timeline:
        lines += ["", f"{h2}Timeline", ""]
        for e in comparison.timeline:
            lines.append(
                f"{bullet}{e.date} ({e.phrase}; {', '.join(e.outlets)}): {e.claims[0].text}"
            )
    return "\n".join(lines)


def compare_text(story: Story, width: int | None = None) -> str:
    """`storyline compare`: outlets side by side, then agreement, contradictions and timeline."""
    comparison = story.comparison
    if not comparison.outlets:
        return f"{story.title}\n\nNo comparison: the story has no analysed articles."
    total = width or shutil.get_terminal_size((120, 24)).columns
    tones = comparison.outlets
    column = max(24, (total - 3 * (len(tones) - 1)) // max(len(tones), 1))
    cells = []
    for t in tones:
        lines = [t.outlet.upper(), "-" * min(column, len(t.outlet))]
        lines.append(f"subjectivity {t.subjectivity:.2f}")
        lines.append(f"sentiment {t.sentiment:+.2f}")
        lines += _wrap("quotes: " + (", ".join(t.quoted_people[:4]) or "nobody"), column)
        if t.loaded_words:
            lines += _wrap("loaded: " + ", ".join(t.loaded_words[:6]), column)
        lines += ["", f"only here ({len(t.unique_claims)}):"]
        for c in t.unique_claims[:6]:
            lines += _wrap("• " + c.text, column)
        cells.append(lines)
    height = max(len(c) for c in cells)
    rows = [
        " | ".join(c[k].ljust(column) if k < len(c) else " " * column for c in cells).rstrip()
        for k in range(height)
    ]
    body = comparison_text(comparison)
    head = f"{story.title}\nstory {story.id} · {len(story.article_ids)} articles"
    return "\n".join([head, "", *rows, "", body])


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, subsequent_indent="  ") or [""]
