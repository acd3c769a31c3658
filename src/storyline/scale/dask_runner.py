"""Dask: the per-article stages (extraction, cleaning, analysis) as tasks on a Dask cluster.

Clustering and the store stay in this process, single-writer consumers of the
task results in stream order (see :mod:`storyline.scale.runner`), so a Dask
run gives the same stories as a single-process run. ``"local"`` starts a
LocalCluster of worker processes on this machine; any other value is the
address of a running scheduler (``tcp://host:8786``) whose workers have
Storyline and its spaCy model installed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ConfigError
from .runner import Pending, Submit, default_workers


@contextmanager
def dask_submitter(
    address: str, workers: int | None = None, timeout: float = 10.0
) -> Iterator[tuple[Submit, int]]:
    """``(submit, slots)`` on a Dask cluster: ``local`` (``workers`` processes) or an address."""
    try:
        distributed: Any = importlib.import_module("distributed")  # untyped: kept as Any
    except ImportError as exc:  # pragma: no cover - dask is a runtime dependency
        raise ConfigError("dask", "needs dask[distributed] installed") from exc
    Client, LocalCluster = distributed.Client, distributed.LocalCluster
    if address == "local":
        count = workers or default_workers()
        with (
            _quiet_scheduler(),
            LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.WARNING,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield _submit(client), count
        return
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError("dask", f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        slots = sum(client.nthreads().values()) or 1
        yield _submit(client), slots


@contextmanager
def _quiet_scheduler() -> Iterator[None]:
    """Keep the in-process scheduler's INFO lines (start-up, worker registration) off the
    user's terminal while a local cluster runs; warnings and errors still show."""
    log = logging.getLogger("distributed")
    level = log.level
    log.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        log.setLevel(level)


def _submit(client: Any) -> Callable[..., Pending]:
    def submit(fn: Callable[..., Any], *args: Any) -> Pending:
        # pure=False: identical inputs (a re-read chunk) must still run, not share a key
        future: Pending = client.submit(fn, *args, pure=False)
        return future

    return submit
