"""Ingest readers: inputs expanded, metadata from options/sidecars/manifests, bad input named."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from storyline.errors import InputError
from storyline.ingest import decode_text, expand_inputs, read_input
from storyline.ingest.readers import sidecar_metadata
from storyline.records import RawDocument


def _docs(items: list[RawDocument | InputError]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def _errors(items: list[RawDocument | InputError]) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def test_directory_is_walked_recursively_without_sidecars_or_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("A")
    (tmp_path / "a.txt.json").write_text("{}")
    (tmp_path / "sub" / "b.html").write_text("<html></html>")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "manifest.jsonl").write_text("")
    found = list(expand_inputs([str(tmp_path)]))
    assert found == [str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.html")]


def test_directory_walk_reads_links_inside_but_not_links_out_of_the_folder(tmp_path: Path) -> None:
    folder, outside = tmp_path / "in", tmp_path / "secret.txt"
    folder.mkdir()
    outside.write_text("not an article")
    (folder / "a.txt").write_text("A")
    (folder / "alias.txt").symlink_to(folder / "a.txt")
    (folder / "leak.txt").symlink_to(outside)
    found = list(expand_inputs([str(folder)]))
    assert found[:2] == [str(folder / "a.txt"), str(folder / "alias.txt")]
    [error] = found[2:]
    assert isinstance(error, InputError) and error.source == str(folder / "leak.txt")
    assert "outside the input directory" in error.reason
    assert list(expand_inputs([str(folder / "leak.txt")])) == [str(folder / "leak.txt")]


def test_globs_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "x1.txt").write_text("x")
    (tmp_path / "x2.txt").write_text("x")
    found = list(
        expand_inputs(
            [str(tmp_path / "x*.txt"), str(tmp_path / "nope.txt"), str(tmp_path / "none*.txt")]
        )
    )
    assert found[:2] == [str(tmp_path / "x1.txt"), str(tmp_path / "x2.txt")]
    errors = [e for e in found if isinstance(e, InputError)]
    assert [e.reason for e in errors] == [
        "no such file or directory",
        "no file matches this pattern",
    ]


def test_sidecar_beats_manifest_and_options_beat_both(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text("Headline\n\nBody text here.")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"file": "story.txt", "outlet": "Manifest News", "url": "https://m.example/1"})
        + "\n"
    )
    (tmp_path / "story.txt.json").write_text(json.dumps({"outlet": "Sidecar Times"}))
    [doc] = _docs(list(read_input(str(article))))
    assert doc.metadata == {"outlet": "Sidecar Times", "url": "https://m.example/1"}
    [doc] = _docs(list(read_input(str(article), {"outlet": "Given", "published": ""})))
    assert doc.metadata["outlet"] == "Given"
    assert "published" not in doc.metadata


def test_bad_sidecar_is_an_input_error_naming_the_sidecar(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text("Body")
    (tmp_path / "story.txt.json").write_text('{"outlet": 3}')
    try:
        list(read_input(str(article)))
    except InputError as exc:
        assert exc.source.endswith("story.txt.json")
        assert "outlet" in exc.reason
    else:
        raise AssertionError("a sidecar with a non-string outlet must be refused")


def test_jsonl_bad_lines_are_reported_and_good_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "a1", "outlet": "Wire", "text": "Some text."}),
                "{not json",
                json.dumps({"title": 5, "text": "x"}),
                json.dumps({"html": "<html><body><p>Hi</p></body></html>"}),
                json.dumps({"outlet": "Empty"}),
                "[1, 2]",
            ]
        )
        + "\n"
    )
    items = list(read_input(str(path)))
    docs = _docs(items)
    assert [d.content_type for d in docs] == ["text", "html"]
    assert docs[0].metadata == {"id": "a1", "outlet": "Wire"}
    reasons = {e.source.rsplit(":", 1)[1]: e.reason for e in _errors(items)}
    assert reasons["2"].startswith("invalid JSON")
    assert reasons["3"] == "field 'title' must be a string, not int"
    assert reasons["5"] == "record has no 'text' or 'html' content"
    assert reasons["6"] == "expected a JSON object"


def test_stdin_is_sniffed() -> None:
    [doc] = _docs(list(read_input("-", stdin=io.BytesIO(b"<!DOCTYPE html><html></html>"))))
    assert doc.content_type == "html" and doc.source == "-"
    [doc] = _docs(list(read_input("-", stdin=io.BytesIO(b"Title\n\nBody"))))
    assert doc.content_type == "text"
    docs = _docs(list(read_input("-", stdin=io.BytesIO(b'{"text": "x"}\n'))))
    assert docs[0].source == "-:1"


def test_empty_and_oversized_and_gzip(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    [err] = list(read_input(str(empty)))
    assert isinstance(err, InputError) and err.reason.startswith("empty input")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 200)
    [err] = list(read_input(str(big), max_bytes=100))
    assert isinstance(err, InputError) and err.reason.startswith("too large")
    page = tmp_path / "p.html.gz"
    page.write_bytes(gzip.compress(b"<html><body>x</body></html>"))
    [doc] = _docs(list(read_input(str(page))))
    assert doc.content.startswith(b"<html>")
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(gzip.compress(b"<html><body>" + b"y" * 5000 + b"</body></html>")[:-30])
    [err] = list(read_input(str(cut)))
    assert isinstance(err, InputError) and "gzip" in err.reason
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * 1_000_000))
    [err] = list(read_input(str(bomb), max_bytes=10_000))
    assert isinstance(err, InputError) and "decompresses to more than" in err.reason


def test_decode_text_refuses_binary_and_reads_legacy_encodings() -> None:
    for blob in (b"\x00\x01\x02binary", bytes(range(256)) * 4):
        try:
            decode_text("blob.bin", blob)
        except InputError as exc:
            assert exc.source == "blob.bin" and "binary" in exc.reason
        else:
            raise AssertionError("binary content must be refused")
    assert decode_text("l1.txt", "Café déjà vu".encode("cp1252")) == "Café déjà vu"
    assert decode_text("u16.txt", "Hello".encode("utf-16")) == "Hello"
    text = "Kim Jong Un left Hanoi.\nNo deal — “talks collapsed”."
    for encoding in ("utf-16-le", "utf-16-be"):  # saved without a byte-order mark
        assert decode_text("nobom.txt", text.encode(encoding)) == text
    for blob in (b"\x00A" * 40 + b"\x00", b"A\x00\x00\x00" * 40):  # odd length; NULs both sides
        try:
            decode_text("nul.bin", blob)
        except InputError as exc:
            assert "binary" in exc.reason
        else:
            raise AssertionError("NUL-laden bytes that are not UTF-16 must be refused")


def test_manifest_lines_end_only_at_newlines(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text("Headline\n\nBody text here.")
    # U+2028 is legal inside a JSON string and must not split the record
    entry = {"file": "story.txt", "outlet": "Line\u2028Separator Post", "url": "https://x.example"}
    (tmp_path / "manifest.jsonl").write_text(json.dumps(entry, ensure_ascii=False) + "\n")
    [doc] = _docs(list(read_input(str(article))))
    assert doc.metadata["outlet"] == "Line\u2028Separator Post"


def test_manifest_is_read_again_when_it_changes(tmp_path: Path) -> None:
    article, manifest = tmp_path / "story.txt", tmp_path / "manifest.jsonl"
    article.write_text("Headline\n\nBody text here.")
    manifest.write_text(json.dumps({"file": "story.txt", "outlet": "First Post"}) + "\n")
    assert sidecar_metadata(article) == {"outlet": "First Post"}
    manifest.write_text(json.dumps({"file": "story.txt", "outlet": "The Second Post"}) + "\n")
    assert sidecar_metadata(article) == {"outlet": "The Second Post"}
    manifest.write_text("{broken\n")
    try:
        sidecar_metadata(article)
    except InputError as exc:
        assert exc.source == f"{manifest}:1" and "invalid JSON" in exc.reason
    else:
        raise AssertionError("a broken manifest line must be reported")
