"""Benchmark: WARC ingest throughput and memory, against trafilatura alone, in one run.

Builds a WARC (gzip per record) in a temporary folder from the real pages of
../shared/eval/extraction/ (AEB + Readability test pages; never committed), each
page repeated with a varied URL and fetch date until ``--pages`` records, then
measures, each stage in a fresh subprocess so peak memory is its own:

- trafilatura alone: ``bare_extraction`` over every HTML payload, one process
  (payloads read from the archive first, outside the timing);
- Storyline full ingest (read, extract, clean, analyse, cluster, store, rebuild
  stories) with ``--workers 1`` and ``--workers 2``;
- full ingest with 1 worker on a smaller archive (``--small``, default a quarter of
  ``--pages``): peak memory vs archive size.

"cpu rec/s" is records per CPU-second of the measuring process and its descendants (pool
workers included, read from /proc): the rate without the other load of a shared machine.
"idle rec/s" is what that CPU time gives on ``workers`` otherwise idle cores (the work
spread evenly, but never faster than the single writer's own share), and its "x traf"
the ratio to trafilatura alone on the same basis.

"peak MB" is the measuring process's peak RSS: with ``--workers 1`` that is everything;
with ``--workers 2`` it is the reader and single writer only (the pool's workers are
children of the forkserver and are not counted).

Repeated pages carry the same text, so after the first copy they are extracted
and then dropped as duplicates (as a re-crawl would be): the "unique" column says
how many articles were analysed and stored.

CI size (default, 120 pages; minutes on a busy 2-core machine): ``python bench/ingest_warc.py``
Full size (issue target, >= 2,000 pages): ``python bench/ingest_warc.py --pages 2000``
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(os.environ.get("STORYLINE_EVAL_DATA", ROOT.parent / "shared" / "eval"))


def build_warc(path: Path, pages: int) -> int:
    """Write ``pages`` HTML response records from the eval pages; return the file size."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    sources: list[tuple[str, bytes]] = []
    for dataset in ("aeb", "readability"):
        folder = EVAL / "extraction"
        for line in (folder / f"{dataset}.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            html = gzip.decompress((folder / row["html_file"]).read_bytes())
            sources.append((row["url"] or f"https://{dataset}.example/{row['id']}", html))
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n in range(pages):
            url, html = sources[n % len(sources)]
            copy = n // len(sources)
            day = 1 + (n % 28)
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            payload = io.BytesIO(html)
            record = writer.create_warc_record(
                f"{url}{'&' if '?' in url else '?'}copy={copy}" if copy else url,
                "response",
                payload=payload,
                http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2019-11-{day:02d}T{copy % 24:02d}:00:00Z"},
            )
            writer.write_record(record)
            payload.close()
    return path.stat().st_size


class TreeCPU:
    """CPU seconds of this process and all its descendants (pool workers under the
    forkserver included), polled from /proc (Linux) so workers that end are counted too."""

    def __init__(self) -> None:
        import threading

        self.tick = os.sysconf("SC_CLK_TCK")
        self.seen: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self.tick
        mine = {os.getpid()}
        grew = True
        while grew:
            new = {pid for pid, parent in parents.items() if parent in mine} - mine
            mine |= new
            grew = bool(new)
        for pid in mine - {os.getpid()}:
            self.seen[pid] = max(self.seen.get(pid, 0.0), cpu[pid])

    def _poll(self) -> None:
        while not self.done.wait(0.2):
            self._sample()

    def __enter__(self) -> TreeCPU:
        self._sample()
        self.before = dict(self.seen)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()

    def children(self) -> float:
        """CPU seconds the descendants used while this was open."""
        return sum(v - self.before.get(pid, 0.0) for pid, v in self.seen.items())


def stage(name: str, warc: Path, workers: int) -> dict[str, float]:
    """Run one measured stage in this process; return timings and peak memory."""
    from storyline.ingest.warc import read_warc
    from storyline.records import RawDocument

    result: dict[str, float] = {}
    if name == "trafilatura":
        import trafilatura

        docs = [d for d in read_warc(str(warc)) if isinstance(d, RawDocument)]
        start, cpu = time.perf_counter(), time.process_time()
        found = 0
        for doc in docs:
            out = trafilatura.bare_extraction(
                doc.content, url=doc.metadata["url"], with_metadata=True
            )
            found += out is not None
        result.update(
            seconds=time.perf_counter() - start,
            cpu_seconds=time.process_time() - cpu,
            records=len(docs),
            extracted=found,
        )
    else:
        from storyline import pipeline
        from storyline.settings import Settings
        from storyline.store import SQLiteStore

        db = warc.with_name(f"{warc.name}-{workers}.db")  # a fresh store per stage
        settings = Settings.load({"db": str(db)})
        with SQLiteStore(db) as store, TreeCPU() as tree:
            start, cpu = time.perf_counter(), time.process_time()
            report = pipeline.ingest([str(warc)], store, settings, workers=workers)
            seconds = time.perf_counter() - start
            writer = time.process_time() - cpu
        result["cpu_seconds"] = writer + tree.children()
        # on `workers` otherwise idle cores: the work spread over them, or the writer's share
        result["idle_seconds"] = max(result["cpu_seconds"] / workers, writer)
        records = len(report.stored) + len(report.duplicates) + len(report.failures)
        result.update(
            seconds=seconds,
            records=records,
            unique=len(report.stored),
            failed=len(report.failures),
            stories=len(report.stories),
        )
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _subprocess(name: str, warc: Path, workers: int = 1) -> dict[str, float]:
    cmd = [
        sys.executable,
        __file__,
        "--stage",
        name,
        "--warc",
        str(warc),
        "--workers",
        str(workers),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120, help="HTML records in the archive")
    parser.add_argument("--small", type=int, help="records of the smaller archive (peak memory)")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--warc", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage(args.stage, args.warc, args.workers)))
        return
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        small = args.small or args.pages // 4
        full, half = Path(tmp) / "full.warc.gz", Path(tmp) / "small.warc.gz"
        size = build_warc(full, args.pages)
        half_size = build_warc(half, small)
        print(
            f"archive: {args.pages} HTML records, {size / 1e6:.1f} MB "
            f"(small: {small} records, {half_size / 1e6:.1f} MB)",
            flush=True,
        )
        print(
            f"{'stage':38} {'records':>7} {'unique':>6} {'s':>7} {'rec/s':>7} {'x traf':>6} "
            f"{'peak MB':>8} {'cpu rec/s':>9} {'idle rec/s':>10} {'x traf':>6}",
            flush=True,
        )
        base = idle_base = 0.0
        load = os.getloadavg()[0]
        for label, name, path, workers in (
            ("trafilatura alone", "trafilatura", full, 1),
            ("storyline --workers 1", "ingest", full, 1),
            ("storyline --workers 2", "ingest", full, 2),
            (f"storyline --workers 1, {small} records", "ingest", half, 1),
        ):
            r = _subprocess(name, path, workers)
            rate = r["records"] / r["seconds"]
            base = base or rate
            idle = r["records"] / r.get("idle_seconds", r["cpu_seconds"])
            idle_base = idle_base or idle
            print(
                f"{label:38} {r['records']:7.0f} {r.get('unique', r['records']):6.0f} "
                f"{r['seconds']:7.1f} {rate:7.2f} {rate / base:6.2f} {r['peak_mb']:8.0f} "
                f"{r['records'] / r['cpu_seconds']:9.2f} {idle:10.2f} {idle / idle_base:6.2f}",
                flush=True,
            )
        print(f"load average (1 min): {load:.1f} at start, {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
