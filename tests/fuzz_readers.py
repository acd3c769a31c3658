"""Coverage-guided fuzzing (atheris) of the JSONL and feeds readers, text decoding, cleaner, quotes.

Run: ``.venv/bin/python tests/fuzz_readers.py -runs=20000`` (any libFuzzer flags). The first
byte picks the target; anything but a documented InputError is a crash that libFuzzer
reports with the input that caused it. tests/test_fuzz.py runs a bounded number of runs.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["storyline"]):
    from storyline.analyze.quotes import extract_quotes
    from storyline.clean import clean_text
    from storyline.errors import InputError
    from storyline.ingest import decode_text, read_feed, read_jsonl
    from storyline.records import RawDocument


def one_input(data: bytes) -> None:
    """Feed one input to the target its first byte names; only InputError may come out."""
    if not data:
        return
    target, rest = data[0] % 4, data[1:]
    if target == 0:
        for item in read_jsonl("fuzz.jsonl", rest):
            assert isinstance(item, RawDocument | InputError)
    elif target == 1:
        for item in read_feed("fuzz.rss", b"<rss>" + rest):
            assert isinstance(item, RawDocument | InputError)
    elif target == 2:
        try:
            text = decode_text("fuzz.txt", rest)
        except InputError:
            return
        for paragraph in clean_text(text).paragraphs:
            assert paragraph.strip()
    else:
        text = rest.decode("utf-8", "replace")
        for quote in extract_quotes("fuzz", text, mentions=()):
            assert text[quote.start : quote.end] == quote.text


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
