"""Word lists and patterns for quote attribution: cue verbs, pronouns, roles, titles, names."""

from __future__ import annotations

import re
from collections.abc import Iterable


def _wordset(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string (long lists stay readable)."""
    return frozenset(words.split())


def _wordlist(words: str) -> list[str]:
    """A list of words written as one space-separated string."""
    return words.split()


# --- cue verbs -------------------------------------------------------------------------------

# Regular verbs: all inflections are generated (say -> says, said is irregular and listed below).
_REGULAR_CUES = _wordlist(
    "acknowledge add admit advise agree allege announce answer argue ask assert assure "
    "bark beg boast brag caution challenge charge chant chide chime claim comment complain "
    "concede conclude confess confide confirm contend continue counter cry declare deny "
    "describe disclose emphasize emphasise estimate exclaim explain insist interject joke "
    "lament marvel mention mock muse mutter note object observe plead point post predict "
    "proclaim promise protest quip rage rant reason recall recount reflect reiterate remark "
    "remind repeat reply report respond retort scoff scold scream shout sigh signal sing "
    "snap state stress suggest summarize summarise swear tease testify text thunder "
    "tout tweet urge vow warn whisper wonder worry yell email affirm"
)
_IRREGULAR_CUES = _wordlist(
    "said say says saying told tell tells telling wrote write writes writing written "
    "read reads spoke speak speaks put puts putting thought ran sang swore"
)
# Multi-word cues first so that "according to" wins over a bare "to".
_PHRASE_CUES = (
    r"according\s+to",
    r"went\s+on",
    r"goes\s+on",
    r"chimed\s+in",
    r"pointed\s+out",
    r"points\s+out",
    r"put\s+it",
    r"puts\s+it",
    r"(?:shot|fired|hit|wrote)\s+back",
)


# Base forms that are rarely nouns, so "officials say"-style present tense is caught without
# taking "secretary of state" or "the sticking point" for a cue.
_BASE_CUES = _wordset("add admit argue ask explain insist recall warn agree")


def _inflections(verb: str) -> Iterable[str]:
    """The -s, -ed and -ing forms of a regular English verb (the base form only if unambiguous)."""
    if verb in _BASE_CUES:
        yield verb
    if verb.endswith("y") and verb[-2] not in "aeiou":
        yield verb[:-1] + "ies"
        yield verb[:-1] + "ied"
        yield verb + "ing"
        return
    yield verb + ("es" if verb.endswith(("sh", "ch", "s", "x")) else "s")
    if verb.endswith("e"):
        yield verb + "d"
        yield verb[:-1] + "ing"
    elif verb in ("admit", "quip", "snap", "scoff"):
        # Short verbs that double their final consonant.
        double = verb if verb == "scoff" else verb + verb[-1]
        yield double + "ed"
        yield double + "ing"
    else:
        yield verb + "ed"
        yield verb + "ing"


_CUE_WORDS = sorted(
    {form for verb in _REGULAR_CUES for form in _inflections(verb)} | set(_IRREGULAR_CUES),
    key=len,
    reverse=True,
)
_CUE = r"(?:" + "|".join(_PHRASE_CUES) + "|" + "|".join(_CUE_WORDS) + r")"
_CUE_RE = re.compile(r"\b" + _CUE + r"\b", re.IGNORECASE)
# Words that may stand between a speaker and the cue ("Trump also said", "he has repeatedly said").
_FILLER = (
    r"(?:(?:also|later|then|again|once|often|just|only|now|still|even|further|finally|"
    r"has|had|have|would|will|was|is|did|does|had\s+been|has\s+been|"
    r"\w+ly)\s+)*"
)

# --- speakers ---------------------------------------------------------------------------------

_PRONOUN_RE = re.compile(r"(?:he|she|they|i|we)\b", re.IGNORECASE)
_DETERMINERS = r"(?:the|a|an|another|one|his|her|their|its|this|that|some|many|several|two|three)"
# Heads of a definite description that denote a single person, so it may be resolved to a
# named person earlier in the article ("the president" -> the nearest person).
_PERSON_ROLES = _wordset(
    "president president-elect candidate nominee senator governor mayor secretary "
    "spokesman spokeswoman spokesperson chairman chairwoman congressman congresswoman "
    "lawmaker businessman businesswoman billionaire mogul leader director minister "
    "ambassador premier chancellor dictator king queen prince pope judge justice "
    "attorney lawyer general colonel commander chief officer sheriff councilman "
    "councilwoman representative rep. sen. gov. democrat republican man woman author "
    "reporter columnist writer historian economist professor analyst expert adviser "
    "advisor strategist aide manager founder executive ceo host star actor singer "
    "former vice-president frontrunner front-runner incumbent challenger speaker"
)
# Titles written before a name; kept in ``speaker`` but dropped from ``speaker_name``.
_TITLE_WORDS = _wordset(
    "mr. mrs. ms. miss dr. prof. sen. rep. gov. gen. lt. col. capt. sgt. adm. rev. "
    "st. pres. president senator governor representative congressman congresswoman "
    "secretary mayor judge justice general sir dame lord lady former vice the "
    "candidate nominee chairman chairwoman ambassador minister premier chancellor "
    "prime deputy acting speaker leader chief"
)
_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# A capitalised name spaCy did not tag (a fallback when no mention starts there).
_NAME_RE = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Rev)\.\s+)?"
    r"[A-Z][\w’'-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'-]+|de|van|von|bin|al-\w+))*"
)
_POSSESSIVE_RE = re.compile(r"(?:['’]s|['’])$")
