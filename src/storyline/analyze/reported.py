"""Indirect (reported) speech: "Kim told Trump he would maintain the freeze", marked direct=False.

Only sentences with no quote marks are read here (a sentence holding a partial quote already
gives a quote of its own); the speaker is found the way direct quotes find theirs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Mention, Quote
from . import quotes as q

# Verbs that report speech or writing (not "found", "showed", "supported"): the clause after
# them is what someone said.
_REPORT_VERBS = (
    r"(?:said|says|say|told|tells|tell|added|adds|argued|argues|claimed|claims|warned|warns|"
    r"insisted|insists|noted|notes|explained|explains|announced|announces|stressed|stresses|"
    r"acknowledged|acknowledges|admitted|admits|suggested|suggests|predicted|predicts|"
    r"promised|promises|vowed|vows|asserted|asserts|contended|contends|maintained|maintains|"
    r"conceded|concedes|confirmed|confirms|denied|denies|reported|reports|wrote|writes|"
    r"tweeted|tweets|declared|declares|emphasized|emphasizes|complained|complains|"
    r"assured|assures|reminded|reminds|replied|replies|responded|responds|"
    r"recalled|recalls|revealed|reveals|countered|counters|boasted|boasts|pledged|pledges)"
)
# Verbs that take the hearer before the clause ("told Trump he would ...").
_HEARER_VERBS = frozenset(
    ("told", "tells", "tell", "warned", "warns", "assured", "assures")
    + ("reminded", "reminds", "promised", "promises")
)
_HEARER_RE = re.compile(
    r"\s+(?:me|him|her|us|them|you|reporters|journalists|supporters|the\s+\w+(?:\s+\w+)?|"
    r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}(?:['’]s\s+[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)?)"
    r"(?=\s|,)"
)
# Time, place and medium phrases between the cue and the clause ("said on Tuesday that").
_ADVERBIAL_RE = re.compile(
    r",?\s+(?:on\s+\w+(?:\s+(?:morning|afternoon|evening|night))?|in\s+an?\s+(?:statement|"
    r"interview|email|tweet|speech|post|letter|op-ed|memo)(?:\s+(?:on|with|to)\s+[\w’'.-]+)?|"
    r"last\s+\w+|this\s+\w+|today|yesterday|tonight|earlier|later|recently|repeatedly|again|"
    r"privately|publicly|also|often|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?=[\s,])",
)
_CUE_IN_SENTENCE_RE = re.compile(r"\b" + _REPORT_VERBS + r"\b", re.IGNORECASE)
_INVERTED_TAIL_RE = re.compile(
    r",\s+(?:(?P<cue1>said|says|added|adds|argued|argues|noted|notes|wrote|writes)\s+"
    r"(?P<who1>[^,;:]{2,80})|(?P<who2>[^,;:]{2,80}?)\s+(?:also\s+|later\s+)?"
    r"(?P<cue2>said|says|added|adds|argued|argues|noted|notes|wrote|writes|told\s+\w+)"
    r"(?:\s+(?:on\s+)?\w+day)?)\s*[.!?]?$"
)
# A clause starts with a subject, a complementizer or a fronted adverbial; a preposition or an
# infinitive after the cue ("said to be", "told of") is not reported speech.
_CLAUSE_START_RE = re.compile(
    r"(?:that\s+)?(?:he|she|they|it|we|i|you|there|this|these|those|the|a|an|his|her|their|its|"
    r"our|my|some|many|most|all|no|every|if|when|[A-Z][\w’'.-]*|\d)\b"
)
_MIN_CLAUSE_WORDS = 4
_MODAL_BEFORE_RE = re.compile(
    r"\b(?:to|will|would|could|did|do|does|not|n[’']t|can|may|might)\s+$", re.IGNORECASE
)
_QUOTE_MARK_RE = re.compile(r"''|``|[“”\"„«»‘’]")


def reported_speech(
    article_id: str,
    text: str,
    mentions: Sequence[Mention],
    boundaries: Sequence[int],
    taken: Sequence[tuple[int, int]],
) -> list[Quote]:
    """Indirect quotes in sentences free of quote marks and of the spans in ``taken``."""
    found: list[Quote] = []
    ends = [*boundaries[1:], len(text)] if boundaries else []
    for start, end in zip(boundaries, ends, strict=True):
        sentence = text[start:end]
        cut = sentence.find("\n")
        if cut >= 0:
            end = start + cut
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start < 20 or any(a < end and b > start for a, b in taken):
            continue
        if _QUOTE_MARK_RE.search(text, start, end) and not _only_apostrophes(text[start:end]):
            continue
        words = text[start:end].split()
        if sum(w[0].isupper() for w in words) >= 0.6 * len(words):
            continue  # a headline in title case
        quote = _forward(article_id, text, start, end, mentions, boundaries, taken)
        if quote is None:
            quote = _inverted(article_id, text, start, end, mentions, boundaries, taken)
        if quote is not None:
            found.append(quote)
    return found


def _only_apostrophes(sentence: str) -> bool:
    """Whether the only marks are apostrophes inside words ("Trump’s", "don’t")."""
    return not re.search(r"''|``|[“”\"„«»‘]|(?<!\w)[’']|[’'](?!\w)", sentence)


def _forward(
    article_id: str,
    text: str,
    start: int,
    end: int,
    mentions: Sequence[Mention],
    boundaries: Sequence[int],
    taken: Sequence[tuple[int, int]],
) -> Quote | None:
    """``Speaker CUE [hearer] [adverbial] [that] CLAUSE.``"""
    for cue in _CUE_IN_SENTENCE_RE.finditer(text, start, end):
        word = cue.group().lower()
        if word in ("say", "tell") and _MODAL_BEFORE_RE.search(
            text, max(start, cue.start() - 8), cue.start()
        ):
            continue  # "refused to say whether", "would tell": no report of what was said
        position = cue.end()
        if word in _HEARER_VERBS:
            hearer = _HEARER_RE.match(text, position, end)
            if hearer is None:
                continue
            position = hearer.end()
        while True:
            adverbial = _ADVERBIAL_RE.match(text, position, end)
            if adverbial is None:
                break
            position = adverbial.end()
        clause = re.compile(r"[\s,]*").match(text, position, end)
        position = clause.end() if clause else position
        if not _CLAUSE_START_RE.match(text, position, end):
            continue
        complementizer = re.compile(r"that\s+").match(text, position, end)
        position = complementizer.end() if complementizer else position
        content_end = end
        while content_end > position and text[content_end - 1] in ".!? ":
            content_end -= 1
        if len(text[position:content_end].split()) < _MIN_CLAUSE_WORDS:
            continue
        speaker = q._speaker_before(text, start, cue.end(), mentions, boundaries)
        if speaker is None:
            continue
        return _quote(article_id, text, position, content_end, speaker, mentions, boundaries, taken)
    return None


def _inverted(
    article_id: str,
    text: str,
    start: int,
    end: int,
    mentions: Sequence[Mention],
    boundaries: Sequence[int],
    taken: Sequence[tuple[int, int]],
) -> Quote | None:
    """``CLAUSE, Speaker said.`` / ``CLAUSE, said Speaker.``"""
    tail = _INVERTED_TAIL_RE.search(text, start, end)
    if tail is None:
        return None
    who = "who1" if tail.group("who1") else "who2"
    cue = tail.group("cue1") or tail.group("cue2")
    speaker = q._classify(text, tail.start(who), tail.end(who), q._cue_text(cue), mentions)
    if speaker is None or len(text[start : tail.start()].split()) < _MIN_CLAUSE_WORDS:
        return None
    return _quote(article_id, text, start, tail.start(), speaker, mentions, boundaries, taken)


def _quote(
    article_id: str,
    text: str,
    start: int,
    end: int,
    speaker: q._Speaker,
    mentions: Sequence[Mention],
    boundaries: Sequence[int],
    taken: Sequence[tuple[int, int]],
) -> Quote:
    """An indirect quote with its speaker mention and resolved name."""
    return Quote(
        article_id=article_id,
        text=text[start:end],
        start=start,
        end=end,
        direct=False,
        speaker=text[speaker.start : speaker.end],
        speaker_name=q._resolve(text, speaker, mentions, taken, boundaries),
        speaker_start=speaker.start,
        speaker_end=speaker.end,
        cue=speaker.cue,
    )
