"""Timeline of a story: dated events (absolute and relative dates) ordered, each with sources.

Date phrases are found with regular expressions (dateparser runs at ~650 parses/s, far too slow
per sentence) and resolved here against the article's publication date. An article without a
publication date only contributes dates that carry their own year: its "Thursday" or "last
year" would have to be resolved against a guessed date, and a wrong date is worse than none.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ..records import Analysis, Article, Claim, Sentence, TimelineEvent
from .lexical import NUMBER_WORDS

Precision = Literal["day", "week", "month", "year"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "a week ago", "one year ago" count too
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, **NUMBER_WORDS}
# Month names must be capitalised ("May" the month, not "may" the modal); abbreviations too.
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|"
    r"Dec\.?)"
)
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b" + _YEAR + r"-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("month_day", re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s+" + _YEAR + r"\b)?")),
    ("day_month", re.compile(r"\b" + _DAY + r"\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r"\b)?")),
    ("month_year", re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?" + _YEAR + r"\b")),
    (
        "month",
        re.compile(
            r"\b(?P<qual>in|since|by|until|during|early|late|mid-|last|this|next|of|from)\s+"
            r"(?:early\s+|late\s+|mid-)?" + _MONTH + r"(?!\s*[0-9])\b"
        ),
    ),
    (
        "year",
        re.compile(
            r"(?:\b(?P<qual>in|since|by|until|till|during|of|from|before|after|early|late|"
            r"mid-|between|through|and|to)\s+(?:early\s+|late\s+|mid-)?|\b(?<![$£€.,]))"
            + _YEAR
            # A bare year needs a boundary after it: "2000 troops" is a count, "in 2000" a year.
            + r"\b(?(qual)|(?=[,.;)]|\s+when\b))"
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<qual>last|next|this|on|on\s+last)\s+)?"
            r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
        ),
    ),
    (
        "relative_day",
        re.compile(
            r"\b(?P<rel>today|yesterday|tomorrow|tonight|this (?:morning|afternoon|evening))\b",
            re.I,
        ),
    ),
    (
        "relative_unit",
        re.compile(
            r"\b(?P<qual>last|next|this|earlier this|later this|past)\s+"
            r"(?P<unit>week|month|year)\b",
            re.I,
        ),
    ),
    (
        "ago",
        re.compile(
            r"\b(?P<count>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
            r"twelve)\s+(?P<unit>day|week|month|year)s?\s+ago\b",
            re.I,
        ),
    ),
)
# Future reference: "will meet on Friday", "scheduled for June".
_FUTURE = re.compile(
    r"\b(will|won't|shall|scheduled|planned|plans|expected to|set to|is to|are to|upcoming)\b", re.I
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A resolved date phrase in a text: where it is, what it says, the date it means."""

    start: int
    end: int
    phrase: str
    date: date
    precision: Precision


def publication_date(published: str | None) -> date | None:
    """The calendar date of an ISO publication date or datetime string; None when unknown."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def find_dates(text: str, base: date | None) -> list[DateMention]:
    """Dates named in a text, resolved against ``base`` (relative ones dropped when it is None).

    Overlapping matches keep the earlier, longer phrase ("June 12, 2018" over "June").
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    future = _FUTURE.search(text) is not None
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            resolved = _resolve(kind, match, base, future)
            if resolved is None:
                continue
            taken.append((start, end))
            found.append(DateMention(start, end, match.group().strip(), *resolved))
    found.sort(key=lambda m: m.start)
    return found


def _month_number(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(
    kind: str, match: re.Match[str], base: date | None, future: bool
) -> tuple[date, Precision] | None:
    """The date and precision a matched phrase stands for, or None when it cannot be known."""
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if kind == "iso":
        resolved = _safe_date(
            int(match.group("year")), int(match.group("m")), int(match.group("d"))
        )
        return (resolved, "day") if resolved else None
    if kind in ("month_day", "day_month"):
        month, day = _month_number(groups["month"]), int(groups["day"])
        if year is None:
            if base is None:
                return None
            year = _nearest_year(base, month, day, future)
        resolved = _safe_date(year, month, day)
        return (resolved, "day") if resolved else None
    if kind in ("month_year", "month"):
        month = _month_number(groups["month"])
        qual = (groups.get("qual") or "").lower()
        if year is None:
            if base is None:
                return None
            if qual == "last":
                year = base.year if month < base.month else base.year - 1
            elif qual == "next":
                year = base.year if month > base.month else base.year + 1
            elif qual == "this":
                year = base.year
            else:
                year = _nearest_year(base, month, 1, future and qual not in ("since", "during"))
        return date(year, month, 1), "month"
    if kind == "year":
        return (date(year, 1, 1), "year") if year else None
    if base is None:
        return None  # every remaining kind is relative to the publication date
    if kind == "weekday":
        return _weekday(base, groups["weekday"].lower(), (groups.get("qual") or "").lower(), future)
    if kind == "relative_day":
        rel = groups["rel"].lower()
        offset = {"yesterday": -1, "tomorrow": 1}.get(rel, 0)
        return base + timedelta(days=offset), "day"
    if kind == "relative_unit":
        qual, unit = groups["qual"].lower(), groups["unit"].lower()
        step = {"last": -1, "past": -1, "next": 1}.get(qual, 0)
        return _shift(base, unit, step)
    if kind == "ago":
        raw = groups["count"].lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        return _shift(base, groups["unit"].lower(), -count)
    return None


def _nearest_year(base: date, month: int, day: int, future: bool) -> int:
    """The year that puts month/day nearest the base date on the side the tense points to."""
    this_year = _safe_date(base.year, month, min(day, 28)) or date(base.year, month, 1)
    if future:
        return base.year if this_year >= base.replace(day=min(base.day, 28)) else base.year + 1
    return base.year if this_year <= base else base.year - 1


def _weekday(base: date, name: str, qual: str, future: bool) -> tuple[date, Precision]:
    """The weekday's date: the most recent one (the day itself included) unless told otherwise."""
    target = _WEEKDAYS.index(name)
    back = (base.weekday() - target) % 7
    ahead = (target - base.weekday()) % 7
    if qual == "next":
        return base + timedelta(days=ahead or 7), "day"
    if future and qual not in ("last", "on last"):
        return base + timedelta(days=ahead), "day"
    if qual in ("last", "on last"):
        return base - timedelta(days=back or 7), "day"
    return base - timedelta(days=back), "day"


def _shift(base: date, unit: str, step: int) -> tuple[date, Precision]:
    """The day, week (its Monday), month or year ``step`` units from the base date."""
    if unit == "day":
        return base + timedelta(days=step), "day"
    if unit == "week":
        monday = base - timedelta(days=base.weekday())
        return monday + timedelta(weeks=step), "week"
    if unit == "month":
        index = base.year * 12 + base.month - 1 + step
        return date(index // 12, index % 12 + 1, 1), "month"
    return date(base.year + step, 1, 1), "year"


def build_timeline(
    articles: Sequence[Article],
    analyses: Mapping[str, Analysis],
    outlet_of: Callable[[Article], str],
) -> tuple[TimelineEvent, ...]:
    """Dated events of a story in date order; one event per date, with every sentence naming it."""
    by_key: dict[tuple[date, Precision], list[tuple[str, Claim]]] = defaultdict(list)
    for article in articles:
        analysis = analyses.get(article.id)
        if analysis is None:
            continue
        base = publication_date(article.published)
        outlet = outlet_of(article)
        for sentence, mention in _sentence_dates(analysis, base):
            claim = Claim(
                article.id, outlet, sentence.index, sentence.start, sentence.end, sentence.text
            )
            by_key[(mention.date, mention.precision)].append((mention.phrase, claim))
    order = {"year": 0, "month": 1, "week": 2, "day": 3}
    events = []
    for (when, precision), items in sorted(
        by_key.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])
    ):
        phrase = Counter(p for p, _ in items).most_common(1)[0][0]
        claims = tuple(dict.fromkeys(c for _, c in items))
        events.append(
            TimelineEvent(
                date=_iso(when, precision),
                precision=precision,
                phrase=phrase,
                claims=claims,
                outlets=tuple(dict.fromkeys(c.outlet for c in claims)),
            )
        )
    return tuple(events)


def _sentence_dates(
    analysis: Analysis, base: date | None
) -> Iterator[tuple[Sentence, DateMention]]:
    """Every resolved date mention of an analysed article, with its sentence."""
    for sentence in analysis.sentences:
        for mention in find_dates(sentence.text, base):
            yield sentence, mention


def _iso(when: date, precision: Precision) -> str:
    """ISO text at the phrase's precision: 2019-02-28, 2019-02 (month), 2019 (year)."""
    if precision == "year":
        return f"{when.year:04d}"
    if precision == "month":
        return f"{when.year:04d}-{when.month:02d}"
    return when.isoformat()
