"""Article layout: header (kicker, headline, byline, dek), captions, promo lists, kept body.

:mod:`storyline.clean.rules` judges one line at a time; this module adds the rules
that need neighbours (a caption is recognised by the credit under it or by being
repeated, a promo item by the header above it) and splits plain text into lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Removed
from .rules import (
    byline_names,
    ends_sentence,
    has_direct_quote,
    is_author_bio,
    is_company_boilerplate,
    is_list_item,
    is_promo_header,
    is_title_like,
    line_rule,
    normalize,
    outlet_from,
    word_count,
)

# Rules that mark a line as part of an image block (what a dek sits above).
_IMAGE_RULES = frozenset({"alt-text", "photo-credit", "caption"})
# A dateline opens a news lede ("HANOI (Reuters) -", "WASHINGTON —"), never a dek.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,40}(?:\([^)]{1,30}\))?\s*[—–-]")


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Result of cleaning one article's raw text."""

    headline: str | None
    kicker: str | None
    dek: str | None
    byline: str | None
    paragraphs: tuple[str, ...]
    removed: tuple[Removed, ...]
    outlet: str | None


@dataclass(slots=True)
class _Line:
    """One line of input, the block (blank-line separated group) it sits in, and its verdict."""

    text: str
    block: int
    rule: str | None = None


def _is_wrapped(lines: list[str]) -> bool:
    """True when a block is one paragraph hard-wrapped at a fixed width."""
    if len(lines) < 2:
        return False
    body = lines[:-1]
    widest = max(len(line) for line in body)
    if not all(40 <= len(line) <= 100 and len(line) >= 0.7 * widest for line in body):
        return False
    if len(lines[-1]) > widest + 2 or any(line_rule(line) for line in lines):
        return False
    # Wrapping breaks mid-sentence; a block of separate sentences ends most lines.
    return sum(not ends_sentence(line) for line in body) * 2 >= len(body)


def _split_text(raw: str) -> list[_Line]:
    """Lines of plain text, tagged with their block; wrapped blocks become one line."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[_Line] = []
    for block, chunk in enumerate(re.split(r"\n[ \t\u00a0]*\n", text)):
        parts = [normalize(part) for part in chunk.split("\n")]
        parts = [part for part in parts if part]
        if _is_wrapped(parts):
            parts = [" ".join(parts)]
        lines.extend(_Line(part, block) for part in parts)
    return lines


def _mark_duplicates(lines: list[_Line]) -> None:
    """A line repeated at once is a caption plus its alt text, or else an extraction echo."""
    for at in range(1, len(lines)):
        prev, line = lines[at - 1], lines[at]
        if line.text != prev.text or line.rule is not None or line.text.count("|") >= 2:
            # Repeated table rows ("| Pos | Player |") are data, not captions.
            continue
        text = line.text
        after = lines[at + 1] if at + 1 < len(lines) else None
        above_credit = after is not None and after.rule == "photo-credit"
        # Only a pair sitting on a credit, or a very short pair, is a caption; a doubled
        # body sentence ("..., said Sgt. Tim Shields.") keeps its first copy.
        is_caption = (above_credit and word_count(text) <= 40) or 2 <= word_count(text) <= 8
        if (
            is_caption
            and not has_direct_quote(text)
            and not is_list_item(text)
            and text[-1] not in "[{(,;="
        ):
            line.rule = "caption"
            if prev.rule is None:
                prev.rule = "caption"
        elif word_count(text) >= 2 and text[-1] not in "[{(,;=":
            line.rule = "duplicate"


def _mark_captions(lines: list[_Line]) -> None:
    """A short line directly above a photo credit is that photo's caption."""
    for prev, line in zip(lines, lines[1:], strict=False):
        if line.rule != "photo-credit" or prev.rule is not None:
            continue
        # Within one block the pairing is explicit; across blocks only a very short
        # line is taken, so a body paragraph above a bare credit survives.
        limit = 40 if prev.block == line.block else 20
        text = prev.text
        if word_count(text) <= limit and not has_direct_quote(text) and not is_list_item(text):
            prev.rule = "caption"


def _item_kind(text: str) -> str | None:
    """Kind of promo-list entry a line can be: its bullet marker, "title", or None."""
    if is_list_item(text):
        rest = text[1:].lstrip()
        # "— and the operators said ..." continues prose; link titles start with a capital.
        if word_count(text) > 80 or rest[:1].islower():
            return None
        return "bullet" + text[0]
    return "title" if is_title_like(text, max_words=25) else None


def _mark_promo_lists(lines: list[_Line]) -> None:
    """Drop a promo header and the link items under it, up to the next body paragraph."""
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.rule in (None, "read-more", "page-chrome") and is_promo_header(line.text):
            line.rule, kind = "promo-list", None
        elif line.rule == "read-more":
            # "Related: Some headline" may head a list too, but only of bullet items.
            kind = "bullet"
        else:
            continue
        while index < len(lines):
            item = lines[index]
            if item.rule is None:
                # A list is all titles or all bullets with one marker: a change of shape ends it.
                item_kind = _item_kind(item.text)
                if item_kind is None or (kind is not None and not item_kind.startswith(kind)):
                    break
                item.rule, kind = "promo-list", item_kind
            index += 1


def _mark_trailing_links(lines: list[_Line]) -> None:
    """Three or more long bullet items closing the body, none a sentence, are a list of links."""
    kept = [line for line in lines if line.rule is None]
    run: list[_Line] = []
    for line in reversed(kept):
        if not is_list_item(line.text) or ends_sentence(line.text) or has_direct_quote(line.text):
            break
        run.append(line)
    if len(run) >= 3 and all(word_count(line.text) >= 7 for line in run):
        for line in run:
            line.rule = "promo-list"


def _mark_tail(lines: list[_Line]) -> None:
    """Author bios and a press release's "About X" block only ever close an article."""
    kept = [line for line in lines if line.rule is None]
    for line in reversed(kept[-2:]):
        if not is_author_bio(line.text):
            break
        line.rule = "author-bio"
    kept = [line for line in lines if line.rule is None]
    tail = kept[-4:]
    for at, line in enumerate(tail):
        if is_company_boilerplate(line.text) and at >= len(tail) - 3 and len(kept) > len(tail):
            # The block runs to the end: the company paragraph and what follows it.
            for rest in tail[at:]:
                rest.rule = "company-boilerplate"
            break


def _judge(lines: list[_Line], favor: str = "balanced") -> None:
    """Set the rule of every dropped line, single-line rules first, then context rules."""
    for line in lines:
        line.rule = line_rule(line.text, favor)
        if line.rule is None and byline_names(line.text) is not None:
            line.rule = "byline"
    _mark_duplicates(lines)
    _mark_captions(lines)
    _mark_promo_lists(lines)
    if favor == "precision":
        # Product and feature lists end pages too, so this one is for precision only.
        _mark_trailing_links(lines)
    _mark_tail(lines)


def _outlet(lines: Sequence[_Line]) -> str | None:
    """The first outlet named by an explicit self-reference anywhere in the article."""
    for line in lines:
        name = outlet_from(line.text)
        if name is not None:
            return name
    return None


def _is_kicker(text: str, headline: str) -> bool:
    """A section label: 1-4 words, no sentence punctuation, shorter than the headline."""
    words = word_count(text)
    return (
        1 <= words <= 4
        and re.search(r"[.,!?;:]", text) is None
        and words < word_count(headline)
        and is_title_like(headline)
    )


def _is_dek(lines: list[_Line], at: int) -> bool:
    """A standfirst: one short sentence, set directly above the lead image or byline."""
    text = lines[at].text
    if not 4 <= word_count(text) <= 50 or has_direct_quote(text) or is_list_item(text):
        return False
    if _DATELINE.match(text) or len(re.findall(r"[.!?] +[A-Z“\"]", text)) > 1:
        return False
    following = lines[at + 1] if at + 1 < len(lines) else None
    return following is not None and following.rule in _IMAGE_RULES | {"byline"}


def _read_header(lines: list[_Line]) -> tuple[str | None, str | None, str | None, str | None]:
    """Take kicker, headline, byline and dek off the top; returns them in that order."""
    kept = [i for i, line in enumerate(lines) if line.rule is None]
    kicker = headline = byline = dek = None
    taken: list[int] = []
    first = lines[kept[0]].text if kept else ""
    second = lines[kept[1]].text if len(kept) > 1 else ""
    if kept and second and _is_kicker(first, second):
        kicker, headline = first, second
        taken = kept[:2]
    elif kept and is_title_like(first):
        headline = first
        taken = kept[:1]
    if headline is not None:
        next_kept = [i for i in kept if i > taken[-1]]
        if next_kept and _is_dek(lines, next_kept[0]):
            dek = lines[next_kept[0]].text
            taken.append(next_kept[0])
        # The byline belongs to the header only if it comes before the first body paragraph.
        last_header = taken[-1]
        body_start = next((i for i in kept if i > last_header), len(lines))
        for i in range(last_header + 1, body_start):
            if lines[i].rule == "byline":
                byline = byline_names(lines[i].text)
                taken.append(i)
                break
    for i in taken:
        lines[i].rule = "header"
    return kicker, headline, byline, dek


# A link's access note left in the prose when the link itself is gone: "a foreign reporter
# (paywall)", "the report (PDF)", "(subscription required)", "(link in Spanish)".
_LINK_NOTE = re.compile(
    r"\s*[(\[](?:paywall(?:ed)?|pdf|subscription required|registration required|"
    r"subscribers only|link(?: in [A-Z][a-z]+)?|free registration)[)\]]",
    re.IGNORECASE,
)


def _strip_link_notes(lines: list[_Line]) -> list[Removed]:
    """Drop link access notes from kept lines; return them as removed text."""
    notes: list[Removed] = []
    for line in lines:
        if line.rule is None and _LINK_NOTE.search(line.text):
            notes.extend(
                Removed(m.group().strip(), "link-note") for m in _LINK_NOTE.finditer(line.text)
            )
            line.text = _LINK_NOTE.sub("", line.text)
    return notes


def _paragraphs(lines: list[_Line]) -> tuple[str, ...]:
    """Kept lines as paragraphs (each already one normalised line)."""
    return tuple(line.text for line in lines if line.rule is None)


def _removed(lines: list[_Line]) -> tuple[Removed, ...]:
    """Dropped lines in order, header fields excluded (they are kept, just elsewhere)."""
    return tuple(
        Removed(line.text, line.rule)
        for line in lines
        if line.rule is not None and line.rule != "header"
    )


def clean_text(raw: str) -> Cleaned:
    """Clean a plain-text article: header (kicker, headline, dek), boilerplate, promo lists."""
    lines = _split_text(raw)
    _judge(lines)
    kicker, headline, byline, dek = _read_header(lines)
    notes = _strip_link_notes(lines)
    return Cleaned(
        headline=headline,
        kicker=kicker,
        dek=dek,
        byline=byline,
        paragraphs=_paragraphs(lines),
        removed=_removed(lines) + tuple(notes),
        outlet=_outlet(lines),
    )


def clean_paragraphs(
    paragraphs: Sequence[str], *, favor: str = "balanced"
) -> tuple[tuple[str, ...], tuple[Removed, ...], str | None]:
    """Apply the boilerplate rules to already-extracted body paragraphs (e.g. from HTML); returns kept, removed, outlet.

    ``favor="recall"`` drops only fixed-form boilerplate (credits, promos, sign-ups, chrome);
    ``favor="precision"`` also drops teaser lines that only their shape gives away.
    """  # noqa: E501
    lines = [
        _Line(text, block) for block, text in enumerate(normalize(p) for p in paragraphs) if text
    ]
    _judge(lines, favor)
    notes = _strip_link_notes(lines)
    return _paragraphs(lines), _removed(lines) + tuple(notes), _outlet(lines)


def _same(a: str, b: str) -> bool:
    """Two header strings are the same line when their words match (case and marks aside)."""
    wa, wb = re.findall(r"\w+", a.casefold()), re.findall(r"\w+", b.casefold())
    return bool(wa) and wa == wb


def strip_header(
    lines: Sequence[str],
    titles: Sequence[str],
    dek: str | None = None,
    headings: Sequence[str] = (),
) -> tuple[list[str], tuple[Removed, ...]]:
    """Drop the page's headline, with its kicker and standfirst, where an extractor left them in the body.

    ``titles`` are the headlines the page's metadata states, ``headings`` its ``<h1>``
    texts (only trusted at the top: a page may have others for related stories). The headline is
    looked for in the first lines only; a section label above it is its kicker, and
    the line under it is the dek when it equals the page's description. A description
    found anywhere else stays, because many pages reuse their lede as the description. Exact repeats of a
    headline further down are page furniture too.
    """  # noqa: E501
    rest = [normalize(line) for line in lines]
    removed: list[Removed] = []
    titles = [t for t in titles if t and t.strip()]
    top = titles + [h for h in headings if h and h.strip()]
    for at in range(min(len(rest), 3)):
        if not any(_same(rest[at], t) or _title_prefix(rest[at], t) for t in top):
            continue
        if any(not _is_label(rest[i]) for i in range(at)):
            break
        removed.extend(Removed(rest[i], "kicker") for i in range(at))
        removed.append(Removed(rest[at], "headline"))
        rest = rest[at + 1 :]
        if rest and dek and _same(rest[0], dek):
            removed.append(Removed(rest.pop(0), "dek"))
        break
    kept: list[str] = []
    for line in rest:
        if word_count(line) >= 4 and any(_same(line, t) for t in titles):
            removed.append(Removed(line, "headline"))
        else:
            kept.append(line)
    return kept, tuple(removed)


def _is_label(text: str) -> bool:
    """A section label or kicker: a few words, no sentence punctuation."""
    return 1 <= word_count(text) <= 4 and re.search(r"[.!?;,]", text) is None


def _title_prefix(line: str, title: str) -> bool:
    """The page title is the line plus a site suffix ("Headline | Site"), or the reverse."""
    wl, wt = re.findall(r"\w+", line.casefold()), re.findall(r"\w+", title.casefold())
    if len(wl) < 4 or len(wt) < 4 or ends_sentence(line) and len(wl) > 30:
        return False
    short, long = (wl, wt) if len(wl) <= len(wt) else (wt, wl)
    return long[: len(short)] == short and len(short) >= 0.6 * len(long)
