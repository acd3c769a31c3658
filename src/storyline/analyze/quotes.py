"""Quote extraction: marks paired by regex, partial quotes told apart, speakers from cues."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..records import Mention, Quote
from .lexicon import (
    _CUE,
    _CUE_RE,
    _DETERMINERS,
    _FILLER,
    _NAME_RE,
    _PERSON_ROLES,
    _POSSESSIVE_RE,
    _PRONOUN_RE,
    _SPEAKER_LABELS,
    _TITLE_WORDS,
    _wordset,
)

# --- quote marks ------------------------------------------------------------------------------

# Double marks: curly, straight, the NYT's doubled apostrophes and LaTeX-style backticks.
_DOUBLE_MARK_RE = re.compile(r"''|``|[“”\"„«»]")
_SINGLE_OPEN_RE = re.compile(r"(?<![\w’'])[‘'](?=[A-Za-z0-9])")
_SINGLE_CLOSE_RE = re.compile(r"(?<=[\w.,!?])[’'](?![\w’'])")
_WORD_RE = re.compile(r"[\w’'-]+")
_MIN_UNATTRIBUTED_WORDS = 4
_MAX_QUOTE_CHARS = 3000

# --- sentences --------------------------------------------------------------------------------

_ABBREVIATIONS = _wordset(
    "mr mrs ms dr prof sen rep gov gen lt col capt sgt adm rev st jr sr vs no inc corp "
    "co ltd jan feb mar apr aug sept sep oct nov dec u.s u.k u.n d.c n.y n.c a.m p.m"
)
_SENTENCE_END_RE = re.compile(r"[.!?]+[”\"’')\]]*(?=\s+(?:''|``|[“\"‘'(\[])?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class _Span:
    """A quoted span (inner text, marks excluded) and the paragraph it lies in."""

    start: int
    end: int
    open_at: int  # offset of the opening mark
    close_at: int  # offset just after the closing mark (== end when unclosed)
    paragraph: int
    continues: bool  # continues a quote left open in the previous paragraph
    single: bool  # delimited by single quote marks


@dataclass(frozen=True, slots=True)
class _Speaker:
    """A speaker as written, where it is, the cue that introduces it."""

    start: int
    end: int
    cue: str | None
    kind: str  # "name", "pronoun" or "description"
    label: str | None = None  # spaCy label of the name, None when not tagged
    name_start: int | None = None  # the name itself, without titles ("Sarah Sanders")
    name_end: int | None = None


def extract_quotes(article_id: str, text: str, mentions: Sequence[Mention]) -> tuple[Quote, ...]:
    """Quotes in an article body (direct, partial and reported), with their speaker if named."""
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    spans = _quote_spans(text)
    inside = [(s.open_at, s.close_at) for s in spans]
    boundaries = _sentence_starts(text)
    speakers: list[_Speaker | None] = []
    for i, span in enumerate(spans):
        previous_end = spans[i - 1].close_at if i else 0
        speakers.append(_attribute(text, span, previous_end, ordered, boundaries))
    # Split and multi-paragraph quotes: an unattributed part inherits the speaker of the part
    # before it when nothing else is said between them (the "said Trump." in between).
    for i, span in enumerate(spans):
        if speakers[i] is not None or i == 0:
            continue
        before = spans[i - 1]
        between = text[before.close_at : span.open_at]
        if span.continues or (
            before.paragraph == span.paragraph and _only_attribution(between, speakers[i - 1])
        ):
            speakers[i] = speakers[i - 1]
    # A paragraph that is only a quote, right after a paragraph quoting someone, goes on with the
    # same speaker (news convention: the attribution is given once per run of quote paragraphs).
    paragraphs = _paragraphs(text)
    for i, span in enumerate(spans):
        if speakers[i] is not None or i == 0 or span.single:
            continue
        before = spans[i - 1]
        p_start, p_end = paragraphs[span.paragraph]
        if (
            speakers[i - 1] is not None
            and before.paragraph == span.paragraph - 1
            and not text[p_start : span.open_at].strip()
            and _quote_paragraph(text, paragraphs[before.paragraph], before)
            and not _CUE_RE.search(text, span.close_at, p_end)
        ):
            speakers[i] = speakers[i - 1]
    # "Smith, a professor at X, said the plan was flawed. “It won’t work.”": a quote opening a
    # sentence takes the speaker of the cue clause in the sentence just before it.
    for i, span in enumerate(spans):
        if speakers[i] is None and not span.single:
            speakers[i] = _previous_sentence_speaker(text, span, ordered, boundaries, inside)
    quotes: list[Quote] = []
    for span, speaker in zip(spans, speakers, strict=True):
        inner = text[span.start : span.end]
        if not _keep(text, inner, speaker, span):
            continue
        # verbatim words woven into the writer's sentence: quoted, but not a full direct quote
        partial = _partial(text, span, inner, boundaries)
        quote = Quote(
            article_id=article_id,
            text=inner,
            start=span.start,
            end=span.end,
            direct=not partial,
            partial=partial,
        )
        if speaker is not None:
            quote = replace(
                quote,
                speaker=text[speaker.start : speaker.end],
                speaker_name=_resolve(text, speaker, ordered, inside, boundaries),
                speaker_start=speaker.start,
                speaker_end=speaker.end,
                cue=speaker.cue,
            )
        quotes.append(quote)
    from .reported import reported_speech  # imported here: it builds on this module's helpers

    quotes.extend(reported_speech(article_id, text, ordered, boundaries, inside))
    return tuple(sorted(quotes, key=lambda q: q.start))


# --- pairing quote marks ----------------------------------------------------------------------


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of the body."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _mark_role(text: str, at: int, length: int) -> str:
    """Whether a double mark opens, closes, or could do either (decided by its neighbours)."""
    mark = text[at : at + length]
    before = text[at - 1] if at > 0 else " "
    after = text[at + length] if at + length < len(text) else " "
    opens = (before.isspace() or before in "([{—–-/:") and not after.isspace()
    closes = not before.isspace() and (after.isspace() or after in ",.;:!?)]}—–-/")
    # Curly marks say which they are, except when mistyped: “Apparently not,“ he said.
    if mark in ("“", "„", "«", "``"):
        return "close" if closes and not opens else "open"
    if mark in ("”", "»"):
        return "open" if opens and not closes else "close"
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _quote_spans(text: str) -> list[_Span]:
    """Pair quote marks paragraph by paragraph; an unclosed quote runs to the paragraph end."""
    spans: list[_Span] = []
    carried = False  # the previous paragraph ended inside an open quote
    for index, (p_start, p_end) in enumerate(_paragraphs(text)):
        open_at: int | None = None
        open_len = 0
        continues = False
        first_mark = True
        for match in _DOUBLE_MARK_RE.finditer(text, p_start, p_end):
            at, length = match.start(), len(match.group())
            role = _mark_role(text, at, length)
            leading = first_mark and not text[p_start:at].strip()
            first_mark = False
            if open_at is None:
                if role == "close":
                    continue  # a stray closing mark
                open_at, open_len = at, length
                continues = carried and leading
                continue
            if role == "open":
                # Another opening mark before a close: the earlier quote was never closed.
                open_at, open_len, continues = at, length, False
                continue
            spans.append(_make_span(text, open_at, open_len, at, at + length, index, continues))
            open_at = None
        carried = False
        if open_at is not None:
            # News convention: a quote running over paragraphs has no closing mark until its
            # last paragraph, and every following paragraph opens with a quote mark.
            spans.append(_make_span(text, open_at, open_len, p_end, p_end, index, continues))
            carried = True
        spans.extend(_single_spans(text, p_start, p_end, spans, index))
    return sorted(
        (s for s in spans if 0 < s.end - s.start <= _MAX_QUOTE_CHARS), key=lambda s: s.start
    )


def _make_span(
    text: str, open_at: int, open_len: int, close_at: int, after: int, index: int, continues: bool
) -> _Span:
    """A span with surrounding whitespace and a trailing attribution comma trimmed."""
    start, end = open_at + open_len, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return _Span(start, end, open_at, after, index, continues, False)


def _single_spans(
    text: str, p_start: int, p_end: int, doubles: Sequence[_Span], index: int
) -> Iterable[_Span]:
    """‘Single-quoted’ spans outside any double quote (kept later only when attributed)."""
    covered = [(s.open_at, s.close_at) for s in doubles if s.paragraph == index]
    position = p_start
    while True:
        opening = _SINGLE_OPEN_RE.search(text, position, p_end)
        if opening is None:
            return
        closing = _SINGLE_CLOSE_RE.search(text, opening.end(), p_end)
        if closing is None:
            return
        at = opening.start()
        if not any(a <= at < b for a, b in covered) and text[at] + text[closing.start()] in (
            "‘’",
            "''",
        ):
            span = _make_span(text, at, 1, closing.start(), closing.end(), index, False)
            yield _Span(span.start, span.end, span.open_at, span.close_at, index, False, True)
        position = closing.end()


# --- sentences --------------------------------------------------------------------------------


def _sentence_starts(text: str) -> list[int]:
    """Offsets where sentences start (paragraph starts included); abbreviations do not end one."""
    starts = {start for start, _ in _paragraphs(text)}
    for match in _SENTENCE_END_RE.finditer(text):
        word = re.search(r"([\w.]+)[.!?]*$", text[max(0, match.start() - 12) : match.start() + 1])
        token = word.group(1).lower().rstrip(".") if word else ""
        if text[match.start()] == "." and (
            token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())
        ):
            continue
        following = match.end()
        while following < len(text) and text[following].isspace():
            following += 1
        starts.add(following)
    return sorted(starts)


def _sentence_start(boundaries: Sequence[int], at: int) -> int:
    """Start of the sentence that contains offset ``at``."""
    best = 0
    for start in boundaries:
        if start > at:
            break
        best = start
    return best


# --- attribution ------------------------------------------------------------------------------

# Finite cues can be inverted ("said Trump"); -ing cues ("adding, …") belong to the subject.
_TIME = (
    r"(?:\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"yesterday|tonight|last\s+\w+|this\s+\w+|earlier|later)(?:\s+(?:morning|afternoon|"
    r"evening|night))?)?"
)
_INVERTED_RE = re.compile(r"(" + _CUE + r")\b" + _TIME + r"[\s,]*", re.IGNORECASE)
_POST_CUE_RE = re.compile(
    r"(?P<phrase>[^,;:!?“”\"\n()]{1,90}?)(?P<paren>\s*\([^()\n]{1,40}\))?"
    r"(?P<app>\s*,[^;:!?“”\"\n]{1,250}?,)?\s*" + _FILLER + r"(?P<cue>" + _CUE + r")\b",
    re.IGNORECASE,
)
_DASH_RE = re.compile(r"\s*[―—–]\s*(?P<name>[^\n“”\"]{2,60}?)\s*(?=\n|$|[“\"])")
_CLAUSE_BREAK_RE = re.compile(
    r"[,;:()—–]|\b(?:and|but|that|when|as|while|because|so|after|before|if|where|who|"
    r"which|then)\b",
    re.IGNORECASE,
)
_LEADING_RE = re.compile(
    r"[\s,]*(?:(?:but|and|yet|so|then|still|now|later|instead|meanwhile|also)\b[\s,]*)*",
    re.IGNORECASE,
)
_INVERTED_STOP_RE = re.compile(
    r"[,;:!?()\n“”\"]|(?<!\b[A-Z])(?<!Mr|Ms|Dr|Jr|Sr|St)(?<!Mrs|Rep|Sen|Gov|Gen|Rev)\.|\s(?:in|on|at|during|after|before|who|which|that|of|to|from|about|"
    r"and|as|when|while|with|for)\b",
    re.IGNORECASE,
)
_MAX_SPEAKER_WORDS = 10


def _attribute(
    text: str,
    span: _Span,
    previous_end: int,
    mentions: Sequence[Mention],
    boundaries: Sequence[int],
) -> _Speaker | None:
    """The speaker of one quote: an attribution right after it, else a cue clause before it."""
    after = _speaker_after(text, span.close_at, mentions, boundaries)
    if after is not None:
        return after
    sentence = _sentence_start(boundaries, span.open_at)
    return _speaker_before(text, max(sentence, previous_end), span.open_at, mentions, boundaries)


def _speaker_after(
    text: str, at: int, mentions: Sequence[Mention], boundaries: Sequence[int]
) -> _Speaker | None:
    """``“…,” said Trump`` / ``“…,” Trump told reporters`` / ``“…” ― Reader Name``."""
    line_end = text.find("\n", at)
    limit = len(text) if line_end < 0 else line_end
    dash = _DASH_RE.match(text, at, limit)
    if dash is not None:
        return _classify(text, dash.start("name"), dash.end("name"), None, mentions)
    lead = re.compile(r"[\s,]*(?:[—–-]+\s*)?").match(text, at, limit)
    position = lead.end() if lead else at
    glued = at == position and text[at - 2 : at - 1] in (",", "!", "?")  # “…,”Clinton said
    if position >= limit or (text[at:position].strip(" ,") == "" and at == position and not glued):
        # A quote followed directly by a word ("the “coverage” the US required") is mid-sentence.
        return None
    inverted = _INVERTED_RE.match(text, position, limit)
    if inverted is not None and not inverted.group(1).lower().endswith("ing"):
        stop = _INVERTED_STOP_RE.search(text, inverted.end(), limit)
        end = stop.start() if stop else limit
        speaker = _classify(text, inverted.end(), end, _cue_text(inverted.group(1)), mentions)
        if speaker is not None:
            return speaker
    found = _POST_CUE_RE.match(text, position, limit)
    if found is None or any(position < b < found.start("cue") for b in boundaries):
        return None
    return _classify(
        text, found.start("phrase"), found.end("phrase"), _cue_text(found.group("cue")), mentions
    )


def _speaker_before(
    text: str,
    start: int,
    open_at: int,
    mentions: Sequence[Mention],
    boundaries: Sequence[int],
) -> _Speaker | None:
    """``Trump said: “…”`` / ``Trump said he … felt “…”``: a cue earlier in the same sentence."""
    # "wrote to his followers, “…”" still introduces the quote; "continued to praise" does not.
    introduced = text[start:open_at].rstrip().endswith((",", ":"))
    cues = [
        c
        for c in _CUE_RE.finditer(text, start, open_at)
        if introduced or not _followed_by_to(text, c)
    ]
    if not cues:
        if text[start:open_at].rstrip().endswith(":"):
            # "Clinton: “…”" / "Fallon fired back: “…”": a colon introduces the quote.
            colon = start + len(text[start:open_at].rstrip()) - 1
            named = _classify(text, start, colon, None, mentions)
            return named or _subject(text, start, colon, None, mentions, leftmost=True)
        return None
    cue = cues[-1]
    cue_text = _cue_text(cue.group())
    if cue_text.lower().startswith("according"):
        stop = _INVERTED_STOP_RE.search(text, cue.end() + 1, open_at)
        return _classify(text, cue.end(), stop.start() if stop else open_at, cue_text, mentions)
    if cue_text.lower().endswith("ing"):
        # "Trump attacked Clinton …, saying, “…”": the speaker is the subject of the sentence.
        return _subject(text, start, cue.start(), cue_text, mentions, leftmost=True)
    head = text[start : cue.start()]
    trimmed = re.sub(r"\s*" + _FILLER + r"$", "", head + " ", flags=re.IGNORECASE)
    end = start + len(trimmed.rstrip())
    # The chunk right before the cue, or the name before an appositive ("Jean H. Lee, a Korea
    # expert at the Wilson Center, told").
    breaks = [m for m in _CLAUSE_BREAK_RE.finditer(text, start, end)]
    chunk_starts = [start] + [m.end() for m in breaks]
    chunk_ends = [m.start() for m in breaks] + [end]
    chunks = list(zip(chunk_starts, chunk_ends, strict=True))
    last = _classify(text, chunks[-1][0], chunks[-1][1], cue_text, mentions)
    if last is not None and last.kind != "description":
        return last
    if len(chunks) >= 3 and text[chunks[-2][1]] == "," and text[chunks[-1][0] - 1] == ",":
        named = _classify(text, chunks[-3][0], chunks[-3][1], cue_text, mentions)
        if named is not None and named.kind == "name":
            return named
    if last is not None:
        return last
    return _subject(text, start, cue.start(), cue_text, mentions, leftmost=False)


def _previous_sentence_speaker(
    text: str,
    span: _Span,
    mentions: Sequence[Mention],
    boundaries: Sequence[int],
    quoted: Sequence[tuple[int, int]],
) -> _Speaker | None:
    """The speaker named by a cue in the sentence right before a quote that opens a sentence."""
    start = _sentence_start(boundaries, span.open_at)
    if text[start : span.open_at].strip():
        return None  # the quote does not open its sentence
    previous = _sentence_start(boundaries, start - 1) if start > 0 else 0
    head = text[previous:start].rstrip()
    if not head or (text[previous:start].count("\n") and not head.endswith(":")):
        return None  # another paragraph, unless it introduces the quote with a colon
    if any(a < start and b > previous for a, b in quoted):
        return None  # that sentence quotes someone itself
    return _speaker_before(text, previous, previous + len(head), mentions, boundaries)


def _followed_by_to(text: str, cue: re.Match[str]) -> bool:
    """Whether a cue verb governs an infinitive ("continued to praise"), so quotes nothing."""
    return re.match(r"\s+to\b", text[cue.end() : cue.end() + 4]) is not None and not (
        cue.group().lower().startswith("according")
    )


def _subject(
    text: str, start: int, end: int, cue: str | None, mentions: Sequence[Mention], leftmost: bool
) -> _Speaker | None:
    """A name or pronoun opening a clause before the cue ("Ms. Sherry smiled and said, “…”")."""
    # The clause nearest the cue is taken, or the first of the sentence (``leftmost``) for a
    # participle cue, whose subject is the sentence's ("Trump attacked Clinton …, saying, “…”").
    breaks = list(_CLAUSE_BREAK_RE.finditer(text, start, end))
    starts = [start] + [m.end() for m in breaks]
    for chunk in starts if leftmost else reversed(starts):
        lead = _LEADING_RE.match(text, chunk, end)
        first = lead.end() if lead else chunk
        pronoun = _PRONOUN_RE.match(text, first, end)
        if pronoun is not None and (pronoun.group() == "I" or pronoun.group().lower() != "i"):
            return _Speaker(first, pronoun.end(), cue, "pronoun")
        for mention in mentions:
            if mention.start > first:
                break
            if mention.start == first and mention.label in ("PERSON", "ORG"):
                m_start, m_end = _strip_mention(text, mention)
                named = _Speaker(m_start, m_end, cue, "name", mention.label, m_start, m_end)
                return named
    return None


def _classify(
    text: str, start: int, end: int, cue: str | None, mentions: Sequence[Mention]
) -> _Speaker | None:
    """A phrase as a speaker: a pronoun, a (titled) name, or a description; None otherwise."""
    lead = _LEADING_RE.match(text, start, end)
    start = lead.end() if lead else start
    while end > start and text[end - 1] in " ,.\u00a0":
        if text[end - 1] == "." and re.search(r"\b[A-Z][a-z]?\.$", text[start:end]):
            break  # "Jr." / an initial keeps its period
        end -= 1
    phrase = text[start:end]
    words = phrase.split()
    if not words or len(words) > _MAX_SPEAKER_WORDS or any(c in phrase for c in ",;\n"):
        return None
    if _PRONOUN_RE.fullmatch(phrase) and (phrase == "I" or phrase.lower() != "i"):
        return _Speaker(start, end, cue, "pronoun")
    inside = [m for m in mentions if start <= m.start and m.end <= end + 2]
    inside = [m for m in inside if m.label in _SPEAKER_LABELS]
    if inside:
        last = inside[-1]
        m_start, m_end = _strip_mention(text, last)
        rest = text[m_end:end]
        if not rest.strip() or re.fullmatch(r"\s*\([^()]*\)\s*", rest):
            # Roles written before the name stay in the speaker as written.
            first = start if _is_title_prefix(text[start:m_start]) else m_start
            return _Speaker(first, m_end, cue, "name", last.label, m_start, m_end)
    name = _NAME_RE.search(text, start, end)
    if (
        name is not None
        and name.end() == end
        and name.group().split()[0].lower() not in _NOT_NAMES
        and _is_title_prefix(text[start : name.start()])
    ):
        return _Speaker(start, end, cue, "name", None, name.start(), end)
    if (
        re.match(
            _DETERMINERS + r"\b|[A-Z][\w.-]*['’]s\b|(?:former|top|senior|\w+\s+officials?)\b",
            phrase,
            re.IGNORECASE,
        )
        and len(words) <= 8
    ):
        return _Speaker(start, end, cue, "description")
    return None


# Capitalised words that start a clause, not a name.
_NOT_NAMES = _wordset(
    "the a an it this that these those there here but and or so then when while if as "
    "in on at for with after before during today yesterday monday tuesday wednesday "
    "thursday friday saturday sunday said says told asked added according"
)


# Lowercase words that may form a role written before a name ("secretary of state",
# "White House press secretary"); anything else means the phrase is not a title.
_ROLE_WORDS = (
    _PERSON_ROLES
    | _TITLE_WORDS
    | _wordset(
        "press pool deputy assistant national security foreign defense policy campaign "
        "communications state of for and the senior top democratic republican labor staff "
        "house majority minority whip party county city district police commissioner "
        "official economic political legal health education finance treasury homeland "
        "energy white new longtime veteran conservative liberal progressive independent "
        "presidential vice-presidential gop u.s. us federal senate congressional "
        "spokesperson press-secretary media digital data research policy-director"
    )
)


def _is_title_prefix(prefix: str) -> bool:
    """Whether the words before a name are a role or title ("White House press secretary")."""
    if not prefix.strip():
        return True
    if any(ch in prefix for ch in ',;:!?“”"\n') or len(prefix) > 70 or _CUE_RE.search(prefix):
        return False
    words = prefix.split()
    return 0 < len(words) <= 7 and all(
        w[0].isupper() or w.lower() in _ROLE_WORDS or w.lower().rstrip(".") in _ROLE_WORDS
        for w in words
    )


def _strip_mention(text: str, mention: Mention) -> tuple[int, int]:
    """A mention's span without a possessive ending ("Trump’s" -> "Trump")."""
    possessive = _POSSESSIVE_RE.search(text[mention.start : mention.end])
    end = mention.start + possessive.start() if possessive else mention.end
    return mention.start, max(end, mention.start + 1)


def _cue_text(cue: str) -> str:
    """A cue as written, whitespace normalised and trailing punctuation dropped."""
    return " ".join(cue.split()).strip(" ,:;")


def _quote_paragraph(text: str, paragraph: tuple[int, int], last: _Span) -> bool:
    """Whether a paragraph is quotes and attribution only: it opens with a mark, or its last
    quote ends it but for a short attribution clause."""
    p_start, p_end = paragraph
    if not text[p_start : last.open_at].strip() or text[p_start:p_end].lstrip()[:1] in "“\"'‘":
        return True
    tail = text[last.close_at : p_end].strip(" ,.;:—–-\u00a0")
    return len(tail) <= 80 and tail.count(". ") == 0


def _only_attribution(between: str, speaker: _Speaker | None) -> bool:
    """Whether the text between two quote parts is an attribution clause and nothing more."""
    if speaker is None:
        return False
    stripped = between.strip(" ,.;:—–-\n")
    return len(stripped) <= 250 and stripped.count(". ") <= 1


# --- filtering --------------------------------------------------------------------------------


_CUE_BEFORE_RE = re.compile(r"\b" + _CUE + r"(?:\s+(?:that|it|as|of))?[\s,:]*$", re.IGNORECASE)


def _keep(text: str, inner: str, speaker: _Speaker | None, span: _Span) -> bool:
    """Attributed quotes stay; unattributed ones only when long and sentence-like."""
    # A fragment of one to three words inside a sentence ("the “coverage” the US required", a
    # show title) is a scare quote unless a cue verb introduces it right before.
    words = _WORD_RE.findall(inner)
    if not words:
        return False
    if len(words) < _MIN_UNATTRIBUTED_WORDS and _embedded(text, span.open_at):
        return _CUE_BEFORE_RE.search(text, max(0, span.open_at - 40), span.open_at) is not None
    if speaker is not None:
        return True
    if span.single or len(words) < _MIN_UNATTRIBUTED_WORDS:
        return False
    if _embedded(text, span.open_at) and not words[0][0].isupper():
        return False  # a fragment woven into the writer's sentence, not a sentence quoted
    # A title ("The Art of the Deal") is mostly capitalised words; a sentence is not.
    capitals = sum(1 for w in words if w[0].isupper())
    return capitals / len(words) < 0.6


_CUE_RIGHT_BEFORE_RE = re.compile(r"\b" + _CUE + r"[\s,:]*$", re.IGNORECASE)


def _partial(text: str, span: _Span, inner: str, boundaries: Sequence[int]) -> bool:
    """A fragment woven into the writer's own sentence (reported speech), not a quoted sentence.

    ``described “it wasn’t a good thing”`` is partial; ``declared “I think NATO is obsolete”``
    (a capitalised sentence right after the cue verb) is a direct quote.
    """
    if span.continues:
        return False
    first = inner.lstrip("‘'(—–-… ")[:1]
    if not _embedded(text, span.open_at):
        # "That, the commission said, “would be helpful”": a lowercase fragment finishing the
        # writer's sentence, unless it goes on a quote split by its attribution.
        head = text[_sentence_start(boundaries, span.open_at) : span.open_at]
        return first.islower() and bool(head.strip()) and not _DOUBLE_MARK_RE.search(head)
    right_after_cue = _CUE_RIGHT_BEFORE_RE.search(text, max(0, span.open_at - 40), span.open_at)
    return not (first.isupper() and right_after_cue is not None)


def _embedded(text: str, open_at: int) -> bool:
    """Whether a quote opens mid-clause, right after a word rather than a break or a cue colon."""
    before = text[max(0, open_at - 3) : open_at].rstrip(" \u00a0")
    return bool(before) and (before[-1].isalnum() or before[-1] in "’'")


# --- resolving speaker names ------------------------------------------------------------------


def _clean_name(name: str) -> str:
    """A name without titles or a possessive ending ("Mr. Trump’s" -> "Trump")."""
    words = _POSSESSIVE_RE.sub("", name.strip()).split()
    while len(words) > 1 and words[0].lower() in _TITLE_WORDS:
        words = words[1:]
    return " ".join(words)


def _resolve(
    text: str,
    speaker: _Speaker,
    mentions: Sequence[Mention],
    quoted: Sequence[tuple[int, int]],
    boundaries: Sequence[int],
) -> str | None:
    """The person a speaker refers to in the article, or None when the text does not say."""
    written = text[speaker.start : speaker.end]
    if speaker.kind == "name":
        name = _clean_name(text[speaker.name_start : speaker.name_end])
        return _fullest(name, speaker.start, mentions, text) or name
    if speaker.kind == "pronoun":
        if written.lower() not in ("he", "she"):
            return None
    else:
        words = written.lower().split()
        if words[0] != "the" or words[-1] not in _PERSON_ROLES:
            return None
        described = _described_as(text, words[-1], speaker.start, mentions, quoted)
        if described is not None:
            return described
    gender = {"he": "m", "she": "f"}.get(written.lower())
    return _antecedent(text, speaker.start, mentions, quoted, boundaries, gender)


# Words before a name that say whether the person is a man or a woman.
_MALE_RE = r"(?:Mr|Sir|Lord|spokesman|congressman|chairman|businessman|councilman|King|Prince)"
_FEMALE_RE = (
    r"(?:Mrs|Ms|Miss|Lady|Dame|spokeswoman|congresswoman|chairwoman|businesswoman|"
    r"councilwoman|Queen|Princess)"
)
_GENDER_RE = re.compile(
    r"\b(?:(?P<m>" + _MALE_RE + r")|(?P<f>" + _FEMALE_RE + r"))\.?\s+"
    r"(?P<name>(?:[A-Z][\w’'-]*\.?\s+){0,3}[A-Z][\w’'-]+)"
)


@functools.lru_cache(maxsize=16)
def _genders(text: str) -> dict[str, str]:
    """Surname -> "m" or "f" where the article says so ("Mr. Trump", "spokeswoman Ann Lee");
    a surname given both (two people) is left out."""
    found: dict[str, set[str]] = {}
    for match in _GENDER_RE.finditer(text):
        surname = _POSSESSIVE_RE.sub("", match.group("name")).split()[-1]
        found.setdefault(surname, set()).add("m" if match.group("m") else "f")
    return {name: next(iter(kinds)) for name, kinds in found.items() if len(kinds) == 1}


def _described_as(
    text: str, head: str, at: int, mentions: Sequence[Mention], quoted: Sequence[tuple[int, int]]
) -> str | None:
    """The nearest earlier person the article gives this role ("Jean H. Lee, a Korea expert";
    "North Korean leader Kim Jong Un"), so "the Korea expert" finds its person."""
    role = re.compile(r"\b" + re.escape(head) + r"s?\b", re.IGNORECASE)
    for mention in reversed(mentions):
        if mention.label != "PERSON" or mention.end > at:
            continue
        if any(a <= mention.start < b for a, b in quoted):
            continue
        before = text[max(0, mention.start - 40) : mention.start]
        after = re.match(r",\s+(?:a|an|the)\s+[^,.;]{0,80}", text[mention.end : mention.end + 90])
        if (after and role.search(after.group())) or role.search(before.split(",")[-1]):
            name = _clean_name(mention.text)
            return _fullest(name, mention.start + 1, mentions, text) or name
    return None


def _fullest(name: str, before: int, mentions: Sequence[Mention], text: str) -> str | None:
    """The longest earlier PERSON mention ending in the same surname ("Trump" -> "Donald Trump")."""
    words = name.split()
    if not words:
        return None
    best: str | None = None
    first: str | None = None  # "Kim" -> "Kim Jong Un": a family name written first
    for mention in mentions:
        if mention.start >= before:
            break
        if mention.label != "PERSON":
            continue
        candidate = _clean_name(mention.text)
        parts = candidate.split()
        if len(parts) <= len(words):
            continue
        if parts[-len(words) :] == words and (best is None or len(parts) > len(best.split())):
            best = candidate
        elif len(words) == 1 and parts[0] == words[0] and first is None:
            first = candidate
    return best or first


def _antecedent(
    text: str,
    at: int,
    mentions: Sequence[Mention],
    quoted: Sequence[tuple[int, int]],
    boundaries: Sequence[int],
    gender: str | None = None,
) -> str | None:
    """The person a pronoun or definite description points back to ("he" skips a "Ms. X")."""
    # The nearest person before it in its own sentence, else the first person (the likely
    # subject) of the nearest earlier sentence naming one; names inside quotes are skipped
    # because a quote's speaker is rarely someone the quote talks about.
    people = [
        m
        for m in mentions
        if m.label == "PERSON" and m.end <= at and not any(a <= m.start < b for a, b in quoted)
    ]
    if gender is not None:
        genders = _genders(text)
        people = [
            m
            for m in people
            if genders.get(_clean_name(m.text).split()[-1] if m.text.strip() else "", gender)
            == gender
        ]
    if not people:
        return None
    own = _sentence_start(boundaries, at)
    same = [m for m in people if m.start >= own]
    if same:
        chosen = same[-1]
    else:
        last = people[-1]
        sentence = _sentence_start(boundaries, last.start)
        chosen = next(m for m in people if m.start >= sentence)
    name = _clean_name(chosen.text)
    return _fullest(name, chosen.start + 1, mentions, text) or name
