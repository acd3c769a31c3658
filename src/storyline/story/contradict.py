"""Whether two aligned sentences of different outlets contradict each other, and on what.

Only values that can be read off the sentences' own words are compared (quotations removed:
two outlets quoting two different people is no contradiction):

- quantities as intervals ("about 200" is 150-250, "more than 150" is 150 and up, "tens of
  thousands" is 10,000-100,000), compared only for the same counted thing ("files", "percent
  on steel"); a contradiction needs every such pair of intervals to be disjoint;
- clock times more than 15 minutes apart; weekdays or calendar days more than one day apart
  (a day either way is a time zone or a late-night report, not a disagreement), never the day
  something was *said* (each outlet reports its own day of the statement);
- polarity: an antonym verb pair ("agreed" / "refused"), or the same auxiliary and verb once
  negated ("will attend" / "won't attend").

Sentences that attribute themselves to two different named sources ("X said" / "according to
Y") are a disagreement between sources, not between outlets, and are not reported.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .lexical import NEWS_STOP_WORDS, NUMBER_WORDS, QUOTED, lexicon, stem

Conflict = tuple[str, str, str]

# -- quantities ---------------------------------------------------------------------------

# lexical's small number words plus the teens and tens, as counts are written out in news.
_TEENS = "thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_UNITS = {
    "one": 1,
    **NUMBER_WORDS,
    **{word: 13 + i for i, word in enumerate(_TEENS.split())},
    **{word: 20 + 10 * i for i, word in enumerate(_TENS.split())},
}
_SCALES = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
# Vague plurals as ranges, ends included: "dozens" is 24-144, "tens of thousands" 10,000-100,000.
_VAGUE = {"dozens": (24.0, 144.0), "scores": (40.0, 200.0), "hundreds": (200.0, 1000.0)}
_VAGUE_SCALE = {"thousands": 1_000, "millions": 1_000_000, "billions": 1_000_000_000}

_NUM = r"\$?\d+(?:,\d{3})*(?:\.\d+)?|" + "|".join(sorted(_UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    r"(?<![\w.$/-])(?:"
    r"(?P<between>between\s+(?P<lo>" + _NUM + r")\s+and\s+(?P<hi>" + _NUM + r"))"
    r"|(?P<vague>(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions)"
    r"|dozens|scores|hundreds|thousands|millions|billions)"
    r"|(?P<value>" + _NUM + r")\b(?:[\s-]+(?P<scale>dozen|hundred|thousand|million|billion|"
    r"trillion)\b)?"
    r")(?P<pct>\s*%|\s+percent\b|\s+per\s?cent\b)?",
    re.IGNORECASE,
)
# Qualifier just before a number: how far the true value may lie from it, as factors.
_QUALIFIERS: tuple[tuple[re.Pattern[str], float, float], ...] = tuple(
    (re.compile(r"\b(?:" + words + r")\s*$", re.IGNORECASE), lo, hi)
    for words, lo, hi in (
        # Upper bounds first: "no more than 20" is not "more than 20".
        (r"fewer than|less than|under|up to|at most|as many as|as much as|no more than", 0.0, 1.0),
        (r"nearly|almost|close to|just under|just shy of", 0.75, 1.0),
        (r"more than|over|at least|upwards of|in excess of", 1.0, math.inf),
        (r"about|around|roughly|approximately|some|an estimated|estimated|circa", 0.75, 1.25),
    )
)
# Numbers that are not counts of the event: ranks, shares of a group, ages, years, times.
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:\bno\.|\bnumber|\btop|\bone of|\bpage|\bchapter|\barticle|\bsection|\btitle|\bgrade|"
    r"\bfirst|\blast|\bnext|\bcategory|\bphase|\broute|\bhighway|#)\s*$",
    re.IGNORECASE,
)
_NOT_A_COUNT_AFTER = re.compile(
    r"\s*(?::\d|[ap]\.?m\b|-(?:year|day|week|month|hour|minute)|/|\.\d|-\d|th\b|st\b|nd\b|rd\b|"
    r"of (?:the|them|those|these|us|his|her|its|their)\b|\w+ ago\b)",
    re.IGNORECASE,
)
# Words that cannot name what is counted ("25 percent on steel": "on" is skipped).
_UNIT_SKIP = NEWS_STOP_WORDS | lexicon(
    "more other additional new extra further total overall some just only nearly about another "
    "percent per cent"
)
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z]+(?:['’][a-z]+)?|\d[\d,.]*|[^\sA-Za-z\d]")
_UNIT_WORDS = 3  # content words after a number that name what it counts
_UNIT_SPAN = 5  # tokens after a number searched for them


@dataclass(frozen=True, slots=True)
class Quantity:
    """A counted quantity: what is counted (stems), and the interval its value lies in."""

    unit: frozenset[str]
    low: float
    high: float
    text: str
    kind: str = "count"  # "count", "percent" or "money"
    head: str = ""  # the word right after a percentage: "25 percent *of*" is not "*on* steel"

    def overlaps(self, other: Quantity) -> bool:
        return self.low <= other.high and other.low <= self.high

    def comparable(self, other: Quantity) -> bool:
        """Whether the two count the same thing: same kind and a shared unit word."""
        if self.kind != other.kind or (self.kind == "percent" and self.head != other.head):
            return False
        return bool(self.unit & other.unit)


def _number(raw: str) -> float | None:
    raw = raw.lower().lstrip("$").replace(",", "")
    if raw in _UNITS:
        return float(_UNITS[raw])
    try:
        return float(raw)
    except ValueError:
        return None


def _unit(text: str) -> tuple[frozenset[str], int]:
    """Stems of the noun phrase after a number ("Iranian files", "percent on steel"); its end."""
    out: list[str] = []
    end = 0
    for k, match in enumerate(_TOKEN.finditer(text)):
        token = match.group()
        if k == _UNIT_SPAN or not token[0].isalpha():
            break  # punctuation or another number ends the noun phrase
        if token[0].isupper() and not (token.isupper() and token.isalpha()):
            continue  # "Iranian files", "U.S. goods": names qualify what is counted
        lowered = token.lower()
        if lowered in _UNITS or lowered in _SCALES:
            break
        if lowered in _UNIT_SKIP:
            if out:
                break  # "migrants *from* Central America": the noun phrase is over
            continue
        out.append(stem(lowered))
        end = match.end()
        if len(out) == _UNIT_WORDS:
            break
    return frozenset(out), end


def quantities(text: str) -> list[Quantity]:
    """Counted quantities of a text as intervals; years, times, ranks and ages skipped."""
    out = []
    for m in _QUANTITY.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        after = text[m.end() :]
        skip, start = 0, m.start()
        if _NOT_A_COUNT_BEFORE.search(before) or _NOT_A_COUNT_AFTER.match(after):
            continue
        if m.group("between"):
            lo, hi = _number(m.group("lo")), _number(m.group("hi"))
            if lo is None or hi is None:
                continue
            low, high = min(lo, hi), max(lo, hi)
        elif m.group("vague"):
            words = m.group("vague").lower().split()
            if len(words) == 3:  # "tens of thousands", "hundreds of millions"
                low, high = (10.0, 100.0) if words[0] == "tens" else (200.0, 1000.0)
                scale = _VAGUE_SCALE[words[2]]
                low, high = low * scale, high * scale
            elif words[0] in _VAGUE:
                low, high = _VAGUE[words[0]]
            else:
                scale = _VAGUE_SCALE[words[0]]
                low, high = 2.0 * scale, 10.0 * scale
            if re.match(r"\s+of\s+(?:the|them|those|these|us|his|her|its|their)\b", after, re.I):
                continue
            stripped = re.sub(r"^\s+of\b", "", after)
            skip, after = len(after) - len(stripped), stripped
        else:
            raw = m.group("value")
            value = _number(raw)
            if value is None:
                continue
            if raw.isdigit() and 1900 <= value <= 2099 and not m.group("scale"):
                continue  # a year: dates are compared elsewhere
            if raw.lower() == "one" and not m.group("scale"):
                continue  # "one" is mostly a pronoun ("one of", "the one who")
            if raw.isalpha() and re.search(
                r"\b(?:the|these|those|both|its|their)\s+$", before, re.IGNORECASE
            ):
                continue  # "the two countries" names a group, it does not count it
            if m.group("scale"):
                value *= _SCALES[m.group("scale").lower()]
            low = high = value
            for pattern, f_lo, f_hi in _QUALIFIERS:
                qualifier = pattern.search(before)
                if qualifier is not None:
                    low, high = value * f_lo, value * f_hi
                    start = m.start() - len(before) + qualifier.start()
                    break
        money = m.group().startswith("$") or bool(re.match(r"\s*(?:dollars|euros|pounds)\b", after))
        kind = "percent" if m.group("pct") else "money" if money else "count"
        unit, end = _unit(after)
        if not unit:
            continue  # "25 percent" of what? Nothing to tell it is the same share
        head = next(iter(_TOKEN.findall(after)), "").lower()
        said = text[start : m.end() + skip + end]
        out.append(Quantity(unit, low, high, " ".join(said.split()), kind, head))
    return out


def _quantity_conflict(a: str, b: str) -> Conflict | None:
    """A count of the same thing whose intervals in the two sentences never overlap."""
    qa, qb = quantities(a), quantities(b)
    for first, second, swap in ((qa, qb, False), (qb, qa, True)):
        for x in first:
            rivals = [y for y in second if x.comparable(y)]
            if not rivals or any(x.overlaps(y) for y in rivals):
                continue
            # A rival must not agree with some other count of the first sentence either.
            rivals = [y for y in rivals if not any(y.overlaps(z) for z in first if y.comparable(z))]
            if rivals:
                mine, theirs = x.text, ", ".join(y.text for y in rivals)
                return ("number", theirs, mine) if swap else ("number", mine, theirs)
    return None


# -- clock times and days -------------------------------------------------------------------

_TIME = re.compile(
    r"\b(?P<h>[01]?\d)(?::(?P<m>[0-5]\d))?\s*(?P<ap>[ap])\.?\s?m\b\.?|\b(?P<word>noon|midnight)\b",
    re.IGNORECASE,
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(r"\b(" + _MONTHS + r")\s+([0-3]?\d)(?:st|nd|rd|th)?\b")
# The day something was said, written or reported: each outlet has its own.
_SAID_BEFORE = re.compile(
    r"\b(?:said|says|told\s+\w+(?:\s+\w+)?|tweeted|wrote|reported|added|announced|stated|"
    r"confirmed|revealed|posted|noted|argued|insisted|claimed|warned|explained|disclosed|"
    r"responded|replied)\s+(?:late\s+|early\s+|on\s+)*$",
    re.IGNORECASE,
)
_SAID_AFTER = re.compile(
    r"^,?\s*(?:morning|afternoon|evening|night)?\s*(?:that\b|,?\s*(?:he|she|they|it)\s+said)",
    re.IGNORECASE,
)


def _times(text: str) -> set[int]:
    """Clock times as minutes after midnight."""
    out = set()
    for m in _TIME.finditer(text):
        if m.group("word"):
            out.add(720 if m.group("word").lower() == "noon" else 0)
            continue
        hour = int(m.group("h")) % 12 + (12 if m.group("ap").lower() == "p" else 0)
        out.add(hour * 60 + int(m.group("m") or 0))
    return out


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _times_apart(a: set[int], b: set[int]) -> bool:
    """Every pair of clock times more than 15 minutes apart (12:01 a.m. is midnight)."""
    return all(min(abs(x - y), 1440 - abs(x - y)) > 15 for x in a for y in b)


def _event_days(text: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """Day mentions that date an event, not the day a statement was made."""
    return [
        m
        for m in pattern.finditer(text)
        if not _SAID_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        and not _SAID_AFTER.match(text[m.end() : m.end() + 30])
    ]


def _day_conflict(a: str, b: str) -> Conflict | None:
    """One weekday or calendar day each, more than a day apart."""
    days_a = {m.group() for m in _event_days(a, _WEEKDAY)}
    days_b = {m.group() for m in _event_days(b, _WEEKDAY)}
    if len(days_a) == 1 and len(days_b) == 1:
        (x,), (y,) = days_a, days_b
        gap = abs(_WEEKDAYS.index(x) - _WEEKDAYS.index(y))
        if min(gap, 7 - gap) > 1:
            return "date", x, y
    dates_a = {(m.group(1), int(m.group(2))) for m in _event_days(a, _DATE)}
    dates_b = {(m.group(1), int(m.group(2))) for m in _event_days(b, _DATE)}
    if len(dates_a) == 1 and len(dates_b) == 1:
        ((ma, da),), ((mb, db),) = dates_a, dates_b
        if ma == mb and abs(da - db) > 1:
            return "date", f"{ma} {da}", f"{mb} {db}"
    return None


# -- polarity ------------------------------------------------------------------------------

# Verbs whose opposite is a contradiction of fact: each with its antonyms.
_ANTONYMS: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (lexicon(a), lexicon(b))
    for a, b in (
        ("agree agreed agrees agreeing", "refuse refused refuses refusing reject rejected rejects"),
        ("accept accepted accepts", "reject rejected rejects refuse refused"),
        ("confirm confirmed confirms", "deny denied denies"),
        ("admit admitted admits", "deny denied denies"),
        ("win won wins", "lose lost loses"),
        ("rise rose risen rises", "fall fell fallen falls drop dropped drops"),
        ("increase increased increases", "decrease decreased decreases"),
        ("approve approved approves", "reject rejected rejects veto vetoed vetoes"),
        ("succeed succeeded succeeds", "fail failed fails"),
        ("survived survives", "died dies killed"),
        ("convicted", "acquitted"),
        ("allow allowed allows", "ban banned bans forbid forbade"),
    )
)
_NEGATION = lexicon("not no never n't nor cannot neither without")
_AUX = lexicon(
    "will would can could should shall may might must did does do has have had is are was were"
)
# Between an auxiliary and its verb: skipped ("has also said", "will not immediately").
_ADVERBS = lexicon(
    "also still only just even yet already ever really likely probably immediately again "
    "certainly definitely necessarily"
)
# Words after an auxiliary that are no verb: "is the", "was a", "has his".
_NOT_A_VERB = lexicon(
    "the a an to it its this that these those he she they we you i his her their our my your "
    "there here so as at in on of for by with from and or but"
)
# A clause these open is asked or supposed, not asserted ("whether he has spoken").
_OPEN = lexicon("whether if unless")
_WORDS = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")


def _words(text: str) -> list[str]:
    text = re.sub(r"n['’]t\b", " n't", text)
    text = re.sub(r"\bwo n't\b", "will n't", text).replace("ca n't", "can n't")
    return [w.lower().replace("’", "'") for w in _WORDS.findall(text)] or []


def _negated(words: Sequence[str], targets: set[str]) -> bool:
    """Whether any target word has a negation among the three words before it."""
    for k, w in enumerate(words):
        if w in targets and any(x in _NEGATION or x == "n't" for x in words[max(0, k - 3) : k]):
            return True
    return False


def _antonym_conflict(words_a: list[str], words_b: list[str]) -> tuple[str, str] | None:
    set_a, set_b = set(words_a), set(words_b)
    for positive, negative in _ANTONYMS:
        for (pa, nb), (na, pb), (wa, wb) in (
            (
                (set_a & positive, set_b & negative),
                (set_a & negative, set_b & positive),
                (words_a, words_b),
            ),
            (
                (set_b & positive, set_a & negative),
                (set_b & negative, set_a & positive),
                (words_b, words_a),
            ),
        ):
            if pa and nb and not na and not pb and not _negated(wa, pa) and not _negated(wb, nb):
                first, second = sorted(pa)[0], sorted(nb)[0]
                return (first, second) if wa is words_a else (second, first)
    return None


def _verb_phrases(words: Sequence[str]) -> dict[str, bool]:
    """Auxiliary + verb phrases: {"will|attend": negated?}; "won't attend" is negated."""
    seen: dict[str, set[bool]] = defaultdict(set)
    for k, w in enumerate(words):
        if w not in _AUX or _OPEN.intersection(words[:k]):
            continue  # a clause after "if" or "whether" is supposed, not asserted
        j, negated = k + 1, False
        while j < len(words) and (words[j] in _NEGATION or words[j] in _ADVERBS):
            negated, j = negated or words[j] in _NEGATION, j + 1
        if j < len(words) and words[j] not in _AUX and words[j] not in _NOT_A_VERB:
            seen[f"{w}|{stem(words[j])}"].add(negated)
    # A phrase both negated and not in one sentence says nothing one way or the other.
    return {key: next(iter(values)) for key, values in seen.items() if len(values) == 1}


def _negation_conflict(words_a: list[str], words_b: list[str]) -> tuple[str, str] | None:
    """The same auxiliary and verb, negated in exactly one sentence."""
    va, vb = _verb_phrases(words_a), _verb_phrases(words_b)
    for key in sorted(va.keys() & vb.keys()):
        if va[key] != vb[key]:
            aux, verb = key.split("|")
            left = f"{aux} {'not ' if va[key] else ''}{verb}"
            right = f"{aux} {'not ' if vb[key] else ''}{verb}"
            return left, right
    return None


# -- attribution ---------------------------------------------------------------------------

_NAME = r"(?:[A-Z][\w.'’-]+\s+){0,3}[A-Z][\w'’-]+"
_ATTRIBUTED = (
    re.compile(r"\baccording to (?:(?:the|a|an)\s+)?(" + _NAME + r")"),
    re.compile(
        r"\b(?:said|says|told|estimated|claimed)\s+(?:(?:the|a)\s+)?(?:[a-z]+\s+){0,3}?("
        + _NAME
        + r")"
    ),
    re.compile(r"(" + _NAME + r")(?:,[^,]{1,80},)?\s+(?:said|says|told|estimated|claimed)\b"),
)
_NOT_A_SOURCE = lexicon(
    "The He She They It We I But And In On At Monday Tuesday Wednesday Thursday Friday Saturday "
    "Sunday Mr Ms Mrs"
)


def sources(text: str) -> set[str]:
    """Surnames of the named sources a sentence cites ("X said", "according to Y")."""
    out = set()
    for pattern in _ATTRIBUTED:
        for m in pattern.finditer(text):
            words = [w.strip(".") for w in m.group(1).split() if w.strip(".") not in _NOT_A_SOURCE]
            if words:
                out.add(words[-1].removesuffix("'s").removesuffix("’s"))
    return out


# -- all checks ------------------------------------------------------------------------------


def contradiction(left: str, right: str) -> Conflict | None:
    """The first way two aligned sentences disagree: (kind, left value, right value), or None."""
    a, b = QUOTED.sub(" ", left), QUOTED.sub(" ", right)
    src_a, src_b = sources(a), sources(b)
    if src_a and src_b and not src_a & src_b:
        return None  # two sources disagreeing, each faithfully reported
    times_a, times_b = _times(a), _times(b)
    if times_a and times_b and _times_apart(times_a, times_b):
        return (
            "time",
            ", ".join(_clock(t) for t in sorted(times_a)),
            ", ".join(_clock(t) for t in sorted(times_b)),
        )
    day = _day_conflict(a, b)
    if day is not None:
        return day
    number = _quantity_conflict(a, b)
    if number is not None:
        return number
    words_a, words_b = _words(a), _words(b)
    polarity = _antonym_conflict(words_a, words_b) or _negation_conflict(words_a, words_b)
    if polarity is not None:
        return "polarity", *polarity
    return None
