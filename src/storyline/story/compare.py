"""How each outlet covered a story: agreed claims, unique claims, contradictions, tone, timeline.

Claims are the sentences of each article. Two claims of different outlets are aligned when
they share weighted content words, canonical entity names and numbers (TF-IDF cosine over the
story's sentences) or carry the same direct quote. Contradictions are looked for only between
strongly aligned claims, and only on values that can be read off the text (see
:mod:`storyline.story.contradict`; here also the speaker of a shared quote): a false
contradiction misleads a reader more than a missed one.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from ..records import (
    Analysis,
    Article,
    Claim,
    ClaimGroup,
    Comparison,
    Contradiction,
    Mention,
    OutletTone,
)
from ..settings import Settings
from .contradict import Quantity, contradiction, quantities
from .entities import canonical_key
from .lexical import NEWS_STOP_WORDS, NUMBER_WORDS, QUOTED, WORD, lexicon, stem
from .timeline import build_timeline
from .unique import (
    MIN_TERMS,
    Embed,
    captions,
    embedding_matches,
    normalise,
    quoted_elsewhere,
    sentence_embedder,
)

# Cosine at which two claims state the same thing (agreement).
ALIGN = 0.35
# Below this best cosine against every other outlet, a claim is that outlet's alone.
UNIQUE_BELOW = 0.15
# Contradictions are only read between claims this close: the rest may be about other things.
CONTRA_MIN = 0.45
# Counts of the same thing in claims naming the same people are compared from this cosine on.
NUMBER_MIN = 0.2
MIN_CLAIM_WORDS = 6
# Claims sharing a word no other claim uses are aligned from this cosine on (see _rare_links).
RARE_MIN = 0.08
RARE_CHARS = 7
# Subjectivity = 1 - exp(-K * markers per word): five markers in 100 words reads as 0.5.
SUBJECTIVITY_K = math.log(2) / 0.05
# A difference this large (and a ratio of 1.5) is "markedly"; below SOMEWHAT, "about as".
MARKEDLY, SOMEWHAT = 0.10, 0.04


_STOP = NEWS_STOP_WORDS | lexicon("mr ms mrs")
# Unlike the summarizer's tokens, keeps contractions whole ("don’t").
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*")  # capitalised words (names), blanked out
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})

# -- values read off a claim ------------------------------------------------------

_NUMBER_WORDS = {
    **NUMBER_WORDS,
    "dozen": 12,
    "twenty": 20,
    "hundred": 100,
}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<value>\$?\d+(?:[.,]\d+)*|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|twenty|dozen)(?P<scale>\s+(?:million|billion|trillion|thousand|hundred))?"
    r"(?P<pct>\s*%|\s+percent\b|\s+per\s+cent\b)?",
    re.IGNORECASE,
)
# Ranks and approximations are not exact counts to compare ("No. 2", "about 300", "one of").
_APPROX = re.compile(
    r"\b(?:no\.|number|top|one of|about|nearly|around|some|over|more than|at least|up to|"
    r"almost|roughly|approximately|estimated)\s*$"
)


@dataclass(frozen=True, slots=True)
class _ClaimInfo:
    """A claim with what alignment and contradiction checks read from it."""

    claim: Claim
    terms: tuple[str, ...]
    quotes: tuple[tuple[str, str | None], ...]  # (normalised quote text, canonical speaker)
    anchors: frozenset[str] = frozenset()  # canonical names ("@...") and numbers ("#...")


# -- public entry point -------------------------------------------------------------


def outlet_label(article: Article) -> str:
    """The outlet name of an article; an unnamed outlet is told apart by its article id."""
    return article.outlet or f"unknown outlet ({article.id[:8]})"


def compare_for(
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    alias_map: Mapping[str, str] | None,
    settings: Settings,
) -> Comparison:
    """:func:`compare_story` with the embeddings and spaCy model the settings name."""
    embed = sentence_embedder(settings.embeddings)
    return compare_story(articles, analyses, alias_map, embed, settings.spacy_model)


def compare_story(
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    alias_map: Mapping[str, str] | None = None,
    embed: Embed | None = None,
    spacy_model: str = "en_core_web_sm",
) -> Comparison:
    """The outlet comparison of one story (articles in story order, duplicates skipped).

    ``embed`` (sentence embeddings, e.g. MiniLM's) also finds the facts another outlet tells
    in other words when deciding which claims are an outlet's alone; without it the test is
    lexical only. ``spacy_model`` (the ``spacy_model`` setting) parses candidate claims to
    tell captions from statements.
    """
    aliases = alias_map or {}
    sources = [a for a in articles if a.duplicate_of is None and a.id in analyses]
    outlets = list(dict.fromkeys(outlet_label(a) for a in sources))
    infos = _claims(sources, analyses, aliases)
    sim = _similarity(infos)
    outlet_index = np.array([outlets.index(i.claim.outlet) for i in infos], dtype=np.int64)
    best = _best_matches(sim, outlet_index, len(outlets))
    agreed = _agreed(infos, best, outlets)
    texts: dict[str, list[str]] = defaultdict(list)
    for a in sources:
        texts[outlet_label(a)].append(normalise(a.text))
    unique = _unique(infos, best, outlet_index, outlets, texts, embed, spacy_model)
    contradictions = _contradictions(infos, sim, best)
    tones = []
    for outlet in outlets:
        members = [a for a in sources if outlet_label(a) == outlet]
        tones.append(_tone(outlet, members, analyses, aliases, tuple(unique.get(outlet, ()))))
    return Comparison(
        outlets=tuple(tones),
        agreed=agreed,
        contradictions=contradictions,
        timeline=build_timeline(sources, analyses, outlet_label),
        statements=tone_statements(tones),
    )


# -- claims and alignment -----------------------------------------------------------


def claim_similarity(
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    alias_map: Mapping[str, str] | None = None,
) -> tuple[list[Claim], NDArray[np.float64]]:
    """The story's claims and their pairwise alignment scores, as the comparison uses them."""
    sources = [a for a in articles if a.duplicate_of is None and a.id in analyses]
    infos = _claims(sources, analyses, alias_map or {})
    return [i.claim for i in infos], _similarity(infos)


def _terms(text: str) -> list[str]:
    """Content terms: stemmed words without stop words; acronyms kept as written."""
    out = []
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            continue  # numbers are compared as values, not matched as words
        if len(token) >= 2 and token.isupper():
            out.append(token)
            continue
        lowered = re.split(r"['’]", token.lower())[0]
        if len(lowered) >= 2 and lowered not in _STOP:
            out.append(stem(lowered))
    return out


def _norm_quote(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


def _claims(
    articles: Sequence[Article], analyses: Mapping[str, Analysis], aliases: Mapping[str, str]
) -> list[_ClaimInfo]:
    """Every sentence long enough to state something, with its terms, names and quotes."""
    infos = []
    for article in articles:
        analysis = analyses[article.id]
        outlet = outlet_label(article)
        starts = [s.start for s in analysis.sentences]
        names: dict[int, list[Mention]] = defaultdict(list)
        for m in analysis.mentions:
            at = bisect_right(starts, m.start) - 1
            if m.label in _NAME_LABELS and at >= 0 and m.start < analysis.sentences[at].end:
                names[analysis.sentences[at].index].append(m)
        for s in analysis.sentences:
            # A whole quote inside the sentence, not a piece of a longer one ("Nice!").
            quoted = any(
                q.direct and s.start <= q.start and q.end <= s.end and len(q.text.split()) >= 4
                for q in analysis.quotes
            )
            if len(s.text.split()) < MIN_CLAIM_WORDS and not quoted:
                continue
            terms = _terms(s.text)
            for m in names.get(s.index, ()):
                # Canonical names count once more: "Trump" and "President Trump" match.
                terms.append("@" + canonical_key(aliases.get(canonical_key(m.text), m.text)))
            quotes = tuple(
                (_norm_quote(q.text), _speaker(q.speaker_name, aliases))
                for q in analysis.quotes
                if q.direct and q.start < s.end and q.end > s.start and len(q.text.split()) >= 4
            )
            # A short sentence still counts when it carries a direct quote ("Sometimes you
            # have to walk."): quotes are what outlets most often share word for word.
            if len(terms) < (1 if quoted else 3):
                continue
            claim = Claim(article.id, outlet, s.index, s.start, s.end, s.text)
            anchors = frozenset(t for t in terms if t.startswith("@")) | _numbers(s.text)
            infos.append(_ClaimInfo(claim, tuple(terms), quotes, anchors))
    return infos


def _speaker(name: str | None, aliases: Mapping[str, str]) -> str | None:
    if not name:
        return None
    return aliases.get(canonical_key(name), name)


def _similarity(infos: Sequence[_ClaimInfo]) -> NDArray[np.float64]:
    """Pairwise claim similarity: TF-IDF cosine, raised to 0.9 for a shared direct quote."""
    n = len(infos)
    if n == 0:
        return np.zeros((0, 0))
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    matrix = vectorizer.fit_transform([list(i.terms) for i in infos])
    sim = np.asarray((matrix @ matrix.T).todense(), dtype=np.float64)
    _rare_links(infos, sim)
    quoting = [i for i in range(n) if infos[i].quotes]
    for x, a in enumerate(quoting):
        for b in quoting[x + 1 :]:
            if infos[a].claim.outlet == infos[b].claim.outlet:
                continue
            if _shared_quote(infos[a], infos[b]) is not None:
                sim[a, b] = sim[b, a] = max(sim[a, b], 0.9)
    return sim


def _rare_links(infos: Sequence[_ClaimInfo], sim: NDArray[np.float64]) -> None:
    """Lift to ALIGN the pairs that alone, in their outlets, use a word no other claim uses.

    When the only sentence of one outlet that mentions sanctions and the only one of another
    outlet that does are otherwise worded apart ("request to lift sanctions" / "wanted the
    United States to drop all its sanctions"), they still tell the same point of the story.
    A word two claims of one outlet use is not exclusive, so it links nothing.
    """
    users: dict[str, list[int]] = defaultdict(list)
    for i, info in enumerate(infos):
        for term in set(info.terms):
            users[term].append(i)
    for term, members in users.items():
        outlets = [infos[i].claim.outlet for i in members]
        # Long words are the specific ones ("sanction", "concession"); short ones ("start",
        # "leader", "come") are shared by chance.
        if len(members) < 2 or len(set(outlets)) != len(outlets) or len(term) < RARE_CHARS:
            continue
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                if sim[a, b] >= RARE_MIN:
                    sim[a, b] = sim[b, a] = max(sim[a, b], ALIGN)


def _identity(terms: list[str]) -> list[str]:
    return terms


def _shared_quote(
    a: _ClaimInfo, b: _ClaimInfo
) -> tuple[tuple[str, str | None], tuple[str, str | None]] | None:
    """The first pair of direct quotes the two claims share (same words, give or take)."""
    for qa in a.quotes:
        for qb in b.quotes:
            if fuzz.partial_ratio(qa[0], qb[0], score_cutoff=90):
                return qa, qb
    return None


def _best_matches(
    sim: NDArray[np.float64], outlet_index: NDArray[np.int64], n_outlets: int
) -> dict[tuple[int, int], tuple[int, float]]:
    """For each claim and each other outlet: its closest claim there and their similarity."""
    best: dict[tuple[int, int], tuple[int, float]] = {}
    for o in range(n_outlets):
        members = np.flatnonzero(outlet_index == o)
        if members.size == 0:
            continue
        column = sim[:, members]
        arg = column.argmax(axis=1)
        for i in range(sim.shape[0]):
            if outlet_index[i] != o:
                best[(i, o)] = (int(members[arg[i]]), float(column[i, arg[i]]))
    return best


def _agreed(
    infos: Sequence[_ClaimInfo],
    best: Mapping[tuple[int, int], tuple[int, float]],
    outlets: Sequence[str],
) -> tuple[ClaimGroup, ...]:
    """Claims several outlets make: components of the mutual-best links above ALIGN."""
    parent = list(range(len(infos)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    outlet_of = {i: outlets.index(info.claim.outlet) for i, info in enumerate(infos)}
    for (i, _o), (j, score) in best.items():
        # Mutual best only: one sentence cannot chain every loosely related sentence together.
        if score >= ALIGN and best.get((j, outlet_of[i]), (-1, 0.0))[0] == i:
            parent[find(i)] = find(j)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(infos)):
        components[find(i)].append(i)
    groups = []
    for members in components.values():
        covered = {infos[i].claim.outlet for i in members}
        if len(covered) < 2:
            continue
        claims = tuple(infos[i].claim for i in sorted(members))
        ordered = tuple(o for o in outlets if o in covered)
        groups.append(
            ClaimGroup(claims, ordered, "all" if len(covered) == len(outlets) else "several")
        )
    groups.sort(key=lambda g: (-len(g.outlets), g.claims[0].article_id, g.claims[0].start))
    return tuple(groups)


def _unique(
    infos: Sequence[_ClaimInfo],
    best: Mapping[tuple[int, int], tuple[int, float]],
    outlet_index: NDArray[np.int64],
    outlets: Sequence[str],
    texts: Mapping[str, Sequence[str]],
    embed: Embed | None,
    spacy_model: str,
) -> dict[str, list[Claim]]:
    """Claims no other outlet makes (see :mod:`storyline.story.unique` for the checks).

    Far from every claim of every other outlet, naming no set of people and numbers another
    outlet's sentence names too, stating a fact by itself (not a caption, not a fragment),
    quoting nothing another outlet prints, and (with ``embed``) not told in other words.
    """
    unique: dict[str, list[Claim]] = defaultdict(list)
    if len(outlets) < 2:
        return unique
    candidates = []
    for i, info in enumerate(infos):
        scores = [best[(i, o)][1] for o in range(len(outlets)) if (i, o) in best]
        if not scores or max(scores) >= UNIQUE_BELOW or not _distinct(info, infos, outlet_index):
            continue
        if len(set(info.terms)) < MIN_TERMS:
            continue
        others = [t for o in outlets if o != info.claim.outlet for t in texts.get(o, ())]
        if quoted_elsewhere([q for q, _ in info.quotes], others):
            continue
        candidates.append(i)
    flags = captions([infos[i].claim.text for i in candidates], spacy_model)
    candidates = [i for i, caption in zip(candidates, flags, strict=True) if not caption]
    if embed is not None:
        # Common words only: every claim of a story names the same people.
        terms = [set(_terms(_CAPITALISED.sub(" ", i.claim.text))) for i in infos]
        told = embedding_matches(
            [i.claim.text for i in infos],
            candidates,
            outlet_index,
            lambda a, b: len(terms[a] & terms[b]),
            embed,
        )
        candidates = [i for i in candidates if i not in told]
    for i in candidates:
        unique[infos[i].claim.outlet].append(infos[i].claim)
    return unique


def _distinct(
    info: _ClaimInfo, infos: Sequence[_ClaimInfo], outlet_index: NDArray[np.int64]
) -> bool:
    """Whether the claim's rarest anchors (names, numbers) are absent from the other outlets.

    A fact told in other words by another outlet still names the same people and numbers: when
    every name and number of the claim turns up in one sentence of another outlet, it is not
    counted as unique.
    """
    if len(info.anchors) < 2:
        return True
    return not any(
        other.claim.outlet != info.claim.outlet and info.anchors <= other.anchors for other in infos
    )


# -- contradictions -----------------------------------------------------------------


def _contradictions(
    infos: Sequence[_ClaimInfo],
    sim: NDArray[np.float64],
    best: Mapping[tuple[int, int], tuple[int, float]],
) -> tuple[Contradiction, ...]:
    """Contradictions between aligned claims of different outlets (each pair once).

    Any disagreement is looked for between mutual-close claims (CONTRA_MIN). A count of the same
    thing (same unit word) naming the same people is specific enough to align two claims by
    itself, so number disagreements are also looked for from NUMBER_MIN on.
    """
    pairs: set[tuple[int, int]] = set()
    for (i, _o), (j, score) in best.items():
        if score >= CONTRA_MIN:
            pairs.add((min(i, j), max(i, j)))
    rows, cols = np.nonzero(np.triu(sim >= NUMBER_MIN, k=1))
    counted: dict[int, list[Quantity]] = {}

    def counts(i: int) -> list[Quantity]:
        if i not in counted:
            counted[i] = quantities(QUOTED.sub(" ", infos[i].claim.text))
        return counted[i]

    numeric = {
        (i, j)
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
        if infos[i].claim.outlet != infos[j].claim.outlet
        and _shared_names(infos[i], infos[j])
        and any(x.comparable(y) for x in counts(i) for y in counts(j))
    }
    found = []
    for a_i, b_i in sorted(pairs | numeric):
        a, b = infos[a_i], infos[b_i]
        conflict = contradiction(a.claim.text, b.claim.text)
        if conflict is not None and conflict[0] != "number" and (a_i, b_i) not in pairs:
            conflict = None  # only counts may align two claims this loosely
        if conflict is None and (a_i, b_i) in pairs:
            conflict = _speaker_conflict(a, b)
        if conflict is not None:
            kind, left, right = conflict
            found.append(Contradiction(kind, a.claim, b.claim, left, right))  # type: ignore[arg-type]
    return tuple(found)


def _shared_names(a: _ClaimInfo, b: _ClaimInfo) -> bool:
    return any(x.startswith("@") for x in a.anchors & b.anchors)


def _numbers(text: str) -> set[str]:
    """Numbers of a text (as anchors): "#12", "#4.5"."""
    return {"#" + v for values in _counts(text).values() for v in values} | {
        "#" + m.group("value").lstrip("$").replace(",", "")
        for m in _NUMBER.finditer(text)
        if m.group("value")[0].isdigit() or m.group("value")[0] == "$"
    }


def _counts(text: str) -> dict[str, set[str]]:
    """Counted quantities by unit: "12 dead" -> {"dead": {"12"}}; years and times skipped."""
    out: dict[str, set[str]] = defaultdict(set)
    for m in _NUMBER.finditer(text):
        raw = m.group("value").lower()
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if _APPROX.search(before):
            continue  # ranks and approximations are not exact counts to compare
        value = raw.lstrip("$").replace(",", "")
        if value.isdigit() and 1900 <= int(value) <= 2099 and "$" not in raw:
            continue  # a year: dates are compared elsewhere
        if raw in _NUMBER_WORDS:
            value = str(_NUMBER_WORDS[raw])
        after = text[m.end() : m.end() + 40]
        if re.match(r"\s*(?::\d|[ap]\.?m\b|-(?:year|day|week|month)|/|\.\d|-\d)", after, re.I):
            continue  # times, ages ("3-year-old"), ratios, ranges
        if m.group("pct"):
            unit = "percent"
        else:
            word = WORD.match(after.lstrip())
            if word is None:
                continue
            unit = stem(word.group().lower())
            if unit in _STOP or len(unit) < 3:
                continue
        scale = (m.group("scale") or "").strip().lower()
        money = "$" if raw.startswith("$") else ""
        out[unit].add(f"{money}{value}{' ' + scale if scale else ''}")
    return out


def _speaker_conflict(a: _ClaimInfo, b: _ClaimInfo) -> tuple[str, str, str] | None:
    """The same direct quote put in two different people's mouths."""
    shared = _shared_quote(a, b)
    if shared is None:
        return None
    (_, sa), (_, sb) = shared
    if sa is None or sb is None:
        return None
    ka, kb = canonical_key(sa), canonical_key(sb)
    if ka == kb or ka in kb or kb in ka:
        return None
    # Only an attribution each outlet states in the sentence itself, naming only its own
    # speaker: a speaker resolved from context (a pronoun, an earlier sentence) is too often
    # a resolution slip to be reported as a contradiction.
    if not (_names_in(a.claim.text, sa) and _names_in(b.claim.text, sb)):
        return None
    if _names_in(a.claim.text, sb) or _names_in(b.claim.text, sa):
        return None
    return "name", sa, sb


def _names_in(text: str, name: str) -> bool:
    """Whether the text names the person (full name or surname)."""
    surname = name.split()[-1]
    return re.search(r"\b" + re.escape(surname) + r"\b", text) is not None


# -- tone -----------------------------------------------------------------------------

# Opinion markers of a writer's own voice, by kind. General English lexicons, not story words.
_MARKERS: dict[str, frozenset[str]] = {
    "intensifier": lexicon(
        "very really extremely incredibly utterly totally absolutely hugely enormously "
        "remarkably deeply truly terribly awfully wildly massively desperately shockingly "
        "painfully insanely so-called mere merely even just"
    ),
    "stance": lexicon(
        "evidently clearly obviously surely undoubtedly frankly sadly unfortunately "
        "fortunately thankfully arguably notoriously naively predictably conveniently "
        "laughably ironically tellingly curiously admittedly honestly"
    ),
    "hedge": lexicon(
        "perhaps maybe possibly probably apparently seemingly presumably supposedly might"
    ),
    "evaluative": lexicon(
        "great terrible horrible awful disastrous stunning shocking ridiculous absurd pathetic "
        "brilliant wonderful amazing outrageous disgraceful shameful laughable embarrassing "
        "humiliating chilling vague fantastic tremendous spectacular dismal miserable "
        "stupid dumb foolish idiotic silly crazy insane bizarre weird nasty vile "
        "dictator tyrant despot thug strongman boast boasting brag bragging rant ranting "
        "meltdown fiasco debacle "
        "farce charade stunt spectacle grovel shameless reckless clueless hapless "
        "significant major enormous huge dangerous fragile historic failed failure "
        "embarrassment disgrace scandal scandalous radical extreme extremist hysterical "
        "hypocrite hypocritical lies lie liar smear sham witch-hunt hoax corrupt "
        "incompetent inept weak strong bold brave courageous cowardly heroic villain "
        "alarming troubling disturbing worrying worrisome unprecedented astonishing "
        "controversial divisive infamous notorious obsessed obsession crusade regime"
    ),
    "person": lexicon("i me my mine we us our ours you your yours"),
}
_PHRASES = re.compile(
    r"\b(to be sure|of course|needless to say|it(?:'|’)s clear|it is clear|make no mistake|"
    r"in other words|let(?:'|’)s be clear|to put it mildly|the fact (?:is|that)|"
    r"needless to add|it goes without saying|mind you|for what it(?:'|’)s worth)\b",
    re.IGNORECASE,
)


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def own_prose(text: str, start: int, quotes: Sequence[tuple[int, int]]) -> str:
    """A sentence with every quoted stretch removed (found quotes and quote marks alike)."""
    chars = list(text)
    for qs, qe in quotes:
        for k in range(max(qs - start, 0), min(qe - start, len(chars))):
            chars[k] = " "
    return QUOTED.sub(" ", "".join(chars))


def subjectivity_of(prose: Sequence[str]) -> tuple[float, Counter[str], Counter[str]]:
    """Subjectivity in [0, 1] of an outlet's own prose, its marker counts and loaded words."""
    markers: Counter[str] = Counter()
    loaded: Counter[str] = Counter()
    words = 0
    lexicon = _vader().lexicon
    for text in prose:
        tokens = WORD.findall(text)
        words += len(tokens)
        for k, token in enumerate(tokens):
            lowered = token.lower()
            if k > 0 and not token.islower() and lowered not in _MARKERS["person"]:
                continue  # capitalised mid-sentence: a name ("Great Britain"), not opinion
            for kind, lexicon_words in _MARKERS.items():
                if lowered in lexicon_words:
                    markers[kind] += 1
                    if kind == "evaluative":
                        loaded[lowered] += 1
            # Strongly valenced words of the general VADER lexicon are loaded language too.
            if abs(lexicon.get(lowered, 0.0)) >= 2.0 and lowered not in _MARKERS["evaluative"]:
                markers["valenced"] += 1
                loaded[lowered] += 1
        markers["phrase"] += len(_PHRASES.findall(text))
        markers["exclamation"] += text.count("!")
        markers["question"] += text.count("?")
    markers = +markers
    if words == 0:
        return 0.0, markers, loaded
    # Valenced words weigh half: news reports bad events in plain words too ("killed").
    score = sum(v * (0.5 if k == "valenced" else 1.0) for k, v in markers.items())
    return 1.0 - math.exp(-SUBJECTIVITY_K * score / words), markers, loaded


def _tone(
    outlet: str,
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    aliases: Mapping[str, str],
    unique: tuple[Claim, ...],
) -> OutletTone:
    """Tone of one outlet's articles: subjectivity, sentiment, markers, who it quotes."""
    prose: list[str] = []
    speakers: Counter[str] = Counter()
    for article in articles:
        analysis = analyses[article.id]
        spans = [(q.start, q.end) for q in analysis.quotes]
        for s in analysis.sentences:
            text = own_prose(s.text, s.start, spans)
            if WORD.search(text):
                prose.append(text)
        for q in analysis.quotes:
            name = _speaker(q.speaker_name, aliases)
            if name:
                speakers[name] += 1
    subjectivity, markers, loaded = subjectivity_of(prose)
    return OutletTone(
        outlet=outlet,
        article_ids=tuple(a.id for a in articles),
        subjectivity=round(subjectivity, 3),
        sentiment=round(sentiment_of(prose), 3),
        loaded_words=tuple(w for w, _ in loaded.most_common(12)),
        opinion_markers=dict(sorted(markers.items())),
        quoted_people=tuple(n for n, _ in speakers.most_common()),
        unique_claims=unique,
    )


def sentiment_of(prose: Sequence[str]) -> float:
    """Mean VADER compound of the sentences, weighted by their length in words."""
    total = weight = 0.0
    for text in prose:
        n = len(text.split())
        total += n * _compound(text)
        weight += n
    return total / weight if weight else 0.0


@lru_cache(maxsize=1 << 16)  # pure; a story rebuilt as articles join scores the same prose
def _compound(text: str) -> float:
    """VADER's compound score of one sentence."""
    return float(_vader().polarity_scores(text)["compound"])


def tone_statements(tones: Sequence[OutletTone]) -> tuple[str, ...]:
    """Relative statements for the story: the most against the least opinionated outlet."""
    if len(tones) < 2:
        return ()
    ranked = sorted(tones, key=lambda t: -t.subjectivity)
    top, low = ranked[0], ranked[-1]
    diff = top.subjectivity - low.subjectivity
    if diff >= MARKEDLY and top.subjectivity >= 1.5 * low.subjectivity:
        degree = "markedly more opinionated than"
    elif diff >= SOMEWHAT:
        degree = "somewhat more opinionated than"
    else:
        degree = "about as opinionated as"
    out = [
        f"{top.outlet} is {degree} {low.outlet} in this story "
        f"(subjectivity {top.subjectivity:.2f} vs {low.subjectivity:.2f})."
    ]
    by_mood = sorted(tones, key=lambda t: t.sentiment)
    if by_mood[-1].sentiment - by_mood[0].sentiment >= 0.2:
        out.append(
            f"{by_mood[0].outlet} is the most negative in tone ({by_mood[0].sentiment:+.2f}), "
            f"{by_mood[-1].outlet} the most positive ({by_mood[-1].sentiment:+.2f})."
        )
    return tuple(out)


def tone_ranking(comparison: Comparison) -> list[str]:
    """Outlets from the most to the least subjective."""
    return [t.outlet for t in sorted(comparison.outlets, key=lambda t: -t.subjectivity)]
