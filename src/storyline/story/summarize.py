"""Extractive multi-document summary of one story, every sentence cited to its sources."""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

from ..records import Analysis, Article, Citation, Sentence, SummarySentence
from .lexical import NEWS_STOP_WORDS, QUOTED, WORD, lexicon, stem

MIN_WORDS = 6
MAX_WORDS = 60
# Salience mix. Position weighs most: in news the first sentences carry the event; centrality
# (agreement between outlets) and topic coverage refine it. Set by cross-validation on
# MultiLing 2011 (see the eval harness); weights are relative.
W_CENTRAL, W_POSITION, W_COVERAGE = 0.5, 1.5, 0.2
POSITION_EXP = 0.5  # position score = (1 + sentence index) ** -POSITION_EXP
# Mostly salience: the hard duplicate cut below already removes repeats.
MMR_LAMBDA = 0.9
# Above this cosine two sentences say the same thing: never pick both.
DUPLICATE_SIM = 0.4
DANGLING_FACTOR = 0.35
# Weight of the not-yet-covered cross-source bigrams a sentence adds, per 20 words.
W_CONCEPT = 1.5
CONCEPT_MIN_DF = 2  # a concept must appear in this many source articles
OPINION_DECAY = 15.0  # salience *= exp(-decay * share of opinion markers)
# From one marker in ten words a sentence speaks in the outlet's voice: never use it.
OPINION_MAX = 0.1
ANCHOR_BONUS = 0.4  # how far shared names/numbers lift a paraphrase score toward 1
ANCHOR_GATE = 0.3  # below this word cosine shared names count proportionally less
# Name-free word overlap reaching this share counts as a full paraphrase score (1.0).
PREDICATE_SCALE = 0.4
PREDICATE_MIN_SHARED = 2
CITATION_CANDIDATES = 8  # per other article, the most similar sentences checked for support
MAX_CONTEXT = 2  # context sentences a selected sentence may bring along


_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:[.,]\d+)*")
_ATTRIBUTION = re.compile(
    r"\b(said|says|say|told|tells|added|adds|asked|stated|wrote|writes|according|"
    r"announced|declared|explained|insisted|noted|argued|claimed|tweeted)\b",
    re.IGNORECASE,
)
# Words that point back to something the reader has not seen yet when a sentence opens with them.
_DANGLING_WORDS = lexicon(
    "he she they it this that these those his her their its him them we but and or so "
    "however meanwhile indeed still also moreover furthermore besides instead nevertheless "
    "nonetheless yet then thereafter thus therefore hence consequently otherwise likewise "
    "similarly accordingly later afterwards afterward there such both"
)
_PRONOUNS = lexicon("he she it they him her them his its their this these those")
# Early in a sentence these continue a narration the reader has not seen ("The two sides
# then went into a meeting", "Police also said").
_EARLY_CONNECTIVES = lexicon("then also too again later afterwards afterward")
EARLY_PRONOUN_WORDS = 4
_UNOPENED = re.compile(r"[^\[(]*[\])]")  # closes a bracket it never opened
_DANGLING_PHRASE = re.compile(
    r"(in addition|as a result|at the same time|on the other hand|in contrast|by contrast|"
    r"for example|for instance|even so|despite this|after that|the same)\b"
)
# A general lexicon of opinion markers: intensifiers, evaluative adjectives, loaded words and
# stance adverbs that a neutral wire summary would not use in its own voice.
_OPINION_WORDS = lexicon(
    """
    very really extremely incredibly painfully utterly totally absolutely hugely enormously
    remarkably deeply truly terribly awfully insanely wildly massively desperately shockingly
    great terrible horrible awful disastrous stunning shocking ridiculous absurd pathetic
    brilliant wonderful amazing outrageous disgraceful shameful laughable embarrassing
    humiliating chilling vague vaguest best worst fantastic tremendous spectacular dismal
    miserable stupid dumb foolish idiotic silly crazy insane bizarre weird nasty vile
    bluster blustering dictator tyrant despot thug strongman flattery flattering fawning
    caricature schoolyard taunts glad-handing cozy cosying cozying boast boasting brag bragging
    rant ranting meltdown fiasco debacle farce charade stunt spectacle kowtow grovel grovelling
    buddy bud pal lackey puppet crony cronies propaganda shameless reckless clueless hapless
    evidently clearly obviously surely undoubtedly frankly sadly unfortunately fortunately
    thankfully arguably notoriously proudly naively predictably conveniently laughably
    please alas wow
    i me my mine we us our ours you your yours
    """
)
_OPINION_PHRASE = re.compile(
    r"\b(master negotiator|to be sure|over backwards?|raised eyebrows|of course|"
    r"needless to say|kiss (?:his|her|their))\b"
)


@dataclass(frozen=True, slots=True)
class _Unit:
    """One sentence of the story with what selection needs to know about it."""

    article: int  # index into the articles sequence
    sentence: Sentence
    words: int
    candidate: bool
    requires: frozenset[int]  # unit ids that must be selected before this one
    context: bool = False  # may be shown as another sentence's context (too short to stand alone)


def summarize(
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    words: int = 120,
    citation_threshold: float = 0.45,
) -> tuple[SummarySentence, ...]:
    """Extractive multi-document summary of a story; every sentence cites its sources."""
    units = _units(articles, analyses)
    if not units:
        return ()
    if not any(u.candidate for u in units):
        # Nothing passes the length filter: relax it rather than return an empty summary.
        units = [replace(u, candidate=True) for u in units]
    tokens = [_terms(u.sentence.text) for u in units]
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(tokens)
    except ValueError:  # no content word anywhere in the story
        matrix = None
    sim: NDArray[np.float64] = (
        np.asarray((matrix @ matrix.T).todense(), dtype=np.float64)
        if matrix is not None
        else np.eye(len(units))
    )
    sources = [a.duplicate_of is None for a in articles]
    names = _unit_names(units, articles, analyses)
    salience = _salience(units, sim, tokens, names, sources)
    concepts, weights = _concepts(units, sources)
    chosen = _select(units, sim, salience, words, concepts, weights)
    anchors = [_anchors(u, n) for u, n in zip(units, names, strict=True)]
    content = [frozenset(t) - a for t, a in zip(tokens, anchors, strict=True)]
    idf = (
        dict(zip(vectorizer.get_feature_names_out(), vectorizer.idf_, strict=True))
        if matrix is not None
        else {}
    )
    top = max(idf.values(), default=1.0)
    order = _reading_order(articles)
    chosen.sort(key=lambda i: (order[units[i].article], units[i].sentence.start))
    by_article: dict[int, list[int]] = {}
    for i, unit in enumerate(units):
        by_article.setdefault(unit.article, []).append(i)
    summary = []
    for i in chosen:
        unit = units[i]
        cites = [_citation(unit.sentence)]
        for a, members in by_article.items():
            if a == unit.article:
                continue
            # Sentences sharing no term with this one score 0 on both measures: skip them.
            # Only the closest few by cosine can be paraphrases (the bounded cost keeps a
            # 50-article story under a second).
            near = sorted((j for j in members if sim[i, j] > 0), key=lambda j: -sim[i, j])
            scores = [
                (
                    max(
                        _paraphrase(sim[i, j], anchors[i], anchors[j], idf, top),
                        _predicate(content[i], content[j], idf, top),
                    ),
                    -j,
                )
                for j in near[:CITATION_CANDIDATES]
                if _states_something(content[i], content[j])
            ]
            if not scores and citation_threshold <= 0:
                scores = [(0.0, -members[0])]
            best = max(scores, default=None)
            if best is not None and best[0] >= citation_threshold:
                cites.append(_citation(units[-best[1]].sentence))
        summary.append(SummarySentence(unit.sentence.text, tuple(cites)))
    return tuple(summary)


def _units(articles: Sequence[Article], analyses: Mapping[str, Analysis]) -> list[_Unit]:
    """Every sentence of every analysed article, with candidacy and context requirements."""
    units: list[_Unit] = []
    for a, article in enumerate(articles):
        analysis = analyses.get(article.id)
        if analysis is None:
            continue
        base = len(units)
        sentences = [s for s in analysis.sentences if s.text.strip()]
        locate = {s.index: base + k for k, s in enumerate(sentences)}
        for k, sentence in enumerate(sentences):
            n = len(sentence.text.split())
            requires: set[int] = set()
            blocked = False
            previous = base + k - 1 if k > 0 else None
            if _dangling(sentence.text):
                blocked |= previous is None
                requires |= {previous} if previous is not None else set()
            speaker_needed = _quote_context(sentence, analysis, sentences)
            if speaker_needed is not None:
                target = locate.get(speaker_needed, previous) if speaker_needed >= 0 else previous
                blocked |= target is None
                requires |= {target} if target is not None else set()
            readable = (
                not blocked
                and article.duplicate_of is None
                and _opinion_share(sentence.text) < OPINION_MAX
                and _well_formed(sentence.text)
            )
            candidate = readable and MIN_WORDS <= n <= MAX_WORDS
            units.append(
                _Unit(a, sentence, n, candidate, frozenset(requires), readable and n <= MAX_WORDS)
            )
    return units


@functools.lru_cache(maxsize=1 << 16)  # pure; called again per story rebuild
def _dangling(text: str) -> bool:
    """Whether a sentence opens with a pronoun or connective that needs an antecedent.

    Beyond the first word, a third-person pronoun among the first few words with no name
    before it ("Now it wants its money back") points back too.
    """
    stripped = text.lstrip("(—– ")
    if not stripped or stripped[0] in "“\"'‘":
        return False  # it opens a quotation: the quote rule decides whether it stands alone
    if stripped[0].islower() or _UNOPENED.match(stripped):
        return True  # a fragment the sentence splitter cut off the sentence before
    lowered = stripped.lower()
    match = WORD.match(lowered)
    if match is None:
        return False
    first = re.split(r"['’]", match.group())[0]
    if first in _DANGLING_WORDS or _DANGLING_PHRASE.match(lowered) is not None:
        return True
    for k, word in enumerate(WORD.findall(stripped)[:EARLY_PRONOUN_WORDS]):
        if k > 0 and word[0].isupper():
            return False  # a name comes first: the pronoun can refer to it
        lowered_word = re.split(r"['’]", word.lower())[0]
        if lowered_word in _PRONOUNS or (k > 0 and lowered_word in _EARLY_CONNECTIVES):
            return True
    return False


def _well_formed(text: str) -> bool:
    """Whether a sentence ends like a sentence (captions and headings do not)."""
    return text.rstrip().endswith((".", "!", "?", "”", '"', "’", "'", ")", ".)"))


def _quote_context(
    sentence: Sentence, analysis: Analysis, sentences: Sequence[Sentence]
) -> int | None:
    """Index of the sentence a quote in this one needs (its speaker), -1 for "the one before".

    None when the sentence can stand alone. When the analysis found no quote here, fall back
    to quote marks: a sentence mostly in quotes with no attribution verb needs its context.
    """
    overlapping = [
        q for q in analysis.quotes if q.direct and q.start < sentence.end and q.end > sentence.start
    ]
    for quote in overlapping:
        if quote.speaker is None or quote.speaker_start is None:
            return -1
        if quote.speaker.lower() in _PRONOUNS:
            return -1  # "he reported": the reader needs the sentence before to know who
        if not sentence.start <= quote.speaker_start < sentence.end:
            for other in sentences:
                if other.start <= quote.speaker_start < other.end:
                    return other.index
            return -1
    if overlapping:
        return None
    quoted = sum(len(m.group()) for m in QUOTED.finditer(sentence.text))
    outside = QUOTED.sub(" ", sentence.text)
    if quoted >= 0.5 * len(sentence.text) and not _ATTRIBUTION.search(outside):
        return -1
    return None


@functools.lru_cache(maxsize=1 << 16)  # pure; names and sentences recur across rebuilds
def _terms(text: str) -> tuple[str, ...]:
    """Content terms of a text: stemmed, stop words dropped; acronyms ("US", "UN") kept."""
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if token.isdigit() or token[0].isdigit():
            out.append(token)
            continue
        if len(token) >= 2 and token.isupper():
            out.append(token)  # "US" is not the pronoun "us"
            continue
        lowered = token.lower()
        if len(lowered) >= 2 and lowered not in NEWS_STOP_WORDS:
            out.append(stem(lowered))
    return tuple(out)


def _salience(
    units: Sequence[_Unit],
    sim: NDArray[np.float64],
    tokens: Sequence[Sequence[str]],
    mentions: Sequence[Sequence[str]],
    sources: Sequence[bool],
) -> NDArray[np.float64]:
    """Salience of every unit: centrality, position and topic coverage, minus style penalties."""
    n = len(units)
    article_of = np.array([u.article for u in units])
    source_mask = np.array([sources[u.article] for u in units], dtype=bool)
    source_articles = sorted({u.article for u in units if sources[u.article]})
    # Similarity mass and sentence count of every unit towards every source article.
    members = np.zeros((n, len(source_articles)))
    for k, b in enumerate(source_articles):
        members[:, k] = article_of == b
    to_article = sim @ members
    own = members[np.arange(n)] if source_articles else np.zeros((n, 0))
    counts = members.sum(axis=0)
    self_sim = np.where(source_mask, np.diag(sim), 0.0)
    same_sum = (to_article * own).sum(axis=1) - self_sim
    same_n = (own * counts).sum(axis=1) - source_mask
    other_sum = to_article.sum(axis=1) - (to_article * own).sum(axis=1)
    other_n = counts.sum() - (own * counts).sum(axis=1)
    # Agreement with other outlets counts double: it is what the story is about.
    weight = 2.0 * other_n + same_n
    general = np.where(weight > 0, (2.0 * other_sum + same_sum) / np.maximum(weight, 1), 0.0)
    best = np.zeros((n, len(source_articles)))
    for k in range(len(source_articles)):
        best[:, k] = sim[:, members[:, k] > 0].max(axis=1)
    others = 1.0 - own
    n_others = others.sum(axis=1)
    cross = np.where(n_others > 0, (best * others).sum(axis=1) / np.maximum(n_others, 1), 0.0)
    central = _unit_scale(cross) + _unit_scale(general)
    position = np.array([(1 + u.sentence.index) ** -POSITION_EXP for u in units])
    # Topic words and named entities: those several articles use, weighted by how many do.
    terms = [set(t) for t in tokens]
    names = [{" ".join(_terms(m)) for m in found} - {""} for found in mentions]
    # One article alone: its topic is what many of its sentences share, so spread is counted
    # over sentences instead of articles.
    alone = len(source_articles) <= 1
    term_spread = _spread(terms, units, sources, alone)
    name_spread = _spread(names, units, sources, alone)
    groups = sum(sources[u.article] for u in units) if alone else len(source_articles)
    single = 1 / max(groups, 1)  # a term only one article (or sentence) uses is no topic
    coverage = np.array(
        [sum(term_spread[t] for t in ts if term_spread[t] > single) / (len(ts) + 4) for ts in terms]
    )
    entities = np.array([sum(name_spread[k] for k in keys) for keys in names])
    score = (
        W_CENTRAL * _unit_scale(central)
        + W_POSITION * position
        + W_COVERAGE * _unit_scale(_unit_scale(coverage) + 0.5 * _unit_scale(entities))
    )
    for i, unit in enumerate(units):
        if _dangling(unit.sentence.text):
            score[i] *= DANGLING_FACTOR
        score[i] *= math.exp(-OPINION_DECAY * _opinion_share(unit.sentence.text))
    return score


def _spread(
    keysets: Sequence[set[str]],
    units: Sequence[_Unit],
    sources: Sequence[bool],
    by_sentence: bool = False,
) -> Counter[str]:
    """Share of the source articles (or of their sentences) that use each key somewhere."""
    used: dict[int, set[str]] = {}
    for k, (keys, unit) in enumerate(zip(keysets, units, strict=True)):
        if sources[unit.article]:
            used.setdefault(k if by_sentence else unit.article, set()).update(keys)
    spread: Counter[str] = Counter()
    for keys in used.values():
        spread.update(keys)
    return Counter({k: v / max(len(used), 1) for k, v in spread.items()})


def _unit_names(
    units: Sequence[_Unit], articles: Sequence[Article], analyses: Mapping[str, Analysis]
) -> list[list[str]]:
    """Texts of the entity mentions inside each unit's sentence (one pass per article)."""
    found: list[list[str]] = [[] for _ in units]
    by_article: dict[int, list[int]] = {}
    for i, unit in enumerate(units):
        by_article.setdefault(unit.article, []).append(i)
    for a, members in by_article.items():
        analysis = analyses.get(articles[a].id)
        starts = [units[i].sentence.start for i in members]
        for mention in analysis.mentions if analysis else ():
            k = bisect.bisect_right(starts, mention.start) - 1
            if k >= 0 and mention.start < units[members[k]].sentence.end:
                found[members[k]].append(mention.text)
    return found


def _identity(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Analyzer for already-tokenised text."""
    return tokens


@functools.lru_cache(maxsize=1 << 16)  # pure; called again per story rebuild
def _opinion_share(text: str) -> float:
    """Share of opinion markers among the words outside quotation marks (exclamation counts)."""
    outside = QUOTED.sub(" ", text)
    tokens: list[str] = WORD.findall(outside)
    if not tokens:
        return 0.0
    # Capitalised mid-sentence words are names ("Great Britain", "Best Buy"), not opinion.
    hits = sum(
        t.lower() in _OPINION_WORDS and (k == 0 or t.islower()) for k, t in enumerate(tokens)
    )
    hits += len(_OPINION_PHRASE.findall(" ".join(tokens).lower())) + 2 * outside.count("!")
    return hits / len(tokens)


def _unit_scale(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Scale non-negative values to [0, 1] by their maximum."""
    top = float(values.max()) if values.size else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def _concepts(
    units: Sequence[_Unit], sources: Sequence[bool]
) -> tuple[list[frozenset[str]], dict[str, float]]:
    """Word bigrams of every unit and their weight: how many source articles state them.

    A bigram that several outlets write independently is a fact of the story (Gillick and
    Favre's concept model); one only a single article uses carries no cross-source weight.
    """
    concepts = []
    df: Counter[str] = Counter()
    seen: dict[int, set[str]] = {}
    for unit in units:
        # Word bigrams as written (stemmed), as ROUGE-2 and a reader see them; a pair of two
        # stop words ("of the") is no fact.
        words = [stem(w) for w in WORD.findall(unit.sentence.text.lower())]
        grams = frozenset(
            f"{a} {b}"
            for a, b in zip(words, words[1:], strict=False)
            if not (a in NEWS_STOP_WORDS and b in NEWS_STOP_WORDS)
        )
        concepts.append(grams)
        if sources[unit.article]:
            seen.setdefault(unit.article, set()).update(grams)
    for found in seen.values():
        df.update(found)
    floor = CONCEPT_MIN_DF if len(seen) >= CONCEPT_MIN_DF else 1
    weights = {g: float(n) for g, n in df.items() if n >= floor}
    return concepts, weights


def _select(
    units: Sequence[_Unit],
    sim: NDArray[np.float64],
    salience: NDArray[np.float64],
    budget: int,
    concepts: Sequence[frozenset[str]],
    weights: Mapping[str, float],
) -> list[int]:
    """Greedy selection under a word budget: salience plus new concepts, minus redundancy.

    A sentence that needs context (the sentence naming a quote's speaker, the antecedent of
    its pronoun) is weighed together with the context it still lacks, and both are taken at
    once, so a sentence is never lost because its context could not stand alone.
    """
    n = len(units)
    chosen: list[int] = []
    used = 0
    pool = [i for i, u in enumerate(units) if u.candidate]
    usable = [i for i, u in enumerate(units) if u.candidate or u.context]
    # Weighted concepts not yet covered, per unit, kept up to date through an inverted index.
    holders: dict[str, list[int]] = {}
    gain = np.zeros(n)
    for i in usable:
        for g in concepts[i]:
            if g in weights:
                holders.setdefault(g, []).append(i)
                gain[i] += weights[g]
    scale = float(gain[pool].max()) if pool else 0.0
    scale = scale or 1.0
    words = np.array([max(u.words, 10) for u in units], dtype=np.float64)
    length = np.array([u.words for u in units])
    # New concepts per word: a dense sentence beats a long one saying the same.
    density = 20.0 / words
    open_ = np.zeros(n, dtype=bool)
    open_[pool] = True
    bundles = {i: b for i in pool if units[i].requires and (b := _bundle(units, i)) is not None}
    # A bound on each bundle's score (gains only shrink, the context only gets shorter), best
    # first: bundles that cannot beat the best single sentence are not scored at all.
    bound = {
        i: MMR_LAMBDA * float(salience[i])
        + W_CONCEPT
        * (float(gain[i]) + sum(float(gain[j]) for j in b))
        / scale
        * 20.0
        / (float(words[i]) + min(float(words[j]) for j in b))
        for i, b in bundles.items()
    }
    by_bound = sorted(bundles, key=lambda i: -bound[i])
    # Needing more context than a bundle may carry: only once that context is shown anyway.
    waiting = {i: units[i].requires for i in pool if units[i].requires and i not in bundles}
    taken: set[int] = set()
    nearest = np.zeros(n)  # highest similarity to any chosen sentence
    while True:
        ready = open_ & (length <= budget - used) & (nearest < DUPLICATE_SIM)
        for i, needs in waiting.items():
            if ready[i] and not needs <= taken:
                ready[i] = False
        score = (
            MMR_LAMBDA * salience - (1 - MMR_LAMBDA) * nearest + W_CONCEPT * gain / scale * density
        )
        extra: dict[int, list[int]] = {}
        lacking: dict[int, list[int]] = {}
        for i, bundle in bundles.items():
            if ready[i]:
                missing = [j for j in bundle if j not in taken]
                if missing:  # otherwise its context is shown: scored as a sentence of its own
                    lacking[i] = missing
                    ready[i] = False
        single = np.where(ready, score, -np.inf)
        top = float(single.max()) if ready.any() else -np.inf
        for i in by_bound:
            if bound[i] <= top:
                break
            missing = lacking.get(i, [])
            if not missing:
                continue
            # Scalar arithmetic: bundles are one to three sentences, numpy indexing costs more.
            members = [i, *missing]
            size = sum(int(length[j]) for j in members)
            if size > budget - used or max(float(nearest[j]) for j in missing) >= DUPLICATE_SIM:
                continue
            # The context's words dilute the sentence's salience; its concepts count too.
            together = sum(float(words[j]) for j in members)
            value = (
                MMR_LAMBDA * float(salience[i]) * float(words[i]) / together
                - (1 - MMR_LAMBDA) * max(float(nearest[j]) for j in members)
                + W_CONCEPT * sum(float(gain[j]) for j in members) / scale * 20.0 / together
            )
            if value > top:
                top, extra = value, {i: missing}
                score[i] = value
                ready[i] = True
        if not ready.any():
            break
        best = int(np.argmax(np.where(ready, score, -np.inf)))
        for pick in [*extra.get(best, ()), best]:
            chosen.append(pick)
            taken.add(pick)
            open_[pick] = False
            nearest = np.maximum(nearest, sim[pick])
            for g in concepts[pick]:
                for j in holders.pop(g, ()):
                    gain[j] -= weights[g]
            used += units[pick].words
    if not chosen and pool:
        # The budget is smaller than every sentence: one sentence is still better than none.
        free = [i for i in pool if not units[i].requires] or pool
        chosen.append(max(free, key=lambda i: (salience[i], -i)))
    return chosen


def _bundle(units: Sequence[_Unit], i: int) -> tuple[int, ...] | None:
    """The context a sentence needs, nearest first; None when that is too much or unusable."""
    needed: list[int] = []
    frontier = sorted(units[i].requires, reverse=True)
    while frontier:
        j = frontier.pop(0)
        if j in needed or j == i:
            continue
        if not (units[j].candidate or units[j].context) or len(needed) >= MAX_CONTEXT:
            return None
        needed.append(j)
        frontier.extend(sorted(units[j].requires, reverse=True))
    return tuple(needed)


def _reading_order(articles: Sequence[Article]) -> list[tuple[int, datetime, int]]:
    """Sort key per article: known publication time first, oldest first, then input order."""
    keys = []
    for a, article in enumerate(articles):
        when = _parse_time(article.published)
        keys.append((0, when, a) if when else (1, datetime.min, a))
    return keys


def _parse_time(value: str | None) -> datetime | None:
    """An ISO date or datetime as naive UTC, or None when missing or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _anchors(unit: _Unit, names: Sequence[str]) -> frozenset[str]:
    """Names and numbers of a sentence: entity mentions, capitalised words, digits."""
    found = {t for name in names for t in _terms(name)}
    for k, token in enumerate(_TOKEN.findall(unit.sentence.text)):
        if token[0].isdigit() or (k > 0 and token[0].isupper()):
            found.update(_terms(token))
    return frozenset(found)


def _paraphrase(
    cosine: float,
    mine: frozenset[str],
    theirs: frozenset[str],
    idf: Mapping[str, float],
    top: float,
) -> float:
    """Paraphrase score: content-word cosine, raised by shared names and numbers.

    Names are weighted by idf and compared as a share of both sentences' names, and only
    once the wording itself overlaps: two sentences naming the same people are not yet
    saying the same thing.
    """
    if not mine or not theirs:
        return float(cosine)

    def mass(terms: frozenset[str]) -> float:
        return sum(idf.get(t, top) for t in terms)

    shared = mass(mine & theirs) / mass(mine | theirs)
    gate = min(1.0, cosine / ANCHOR_GATE)
    return float(cosine + ANCHOR_BONUS * shared * gate * (1.0 - cosine))


def _states_something(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Whether two sentences share enough beyond names to say the same thing.

    With several outlets on one event every sentence names the same people; support needs
    two shared words that are not names, or one sentence's words all found in the other
    ("Sometimes you have to walk").
    """
    shared = mine & theirs
    return len(shared) >= PREDICATE_MIN_SHARED or (bool(shared) and shared in (mine, theirs))


def _predicate(
    mine: frozenset[str], theirs: frozenset[str], idf: Mapping[str, float], top: float
) -> float:
    """Agreement of what two sentences say apart from whom they name, on the paraphrase scale.

    Shared names make "the first summit went well" look like "the second summit ended";
    the idf-weighted overlap of the remaining words ("abrupt end", "concrete accord") is
    what two outlets stating the same fact share.
    """
    shared = mine & theirs
    if len(shared) < PREDICATE_MIN_SHARED:
        return 0.0  # one common word ("news", "discuss") is a topic, not a statement

    def mass(terms: frozenset[str]) -> float:
        return sum(idf.get(t, top) for t in terms)

    overlap = mass(shared) / math.sqrt(mass(mine) * mass(theirs))
    return min(1.0, overlap / PREDICATE_SCALE)


def _citation(sentence: Sentence) -> Citation:
    """A citation of one article sentence."""
    return Citation(sentence.article_id, sentence.index, sentence.start, sentence.end)
