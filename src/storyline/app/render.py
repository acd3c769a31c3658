"""Render records as the documented JSON shapes, Markdown or plain text (shared by CLI and API)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..pipeline import IngestReport
from ..records import Article, Story, SummarySentence
from ..store import SearchHit, StoryRow
from ..story.abstractive import AbstractiveSummary
from .render_compare import comparison_json, comparison_text

FORMATS = ("text", "markdown", "json")


def dumps(data: Any) -> str:
    """Pretty JSON, UTF-8 kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=2)


# -- JSON shapes (documented in README "JSON output") ------------------------------


def story_row_json(row: StoryRow) -> dict[str, Any]:
    """A story as listed."""
    return {
        "id": row.id,
        "title": row.title,
        "first_published": row.first_published,
        "last_published": row.last_published,
        "article_count": row.article_count,
        "outlets": list(row.outlets),
    }


def article_ref_json(article: Article) -> dict[str, Any]:
    """An article as referenced from a story."""
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published,
        "url": article.url,
        "source": article.source,
    }


def _summary_json(sentences: Sequence[SummarySentence]) -> list[dict[str, Any]]:
    """Summary sentences with their citations."""
    return [
        {
            "text": s.text,
            "citations": [
                {
                    "article_id": c.article_id,
                    "sentence_index": c.sentence_index,
                    "start": c.start,
                    "end": c.end,
                }
                for c in s.citations
            ],
        }
        for s in sentences
    ]


def abstractive_json(result: AbstractiveSummary) -> dict[str, Any]:
    """An abstractive summary: kept (supported, cited) sentences and the dropped ones."""
    return {
        "summary": _summary_json(result.sentences),
        "dropped": [{"text": d.text, "reason": d.reason} for d in result.dropped],
    }


def story_json(
    story: Story, articles: Mapping[str, Article], abstractive: AbstractiveSummary | None = None
) -> dict[str, Any]:
    """A whole story: articles, cited summary, merged quotes, entities (+ abstractive summary)."""
    extra = {} if abstractive is None else {"abstractive": abstractive_json(abstractive)}
    return {
        "id": story.id,
        "title": story.title,
        "first_published": story.first_published,
        "last_published": story.last_published,
        "outlets": list(story.outlets),
        "articles": [article_ref_json(articles[i]) for i in story.article_ids],
        "summary": _summary_json(story.summary),
        **extra,
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "direct": q.direct,
                "partial": q.partial,
                "article_ids": list(q.article_ids),
                "versions": [
                    {"article_id": v.article_id, "text": v.text, "start": v.start, "end": v.end}
                    for v in q.versions
                ],
            }
            for q in story.quotes
        ],
        "entities": [
            {
                "name": e.name,
                "type": e.type,
                "aliases": list(e.aliases),
                "roles": list(e.roles),
                "mention_count": len(e.mentions),
                "articles": dict(_count(m.article_id for m in e.mentions)),
                "outlets": dict(e.outlet_counts),
            }
            for e in story.entities
        ],
        "comparison": comparison_json(story.comparison),
    }


def article_json(article: Article, story_id: str | None) -> dict[str, Any]:
    """A whole article: metadata, clean text, paragraphs and what the cleaner removed."""
    return {
        **article_ref_json(article),
        "story_id": story_id,
        "kicker": article.kicker,
        "dek": article.dek,
        "byline": article.byline,
        "language": article.language,
        "duplicate_of": article.duplicate_of,
        "text": article.text,
        "paragraphs": list(article.paragraphs),
        "removed": [{"text": r.text, "rule": r.rule} for r in article.removed],
    }


def search_json(hits: Sequence[SearchHit]) -> list[dict[str, Any]]:
    """Search results."""
    return [
        {
            "article_id": h.article_id,
            "title": h.title,
            "outlet": h.outlet,
            "story_id": h.story_id,
            "snippet": h.snippet,
        }
        for h in hits
    ]


def ingest_json(report: IngestReport) -> dict[str, Any]:
    """What an ingest did."""
    return {
        "stored": [
            {"id": a.id, "source": a.source, "title": a.title, "outlet": a.outlet}
            for a in report.stored
        ],
        "duplicates": [{"source": s, "id": i} for s, i in report.duplicates],
        "failures": [{"source": f.source, "reason": f.reason} for f in report.failures],
        "stories": report.stories,
    }


def _count(ids: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i in ids:
        counts[i] = counts.get(i, 0) + 1
    return counts


# -- text and Markdown -------------------------------------------------------------


def story_text(
    story: Story,
    articles: Mapping[str, Article],
    markdown: bool = False,
    abstractive: AbstractiveSummary | None = None,
) -> str:
    """A story for reading in a terminal or as Markdown (+ abstractive summary when given)."""
    number = {aid: n for n, aid in enumerate(story.article_ids, 1)}
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    span = " to ".join(dict.fromkeys(d for d in (story.first_published, story.last_published) if d))
    lines = [f"{h1}{story.title}", ""]
    lines.append(
        " · ".join(
            p
            for p in (
                f"story {story.id}",
                span or "date unknown",
                f"{len(story.article_ids)} articles",
                ", ".join(story.outlets) or "outlets unknown",
            )
            if p
        )
    )
    lines += ["", f"{h2}Summary", ""]
    for s in story.summary:
        refs = "".join(f"[{number[c.article_id]}]" for c in s.citations if c.article_id in number)
        lines.append(f"{'- ' if markdown else '  '}{s.text} {refs}")
    if abstractive is not None:
        lines += ["", f"{h2}Abstractive summary (each sentence checked against its sources)", ""]
        for s in abstractive.sentences:
            refs = "".join(
                f"[{number[c.article_id]}]" for c in s.citations if c.article_id in number
            )
            lines.append(f"{'- ' if markdown else '  '}{s.text} {refs}")
        if not abstractive.sentences:
            lines.append(f"{'- ' if markdown else '  '}(no generated sentence was supported)")
        if abstractive.dropped:
            lines += ["", f"{h2}Dropped as unsupported ({len(abstractive.dropped)})", ""]
            for d in abstractive.dropped:
                lines.append(f"{'- ' if markdown else '  '}{d.text} ({d.reason})")
    lines += ["", f"{h2}Articles", ""]
    for aid in story.article_ids:
        a = articles[aid]
        meta = ", ".join(p for p in (a.outlet or "outlet unknown", a.published) if p)
        if a.duplicate_of in number:  # a wire copy: shown, but not another perspective
            meta += f"; copy of [{number[a.duplicate_of]}]"
        lines.append(f"{'- ' if markdown else '  '}[{number[aid]}] {a.title} ({meta}; id {aid})")
    if story.quotes:
        lines += ["", f"{h2}Who said what", ""]
        for q in story.quotes:
            outlets = ", ".join(f"[{number[i]}]" for i in q.article_ids if i in number)
            # Partial quotes are verbatim fragments; reported speech is not the speaker's words.
            if q.direct:
                said = f"“{q.text}”"
            elif q.partial:
                said = f"“{q.text}” (partial quote)"
            else:
                said = f"(reported) {q.text}"
            lines.append(
                f"{'- ' if markdown else '  '}{q.speaker or 'Unknown speaker'}: {said} {outlets}"
            )
            # Each outlet's own wording where it differs (a trimmed or reworded quote).
            for v in q.versions:
                if v.text.strip(" .,") != q.text.strip(" .,") and v.article_id in number:
                    indent = "  " if markdown else "    "
                    lines.append(f"{indent}[{number[v.article_id]}] “{v.text}”")
    if story.entities:
        lines += ["", f"{h2}People, organisations, places", ""]
        for e in story.entities[:25]:
            extra = f"; also {', '.join(e.aliases)}" if e.aliases else ""
            role = f"; {e.roles[0]}" if e.roles else ""
            count = f"{len(e.mentions)} mention" + ("" if len(e.mentions) == 1 else "s")
            if len(e.outlet_counts) > 1:
                count += " (" + ", ".join(f"{o} {n}" for o, n in e.outlet_counts) + ")"
            lines.append(f"{'- ' if markdown else '  '}{e.name} ({e.type}, {count}{role}{extra})")
    section = comparison_text(story.comparison, markdown)
    if section:
        lines += ["", section]
    return "\n".join(lines)


def stories_text(rows: Sequence[StoryRow], markdown: bool = False) -> str:
    """The story list."""
    if not rows:
        return "No stories yet. Add articles with: storyline ingest PATH..."
    lines = []
    for r in rows:
        when = r.last_published or "date unknown"
        outlets = ", ".join(r.outlets) or "outlets unknown"
        prefix = "- " if markdown else ""
        lines.append(
            f"{prefix}{r.id}  {when}  {r.article_count} articles  {outlets}\n"
            f"{'  ' if markdown else '    '}{r.title}"
        )
    return "\n".join(lines)


def article_text(article: Article, story_id: str | None, markdown: bool = False) -> str:
    """An article: metadata, clean text, removed boilerplate."""
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    lines = [f"{h1}{article.title}"]
    if article.dek:
        lines += ["", article.dek]
    meta = [
        ("id", article.id),
        ("story", story_id),
        ("outlet", article.outlet),
        ("published", article.published),
        ("byline", article.byline),
        ("url", article.url),
        ("source", article.source),
    ]
    lines += [""] + [f"{k}: {v}" for k, v in meta if v]
    lines += ["", *[p + "\n" for p in article.paragraphs]]
    if article.removed:
        lines += [f"{h2}Removed by the cleaner", ""]
        lines += [f"{'- ' if markdown else '  '}[{r.rule}] {r.text}" for r in article.removed]
    return "\n".join(lines).rstrip()


def search_text(hits: Sequence[SearchHit]) -> str:
    """Search results."""
    if not hits:
        return "No matching articles."
    return "\n".join(
        f"{h.article_id}  {h.outlet or 'outlet unknown'}  story {h.story_id}\n    {h.title}\n"
        f"    {h.snippet}"
        for h in hits
    )


def ingest_text(report: IngestReport) -> str:
    """Summary lines of an ingest run (failures are printed separately to stderr)."""
    lines = [
        f"stored {a.id} {a.outlet or 'outlet unknown'}: {a.title} ({a.source})"
        for a in report.stored
    ]
    lines += [f"already stored {i} ({s}): nothing new" for s, i in report.duplicates]
    lines.append(
        f"{len(report.stored)} new, {len(report.duplicates)} already stored, "
        f"{len(report.failures)} failed; {len(report.stories)} stories updated"
    )
    return "\n".join(lines)
