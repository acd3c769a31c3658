"""Generate the hostile-input corpus: >= 500 seeded cases across every reader, each a batch.

Usage: ``python tests/hostile/make_corpus.py TARGET [--seed N]``. Writes one folder per
case under TARGET and a ``cases.jsonl`` manifest; every case is one ingest batch (a list
of paths relative to TARGET) that mixes the hostile input with good articles, and names
the good article sources that must be stored, the strings that must never reach the
store (XXE targets) and what is expected of the hostile input (accept, reject or any).

Good articles come from tests/fixtures and examples/ (see their own notes for sources);
the small real broken files are committed under tests/hostile/files/ (see its README).
Nothing here is random without the seed: the same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import random
import shutil
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[2]
FILES = Path(__file__).resolve().parent / "files"
GOOD_TEXT = [
    ROOT / "tests" / "fixtures" / "gadgetdesk.headphones.txt",
    ROOT / "tests" / "fixtures" / "harborledger.trade-deal.txt",
    ROOT / "tests" / "fixtures" / "wire.port-strike.txt",
    ROOT / "examples" / "hanoi-summit" / "000_fc169920c45f2168.txt",
    ROOT / "examples" / "hanoi-summit" / "003_360cb259ff766ba6.txt",
]
GOOD_HTML = [
    ROOT / "tests" / "fixtures" / "harborledger.port-reopens.html",
    ROOT / "tests" / "fixtures" / "archive" / "panarmenian.news-275221.html",
]
SECRET_MARKER = "STORYLINE-HOSTILE-SECRET-7f3c1e"
PASSWD_MARKER = "root:x:0:0"
MB = 1_000_000
Expect = Literal["accept", "reject", "any"]


@dataclass
class Case:
    """One batch: its inputs (paths relative to the corpus root) and what must hold after it."""

    id: str
    family: str
    reader: str
    inputs: list[str]
    good: list[str]  # article sources (as the readers name them) that must be stored
    expect: Expect = "any"
    forbid: list[str] = field(default_factory=list)
    note: str = ""
    extras: list[str] = field(default_factory=list)  # the good articles around the hostile input


def _paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


class Corpus:
    """Writes case folders and collects their manifest entries."""

    def __init__(self, target: Path, seed: int) -> None:
        self.target = target
        self.rng = random.Random(seed)
        self.cases: list[Case] = []
        self.secret = target / "outside" / "secret.txt"
        self.good_texts = [p.read_text(encoding="utf-8") for p in GOOD_TEXT]
        self.good_html = [p.read_bytes() for p in GOOD_HTML]

    # --- helpers -------------------------------------------------------------------------
    def _dir(self, family: str) -> tuple[str, Path]:
        case_id = f"{len(self.cases):04d}-{family}"
        folder = self.target / case_id
        folder.mkdir(parents=True)
        return case_id, folder

    def good_file(self, folder: Path, case_id: str, k: int) -> str:
        """Copy a good article (text or HTML, by k) into the case folder; return its path."""
        src = GOOD_HTML[k % len(GOOD_HTML)] if k % 3 == 2 else GOOD_TEXT[k % len(GOOD_TEXT)]
        name = "good-" + src.name
        shutil.copyfile(src, folder / name)
        return f"{case_id}/{name}"

    def good_body(self, k: int) -> tuple[str, str]:
        """(title, body) of a good article, as plain paragraphs."""
        paras = _paragraphs(GOOD_TEXT[k % len(GOOD_TEXT)])
        return paras[0], "\n\n".join(paras[1:])

    def add(
        self,
        family: str,
        reader: str,
        files: dict[str, bytes],
        *,
        expect: Expect = "any",
        good_inside: Sequence[str] = (),
        forbid: Sequence[str] = (),
        note: str = "",
        as_dir: bool = False,
        extra_good: bool = True,
    ) -> Case:
        """A case: the hostile ``files`` (name -> bytes) plus a good article before and after."""
        case_id, folder = self._dir(family)
        k = len(self.cases)
        inputs: list[str] = []
        good: list[str] = []
        if extra_good:
            before = self.good_file(folder, case_id, k)
            inputs.append(before)
            good.append(before)
        for name, data in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            inputs.append(f"{case_id}/{name}")
        if extra_good:
            after_dir = folder / "after"
            after_dir.mkdir()
            src = GOOD_TEXT[(k + 1) % len(GOOD_TEXT)]
            # the opening of another good article (short: every case pays for its analysis)
            (after_dir / src.name).write_text("\n\n".join(_paragraphs(src)[:7]), encoding="utf-8")
            inputs.append(f"{case_id}/after/{src.name}")
            good.append(f"{case_id}/after/{src.name}")
        if as_dir:
            inputs = [case_id]
        extras = list(good)
        good += [f"{case_id}/{g}" for g in good_inside]
        case = Case(case_id, family, reader, inputs, good, expect, list(forbid), note, extras)
        self.cases.append(case)
        return case

    # --- good records embedded in hostile containers -----------------------------------
    def jsonl_good(self, k: int) -> bytes:
        title, body = self.good_body(k)
        return json.dumps({"title": title, "text": body}).encode()

    def feed_item(self, k: int, link: str = "https://example.org/good") -> str:
        title, body = self.good_body(k)
        html = "".join(f"<p>{_xml_escape(p)}</p>" for p in body.split("\n\n"))
        return (
            f"<item><title>{_xml_escape(title)}</title><link>{link}</link>"
            "<pubDate>Tue, 03 Dec 2019 10:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
        )

    def good_html_page(self, k: int) -> bytes:
        return self.good_html[k % len(self.good_html)]


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rss(items: str, prolog: str = '<?xml version="1.0" encoding="utf-8"?>\n') -> str:
    """An RSS 2.0 document around ``items``."""
    return (
        f'{prolog}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Hostile Wire</title><link>https://example.org/</link>{items}"
        "</channel></rss>"
    )


def warc_record(
    uri: str,
    http: bytes,
    *,
    rec_type: str = "response",
    length: int | str | None = None,
    date: str = "2019-12-03T10:00:00Z",
    n: int = 1,
) -> bytes:
    """One WARC record written by hand (so its Content-Length can lie)."""
    declared = len(http) if length is None else length
    head = (
        f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {declared}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def http_html(body: bytes, headers: str = "Content-Type: text/html; charset=utf-8\r\n") -> bytes:
    return b"HTTP/1.1 200 OK\r\n" + headers.encode() + b"\r\n" + body


def gz_members(records: Sequence[bytes]) -> bytes:
    """A .warc.gz: each record its own gzip member (as crawlers write them)."""
    return b"".join(gzip.compress(r, mtime=0) for r in records)


@functools.lru_cache(maxsize=4)
def zero_gzip(size: int, chunk: int = 1 << 20) -> bytes:
    """One gzip member inflating to ``size`` zero bytes, built in chunks (little memory)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(chunk)
    parts = [comp.compress(block) for _ in range(size // chunk)]
    parts.append(comp.flush())
    return b"".join(parts)


# --- families ---------------------------------------------------------------------------

EXTS = [".txt", ".md", "", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".rss", ".atom"]
EXTS += [".rdf", ".warc", ".warc.gz", ".jsonl.gz", ".html.gz", ".rss.gz"]


def empties(c: Corpus) -> None:
    blanks = [b"", b" ", b"\n\n\t  \r\n", b"\xef\xbb\xbf", "\u00a0\u2003\u3000\n".encode()]
    for ext in EXTS:
        for i, blank in enumerate(blanks):
            data = gzip.compress(blank, mtime=0) if ext.endswith(".gz") else blank
            c.add("empty", ext or "noext", {f"blank{i}{ext}": data}, expect="reject")


def binaries(c: Corpus) -> None:
    heads = {
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "elf": b"\x7fELF\x02\x01\x01\x00",
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        "sqlite": b"SQLite format 3\x00",
        "random": b"",
    }
    for ext in [".txt", "", ".html", ".jsonl", ".rss", ".warc", ".warc.gz", ".jsonl.gz"]:
        for kind, head in heads.items():
            size = c.rng.choice([16, 700, 5000, 70_000])
            blob = head + c.rng.randbytes(size)
            if ext.endswith(".gz") and kind == "random":
                blob = gzip.compress(blob, mtime=0)
            c.add("binary", ext or "noext", {f"blob-{kind}{ext}": blob}, expect="reject")
    # control characters but no NULs, labelled as text
    for i in range(4):
        noise = bytes(c.rng.choice(range(1, 32)) for _ in range(3000))
        c.add("binary", ".txt", {f"controls{i}.txt": noise}, expect="reject")


def encodings(c: Corpus) -> None:
    for k in range(len(GOOD_TEXT)):
        text = c.good_texts[k] + "\nCafé crème, naïve façade — “quoted”.\n"
        variants: dict[str, tuple[bytes, Expect]] = {
            "utf16le-nobom.txt": (text.encode("utf-16-le"), "any"),
            "utf16be-nobom.txt": (text.encode("utf-16-be"), "any"),
            "utf16-bom.txt": (text.encode("utf-16"), "accept"),
            "utf32.txt": (text.encode("utf-32"), "any"),
            "latin1.txt": (text.encode("latin-1", "replace"), "accept"),
            "cp1252.txt": (text.encode("cp1252", "replace"), "accept"),
            "utf8-bom.txt": (b"\xef\xbb\xbf" + text.encode(), "accept"),
            "mixed-utf8-latin1.txt": (
                text[: len(text) // 2].encode()
                + text[len(text) // 2 :].encode("latin-1", "replace"),
                "accept",
            ),
            "invalid-utf8.txt": (
                text.encode().replace(b"e", b"\xc3\x28", 20).replace(b"a", b"\xed\xa0\x80", 5),
                "any",
            ),
            "overlong.txt": (text.encode().replace(b" ", b"\xc0\xa0", 30), "any"),
        }
        for name, (data, expect) in variants.items():
            c.add("encoding", ".txt", {name: data}, expect=expect)
        page = c.good_html_page(k).decode("utf-8")
        page = page.replace("<head>", '<head><meta charset="utf-8">', 1)
        html_variants = {
            "latin1-declared-utf8.html": page.encode("latin-1", "replace"),
            "utf16-nobom.html": page.encode("utf-16-le"),
            "cp1252-declared-utf8.html": page.encode("cp1252", "replace"),
            "shiftjis-declared-utf8.html": page.encode("shift_jis", "replace"),
        }
        for name, data in html_variants.items():
            c.add("encoding", ".html", {name: data})
        item = c.feed_item(k)
        c.add(
            "encoding", ".rss", {"latin1-declared-utf8.rss": rss(item).encode("latin-1", "replace")}
        )
        c.add("encoding", ".rss", {"utf16-nobom.rss": rss(item).encode("utf-16-le")})
        line = json.dumps({"text": text}, ensure_ascii=False)
        c.add(
            "encoding",
            ".jsonl",
            {"latin1.jsonl": line.encode("latin-1", "replace")},
            expect="reject",
        )


def big(c: Corpus) -> None:
    rng = c.rng
    para = " ".join(
        rng.choice(["port", "strike", "said", "the", "union", "talks"]) for _ in range(60)
    )
    body = f"<p>{para}.</p>\n".encode()
    head = b"<!doctype html><html><head><title>Big page</title></head><body><article>"
    tail = b"</article></body></html>"
    over = head + body * (50 * MB // len(body) + 10) + tail
    c.add(
        "big", ".html", {"over-50mb.html": over}, expect="reject", note="50 MB HTML over the limit"
    )
    under = head + body * (49 * MB // len(body)) + tail
    c.add("big", ".html", {"49mb.html": under}, note="49 MB HTML under the limit")
    line = (para + ". ").encode() * (10 * MB // (len(para) + 2))
    c.add("big", ".txt", {"one-10mb-line.txt": line}, note="a single 10 MB line")
    c.add("big", ".txt", {"one-10mb-word.txt": b"x" * (10 * MB)}, note="one 10 MB word")
    c.add("big", ".html", {"one-10mb-line.html": head + b"<p>" + line + b"</p>" + tail})
    c.add(
        "big",
        ".jsonl",
        {
            "one-10mb-line.jsonl": json.dumps({"text": line.decode()}).encode()
            + b"\n"
            + c.jsonl_good(1)
        },
        good_inside=["one-10mb-line.jsonl:2"],
    )
    c.add("big", ".txt", {"10mb-quotes.txt": "“a".encode() * (10 * MB // 4)})
    c.add("big", ".txt", {"many-lines.txt": b"a.\n" * (3 * MB)})
    depth = 100_000
    nest = b"<div>" * depth + b"deep text " * 50 + b"</div>" * depth
    c.add("deep", ".html", {"deep-div.html": head + nest + tail})
    c.add("deep", ".html", {"deep-unclosed.html": head + b"<div><span>" * depth + b"x" + tail})
    c.add("deep", ".html", {"deep-bq.html": head + b"<blockquote>" * depth + b"q" + tail})
    deep_item = (
        "<item><title>Deep</title><link>https://example.org/deep</link><content:encoded><![CDATA["
        + "<div>" * depth
        + "deep words here "
        + "</div>" * depth
        + "]]></content:encoded></item>"
    )
    c.add(
        "deep",
        ".rss",
        {"deep-content.rss": rss(deep_item + c.feed_item(2)).encode()},
        good_inside=["deep-content.rss#2"],
    )
    c.add("deep", ".rss", {"deep-xml.rss": rss("<x>" * depth + "</x>" * depth).encode()})
    c.add(
        "deep",
        ".jsonl",
        {"deep.jsonl": b"[" * depth + b"]" * depth + b"\n" + c.jsonl_good(3)},
        good_inside=["deep.jsonl:2"],
    )
    c.add(
        "deep", ".jsonl", {"deep-html.jsonl": json.dumps({"html": "<div>" * depth + "x"}).encode()}
    )
    c.add("deep", ".txt", {"deep-quotes.txt": ("“" * 5000 + "a” " * 5000).encode()})
    c.add(
        "deep",
        "dir",
        {"/".join(["d"] * 60) + "/good.txt": c.good_texts[2].encode()},
        as_dir=True,
        good_inside=["/".join(["d"] * 60) + "/good.txt"],
        expect="accept",
    )


def html_oddities(c: Corpus) -> None:
    head = b"<!doctype html><html><head><title>Odd</title></head><body>"
    tail = b"</body></html>"
    script = b"<script>var x = '" + b"a" * 4000 + b"'; document.write(x);</script>"
    cases = {
        "only-scripts.html": head + script * 50 + tail,
        "only-styles.html": head + b"<style>p{color:red}</style>" * 200 + tail,
        "only-noscript.html": head + b"<noscript>enable js</noscript>" * 20 + tail,
        "only-comments.html": head + b"<!-- a comment -->" * 500 + tail,
        "no-body.html": b"<html><head><title>t</title></head></html>",
        "truncated.html": c.good_html_page(0)[:3000],
        "truncated-mid-tag.html": c.good_html_page(1)[:2000] + b'<p class="',
        "only-nav.html": head + b"<nav><a href='/'>Home</a></nav>" * 100 + tail,
        "many-links.html": head
        + b"".join(b"<a href='/%d'>link %d</a> " % (i, i) for i in range(20000))
        + tail,
        "huge-attr.html": head + b"<p title='" + b"z" * 2_000_000 + b"'>hi</p>" + tail,
        "tiny-paras.html": head + b"<p>a</p>" * 50_000 + tail,
        "iframes.html": head + b"<iframe src='file:///etc/passwd'></iframe>" * 10 + tail,
        "xxe.html": b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<html><body><p>&x; text</p></body></html>",
        "xxe-secret.html": f'<!DOCTYPE html [<!ENTITY s SYSTEM "file://{c.secret}">]>'.encode()
        + head
        + b"<article><p>&s;</p>"
        + b"<p>words " * 200
        + b"</p></article>"
        + tail,
        "xinclude.html": head + b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        b'href="file:///etc/passwd" parse="text"/>' + tail,
        "frameset.html": b"<html><frameset><frame src='a.html'></frameset></html>",
        "cdata.html": head + b"<![CDATA[" + b"x" * 10000 + b"]]>" + tail,
        "nul-bytes.html": head + b"<p>a\x00b</p>" * 100 + tail,
        "svg-only.html": head + b"<svg><text>hello</text></svg>" * 100 + tail,
        "malformed-soup.html": b"<<<>>><p<<p>>&&&&;;<\x01\x02/p></html",
    }
    forbid = [PASSWD_MARKER, SECRET_MARKER]
    for name, data in cases.items():
        c.add("html", ".html", {name: data}, forbid=forbid)


def gzips(c: Corpus) -> None:
    good_jsonl = c.jsonl_good(0) + b"\n"
    page = c.good_html_page(0)
    feed = rss(c.feed_item(1)).encode()
    for ext, data in [(".jsonl.gz", good_jsonl), (".html.gz", page), (".rss.gz", feed)]:
        packed = gzip.compress(data, mtime=0)
        for cut in (1, 10, len(packed) // 2, len(packed) - 4):
            c.add("gzip", ext, {f"truncated-{cut}{ext}": packed[:cut]}, expect="reject")
        bad_crc = packed[:-8] + bytes(8)
        c.add("gzip", ext, {f"bad-crc{ext}": bad_crc}, expect="reject")
        c.add("gzip", ext, {f"not-gzip{ext}": data}, expect="reject")
        c.add("gzip", ext, {f"double{ext}": gzip.compress(packed, mtime=0)})
        c.add("gzip", ext, {f"trailing-garbage{ext}": packed + b"garbage!"}, expect="accept")
    # multi-member gzip (what `cat a.gz b.gz` gives): every member's records go in
    two = gzip.compress(c.jsonl_good(1) + b"\n", mtime=0) + gzip.compress(
        c.jsonl_good(2) + b"\n", mtime=0
    )
    c.add(
        "gzip",
        ".jsonl.gz",
        {"two-members.jsonl.gz": two},
        expect="accept",
        good_inside=["two-members.jsonl.gz:1", "two-members.jsonl.gz:2"],
    )
    # bombs: one member inflating to 1 GB, and 100 members of 100 MB each (10 GB equivalent)
    one_gb = zero_gzip(1000 * MB)
    member = zero_gzip(100 * MB)
    for ext in (".jsonl.gz", ".html.gz", ".rss.gz", ".gz"):
        c.add("bomb", ext, {f"bomb-1gb{ext}": one_gb}, expect="reject")
        c.add("bomb", ext, {f"bomb-10gb{ext}": member * 100}, expect="reject")
    # a zip bomb: we do not read zip archives; it must be refused as binary, quickly
    c.add("bomb", ".zip", {"bomb.zip": _zip_bomb(200 * MB)}, expect="reject")
    c.add("bomb", ".txt", {"bomb-zip-named.txt": _zip_bomb(200 * MB)}, expect="reject")


def _zip_bomb(size: int) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    block = bytes(1 << 20)
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("zeros.txt", "w", force_zip64=True) as fh,
    ):
        for _ in range(size >> 20):
            fh.write(block)
    return buf.getvalue()


def warcs(c: Corpus) -> None:
    rng = c.rng
    good = [http_html(c.good_html_page(k)) for k in range(2)]
    recs = [warc_record("https://example.org/good0", good[0], n=1)]
    image = http_html(b"\x89PNG" + rng.randbytes(300), "Content-Type: image/png\r\n")
    recs.append(warc_record("https://example.org/img.png", image, n=2))
    recs.append(warc_record("https://example.org/good1", good[1], n=3))
    plain = b"".join(recs)
    packed = gz_members(recs)
    g0, g1 = "#https://example.org/good0", "#https://example.org/good1"
    # truncation sweeps: the records before the cut must go in
    for label, data in (("warc", plain), ("warc.gz", packed)):
        first_end = len(recs[0]) if label == "warc" else len(gzip.compress(recs[0], mtime=0))
        for i in range(12):
            cut = first_end + 1 + (len(data) - first_end - 2) * i // 12
            name = f"cut-{cut}.{label}"
            c.add("warc-truncated", label, {name: data[:cut]}, good_inside=[name + g0])
        for i in range(6):
            cut = 1 + (first_end - 2) * i // 6
            c.add("warc-truncated", label, {f"cut-first-{cut}.{label}": data[:cut]})
    # wrong Content-Length on the second record (first must go in)
    for length in (0, 5, len(image) - 50, len(image) + 50, len(image) * 10, 10**12, -1, "abc", ""):
        bad = warc_record("https://example.org/img.png", image, length=length, n=2)
        for label, data in (
            ("warc", recs[0] + bad + recs[2]),
            ("warc.gz", gz_members([recs[0], bad, recs[2]])),
        ):
            name = f"len-{str(length)[:8] or 'empty'}.{label}"
            c.add("warc-length", label, {name: data}, good_inside=[name + g0])
    # wrong Content-Length on the first (HTML) record
    for length in (10, len(good[0]) - 100, len(good[0]) + 100):
        name = f"len-first-{length}.warc"
        bad = warc_record("https://example.org/good0", good[0], length=length)
        c.add("warc-length", "warc", {name: bad + recs[2]})
    # records that are odd in themselves
    odd = {
        "no-http-head": b"<html><body>no status</body></html>",
        "status-500": b"HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\n\r\n<html></html>",
        "binary-as-html": http_html(b"<html>\x00\x01\xff" + rng.randbytes(500)),
        "empty-payload": http_html(b""),
        "bad-chunked": http_html(
            b"zz\r\nnot chunked\r\n", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        ),
        "bad-gzip-encoding": http_html(
            b"\x1f\x8bnot really", "Content-Type: text/html\r\nContent-Encoding: gzip\r\n"
        ),
        "gzip-encoded-bomb": http_html(
            zero_gzip(300 * MB), "Content-Type: text/html\r\nContent-Encoding: gzip\r\n"
        ),
        "brotli-claimed": http_html(
            rng.randbytes(200), "Content-Type: text/html\r\nContent-Encoding: br\r\n"
        ),
        "only-scripts": http_html(
            b"<html><body>" + b"<script>x()</script>" * 100 + b"</body></html>"
        ),
        "no-content-type": b"HTTP/1.1 200 OK\r\n\r\n" + c.good_html_page(1),
        "huge-header": b"HTTP/1.1 200 OK\r\nX-Big: "
        + b"h" * 1_000_000
        + b"\r\nContent-Type: text/html\r\n\r\n<html><body><p>x</p></body></html>",
        "absurd-status": b"HTTP/1.1 99999999999999999999 OK\r\n"
        b"Content-Type: text/html\r\n\r\n<p>x</p>",
    }
    for label, body in odd.items():
        name = f"odd-{label}.warc.gz"
        data = gz_members([recs[0], warc_record("https://example.org/odd", body, n=9), recs[2]])
        c.add("warc-record", "warc.gz", {name: data}, good_inside=[name + g0, name + g1])
    # odd record headers and dates
    for label, uri, date in (
        ("date-year0", "https://example.org/d0", "0000-01-01T00:00:00Z"),
        ("date-99999", "https://example.org/d1", "99999-01-01T00:00:00Z"),
        ("date-negative", "https://example.org/d2", "-0001-01-01T00:00:00Z"),
        ("date-nan", "https://example.org/d3", "NaN"),
        ("date-epoch", "https://example.org/d4", "-62135596800"),
        ("uri-file", "file:///etc/passwd", "2019-12-03T10:00:00Z"),
        ("uri-dotdot", "https://example.org/../../etc/passwd", "2019-12-03T10:00:00Z"),
        ("uri-control", "https://example.org/\x1b[31mred", "2019-12-03T10:00:00Z"),
        ("uri-empty", "", "2019-12-03T10:00:00Z"),
    ):
        name = f"rec-{label}.warc"
        data = recs[0] + warc_record(uri, good[1], date=date, n=5)
        c.add("warc-header", "warc", {name: data}, good_inside=[name + g0], forbid=[PASSWD_MARKER])
    only_skips = gz_members([warc_record("https://example.org/img.png", image, n=2)])
    c.add("warc-skip", "warc.gz", {"only-image.warc.gz": only_skips}, expect="reject")
    c.add(
        "warc-skip",
        "warc",
        {"warcinfo-only.warc": warc_record("", b"software: x\r\n", rec_type="warcinfo")},
        expect="reject",
    )
    c.add(
        "warc-skip",
        "warc",
        {"garbage-after.warc": plain + rng.randbytes(3000)},
        good_inside=["garbage-after.warc" + g0, "garbage-after.warc" + g1],
    )
    c.add("warc-skip", "warc", {"not-warc-version.warc": plain.replace(b"WARC/1.0", b"WARC/9.9")})
    # bombs: a record whose gzip member inflates to 1 GB of zeros, between good records
    decl = warc_record("https://example.org/bomb", b"", length=1000 * MB, n=4)
    head_only = decl[: decl.index(b"\r\n\r\n") + 4]
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    member = (
        comp.compress(head_only)
        + b"".join(comp.compress(bytes(1 << 20)) for _ in range(1000))
        + comp.flush()
    )
    name = "bomb-record.warc.gz"
    c.add(
        "bomb",
        "warc.gz",
        {name: gzip.compress(recs[0], mtime=0) + member + gzip.compress(recs[2], mtime=0)},
        good_inside=[name + g0],
    )
    raw_bomb = zero_gzip(1000 * MB)
    c.add("bomb", "warc.gz", {"bomb-raw.warc.gz": raw_bomb}, expect="reject")
    c.add("bomb", "warc.gz", {"bomb-10gb.warc.gz": zero_gzip(100 * MB) * 100}, expect="reject")


def feeds(c: Corpus) -> None:
    lol = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    secret = c.secret
    doctypes = {
        "billion-laughs": f"<!DOCTYPE rss [{lol}]>",
        "quadratic": f'<!DOCTYPE rss [<!ENTITY a "{"x" * 50_000}">]>',
        "xxe-passwd": '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        "xxe-secret": f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>',
        "xxe-param": f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>',
        "external-dtd": '<!DOCTYPE rss SYSTEM "file:///etc/passwd">',
        "external-dtd-secret": f'<!DOCTYPE rss SYSTEM "file://{secret}">',
        "public-dtd": '<!DOCTYPE rss PUBLIC "-//x//y" "http://127.0.0.1:9/evil.dtd">',
        "lowercase-entity": '<!DOCTYPE rss [<!entity x SYSTEM "file:///etc/passwd">]>',
        "entity-in-comment": "<!-- <!ENTITY x 'y'> --><!DOCTYPE rss>",
        "spaced-entity": '<!DOCTYPE rss [<!ENTITY\n\tx SYSTEM "file:///etc/passwd">]>',
    }
    uses = {
        "billion-laughs": "&lol9;",
        "quadratic": "&a;" * 2000,
        "xxe-passwd": "&x;",
        "xxe-secret": "&x;",
    }
    forbid = [PASSWD_MARKER, SECRET_MARKER]
    for k, (label, doctype) in enumerate(doctypes.items()):
        use = uses.get(label, "&x;")
        bad_item = (
            f"<item><title>Bad {use}</title><description>{use}</description>"
            f"<content:encoded>{use} more</content:encoded></item>"
        )
        doc = rss(bad_item + c.feed_item(k), f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n')
        for enc in ("utf-8", "utf-16", "utf-16-le", "utf-32"):
            data = doc.replace('encoding="utf-8"', f'encoding="{enc.removesuffix("-le")}"').encode(
                enc
            )
            for ext in (".rss", ""):
                c.add("feed-entity", ext or "noext", {f"{label}-{enc}{ext}": data}, forbid=forbid)
        atom = (
            f'<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            f'<entry><title>t {use}</title><content type="html">{use}</content></entry></feed>'
        )
        c.add("feed-entity", ".atom", {f"{label}.atom": atom.encode()}, forbid=forbid)
    # XInclude and entities hidden inside escaped HTML content
    inner = _xml_escape(
        '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>'
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        'href="file:///etc/passwd" parse="text"/>' + "<p>words</p>" * 200
    )
    item = f"<item><title>t</title><link>https://example.org/i</link><description>{inner}</description></item>"
    c.add(
        "feed-entity",
        ".rss",
        {"escaped-xxe.rss": rss(item + c.feed_item(0)).encode()},
        forbid=forbid,
        good_inside=["escaped-xxe.rss#2"],
    )
    # dates, links and structure
    dates = [
        "Tue, 03 Dec 0000 10:00:00 GMT",
        "Tue, 03 Dec 99999 10:00:00 GMT",
        "-1",
        "NaN",
        "Mon, 31 Feb 2019 25:61:61 GMT",
        "0000-00-00T00:00:00Z",
        "99999-12-31T23:59:59Z",
        "1970-01-01T00:00:00-99:00",
        "-62135596800",
        "1e309",
        "9" * 400,
        "",
    ]
    for i, date in enumerate(dates):
        item = c.feed_item(i).replace("Tue, 03 Dec 2019 10:00:00 GMT", date)
        c.add("feed-date", ".rss", {f"date-{i}.rss": rss(item).encode()})
        title, body = c.good_body(i + 2)
        html = "".join(f"<p>{_xml_escape(p)}</p>" for p in body.split("\n\n"))
        atom = (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            f"<entry><title>{_xml_escape(title)}</title><updated>{date}</updated>"
            f'<content type="html">{_xml_escape(html)}</content></entry></feed>'
        )
        c.add("feed-date", ".atom", {f"date-{i}.atom": atom.encode()})
    links = [
        "file:///etc/passwd",
        "https://example.org/../../outside/secret.txt",
        "..",
        "../secret.txt",
        "https://example.org/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt",
        "javascript:alert(1)",
        "https://example.org/\x1b[2J",
        "",
        "https://" + "a" * 100_000,
    ]
    for i, link in enumerate(links):
        item = (
            f"<item><title>t</title><link>{_xml_escape(link)}</link>"
            "<description>short</description></item>"
        )
        c.add(
            "feed-link",
            ".rss",
            {f"link-{i}.rss": rss(item + c.feed_item(1)).encode()},
            forbid=forbid,
            good_inside=[f"link-{i}.rss#2"],
        )
    broken = rss(c.feed_item(2))
    for cut in (50, 200, len(broken) // 2, len(broken) - 10):
        c.add("feed-broken", ".rss", {f"cut-{cut}.rss": broken[:cut].encode()})
    c.add("feed-broken", ".rss", {"no-items.rss": rss("").encode()}, expect="reject")
    c.add(
        "feed-broken",
        ".rss",
        {"empty-items.rss": rss("<item></item>" * 50).encode()},
        expect="reject",
    )
    c.add(
        "feed-broken",
        ".rss",
        {"many-items.rss": rss("<item><title>x</title></item>" * 20_000).encode()},
    )
    c.add("feed-broken", ".rss", {"html-not-feed.rss": c.good_html_page(0)})
    c.add("feed-broken", ".rss", {"json-not-feed.rss": c.jsonl_good(0)})
    c.add(
        "feed-broken",
        ".rss",
        {"pi-bomb.rss": rss("<?x " + "y" * 1_000_000 + "?>" + c.feed_item(3)).encode()},
    )
    c.add(
        "feed-broken",
        ".rss",
        {"nul.rss": rss(c.feed_item(3)).encode().replace(b"<item>", b"<item>\x00")},
    )
    c.add(
        "feed-broken",
        ".rss",
        {"attrs.rss": rss("<item " + " ".join(f'a{i}="v"' for i in range(50_000)) + "/>").encode()},
    )


def jsonl(c: Corpus) -> None:
    wrong = {
        "int": 1,
        "float": 1.5,
        "bool": True,
        "null": None,
        "list": ["x"],
        "dict": {"a": "b"},
        "huge-int": 10**100,
        "empty": "",
    }
    for key in ("id", "url", "outlet", "title", "published", "text", "html"):
        for label, value in wrong.items():
            title, body = c.good_body(len(c.cases))
            entry: dict[str, object] = {"title": title, "text": body}
            entry[key] = value
            name = f"{key}-{label}.jsonl"
            lines = [c.jsonl_good(len(c.cases) + 1), json.dumps(entry).encode()]
            c.add(
                "jsonl-type", ".jsonl", {name: b"\n".join(lines) + b"\n"}, good_inside=[f"{name}:1"]
            )
    bad_lines = [
        b"{",
        b"}",
        b"[]",
        b"null",
        b"1",
        b'"text"',
        b"{'text': 'x'}",
        b'{"text": NaN}',
        b'{"text": Infinity}',
        b'{"text": "a", "text": 5}',
        b'{"text":"\\ud800"}',
        b"\xff\xfe{}",
        b'{"text": "x"} trailing',
        b"\x00",
        b"1" * 5000,
        b"[" * 5000,
        b'{"a":' * 3000,
        b'{"text": "' + b"\\u0000" * 1000 + b'"}',
        b'{"html": "<script>x</script>"}',
        b'{"title": "' + b"t" * 100_000 + b'", "text": "short"}',
    ]
    for i, bad in enumerate(bad_lines):
        name = f"bad-{i}.jsonl"
        data = c.jsonl_good(i) + b"\n" + bad + b"\n" + c.jsonl_good(i + 1) + b"\n"
        c.add("jsonl-line", ".jsonl", {name: data}, good_inside=[f"{name}:1", f"{name}:3"])
    dates = [
        "0000-01-01",
        "99999-01-01",
        "-0001-01-01",
        "NaN",
        "nan",
        "1e309",
        "2019-02-30",
        "2019-13-01",
        "1969-12-31T23:59:59-99:00",
        "+002019-01-01",
        "2019-01-01T25:00:00",
        "１９７０-01-01",
        "9999-12-31T23:59:59+14:00",
        "0001-01-01T00:00:00-01:00",
        "\x00",
        "2019-01-01\n2020-01-01",
        " " * 1000,
        "-62135596800",
    ]
    for i, date in enumerate(dates):
        title, body = c.good_body(i)
        name = f"date-{i}.jsonl"
        data = json.dumps({"title": title, "text": body, "published": date}).encode()
        c.add(
            "jsonl-date",
            ".jsonl",
            {name: data + b"\n" + c.jsonl_good(i + 2) + b"\n"},
            good_inside=[f"{name}:2"],
        )
    ids = ["../../etc/passwd", "a/b", "\x1b[31m", "x" * 10_000, " ", "\u202e", "<script>", "?x=1#y"]
    for i, ident in enumerate(ids):
        title, body = c.good_body(i)
        name = f"id-{i}.jsonl"
        data = json.dumps({"id": ident, "title": title, "text": body}).encode()
        c.add(
            "jsonl-id",
            ".jsonl",
            {name: data + b"\n" + c.jsonl_good(i + 1) + b"\n"},
            good_inside=[f"{name}:2"],
        )
    many = b"\n".join(
        [b'{"text": ' + str(i).encode() + b"}" for i in range(20_000)] + [c.jsonl_good(2)]
    )
    c.add("jsonl-line", ".jsonl", {"many-bad.jsonl": many}, good_inside=["many-bad.jsonl:20001"])
    c.add(
        "jsonl-line",
        ".jsonl",
        {"cr-only.jsonl": c.jsonl_good(1) + b"\r" + c.jsonl_good(3) + b"\r"},
        good_inside=["cr-only.jsonl:1", "cr-only.jsonl:2"],
        expect="accept",
    )


def dates_elsewhere(c: Corpus) -> None:
    dates = [
        "0000-01-01",
        "99999-01-01",
        "-1",
        "NaN",
        "2019-02-30",
        "1e309",
        "-62135596800",
        "0001-01-01T00:00:00+23:59",
    ]
    for i, date in enumerate(dates):
        text = c.good_texts[i % len(GOOD_TEXT)].encode()
        c.add(
            "date-sidecar",
            ".txt",
            {f"s{i}.txt": text, f"s{i}.txt.json": json.dumps({"published": date}).encode()},
        )
        page = c.good_html_page(i).decode()
        meta = f'<meta property="article:published_time" content="{date}">'
        html = page.replace("<head>", "<head>" + meta, 1).encode()
        c.add("date-html", ".html", {f"d{i}.html": html}, expect="accept")


def paths(c: Corpus) -> None:
    text = c.good_texts[0].encode()
    names = [
        "..txt",
        "...",
        "a..b.txt",
        "..hidden.txt",
        "-rf.txt",
        "-",
        "--help.txt",
        "spaced name .txt",
        "tab\tname.txt",
        "new\nline.txt",
        "cr\rname.txt",
        "esc\x1b[31mred.txt",
        "bell\x07.txt",
        "del\x7f.txt",
        "[glob].txt",
        "star*.txt",
        "q?.txt",
        "back\\slash.txt",
        "rtl\u202etxt.exe",
        "nfd-cafe\u0301.txt",
        "x" * 250 + ".txt",
        "emoji-\U0001f4f0.txt",
        "~tilde.txt",
        "$HOME.txt",
        "semi;colon.txt",
        "quote\"'.txt",
        "percent%2e%2e.txt",
        "nul-looking\\0.txt",
    ]
    for i, name in enumerate(names):
        case = c.add(
            "path", "name", {name: c.good_texts[i % len(GOOD_TEXT)].encode()}, expect="accept"
        )
        case.good.append(case.inputs[1])
        if not name.startswith("."):  # a directory walk skips hidden files, by design
            c.add(
                "path", "dir-name", {name: text}, as_dir=True, expect="accept", good_inside=[name]
            )
    # bytes that are not UTF-8 in a file name (surrogate-escaped by Python)
    case_id, folder = c._dir("path")
    raw = os.fsencode(folder) + b"/latin1-caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(c.good_texts[1].encode())
    c.cases.append(
        Case(case_id, "path", "bytes-name", [case_id], [os.fsdecode(raw)[len(str(c.target)) + 1 :]])
    )
    # paths given with .. segments, and manifests pointing outside the folder
    case = c.add("path", "dotdot-arg", {"sub/x.txt": c.good_texts[3].encode()}, expect="accept")
    case.inputs[1] = case.inputs[1].replace("sub/x.txt", "sub/../sub/x.txt")
    manifest = b"\n".join(
        json.dumps({"file": f, "url": "https://example.org/m", "published": "2019-12-03"}).encode()
        for f in ["../outside/secret.txt", "/etc/passwd", "..", "m.txt"]
    )
    c.add(
        "path",
        "manifest",
        {"m.txt": c.good_texts[2].encode(), "manifest.jsonl": manifest},
        as_dir=True,
        expect="accept",
        good_inside=["m.txt"],
        forbid=[SECRET_MARKER, PASSWD_MARKER],
    )
    c.add(
        "path",
        "manifest-broken",
        {"m.txt": c.good_texts[3].encode(), "manifest.jsonl": b"{broken\n"},
        as_dir=True,
        expect="reject",
        extra_good=False,  # a broken manifest line refuses every file of its folder
    )
    # special files: symlink loops, dangling links, a FIFO (must not block), hidden files only
    case_id, folder = c._dir("path")
    (folder / "loop").symlink_to(".")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    os.mkfifo(folder / "fifo.txt")
    shutil.copyfile(GOOD_TEXT[4], folder / "good.txt")
    c.cases.append(Case(case_id, "path", "special-files", [case_id], [f"{case_id}/good.txt"]))
    case_id, folder = c._dir("path")
    os.mkfifo(folder / "fifo.txt")
    c.cases.append(Case(case_id, "path", "fifo-arg", [f"{case_id}/fifo.txt"], [], "reject"))
    case_id, folder = c._dir("path")
    (folder / ".hidden.txt").write_bytes(text)
    c.cases.append(Case(case_id, "path", "only-hidden", [case_id], [], "reject"))
    case_id, folder = c._dir("path")
    c.cases.append(Case(case_id, "path", "empty-dir", [case_id], [], "reject"))
    for pattern in ("nothing-*.txt", "[", "**/none.zz"):
        case_id, folder = c._dir("path")
        c.cases.append(Case(case_id, "path", "glob", [f"{case_id}/{pattern}"], [], "reject"))


def real_files(c: Corpus) -> None:
    """The committed real broken files (tests/hostile/files/, sources in its README)."""
    for path in sorted(FILES.iterdir()):
        if path.name == "README.md" or path.is_dir():
            continue
        c.add("real", path.suffix or "noext", {path.name: path.read_bytes()})
    archive = ROOT / "tests" / "fixtures" / "archive"
    crawl = (archive / "crawl.warc.gz").read_bytes()
    plain = gzip.decompress(crawl)
    feed = (archive / "science-wire.rss").read_bytes()
    for i in range(1, 6):
        c.add("real", "warc.gz", {f"crawl-cut{i}.warc.gz": crawl[: len(crawl) * i // 6]})
        c.add("real", "warc", {f"crawl-cut{i}.warc": plain[: len(plain) * i // 6]})
        c.add("real", "rss", {f"science-wire-cut{i}.rss": feed[: len(feed) * i // 6]})


FAMILIES: tuple[Callable[[Corpus], None], ...] = (
    empties,
    binaries,
    encodings,
    big,
    html_oddities,
    gzips,
    warcs,
    feeds,
    jsonl,
    dates_elsewhere,
    paths,
    real_files,
)


def generate(target: Path, seed: int = 10) -> list[Case]:
    """Write the corpus under ``target`` (emptied first) and return its cases."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    corpus = Corpus(target, seed)
    corpus.secret.parent.mkdir()
    corpus.secret.write_text(f"{SECRET_MARKER}\n", encoding="utf-8")
    for family in FAMILIES:
        family(corpus)
    with open(target / "cases.jsonl", "w", encoding="utf-8") as fh:
        for case in corpus.cases:
            fh.write(json.dumps(asdict(case), ensure_ascii=True) + "\n")
    return corpus.cases


def load_cases(target: Path) -> list[Case]:
    """The cases of a generated corpus."""
    with open(target / "cases.jsonl", encoding="utf-8") as fh:
        return [Case(**json.loads(line)) for line in fh]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args(argv)
    cases = generate(args.target, args.seed)
    print(f"{len(cases)} cases written to {args.target}")


if __name__ == "__main__":
    main()
