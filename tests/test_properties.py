"""Property-based tests (hypothesis, derandomized): cleaner, quote extractor, JSONL and feeds.

Each property runs a fixed, seeded set of generated examples, so a run is reproducible; bugs the
properties found are kept as explicit ``@example`` regressions.
"""

from __future__ import annotations

import json
import random
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storyline.analyze.quotes import extract_quotes
from storyline.clean import clean_paragraphs, clean_text
from storyline.clean.rules import normalize
from storyline.errors import InputError
from storyline.ingest import read_jsonl
from storyline.ingest.feeds import read_feed
from storyline.records import RawDocument

EXAMPLES = 150
PROPERTY = settings(
    derandomize=True,
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text with what breaks parsers: control characters, quote marks of every kind, line and
# paragraph separators, surrogates' neighbours, and long runs without a break.
MARKS = "“”‘’\"'„«»`\n\r\t\f\v\x00\x1c\x85\u2028\u2029 .,:;!?—-"
hostile_text = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.sampled_from(MARKS + string.ascii_letters), max_size=400),
    st.lists(st.text(max_size=60), max_size=12).map("\n".join),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=8), st.integers(1, 2000)),
)

word = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=9)
name = word.map(str.capitalize)


def _sentence(words: list[str]) -> str:
    """An ordinary sentence: capitalised, space-separated, ending in a full stop."""
    return " ".join([words[0].capitalize(), *words[1:]]) + "."


ordinary = st.lists(word, min_size=8, max_size=25).map(_sentence)


@st.composite
def quote_paragraph(draw: st.DrawFn) -> str:
    """An ordinary news sentence carrying a direct quote of >= 4 words in curly marks."""
    quoted = " ".join(draw(st.lists(word, min_size=4, max_size=20)))
    speaker = f"{draw(name)} {draw(name)}"
    lead = _sentence(draw(st.lists(word, min_size=3, max_size=10)))[:-1]
    forms = [
        f"“{quoted.capitalize()},” {speaker} said.",
        f"{speaker} said: “{quoted.capitalize()}.”",
        f"{lead}, {speaker} said, “{quoted}.”",
        f"“{quoted.capitalize()},” said {speaker}, adding that {lead.lower()}.",
    ]
    return draw(st.sampled_from(forms))


@st.composite
def article(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Body paragraphs (ordinary and quoting, shuffled by the draw) and the quoting ones."""
    quotes = draw(st.lists(quote_paragraph(), min_size=1, max_size=4))
    plain = draw(st.lists(ordinary, min_size=1, max_size=6))
    body = list(plain)
    for q in quotes:
        body.insert(draw(st.integers(0, len(body))), q)
    return body, quotes


# --- the cleaner -----------------------------------------------------------------------------


# Long single lines that two rules took quadratic time over (minutes at a megabyte); linear now.
LONG_LINES = ("“" * 60_000, "x." * 30_000, "“a " * 20_000, "a b [" * 12_000 + "VIDEO]")


@PROPERTY
@given(hostile_text)
@example(LONG_LINES[0])
@example(LONG_LINES[1])
@example(LONG_LINES[2])
@example(LONG_LINES[3])
def test_clean_text_never_raises(raw: str) -> None:
    cleaned = clean_text(raw)
    for paragraph in cleaned.paragraphs:
        assert paragraph == normalize(paragraph) and paragraph


@PROPERTY
@given(st.lists(hostile_text, max_size=8), st.sampled_from(["recall", "balanced", "precision"]))
@example(list(LONG_LINES), "balanced")
def test_clean_paragraphs_never_raises(paragraphs: list[str], favor: str) -> None:
    kept, removed, _ = clean_paragraphs(paragraphs, favor=favor)
    assert len(kept) + len(removed) <= len(paragraphs)


@PROPERTY
@given(article(), name)
def test_cleaning_keeps_every_quote_paragraph(drawn: tuple[list[str], list[str]], who: str) -> None:
    body, quotes = drawn
    kept, _, _ = clean_paragraphs(body)
    for favor in ("recall", "precision"):
        assert set(quotes) <= set(clean_paragraphs(body, favor=favor)[0])
    assert set(quotes) <= set(kept)
    # the same body as a plain-text file under a headline and byline
    raw = f"{_sentence([who, 'wins', 'the', 'vote'])[:-1]}\n\nBy {who} {who}\n\n" + "\n\n".join(
        body
    )
    assert set(quotes) <= set(clean_text(raw).paragraphs)


# --- the quote extractor ---------------------------------------------------------------------


def _check_quotes(text: str) -> None:
    for quote in extract_quotes("a1", text, mentions=()):
        assert 0 <= quote.start <= quote.end <= len(text), quote
        assert text[quote.start : quote.end] == quote.text, quote
        assert quote.article_id == "a1"
        if quote.speaker_start is not None or quote.speaker_end is not None:
            assert quote.speaker_start is not None and quote.speaker_end is not None
            assert 0 <= quote.speaker_start <= quote.speaker_end <= len(text), quote
            assert text[quote.speaker_start : quote.speaker_end] == quote.speaker, quote


@PROPERTY
@given(hostile_text)
def test_quote_spans_are_inside_the_text(text: str) -> None:
    _check_quotes(text)


@PROPERTY
@given(article())
def test_quote_spans_in_news_like_text(drawn: tuple[list[str], list[str]]) -> None:
    body, quotes = drawn
    text = "\n\n".join(body)
    _check_quotes(text)
    found = " ".join(q.text for q in extract_quotes("a1", text, mentions=()))
    for paragraph in quotes:  # every generated quote is found (its words, marks aside)
        inner = paragraph.split("“", 1)[1].split("”", 1)[0].strip(",.").lower()
        assert inner in found.lower(), (paragraph, found)


# --- the JSONL reader ------------------------------------------------------------------------

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
record = st.fixed_dictionaries(
    {},
    optional={
        key: json_value | st.text(max_size=40)
        for key in ("id", "url", "outlet", "title", "published", "text", "html")
    },
)


def _check_jsonl(data: bytes) -> None:
    for item in read_jsonl("feed.jsonl", data):
        assert isinstance(item, (RawDocument, InputError)), item
        if isinstance(item, InputError):
            assert item.source == "feed.jsonl" or item.source.startswith("feed.jsonl:"), item
            assert item.reason
        else:
            assert item.source.startswith("feed.jsonl:")
            assert item.content.decode("utf-8")


@PROPERTY
@given(st.binary(max_size=600))
@example(b"1" * 5000)  # an over-long integer: ValueError from int(), not JSONDecodeError
@example(b"[" * 100_000)  # deep nesting: RecursionError
@example(b'{"text": "a\\ud800b"}')  # a lone surrogate in the text: UnicodeEncodeError
@example(b'{"outlet": "\\udfff", "text": "t"}')  # ... or in a metadata field
@example(b'{"text": "a"}\r{"text": "b"}\r')  # old Mac line ends still end lines
def test_jsonl_reader_on_arbitrary_bytes(data: bytes) -> None:
    _check_jsonl(data)


@PROPERTY
@given(st.lists(json_value | record, min_size=1, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_jsonl_reader_on_arbitrary_json(values: list[object], newline: str) -> None:
    lines = [json.dumps(v, ensure_ascii=False) for v in values]
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    items = list(read_jsonl("feed.jsonl", data))
    _check_jsonl(data)
    # one answer per line, naming that line
    assert [i.source for i in items] == [f"feed.jsonl:{n}" for n in range(1, len(lines) + 1)]


def test_jsonl_lines_split_only_at_newlines() -> None:
    """A record whose text holds U+2028 (legal raw inside a JSON string) stays one record."""
    data = json.dumps({"text": "one\u2028two\x85three"}, ensure_ascii=False).encode("utf-8")
    (item,) = read_jsonl("feed.jsonl", data + b"\n")
    assert isinstance(item, RawDocument) and item.source == "feed.jsonl:1"
    assert item.content.decode("utf-8") == "one\u2028two\x85three"


# --- the feeds reader ------------------------------------------------------------------------

SECRET = "STORYLINE-PROPERTY-SECRET-d41c"
_SECRET_FILE = Path(tempfile.mkdtemp(prefix="storyline-props-")) / "secret.txt"
_SECRET_FILE.write_text(SECRET + "\n", encoding="utf-8")
_TARGETS = [
    "file:///etc/passwd",
    f"file://{_SECRET_FILE}",
    str(_SECRET_FILE),
    "http://127.0.0.1:9/x",
]

declaration = st.sampled_from(
    [
        "",
        '<!DOCTYPE rss [<!ENTITY x "inner">]>',
        '<!DOCTYPE rss [<!ENTITY x SYSTEM "{t}">]>',
        '<!DOCTYPE rss [<!ENTITY % p SYSTEM "{t}"> %p;]>',
        '<!DOCTYPE rss SYSTEM "{t}">',
        '<!DOCTYPE rss PUBLIC "-//x//y" "{t}">',
        '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        "<!DOCTYPE rss [<!ELEMENT rss ANY>]>",
        "<!-- <!ENTITY x 'y'> -->",
    ]
)
xml_text = st.one_of(
    st.text(alphabet=st.sampled_from(MARKS + string.ascii_letters + "<>&;#/="), max_size=80),
    st.sampled_from(["&x;", "&b;", "&#0;", "&#xD800;", "&amp;", "&lt;p&gt;a&lt;/p&gt;", "]]>"]),
    st.builds(lambda s: f"<![CDATA[{s}]]>", st.text(max_size=60)),
)


@st.composite
def feed_document(draw: st.DrawFn) -> bytes:
    """An RSS/Atom/RDF document with random declarations, entity references and text."""
    target = draw(st.sampled_from(_TARGETS))
    prolog = draw(declaration).replace("{t}", target)
    pieces = draw(st.lists(xml_text, max_size=6))
    body = "".join(
        f"<item><title>{p}</title><description>{p} &x;</description><link>{target}</link></item>"
        for p in pieces
    )
    root = draw(st.sampled_from(["rss", "feed", "rdf:RDF"]))
    doc = f'<?xml version="1.0"?>{prolog}<{root}><channel><title>T</title>{body}</channel></{root}>'
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    return doc.encode(encoding, "replace")


def _check_feed(data: bytes) -> None:
    for item in read_feed("feed.rss", data):
        assert isinstance(item, (RawDocument, InputError)), item
        if isinstance(item, InputError):
            assert item.source == "feed.rss" or item.source.startswith("feed.rss#"), item
            assert item.reason.strip()
            assert SECRET not in item.reason and "root:x:0:0" not in item.reason
        else:
            assert item.source.startswith("feed.rss#")
            seen = item.content.decode("utf-8") + repr(item.metadata)
            assert SECRET not in seen and "root:x:0:0" not in seen, item


@PROPERTY
@given(feed_document())
def test_feed_reader_on_random_xml_never_expands_external_entities(data: bytes) -> None:
    _check_feed(data)


@PROPERTY
@given(st.binary(max_size=600))
@example(b'<rss><item a="1" ' + b'b="2" ' * 2000 + b"/></rss>")  # a quadratic SAX lookup
def test_feed_reader_on_arbitrary_bytes(data: bytes) -> None:
    _check_feed(b"<rss>" + data)


# --- JSONL: good lines survive whatever is around them -------------------------------------


@PROPERTY
@given(st.lists(st.one_of(st.binary(max_size=80), json_value.map(json.dumps)), max_size=8), word)
def test_jsonl_good_lines_survive_bad_neighbours(noise: list[bytes | str], text: str) -> None:
    good = json.dumps({"title": "T", "text": f"{text} is the body."}).encode()
    lines = [
        n.encode() if isinstance(n, str) else n.replace(b"\n", b" ").replace(b"\r", b" ")
        for n in noise
    ]
    where = len(lines) // 2
    lines.insert(where, good)
    number = where + 1
    items = list(read_jsonl("feed.jsonl", b"\n".join(lines)))
    docs = [i for i in items if isinstance(i, RawDocument) and i.source == f"feed.jsonl:{number}"]
    if not any(isinstance(i, InputError) and i.source == "feed.jsonl" for i in items):
        assert len(docs) == 1 and docs[0].content == f"{text} is the body.".encode()


# --- the cleaner keeps quotes among boilerplate --------------------------------------------

BOILERPLATE = [
    "Advertisement",
    "Read more: Ten things to know",
    "Share this article",
    "Sign up for our newsletter",
    "Photo: Getty Images",
    "© 2019 Reuters. All rights reserved.",
]


@PROPERTY
@given(article(), st.lists(st.sampled_from(BOILERPLATE), max_size=6), st.randoms())
def test_cleaning_never_removes_a_quote_sentence_among_boilerplate(
    drawn: tuple[list[str], list[str]], noise: list[str], rnd: random.Random
) -> None:
    body, quotes = drawn
    lines = list(body)
    for line in noise:
        lines.insert(rnd.randrange(len(lines) + 1), line)
    for favor in ("recall", "balanced", "precision"):
        kept = "\n".join(clean_paragraphs(lines, favor=favor)[0])
        for paragraph in quotes:
            assert paragraph in kept, (favor, paragraph)
    raw = "Dockworkers strike at three ports\n\n" + "\n\n".join(lines)
    assert all(q in clean_text(raw).paragraphs for q in quotes)
