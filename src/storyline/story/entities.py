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
        entities.append(
            Entity(
                name=canonical,
                type=ENTITY_TYPES[label],
                mentions=tuple(group.mentions),
                aliases=tuple(sorted(a for a in group.name_counts if a != canonical)),
                roles=tuple(r for r, _ in group.roles.most_common(5)),
            )
        )
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return tuple(entities), alias_map


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
                role = before.group(1).strip()
                words = {w.lower() for w in role.split()}
                # keep titles like "White House press secretary", not clauses like "said that"
                if words & _ROLE_HEADS and not words & _NOT_ROLE:
                    group.roles[role] += 1


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
}
