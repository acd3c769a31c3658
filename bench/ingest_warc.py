"""Benchmark: WARC ingest throughput and memory, against trafilatura alone, in one run.

Builds a WARC (gzip per record) in a temporary folder from the real pages of
../shared/eval/extraction/ (AEB + Readability test pages; never committed), each
page repeated with a varied URL and fetch date until ``--pages`` records, then
measures, each stage in a fresh subprocess so peak memory is its own:

- trafilatura alone: ``bare_extraction`` over every HTML payload, one process
  (payloads read from the archive first, outside the timing);
- Storyline full ingest (read, extract, clean, analyse, cluster, store, rebuild
  stories) with ``--workers 1`` and ``--workers 2``;
- full ingest with 1 worker on an archive half as large (peak memory vs size).

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


def stage(name: str, warc: Path, workers: int) -> dict[str, float]:
    """Run one measured stage in this process; return timings and peak memory."""
    from storyline.ingest.warc import read_warc
    from storyline.records import RawDocument

    result: dict[str, float] = {}
    if name == "trafilatura":
        import trafilatura

        docs = [d for d in read_warc(str(warc)) if isinstance(d, RawDocument)]
        start = time.perf_counter()
        found = 0
        for doc in docs:
            out = trafilatura.bare_extraction(
                doc.content, url=doc.metadata["url"], with_metadata=True
            )
            found += out is not None
        result.update(seconds=time.perf_counter() - start, records=len(docs), extracted=found)
    else:
        from storyline import pipeline
        from storyline.settings import Settings
        from storyline.store import SQLiteStore

        db = warc.with_name(f"{warc.name}-{workers}.db")  # a fresh store per stage
        settings = Settings.load({"db": str(db)})
        with SQLiteStore(db) as store:
            start = time.perf_counter()
            report = pipeline.ingest([str(warc)], store, settings, workers=workers)
            seconds = time.perf_counter() - start
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
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--warc", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage(args.stage, args.warc, args.workers)))
        return
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        full, half = Path(tmp) / "full.warc.gz", Path(tmp) / "half.warc.gz"
        size = build_warc(full, args.pages)
        half_size = build_warc(half, args.pages // 2)
        print(
            f"archive: {args.pages} HTML records, {size / 1e6:.1f} MB "
            f"(half: {half_size / 1e6:.1f} MB)",
            flush=True,
        )
        print(
            f"{'stage':38} {'records':>7} {'unique':>6} {'s':>7} {'rec/s':>7} {'x traf':>6} "
            f"{'peak MB':>8}",
            flush=True,
        )
        base = 0.0
        for label, name, path, workers in (
            ("trafilatura alone", "trafilatura", full, 1),
            ("storyline --workers 1", "ingest", full, 1),
            ("storyline --workers 2", "ingest", full, 2),
            ("storyline --workers 1, half archive", "ingest", half, 1),
        ):
            r = _subprocess(name, path, workers)
            rate = r["records"] / r["seconds"]
            base = base or rate
            print(
                f"{label:38} {r['records']:7.0f} {r.get('unique', r['records']):6.0f} "
                f"{r['seconds']:7.1f} {rate:7.2f} {rate / base:6.2f} {r['peak_mb']:8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
