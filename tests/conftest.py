"""Shared fixtures: repository paths, the bundled seed articles, the evaluation data."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from storyline.records import Analysis, Article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "hanoi-summit"
FIXTURES = ROOT / "tests" / "fixtures"
QUARTZ_SEED = EXAMPLES / "000_fc169920c45f2168.txt"
VANITY_FAIR_SEED = EXAMPLES / "003_360cb259ff766ba6.txt"


def eval_data_dir() -> Path | None:
    """Where ../shared/eval is: STORYLINE_EVAL_DATA, else beside the repository."""
    configured = os.environ.get("STORYLINE_EVAL_DATA")
    path = Path(configured) if configured else ROOT.parent / "shared" / "eval"
    return path if path.is_dir() else None


def load_bench(name: str) -> ModuleType:
    """A script of bench/ imported as a module (tests drive its helpers)."""
    spec = importlib.util.spec_from_file_location(f"{name}_bench", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"{name}_bench"] = module
    spec.loader.exec_module(module)
    return module


def seed_articles() -> tuple[list[Article], dict[str, Analysis]]:
    """The bundled seed articles through the real stages (read, extract, analyse)."""
    from storyline.analyze import analyze
    from storyline.extract import extract
    from storyline.ingest.readers import read_input

    articles = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        for doc in read_input(str(path), None, None, 10_000_000):
            assert not isinstance(doc, Exception)
            articles.append(extract(doc))
    return articles, {a.id: x for a, x in zip(articles, analyze(articles), strict=True)}


@pytest.fixture
def eval_data() -> Path:
    """The evaluation data folder; skips the test with a reason when it is absent."""
    path = eval_data_dir()
    if path is None:
        pytest.skip(
            "evaluation data not found: set STORYLINE_EVAL_DATA to the shared/eval folder "
            "(expected at ../shared/eval beside the repository)"
        )
    return path


@pytest.fixture
def quartz_text() -> str:
    """The raw Quartz seed article."""
    return QUARTZ_SEED.read_text(encoding="utf-8")


@pytest.fixture
def vanity_fair_text() -> str:
    """The raw Vanity Fair seed article."""
    return VANITY_FAIR_SEED.read_text(encoding="utf-8")
