"""Ingest: readers that turn files, directories, globs, stdin, feeds and WARCs into RawDocuments."""

from .feeds import read_feed
from .readers import decode_text, expand_inputs, read_input, read_jsonl, sidecar_metadata
from .warc import read_warc

__all__ = [
    "decode_text",
    "expand_inputs",
    "read_feed",
    "read_input",
    "read_jsonl",
    "read_warc",
    "sidecar_metadata",
]
