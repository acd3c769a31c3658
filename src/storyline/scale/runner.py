"""Parallel ingest: per-article stages on workers, one writer consuming results in stream order.

The reader runs here and cuts the input stream into chunks (never longer than
``CHUNK`` documents). Each chunk is extracted and cleaned on a worker; its
results come back in stream order, duplicates are dropped here (against the
store and everything seen earlier in the stream), and the new articles go back
out for analysis. Analysed chunks are written, still in stream order, by this
process alone: articles, analyses and story membership of one input's chunk in
one transaction, and clustering sees the articles in exactly the order a
single-process run would, so the stories are the same. At most ``window``
chunks are in flight, so memory stays bounded however long the stream is.

Workers are anything with ``submit(fn, *args) -> future``: an in-process
runner (``workers=1``), a process pool, or a Dask client (see dask_runner).
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from ..analyze import analyze
from ..cluster import OnlineClusterer
from ..errors import ConfigError, InputError
from ..extract import extract
from ..ingest import expand_inputs, read_input
from ..pipeline import Failure, IngestReport, Progress, rebuild_stale, write_batch
from ..records import Analysis, Article, RawDocument
from ..settings import Settings
from ..store import SQLiteStore

CHUNK = 8  # documents per task: big enough to batch spaCy, small enough to spread
INLINE_TASKS = 4  # tasks run in this process before a pool is worth starting


class Pending(Protocol):
    """A submitted task (concurrent.futures and Dask futures both fit)."""

    def result(self) -> Any:
        """Wait for and return the task's value (re-raising its error)."""


Submit = Callable[..., Pending]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive documents of one input, and that input's name."""

    name: str
    docs: tuple[RawDocument, ...]


def extract_chunk(docs: Sequence[RawDocument], settings: Settings) -> list[Article | Failure]:
    """Worker task: extract and clean each document (a failure is returned, not raised)."""
    out: list[Article | Failure] = []
    for doc in docs:
        try:
            out.append(extract(doc, settings=settings))
        except InputError as exc:  # returned as a plain record: InputError does not pickle
            out.append(Failure(exc.source, exc.reason))
    return out


def analyze_chunk(articles: Sequence[Article], model: str) -> list[Analysis]:
    """Worker task: the per-article analysis (spaCy is loaded once per worker process)."""
    return analyze(articles, model)


def ingest_parallel(
    paths: Sequence[str],
    store: SQLiteStore,
    settings: Settings,
    options: Mapping[str, str] | None = None,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    dask: str | None = None,
    inline_tasks: int = INLINE_TASKS,
) -> IngestReport:
    """Ingest with extraction and analysis on workers (a pool, or Dask); same stories as serial."""
    if dask is not None:
        from .dask_runner import dask_submitter

        with dask_submitter(dask, workers) as (submit, slots):
            return ingest_stream(paths, store, settings, options, stdin, progress, submit, slots)
    count = default_workers() if workers is None else workers
    if count < 1:
        raise ConfigError("workers", f"must be at least 1, got {count}")
    with pool_submitter(count, inline_tasks) as submit:
        return ingest_stream(paths, store, settings, options, stdin, progress, submit, count)


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def pool_submitter(workers: int, inline_tasks: int = INLINE_TASKS) -> Iterator[Submit]:
    """``submit`` running tasks inline (1 worker) or on a pool of worker processes.

    The first ``inline_tasks`` tasks run here: a batch that small is done before
    worker processes would have loaded their spaCy model. The pool starts after.
    """
    if workers == 1:
        yield _run_now
        return
    lazy = _LazyPool(workers, inline_tasks)
    try:
        yield lazy.submit
    finally:
        lazy.close()


class _LazyPool:
    """A process pool started only once more than ``inline`` tasks have been submitted."""

    def __init__(self, workers: int, inline: int) -> None:
        self.workers = workers
        self.inline = inline
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Pending:
        if self.inline > 0:
            self.inline -= 1
            return _run_now(fn, *args)
        if self.pool is None:
            # forkserver: workers never inherit this process's threads (progress bar, Dask)
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["storyline.scale.runner"])
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=exit_with,
                initargs=(os.getpid(),),
            )
        return self.pool.submit(fn, *args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def exit_with(parent: int) -> None:
    """Worker initializer: end this worker when process ``parent`` (the writer) ends.

    A writer killed outright (SIGKILL, the OOM killer) cannot shut its pool down, and
    pool workers would otherwise wait for work forever, each holding a spaCy model.
    """
    threading.Thread(target=_wait_then_exit, args=(parent,), daemon=True).start()


def _wait_then_exit(parent: int) -> None:
    try:
        handle = os.pidfd_open(parent)  # Linux: readable once that process has ended
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd: poll instead
        while _alive(parent):
            time.sleep(1.0)
        os._exit(1)
    select.select([handle], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else (the pid was reused)
        return False
    return True


def _run_now(fn: Callable[..., Any], *args: Any) -> Pending:
    done: Future[Any] = Future()
    try:
        done.set_result(fn(*args))
    except BaseException as exc:
        done.set_exception(exc)
    return done


def ingest_stream(
    paths: Sequence[str],
    store: SQLiteStore,
    settings: Settings,
    options: Mapping[str, str] | None,
    stdin: BinaryIO | None,
    progress: Progress | None,
    submit: Submit,
    slots: int,
) -> IngestReport:
    """Drive the stream: read here, extract/analyse through ``submit``, write here in order."""
    report = IngestReport()
    writer = _Writer(store, settings, report, progress, submit)
    window = 2 * slots + 1  # enough queued work to keep every worker busy
    try:
        for chunk in read_chunks(paths, options, stdin, settings, report):
            writer.extracting.append((chunk, submit(extract_chunk, chunk.docs, settings)))
            writer.advance(window)
        writer.advance(0)
    finally:
        writer.cancel()
    report.stories = rebuild_stale(store, settings)
    return report


def read_chunks(
    paths: Sequence[str],
    options: Mapping[str, str] | None,
    stdin: BinaryIO | None,
    settings: Settings,
    report: IngestReport,
) -> Iterator[Chunk]:
    """The input stream as chunks of documents; read failures go straight to the report."""
    for name in expand_inputs(list(paths)):
        if isinstance(name, InputError):
            report.fail(name)
            continue
        docs: list[RawDocument] = []
        try:
            for doc in read_input(name, options, stdin, settings.max_input_bytes, report.skipped):
                if isinstance(doc, InputError):
                    report.fail(doc)
                    continue
                docs.append(doc)
                if len(docs) == CHUNK:
                    yield Chunk(name, tuple(docs))
                    docs = []
        except InputError as exc:  # e.g. a broken sidecar: the whole input fails
            report.fail(exc)
        if docs:
            yield Chunk(name, tuple(docs))


class _Writer:
    """The single writer: takes finished tasks oldest first, dedupes, stores, clusters."""

    def __init__(
        self,
        store: SQLiteStore,
        settings: Settings,
        report: IngestReport,
        progress: Progress | None,
        submit: Submit,
    ) -> None:
        self.store = store
        self.settings = settings
        self.report = report
        self.progress = progress
        self.submit = submit
        self.clusterer = OnlineClusterer(store, settings)
        self.seen: set[str] = set()
        self.extracting: deque[tuple[Chunk, Pending]] = deque()
        self.analysing: deque[tuple[Chunk, list[Article], Pending | None]] = deque()

    def advance(self, window: int) -> None:
        """Consume the oldest tasks until at most ``window`` are in flight."""
        while len(self.extracting) + len(self.analysing) > window:
            if self.extracting and len(self.analysing) <= window // 2:
                self._dedupe(*self.extracting.popleft())
            elif self.analysing:
                self._write(*self.analysing.popleft())
            else:
                self._dedupe(*self.extracting.popleft())

    def _dedupe(self, chunk: Chunk, task: Pending) -> None:
        fresh: list[Article] = []
        for item in task.result():
            if isinstance(item, Failure):
                self.report.failures.append(item)
            elif item.id in self.seen or self.store.has_article(item.id):
                self.report.duplicates.append((item.source, item.id))
            else:
                self.seen.add(item.id)
                fresh.append(item)
        model = self.settings.spacy_model
        analysis = self.submit(analyze_chunk, fresh, model) if fresh else None
        self.analysing.append((chunk, fresh, analysis))

    def _write(self, chunk: Chunk, articles: list[Article], task: Pending | None) -> None:
        if task is not None:
            write_batch(articles, task.result(), self.store, self.clusterer, self.report)
        if self.progress:
            self.progress(chunk.name, len(articles))

    def cancel(self) -> None:
        """Drop queued tasks (after an error, so the pool can shut down promptly)."""
        for _, task in self.extracting:
            getattr(task, "cancel", lambda: None)()
        for _, _, pending in self.analysing:
            if pending is not None:
                getattr(pending, "cancel", lambda: None)()
        self.extracting.clear()
        self.analysing.clear()
