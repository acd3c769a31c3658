"""Word-level helpers the story stages share: word sets, news stop words, quoted spans, numbers."""

from __future__ import annotations

import functools
import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS


def lexicon(words: str) -> frozenset[str]:
    """A word set written as one whitespace-separated string."""
    return frozenset(words.split())


# Attribution verbs are the boilerplate of news, not content: "X told reporters" and
# "said X" must not make two sentences look alike.
NEWS_STOP_WORDS = ENGLISH_STOP_WORDS | lexicon(
    "s t don didn doesn isn wasn weren ll ve said say says told tell tells added adds "
    "according reported reporter reporters asked stated"
)
# A word, hyphenated or with an apostrophe ("walk-out", "Trump’s").
WORD = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")
# A quoted stretch: a balanced pair, a quote still open at the end, or one closed at the start
# (sentence splitters cut multi-sentence quotes, leaving unbalanced marks).
QUOTED = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)|^[^“”]*”")
# Spelled-out small numbers, as news writes them.
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


@functools.lru_cache(maxsize=1 << 16)  # pure; the same words recur in every story rebuild
def stem(word: str) -> str:
    """A light suffix stripper, enough to match "abruptly"/"abrupt" and "talks"/"talk"."""
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ingly", ""), ("edly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    for suffix in ("ing", "ly", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
                continue
            return word[: -len(suffix)]
    return word
