"""Extractive multi-document summary of one story, every sentence cited to its sources.

Selection is a concept integer program (Gillick and Favre): the chosen sentences cover the
most weight of word bigrams that several articles wrote independently (agreement between
outlets; a bigram counts once, which is the redundancy control), plus a lead prior (news
puts the event first), within the word budget. Dangling starts, speaker-less quotes and
opinionated wording are held back; a sentence that needs context comes with it. Each chosen
sentence then cites every article that states the same thing.
"""

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
import Stemmer
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

from ..records import Analysis, Article, Citation, ClaimGroup, Sentence, SummarySentence
from .lexical import NEWS_STOP_WORDS, QUOTED, WORD, lexicon, stem

MIN_WORDS = 6
MAX_WORDS = 60
# Selection is Gillick and Favre's concept ILP: choose the sentences that cover the most
# weight of word bigrams several outlets wrote independently, within the word budget, plus
# a lead prior. Constants chosen by two-fold cross-validation on MultiLing 2011 (see
# bench/summarize_cv.py); the prior's shape is fitted there too, from the references.
CONCEPT_MIN_DF = 2  # a concept must appear in this many source articles
# Weight of the lead prior, per share of the budget a sentence fills, against concept
# weights scaled so the most widely shared concept weighs 1.
LEAD_WEIGHT = 50.0
# In Wikinews-style reporting the first sentence is the summary: ROUGE-2 hits per word of
# later sentences fall to about LEAD_REST * (1 + index) ** -LEAD_DECAY of the first one's.
LEAD_REST, LEAD_DECAY = 0.65, 0.3
# Sentences given to the solver: the best by prior and concept density, this many per 20
# words of budget (at least PRUNE_MIN); it keeps a 50-article story well under a second.
PRUNE_PER_20_WORDS, PRUNE_MIN = 3, 20
# An agreed group (the comparison's paraphrase alignment) is worth this many bigrams that
# all its articles share.
AGREED_WEIGHT = 1.0
SOLVER_SECONDS = 2.0  # safety net only: pruned problems solve in milliseconds
# Above this cosine two sentences say the same thing: never pick both.
DUPLICATE_SIM = 0.4
DANGLING_FACTOR = 0.35
OPINION_DECAY = 15.0  # prior and concept worth *= exp(-decay * share of opinion markers)
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
_LETTERS = re.compile(r"[a-z]+")
_STEMMER = Stemmer.Stemmer("english")  # PyStemmer: Snowball's English stemmer, in C
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


@dataclass(frozen=True, slots=True)
class _Problem:
    """What selection weighs: the story's units, their similarities and lead prior, the word
    budget, and the concepts each unit states with the concepts' weights."""

    units: Sequence[_Unit]
    sim: NDArray[np.float64]
    prior: NDArray[np.float64]
    budget: int
    concepts: Sequence[frozenset[str]]
    weights: Mapping[str, float]


def summarize(
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    words: int = 120,
    citation_threshold: float = 0.45,
    agreed: Sequence[ClaimGroup] = (),
    fill: bool = False,
) -> tuple[SummarySentence, ...]:
    """Extractive multi-document summary of a story; every sentence cites its sources.

    ``agreed`` (the outlet comparison's groups of claims stating the same thing, paraphrases
    included) makes each group one more concept, worth as much as a bigram all its articles
    share, and its members cite each other.

    The summary keeps whole sentences within ``words``. With ``fill`` (for evaluation only:
    the DUC/MultiLing protocol cuts every summary at exactly N words) the best remaining
    sentences are appended after it, last in the text, until it reaches ``words``; the
    caller cuts the text there.
    """
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
    concepts, weights = _concepts(units, sources)
    peers = _agreement(units, articles, sources, agreed, concepts, weights)
    prior = _prior(units)
    problem = _Problem(units, sim, prior, words, concepts, weights)
    chosen = _select(problem)
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
    if fill:
        chosen += _overflow(problem, chosen)
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
            elif a in peers.get(i, {}):  # the comparison aligned them (a paraphrase)
                cites.append(_citation(units[peers[i][a]].sentence))
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
                _Unit(
                    a,
                    sentence,
                    n,
                    candidate,
                    frozenset(requires),
                    readable and n <= MAX_WORDS,
                )
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


def _unit_names(
    units: Sequence[_Unit],
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
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


def _prior(units: Sequence[_Unit]) -> NDArray[np.float64]:
    """Lead prior of every unit: position, lowered for dangling starts and opinionated wording."""
    prior = np.empty(len(units))
    for i, unit in enumerate(units):
        index = unit.sentence.index
        value = 1.0 if index == 0 else LEAD_REST * (1 + index) ** -LEAD_DECAY
        if _dangling(unit.sentence.text):
            value *= DANGLING_FACTOR
        prior[i] = value * math.exp(-OPINION_DECAY * _opinion_share(unit.sentence.text))
    return prior


def _concepts(
    units: Sequence[_Unit], sources: Sequence[bool]
) -> tuple[list[frozenset[str]], dict[str, float]]:
    """Word bigrams of every unit and their weight: how many source articles state them.

    A bigram that several outlets write independently is a fact of the story (Gillick and
    Favre's concept model); one too few articles use carries no weight.
    """
    concepts = []
    seen: dict[int, set[str]] = {}
    for unit in units:
        grams = _bigrams(unit.sentence.text)
        concepts.append(grams)
        if sources[unit.article]:
            seen.setdefault(unit.article, set()).update(grams)
    df: Counter[str] = Counter()
    for found in seen.values():
        df.update(found)
    # Fewer articles than the floor: every article must state it; one article: all count.
    floor = min(CONCEPT_MIN_DF, len(seen)) if len(seen) > 1 else 1
    weights = {g: float(n) for g, n in df.items() if n >= floor}
    return concepts, weights


@functools.lru_cache(maxsize=1 << 16)  # pure; called again per story rebuild
def _bigrams(text: str) -> frozenset[str]:
    """Word bigrams as ROUGE-2 (rouge-score) counts them; a pair of two stop words ("of the")
    is no fact.

    Words are runs of letters (any other character splits them, as rouge-score's tokenizer
    does: "Trump's" is "trump s"), stemmed as it stems them. Numbers are left out: as
    concepts they gained nothing (bench/summarize_cv.py).
    """
    raw = _LETTERS.findall(text.lower())
    words = [_rouge_stem(w) for w in raw]
    return frozenset(
        f"{words[k]} {words[k + 1]}"
        for k in range(len(raw) - 1)
        if not (raw[k] in NEWS_STOP_WORDS and raw[k + 1] in NEWS_STOP_WORDS)
    )


@functools.lru_cache(maxsize=1 << 16)  # pure; words recur across sentences and rebuilds
def _rouge_stem(word: str) -> str:
    """A word as ROUGE compares it: stemmed when longer than three letters (Snowball's
    English stemmer, close to the Porter stemmer rouge-score uses; NLTK's takes a second
    to import)."""
    return _STEMMER.stemWord(word) if len(word) > 3 else word


def _overflow(problem: _Problem, chosen: Sequence[int]) -> list[int]:
    """Sentences that take a summary from below ``budget`` words to at least ``budget``.

    Eligible as in selection: a candidate, no near-duplicate of a sentence already taken,
    its context taken. Each is ranked by what its words up to the cut add, on the ILP's
    scale: concept weight not yet covered (kept share for opinion) plus the lead prior.
    """
    units, sim, prior, budget = problem.units, problem.sim, problem.prior, problem.budget
    concepts, weights = problem.concepts, problem.weights
    top = max(weights.values(), default=1.0)
    taken = list(chosen)
    members = set(taken)
    covered: set[str] = set().union(*(concepts[i] for i in taken))
    used = sum(units[i].words for i in taken)
    added: list[int] = []
    while used < budget:
        room = budget - used
        best: tuple[float, int] | None = None
        for i, unit in enumerate(units):
            if not unit.candidate or i in members or not unit.requires <= members:
                continue
            if taken and float(sim[i, taken].max()) >= DUPLICATE_SIM:
                continue
            text = unit.sentence.text
            # Only the words before the cut are scored; a group concept needs the whole sentence.
            head = concepts[i] if unit.words <= room else _bigrams(" ".join(text.split()[:room]))
            kept = math.exp(-OPINION_DECAY * _opinion_share(text))
            gain = kept * sum(weights.get(g, 0.0) for g in head - covered) / top
            value = gain + LEAD_WEIGHT * float(prior[i]) * min(unit.words, room) / max(budget, 1)
            if best is None or value > best[0]:
                best = (value, i)
        if best is None:
            break
        taken.append(best[1])
        members.add(best[1])
        added.append(best[1])
        covered |= concepts[best[1]]
        used += units[best[1]].words
    return added


def _agreement(
    units: Sequence[_Unit],
    articles: Sequence[Article],
    sources: Sequence[bool],
    agreed: Sequence[ClaimGroup],
    concepts: list[frozenset[str]],
    weights: dict[str, float],
) -> dict[int, dict[int, int]]:
    """Add each agreed group as a concept (in place); return, per member unit, the unit of
    every other article in its group (article index -> unit index), for citations."""
    where = {(articles[u.article].id, u.sentence.index): i for i, u in enumerate(units)}
    peers: dict[int, dict[int, int]] = {}
    for k, group in enumerate(agreed):
        members = [
            where[key] for c in group.claims if (key := (c.article_id, c.sentence_index)) in where
        ]
        by_article = {units[i].article: i for i in reversed(members)}  # first claim per article
        if len(by_article) < 2:
            continue
        name = f"agreed#{k}"  # cannot clash with a bigram: no word holds "#"
        weights[name] = AGREED_WEIGHT * sum(sources[a] for a in by_article)
        for i in members:
            concepts[i] = concepts[i] | {name}
            peers[i] = {a: j for a, j in by_article.items() if a != units[i].article}
    return peers


def _select(problem: _Problem) -> list[int]:
    """Sentences maximising covered concept weight plus lead prior within the word budget.

    An integer program (HiGHS through highspy): a concept counts once however many chosen
    sentences state it, which is the redundancy control; no two near-duplicates are chosen;
    a sentence needing context (a quote's speaker, a pronoun's antecedent) comes only with it.
    """
    units, prior, budget = problem.units, problem.prior, problem.budget
    concepts, weights = problem.concepts, problem.weights
    top = max(weights.values(), default=1.0)
    pool = [
        i
        for i, u in enumerate(units)
        if u.candidate and (not u.requires or _bundle(units, i) is not None)
    ]
    # An opinionated sentence keeps only part of the worth of the concepts it states (the
    # same factor as its prior), so a neutral wording of a shared fact wins.
    kept = {
        i: math.exp(-OPINION_DECAY * _opinion_share(units[i].sentence.text))
        for i in range(len(units))
    }

    def value(i: int) -> float:
        """Objective per word of a sentence alone: the bound pruning ranks by."""
        covered = kept[i] * sum(weights.get(g, 0.0) for g in concepts[i]) / top
        return LEAD_WEIGHT * float(prior[i]) / max(budget, 1) + covered / max(units[i].words, 1)

    keep = max(PRUNE_MIN, math.ceil(PRUNE_PER_20_WORDS * budget / 20))
    pool = sorted(sorted(pool, key=lambda i: (-value(i), i))[:keep])
    context = {j for i in pool if units[i].requires for j in _bundle(units, i) or ()}
    chosen = _solve(problem, pool, context, kept)
    if not chosen and pool:
        # The budget is smaller than every sentence: one sentence is still better than none.
        free = [i for i in pool if not units[i].requires] or pool
        chosen.append(max(free, key=lambda i: (prior[i], -i)))
    return chosen


def _solve(
    problem: _Problem, pool: Sequence[int], context: set[int], kept: Mapping[int, float]
) -> list[int]:
    """The concept ILP over ``pool`` (and the context sentences it may need); [] if none fits.

    ``kept`` is the share of its concepts' worth each sentence keeps (opinion lowers it): the
    rest is charged as a cost of choosing it.
    """
    units, sim, prior, budget = problem.units, problem.sim, problem.prior, problem.budget
    concepts, weights = problem.concepts, problem.weights
    variables = sorted(set(pool) | context)
    if not variables:
        return []
    column = {u: k for k, u in enumerate(variables)}
    names = sorted({g for i in variables for g in concepts[i] if g in weights})
    concept_column = {g: len(variables) + k for k, g in enumerate(names)}
    n = len(variables) + len(names)
    top = max(weights.values(), default=1.0)
    lengths = np.array([units[i].words for i in variables], dtype=np.float64)
    objective = np.zeros(n)  # milp minimises
    objective[: len(variables)] = -LEAD_WEIGHT * prior[variables] * lengths / max(budget, 1)
    objective[: len(variables)] += [
        (1.0 - kept[i]) * sum(weights.get(g, 0.0) for g in concepts[i]) / top for i in variables
    ]
    objective[len(variables) :] = [-weights[g] / top for g in names]
    rows: list[dict[int, float]] = [dict(enumerate(lengths))]
    upper = [float(budget)]
    holders: dict[str, list[int]] = {}
    for k, i in enumerate(variables):
        for g in sorted(concepts[i]):
            if g in concept_column:
                holders.setdefault(g, []).append(k)
    for g in names:  # a concept is covered only by a chosen sentence stating it
        rows.append({concept_column[g]: 1.0} | {k: -1.0 for k in holders[g]})
        upper.append(0.0)
    for k, i in enumerate(variables):
        for j in sorted(units[i].requires):  # no sentence without its context
            rows.append({k: 1.0, column[j]: -1.0} if j in column else {k: 1.0})
            upper.append(0.0)
        if i not in pool:  # a context sentence only for a sentence that needs it
            needs = [column[d] for d in variables if i in units[d].requires]
            rows.append({k: 1.0} | {d: -1.0 for d in needs})
            upper.append(0.0)
    near = sim[np.ix_(variables, variables)] >= DUPLICATE_SIM
    for a, b in zip(*np.nonzero(np.triu(near, k=1)), strict=True):
        rows.append({int(a): 1.0, int(b): 1.0})  # never two sentences saying the same
        upper.append(1.0)
    chosen = _milp(objective, rows, upper)
    return [variables[k] for k in range(len(variables)) if chosen[k]]


def _milp(
    objective: NDArray[np.float64], rows: Sequence[Mapping[int, float]], upper: Sequence[float]
) -> list[bool]:
    """Minimise ``objective`` over 0/1 variables with ``row . x <= upper`` for every row
    (HiGHS through highspy); all False when no solution is found.

    highspy's raw solver class is used with logging off before anything else: its public
    ``Highs`` prints a banner to stdout on construction, and the HiGHS bundled with scipy
    prints a stray line when it repairs a presolved solution (ERGO-Code/HiGHS#2783); either
    would corrupt a command's JSON output.
    """
    import highspy
    from highspy._core import _Highs

    solver = _Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", SOLVER_SECONDS)
    solver.setOptionValue("threads", 1)  # deterministic and no worker pool to start
    n = len(objective)
    starts = np.cumsum([0] + [len(row) for row in rows], dtype=np.int32)
    index = np.array([c for row in rows for c in row], dtype=np.int32)
    value = np.array([v for row in rows for v in row.values()], dtype=np.float64)
    solver.passModel(
        n,
        len(rows),
        len(index),
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        np.asarray(objective, dtype=np.float64),
        np.zeros(n),
        np.ones(n),
        np.full(len(rows), -highspy.kHighsInf),
        np.asarray(upper, dtype=np.float64),
        starts,
        index,
        value,
        np.full(n, int(highspy.HighsVarType.kInteger), dtype=np.int32),
    )
    solver.run()
    if solver.getInfo().primal_solution_status != int(
        highspy.SolutionStatus.kSolutionStatusFeasible
    ):
        return [False] * n
    return [x > 0.5 for x in solver.getSolution().col_value]


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
