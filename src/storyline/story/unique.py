"""Whether a claim one outlet makes is told by no other outlet (the "unique" test's checks).

The TF-IDF alignment of :mod:`storyline.story.compare` misses a fact another outlet tells in
other words. These checks make "unique" stricter, each on evidence that can be read off:

- photo captions, credit lines and questions are not claims ("Families from the caravan
  waiting for a meal.", "Richard Nephew, former State Department official.", "Where Does
  Trump's Border Wall Stand Today?");
- a claim too short to state a fact by itself ("You can mark it down," he said.) is not
  reported as an outlet's own;
- a direct quote that another outlet prints too (anywhere in its text, not only in a sentence
  long enough to be a claim) is shared;
- optionally, a sentence of another outlet whose MiniLM embedding is close to the claim's
  (or fairly close, with content words in common) states the same fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from .lexical import WORD

Embed = Callable[[Sequence[str]], Sequence[Sequence[float]]]

# A claim needs this many content terms (stemmed words and names) to stand alone as a fact.
MIN_TERMS = 4
# A direct quote of this many words is specific enough to be recognised in another outlet.
QUOTE_WORDS = 4
QUOTE_MATCH = 90  # rapidfuzz partial_ratio: the same words, give or take a word form
# MiniLM cosine from which another outlet's sentence tells the same fact; from NEAR on when
# the two also share NEAR_TERMS content words other than names (tuned on NewsWCL50 events
# 0-4; names are left out because every sentence of a story names the same people).
EMBED_SAME = 0.65
EMBED_NEAR = 0.45
NEAR_TERMS = 3

# -- captions and credit lines -----------------------------------------------------------

_PHOTO = re.compile(
    r"\((?:AP|Reuters|AFP|Getty) (?:Photo|Images)\b|\bAP Photo/|\bGetty Images\b|"
    r"^(?:A |An |The )?(?:photo|photograph|picture|image|file photo)\b[^.]{0,120}\b"
    r"(?:shows?|showing|taken)\b|^(?:Photo|Image|Caption|Credit)\s*:",
    re.IGNORECASE,
)
# The dateline an agency photo caption ends with: ", Friday, April 27, 2018."
_CAPTION_DATE = re.compile(
    r",\s+(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
    r"Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s+\d{4}\W*$"
)
# Penn Treebank tags of a finite verb (or of the auxiliary that makes a verb finite).
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
CAPTION_TOKENS = 24
# Parsed verdicts kept per model and sentence text: a story is rebuilt whenever an article
# joins it, and its claims are the same sentences again.
PARSED_CACHE = 200_000
_PARSED: dict[str, dict[str, bool]] = {}


def is_caption(text: str, model: str = "en_core_web_sm") -> bool:
    """Whether a sentence is a photo caption, a credit line, a question or another fragment."""
    return captions([text], model)[0]


def captions(texts: Sequence[str], model: str = "en_core_web_sm") -> list[bool]:
    """Which sentences are photo captions, credit lines, questions or other fragments.

    Captions and credits name what is pictured or who speaks ("Families from the caravan
    waiting for a meal.", "Richard Nephew, former State Department official."); their main
    clause has no finite verb, which spaCy's tagger and parser tell (one batch for all).
    """
    out = [_marked(text.strip()) for text in texts]
    unmarked = [k for k, marked in enumerate(out) if not marked]
    known = _PARSED.setdefault(model, {})
    todo = list(dict.fromkeys(texts[k].strip() for k in unmarked if texts[k].strip() not in known))
    if len(known) + len(todo) > PARSED_CACHE:  # bounded: start over rather than grow
        known.clear()
    for text, doc in zip(todo, _parser(model).pipe(todo), strict=True):
        # The parser misreads some long sentences; one with a finite verb anywhere must be
        # short to count as a caption (the finite verb then sits in a relative clause: "...
        # the place where they'll have a chance to consult with lawyers.").
        known[text] = not any(_finite(sentence.root) for sentence in doc.sents) and (
            len(doc) <= CAPTION_TOKENS or not any(t.tag_ in _FINITE_TAGS for t in doc)
        )
    for k in unmarked:
        out[k] = known[texts[k].strip()]
    return out


def _marked(text: str) -> bool:
    """A caption by its marks: a photo credit or dateline, or the outlet's own question."""
    # The outlet's own question (a link to another story, a rhetorical one) states no fact;
    # a quoted one (closing quote mark) may be what is reported ("Mueller asks ...").
    return bool(_PHOTO.search(text) or _CAPTION_DATE.search(text)) or text.endswith("?")


def _finite(root: Any) -> bool:
    """Whether a sentence root is a finite verb: tagged so, with a finite auxiliary, or a verb
    with a subject (the tagger takes some past tenses for participles: "Trump projected")."""
    return (
        root.tag_ in _FINITE_TAGS
        or any(c.dep_ in ("aux", "auxpass") and c.tag_ in _FINITE_TAGS for c in root.children)
        or (root.tag_ in ("VBN", "VB") and any(c.dep_ == "nsubj" for c in root.children))
    )


@cache
def _parser(model: str) -> Any:
    """spaCy's tagger and parser (the analysis pipeline leaves them out), loaded once."""
    import spacy

    from ..analyze.nlp import model_name

    return spacy.load(model_name(model), exclude=["ner", "senter", "lemmatizer"])


# -- quotes printed by other outlets ----------------------------------------------------------


def normalise(text: str) -> str:
    """Lower-case words only, single-spaced: how quotes and texts are compared."""
    return " ".join(WORD.findall(text.lower()))


def quoted_elsewhere(quotes: Sequence[str], others: Sequence[str]) -> bool:
    """Whether any quote (normalised, QUOTE_WORDS words or more) appears in another text."""
    for quote in quotes:
        if len(quote.split()) < QUOTE_WORDS:
            continue
        for other in others:
            if quote in other or fuzz.partial_ratio(quote, other, score_cutoff=QUOTE_MATCH):
                return True
    return False


# -- embeddings ---------------------------------------------------------------------------


def sentence_embedder(embeddings: str) -> Embed | None:
    """The embedder the ``embeddings`` setting names (``minilm``), or None (``off``)."""
    if embeddings != "minilm":
        return None
    from ..analyze.embed import embedder

    return embedder().embed


def embedding_matches(
    texts: Sequence[str],
    candidates: Sequence[int],
    outlet_index: NDArray[np.int64],
    shared_terms: Callable[[int, int], int],
    embed: Embed,
) -> set[int]:
    """The candidate claims another outlet's claim states in other words (MiniLM cosine).

    Every claim is embedded once; a candidate matches a claim of another outlet at a cosine of
    EMBED_SAME, or of EMBED_NEAR when the two also share NEAR_TERMS content terms.
    """
    if not candidates:
        return set()
    vectors = np.asarray(embed(texts), dtype=np.float64)
    rows = vectors[list(candidates)] @ vectors.T
    found = set()
    for row, i in zip(rows, candidates, strict=True):
        others = np.flatnonzero((outlet_index != outlet_index[i]) & (row >= EMBED_NEAR))
        for j in others[np.argsort(-row[others])]:
            if row[j] >= EMBED_SAME or shared_terms(i, int(j)) >= NEAR_TERMS:
                found.add(i)
                break
    return found
