"""Ingest: readers that turn files, directories, globs and stdin into RawDocuments."""

from .readers import decode_text, expand_inputs, read_input, read_jsonl, sidecar_metadata

__all__ = ["decode_text", "expand_inputs", "read_input", "read_jsonl", "sidecar_metadata"]
