"""Optional abstractive story summary through an OpenAI-compatible chat endpoint, fact-checked.

Off unless ``abstractive_url`` is set. The model sees numbered source sentences and must end
every sentence with the numbers it relies on ("[3][7]"); each generated sentence is then
checked against exactly those source sentences, and one they do not support (or that cites
nothing) is dropped and reported, never shown.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import ServiceError
from ..records import Analysis, Article, Citation, Sentence, SummarySentence
from ..settings import REDACTED, Settings, redact_url
from .summarize import _terms, summarize

# Most of a generated sentence's content words, and all its numbers, must be in its sources.
SUPPORT_MIN = 0.7
SOURCE_WORDS = 600  # extractive pool the model may draw on
_MARK = re.compile(r"\[(\d+)\]")
# A sentence: text up to a terminal mark, with the citation marks that follow it.
_SENTENCE = re.compile(r"\S.*?(?:[.!?][”\"]?|$)(?:\s*\[\d+\])*(?=\s+[A-Z“\"]|\s*$)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
PROMPT = (
    "Write a neutral news summary of at most {words} words using only facts from the numbered "
    "source sentences below. End every sentence with the numbers of the source sentences that "
    "state its facts, like [2][5]. Do not add opinions or facts that are not in the sources.\n\n"
)


@dataclass(frozen=True, slots=True)
class Dropped:
    """A generated sentence that was not shown, and why."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class AbstractiveSummary:
    """Supported generated sentences with their citations, and the dropped ones."""

    sentences: tuple[SummarySentence, ...]
    dropped: tuple[Dropped, ...]


def abstractive_summary(
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    settings: Settings,
    words: int | None = None,
) -> AbstractiveSummary | None:
    """An abstractive summary checked against its sources; None when no endpoint is set."""
    if not settings.abstractive_url:
        return None
    budget = words or settings.summary_words
    pool = summarize(
        articles, analyses, words=SOURCE_WORDS, citation_threshold=settings.citation_threshold
    )
    sources = _source_sentences(pool, analyses)
    listing = "\n".join(f"[{k}] {s.text}" for k, s in enumerate(sources, 1))
    answer = _chat(settings, PROMPT.format(words=budget) + listing)
    return check(answer, sources)


def _source_sentences(
    pool: Sequence[SummarySentence], analyses: Mapping[str, Analysis]
) -> list[Sentence]:
    """Every article sentence the extractive pool cites, each once, in pool order."""
    seen: dict[tuple[str, int], Sentence] = {}
    for sentence in pool:
        for cite in sentence.citations:
            key = (cite.article_id, cite.sentence_index)
            if key not in seen:
                seen[key] = analyses[cite.article_id].sentences[cite.sentence_index]
    return list(seen.values())


def check(answer: str, sources: Sequence[Sentence]) -> AbstractiveSummary:
    """Split a model answer into sentences; keep those their cited sources support."""
    kept: list[SummarySentence] = []
    dropped: list[Dropped] = []
    for match in _SENTENCE.finditer(" ".join(answer.split())):
        raw = match.group()
        marks = [int(m) for m in _MARK.findall(raw)]
        text = " ".join(_MARK.sub(" ", raw).split())
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if not text:
            continue
        cited = [sources[m - 1] for m in dict.fromkeys(marks) if 1 <= m <= len(sources)]
        if not cited:
            dropped.append(Dropped(text, "cites no source sentence"))
            continue
        reason = _unsupported(text, cited)
        if reason:
            dropped.append(Dropped(text, reason))
            continue
        kept.append(
            SummarySentence(
                text, tuple(Citation(s.article_id, s.index, s.start, s.end) for s in cited)
            )
        )
    return AbstractiveSummary(tuple(kept), tuple(dropped))


def _unsupported(text: str, cited: Sequence[Sentence]) -> str | None:
    """Why the cited sentences do not support a generated sentence, or None when they do."""
    source = " ".join(s.text for s in cited)
    missing_numbers = set(_NUMBER.findall(text)) - set(_NUMBER.findall(source))
    if missing_numbers:
        return "numbers not in its sources: " + ", ".join(sorted(missing_numbers))
    mine = set(_terms(text))
    if not mine:
        return None
    share = len(mine & set(_terms(source))) / len(mine)
    if share < SUPPORT_MIN:
        return f"only {share:.0%} of its content words are in its sources"
    return None


def _chat(settings: Settings, prompt: str) -> str:
    """One chat completion; ServiceError names the endpoint and what went wrong."""
    url = settings.abstractive_url.rstrip("/") + "/chat/completions"
    body = json.dumps(
        {
            "model": settings.abstractive_model,
            "temperature": 0,
            "messages": [{"role": "user", "content": prompt}],
        }
    ).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if settings.abstractive_key:
        headers["Authorization"] = "Bearer " + settings.abstractive_key
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    where = redact_url(url)  # errors name the endpoint, never its password or key
    try:
        with urllib.request.urlopen(request, timeout=settings.abstractive_timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ServiceError(where, f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = str(exc)
        for secret in (settings.abstractive_key, _password(url)):
            if secret:
                reason = reason.replace(secret, REDACTED)
        raise ServiceError(where, f"unreachable: {reason}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ServiceError(where, "answer is not JSON") from exc
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ServiceError(where, "answer has no choices[0].message.content") from exc
    if not isinstance(content, str):
        raise ServiceError(where, "message content is not text")
    return content


def _password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None
