"""A bounded atheris run over the readers, cleaner and quote extractor (tests/fuzz_readers.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parent / "fuzz_readers.py"
RUNS = 3000  # bounded by runs, not time; the full size: -runs=200000


def test_fuzz_readers_bounded_run(tmp_path: Path) -> None:
    pytest.importorskip("atheris", reason="atheris is not installed (pip install 'storyline[dev]')")
    done = subprocess.run(
        [sys.executable, str(HARNESS), f"-runs={RUNS}", "-seed=10", "-max_len=4096"],
        cwd=tmp_path,  # libFuzzer writes crash-* files into the working directory
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Done {RUNS} runs" in done.stderr
