"""Canonical entities across a story: one name per person, organisation and place.

"Trump", "Donald Trump", "President Trump" and "Trump’s" are one person named
"Donald Trump": a short name joins the longest full name of the story that it is
the first or last word of. spaCy sometimes labels a person's surname ORG; a
mention whose text is the alias of a person in the same story counts for that
person. Roles come from the words before a name in an attribution ("White House
press secretary Sarah Sanders") and from appositions ("Jean H. Lee, a Korea
expert at the Wilson Center,").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..records import Analysis, Article, Entity, EntityMention

ENTITY_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "EVENT": "event",
}
# Honorifics and office titles that are not part of a person's name.
_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|dr|prof|sir|dame|lord|lady|gen|col|lt|sgt|capt|adm|sen|rep|gov|"
    r"pres|president|vice president|prime minister|chancellor|secretary|senator|"
    r"representative|governor|mayor|minister|judge|justice|king|queen|prince|princess|"
    r"pope|chairman|chairwoman|chief|general|director|ambassador|leader|dictator|rev)"
    r"\.?\s+)+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"\s*['’]s?$")
_APPOSITION = re.compile(r"^,\s+((?:a|an|the)\s+[^,.;:“”\"]{3,80}?)(?:,|\.|\s+(?:said|told))")


def _clean_name(text: str, label: str) -> str:
    name = " ".join(_POSSESSIVE.sub("", text.strip()).split())
    if label == "PERSON":
        name = _TITLES.sub("", name)
    elif name.startswith("the ") or (name.startswith("The ") and label in ("GPE", "LOC", "NORP")):
        # lower-case "the" is never part of a name; "The New York Times" keeps its capital one
        name = name[4:]
    return name.strip(" ,;:-—")


def canonical_key(name: str) -> str:
    """Compare names without case, hyphens, dots or a leading "the" ("U.S." = "US")."""
    key = " ".join(re.sub(r"[-‐]", " ", name.lower().replace(".", "")).split())
    return key.removeprefix("the ")


def _initials(key: str) -> str:
    """Initials of a multi-word name ("united states" -> "us"; "of"/"and" skipped)."""
    words = [w for w in key.split() if w not in ("of", "and", "for", "the")]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return letters.isupper() and 2 <= len(letters) <= 6


def _acronym_aliases(raw: list[tuple[str, str, str, EntityMention]]) -> dict[str, str]:
    """Map an all-caps acronym key to the one multi-word name of the same kind it abbreviates."""
    by_initials: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _name, key, label, _ in raw:
        if label != "PERSON" and _initials(key):
            by_initials[(ENTITY_TYPES[label], _initials(key))].add(key)
    mapping: dict[str, str] = {}
    for name, key, label, _ in raw:
        if label != "PERSON" and _is_acronym(name):
            owners = by_initials.get((ENTITY_TYPES[label], key), set())
            if len(owners) == 1:  # ambiguous acronyms stay apart
                mapping[key] = next(iter(owners))
    return mapping


@dataclass(slots=True)
class _Group:
    name_counts: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    mentions: list[EntityMention] = field(default_factory=list)
    roles: Counter[str] = field(default_factory=Counter)
    descriptions: set[str] = field(default_factory=set)  # "the president", once resolved


def canonical_entities(
    articles: Sequence[Article], analyses: Mapping[str, Analysis]
) -> tuple[tuple[Entity, ...], dict[str, str]]:
    """Entities of a story, most mentioned first, and a map from every alias key to its name."""
    raw: list[tuple[str, str, str, EntityMention]] = []  # (name, key, label, mention)
    for article in articles:
        analysis = analyses.get(article.id)
        if analysis is None:
            continue
        for m in analysis.mentions:
            if m.label not in ENTITY_TYPES:
                continue
            name = _clean_name(m.text, m.label)
            if len(name) < 2:
                continue
            raw.append(
                (
                    name,
                    canonical_key(name),
                    m.label,
                    EntityMention(article.id, m.start, m.end, m.text),
                )
            )
    person_of = _person_aliases(raw)
    acronym_of = _acronym_aliases(raw)
    groups: dict[str, _Group] = defaultdict(_Group)
    for name, key, label, mention in raw:
        key = acronym_of.get(key, key)
        if key in person_of:
            group_key, label = "PERSON:" + person_of[key], "PERSON"
        else:
            group_key = ENTITY_TYPES[label] + ":" + key
        group = groups[group_key]
        group.name_counts[name] += 1
        group.labels[label] += 1
        group.mentions.append(mention)
    _collect_roles(articles, groups)
    _resolve_descriptions(articles, analyses, groups)
    outlet_of = {a.id: a.outlet for a in articles}
    entities: list[Entity] = []
    alias_map: dict[str, str] = {}
    for group in groups.values():
        label = group.labels.most_common(1)[0][0]
        if label == "PERSON":
            canonical = max(
                group.name_counts, key=lambda n: (len(n.split()), group.name_counts[n], len(n), n)
            )
        else:
            # "United States" over "US": the spelled-out name reads better than an acronym
            canonical = max(
                group.name_counts,
                key=lambda n: (not _is_acronym(n), group.name_counts[n], len(n), n),
            )
        for alias in group.name_counts:
            alias_map[canonical_key(alias)] = canonical
        per_outlet = Counter(
            outlet for m in group.mentions if (outlet := outlet_of.get(m.article_id)) is not None
        )
        entities.append(
            Entity(
                name=canonical,
                type=ENTITY_TYPES[label],
                mentions=tuple(group.mentions),
                aliases=tuple(sorted(a for a in group.name_counts if a != canonical))
                + tuple(sorted(group.descriptions)),
                roles=tuple(r for r, _ in group.roles.most_common(5)),
                outlet_counts=tuple(sorted(per_outlet.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return tuple(entities), alias_map


# Heads of a definite description that names one person ("the president", "the North Korean
# leader", "the Korea expert").
_DESCRIPTION_HEADS = (
    "president|president-elect|leader|dictator|expert|analyst|secretary|senator|governor|"
    "mayor|minister|premier|chancellor|spokesman|spokeswoman|spokesperson|ambassador|envoy|"
    "candidate|nominee|chairman|chairwoman|ceo|professor|economist|negotiator|king|queen|"
    "pope|prime minister|foreign minister|businessman|billionaire|tycoon|lawmaker|congressman|"
    "congresswoman|commander|prosecutor|judge|attorney general|director"
)
_DESCRIPTION_RE = re.compile(
    r"\b[Tt]he\s+(?P<mods>(?:(?:[A-Z][\w.-]*|[a-z][\w-]*)\s+){0,3}?)"
    r"(?P<head>" + _DESCRIPTION_HEADS + r")\b(?!\s+(?:of|and|for|to)\b)(?!\s+[A-Z])"
)
# Modifiers that make a description general rather than a reference to one person.
_NOT_REFERRING = frozenset(
    ["former", "next", "first", "new", "other", "same", "last", "previous", "future"]
)
# "has never been the master negotiator": a predicate, not a reference to someone.
_PREDICATIVE_RE = re.compile(r"\b(?:is|was|been|be|being|are|were|become|became|as)\s+$")
# How far back (in characters) a description may look for the person it refers to.
_ANTECEDENT_WINDOW = 1500


def _resolve_descriptions(
    articles: Sequence[Article], analyses: Mapping[str, Analysis], groups: Mapping[str, _Group]
) -> None:
    """Count "the president"-style descriptions as mentions of the person they refer to.

    Each occurrence votes for its antecedent: the nearest named person before it in its own
    sentence, else the first person named in the nearest earlier sentence (the likely
    subject). A person whose role already says the head ("White House press secretary") gets
    a strong vote. One description names one person across a story, so the votes are pooled;
    a description nobody is found for stays unresolved (never guessed).
    """
    person_of_span: dict[tuple[str, int], str] = {}
    for group_key, group in groups.items():
        if group_key.startswith("PERSON:"):
            for m in group.mentions:
                person_of_span[(m.article_id, m.start)] = group_key
    # (key, mention, candidate people of its article, sentence starts, its sentence start)
    found: list[_Found] = []
    for article in articles:
        analysis = analyses.get(article.id)
        if analysis is None:
            continue
        quoted = [(q.start, q.end) for q in analysis.quotes if q.direct]
        people = sorted(
            (m.start, person_of_span[(article.id, m.start)])
            for m in analysis.mentions
            if (article.id, m.start) in person_of_span
            and not any(a <= m.start < b for a, b in quoted)
        )
        starts = [s.start for s in analysis.sentences] or [0]
        for match in _DESCRIPTION_RE.finditer(article.text):
            mods = match.group("mods").lower().split()
            if (
                any(a <= match.start() < b for a, b in quoted)
                or set(mods) & _NOT_REFERRING
                or _PREDICATIVE_RE.search(article.text, max(0, match.start() - 12), match.start())
            ):
                continue
            key = " ".join(["the", *mods, match.group("head").lower()])
            mention = EntityMention(article.id, match.start(), match.end(), match.group())
            sentence = max((s for s in starts if s <= match.start()), default=0)
            found.append((key, mention, people, starts, sentence))
    role_heads = {
        g: {w.lower() for role in group.roles for w in role.split()} for g, group in groups.items()
    }
    winners = _vote(found, {}, role_heads, groups)
    # Second round: a description never refers to the person its own sentence opens with
    # ("The president ... continued to praise the North Korean dictator"), named or described.
    texts = {a.id: a.text for a in articles}
    winners = _vote(found, _openers(found, winners, texts), role_heads, groups)
    for key, mention, *_rest in found:
        if key in winners:
            groups[winners[key]].mentions.append(mention)
            # shown as written ("the North Korean leader"), with a sentence-initial "The" lowered
            surface = " ".join(mention.text.split())
            groups[winners[key]].descriptions.add(
                "the" + surface[3:] if surface[:3] == "The" else surface
            )


_Found = tuple[str, EntityMention, list[tuple[int, str]], list[int], int]
# How far into its sentence the person a sentence opens with may start ("Indeed, Trump ...").
_OPENER_CHARS = 12
# A new clause with its own subject between the opener and the description lifts the rule
# ("Trump is unpopular, and Khan has emerged as a foil for the president").
_NEW_CLAUSE = re.compile(
    r";|,\s*(?:and|but|or|while|whereas|although|though|because|so|yet)\b|\b(?:who|which)\b"
)
_NAME_AT = re.compile(r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*")


def _openers(
    found: Sequence[_Found], winners: Mapping[str, str], texts: Mapping[str, str]
) -> dict[int, str]:
    """Per description (by position in ``found``), the person its sentence opens with when
    that opener is the subject of the description's clause: a name, or a description the
    first round resolved (no new clause in between)."""
    described: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for key, m, *_ in found:
        if key in winners:
            described[m.article_id].append((m.start, m.end, winners[key]))
    openers: dict[int, str] = {}
    for k, (_, mention, people, _, sentence) in enumerate(found):
        text = texts[mention.article_id]
        window = range(sentence, min(sentence + _OPENER_CHARS, mention.start))
        heads = [(s, _name_end(text, s), g) for s, g in people if s in window]
        heads += [(s, e, g) for s, e, g in described[mention.article_id] if s in window]
        if not heads:
            continue
        _, end, person = min(heads)
        if _NEW_CLAUSE.search(text, end, mention.start):
            continue
        openers[k] = person
    return openers


def _name_end(text: str, start: int) -> int:
    """End of the capitalised name starting at ``start``."""
    match = _NAME_AT.match(text, start)
    return match.end() if match else start


def _vote(
    found: Sequence[_Found],
    openers: Mapping[int, str],
    role_heads: Mapping[str, set[str]],
    groups: Mapping[str, _Group],
) -> dict[str, str]:
    """The person each description key refers to, by the pooled votes of its occurrences
    (an occurrence's sentence opener, if given, is not a candidate for it)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for k, (key, mention, people, starts, _) in enumerate(found):
        opener = openers.get(k)
        candidates = [(s, g) for s, g in people if g != opener] if opener else people
        person = _antecedent(candidates, starts, mention.start, nearest=len(key.split()) > 2)
        if person is not None:
            votes[key][person] += 1
    for key in votes:
        for group_key, heads in role_heads.items():
            if key.split()[-1] in heads:
                votes[key][group_key] += 3
    # The clearest descriptions are settled first; on a tie the person already described by
    # the same head wins ("the dictator" = "the North Korean dictator"), then one not yet
    # described by another head ("the president" and "the dictator" are two people).
    winners: dict[str, str] = {}
    heads_of: dict[str, set[str]] = defaultdict(set)

    def margin(key: str) -> int:
        counts = sorted(votes[key].values(), reverse=True) + [0]
        return counts[0] - counts[1]

    for key in sorted(votes, key=lambda k: (-margin(k), k)):
        head = key.split()[-1]
        v = votes[key]
        winner = max(
            v,
            key=lambda g: (
                v[g],
                head in heads_of[g],
                not (heads_of[g] - {head}),
                len(groups[g].mentions),
                g,
            ),
        )
        winners[key] = winner
        heads_of[winner].add(head)
    return winners


def _antecedent(
    people: Sequence[tuple[int, str]], starts: Sequence[int], at: int, nearest: bool
) -> str | None:
    """The person a description at ``at`` points back to (see _resolve_descriptions).

    A bare role ("the president") refers to the subject, the first person of the sentence; a
    modified one ("the North Korean leader") tells apart people just named, so the nearest.
    """
    before = [(start, key) for start, key in people if at - _ANTECEDENT_WINDOW <= start < at]
    if not before:
        return None
    own = max((s for s in starts if s <= at), default=0)
    same = [key for start, key in before if start >= own]
    if same:
        return same[-1] if nearest else same[0]
    last = before[-1][0]
    if nearest:
        return before[-1][1]
    sentence = max((s for s in starts if s <= last), default=0)
    return next(key for start, key in before if start >= sentence)


def _person_aliases(raw: list[tuple[str, str, str, EntityMention]]) -> dict[str, str]:
    """Map every person-name key (and its first/last-word short forms) to a full-name key."""
    counts: Counter[str] = Counter(key for _, key, label, _ in raw if label == "PERSON")
    full = [k for k in counts if len(k.split()) >= 2]
    mapping: dict[str, str] = {}
    for key in counts:
        if len(key.split()) >= 2:
            # a longer full name containing this one ("kim jong un" ⊃ "jong un") absorbs it
            longer = [
                f
                for f in full
                if f != key and f.split()[-1] == key.split()[-1] and f.endswith(" " + key)
            ]
            mapping[key] = max(longer, key=lambda f: counts[f]) if longer else key
            continue
        owners = [f for f in full if key in (f.split()[0], f.split()[-1])]
        if owners:
            mapping[key] = max(owners, key=lambda f: (counts[f], f))
        else:
            mapping[key] = key
    # A surname spaCy labelled ORG/GPE is still the person when the story names that person.
    for _, key, label, _ in raw:
        if label != "PERSON" and key not in mapping:
            owners = [f for f in full if key in (f.split()[0], f.split()[-1])]
            if owners and counts[max(owners, key=lambda f: counts[f])] > 0:
                mapping[key] = max(owners, key=lambda f: (counts[f], f))
    return {k: mapping.get(v, v) for k, v in mapping.items()}


def _collect_roles(articles: Sequence[Article], groups: Mapping[str, _Group]) -> None:
    """Role descriptions: lower-case words before a person's name, or an apposition after it."""
    texts = {a.id: a.text for a in articles}
    for group_key, group in groups.items():
        if not group_key.startswith("PERSON:"):
            continue
        for m in group.mentions:
            text = texts[m.article_id]
            after = _APPOSITION.match(text[m.end : m.end + 120])
            if after:
                group.roles[after.group(1).strip()] += 1
            before = re.search(
                r"((?:[A-Z][\w.]*\s+){0,3}(?:[a-z][\w-]*\s+){1,4})$",
                text[max(0, m.start - 80) : m.start],
            )
            if before:
                # only the words after a sentence end ("... Easter weekend. CIA director")
                role = _SENTENCE_END.split(before.group(1))[-1].strip()
                words = {w.lower() for w in role.split()}
                # keep titles like "White House press secretary", not clauses like "said that"
                if words & _ROLE_HEADS and not words & _NOT_ROLE:
                    group.roles[role] += 1


_SENTENCE_END = re.compile(r"[.!?;:][\"'”’]?\s")
_ROLE_HEADS = {
    "secretary",
    "president",
    "minister",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "leader",
    "chief",
    "adviser",
    "advisor",
    "envoy",
    "ambassador",
    "senator",
    "governor",
    "mayor",
    "official",
    "analyst",
    "expert",
    "reporter",
    "correspondent",
    "editor",
    "chairman",
    "chairwoman",
    "ceo",
    "founder",
    "commander",
    "general",
    "judge",
    "lawyer",
    "attorney",
    "professor",
    "researcher",
    "economist",
    "dictator",
    "negotiator",
}
_NOT_ROLE = {
    "said",
    "says",
    "told",
    "tells",
    "and",
    "but",
    "that",
    "with",
    "when",
    "after",
    "before",
    "as",
    "by",
    "to",
    "of the",
    "while",
    "whom",
    "who",
    "which",
    "asked",
    "met",
    "praised",
    # pronouns and auxiliaries make a clause, not a title ("President should he visit")
    "he",
    "she",
    "they",
    "it",
    "we",
    "should",
    "would",
    "will",
    "could",
    "can",
    "must",
    "is",
    "was",
    "are",
    "were",
}
