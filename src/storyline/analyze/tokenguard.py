"""Keep spaCy's tokenizer linear: cut runs without white space into bounded pieces.

spaCy strips prefixes and suffixes from a token one at a time, searching the whole
remaining token each time, so one long run of punctuation (5,000 ``“`` in a row)
costs quadratic time: 44 s for 10,000 characters. Runs longer than
:data:`MAX_RUN` are tokenized piece by piece and the pieces joined, so the Doc's
text is exactly the input (offsets stay right) and ordinary text is untouched.
"""

from __future__ import annotations

import re
from typing import Any

MAX_RUN = 100  # no ordinary word or URL part is this long; the cost per piece is tiny
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")


class BoundedTokenizer:
    """Wraps a spaCy tokenizer; long runs without white space are cut every MAX_RUN chars."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, text: str) -> Any:
        """Tokenize ``text``; the Doc's text is ``text`` exactly."""
        if _LONG_RUN.search(text) is None:
            return self.inner(text)
        from spacy.tokens import Doc

        cuts = [0]
        for run in _LONG_RUN.finditer(text):
            cuts.extend(range(run.start() + MAX_RUN, run.end(), MAX_RUN))
        cuts.append(len(text))
        docs = [self.inner(text[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
        return Doc.from_docs(docs, ensure_whitespace=False)

    def __getattr__(self, name: str) -> Any:
        # rules, prefix_search, to_disk, pipe ... stay the wrapped tokenizer's
        return getattr(self.inner, name)
