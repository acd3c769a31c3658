"""Load check with two clients: load.py's Python threads, and wrk (C, one epoll thread).

    .venv/bin/python bench/load_wrk.py --clients 50 --articles 10000 --seconds 30

Same store, server and phases as bench/load.py (baseline: 1 client; readers: N clients;
ingest: N clients while `storyline ingest` writes a fresh batch), run once with each
client in the same run against the same server process. On a 2-core machine the client,
the server and the ingest share the CPU, so the Python client's own cost shows in the
server's latencies; this reports CPU milliseconds per request of the server process and of
the Python client (process time of this process during its phases), so the two can be
told apart, and the share of each phase the server's threads spent runnable but waiting
for a CPU (/proc schedstat) with the 1-minute load average: the machine's other load.
wrk (Debian package ``wrk``) counts non-2xx answers and socket errors as errors; the
Python client also checks each body is a whole story page.
``--db`` reuses a store built before (e.g. kept with load.py ``--keep``) instead of
building one; ``--workers`` is passed to `storyline serve`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (bench/load.py: store, batch, Python client)

from storyline.app import pages  # noqa: E402

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of a process and its children (uvicorn's workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_queue_wait_s(pid: int) -> float:
    """Seconds the process's threads (and its children's) spent runnable but not running."""
    total = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if proc.name != str(pid) and (proc / "stat").read_text().rsplit(")", 1)[1].split()[
                1
            ] != str(pid):
                continue
            for task in (proc / "task").glob("*/schedstat"):
                total += int(task.read_text().split()[1])
        except OSError:
            continue  # ended meanwhile
    return total / 1e9


def wrk_phase(port: int, script: Path, clients: int, seconds: float) -> dict[str, Any]:
    """Run wrk with ``clients`` connections for ``seconds``; parse its counts and latencies."""
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{clients}",
            f"-d{seconds:g}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Latency Distribution" not in out:
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    cuts = {
        p: float(v) * UNITS[u]
        for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)$", out, re.M)
    }
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = socket_errors + (int(non_2xx.group(1)) if non_2xx else 0)
    return {
        "requests": requests,
        "errors": errors,
        "rps": round(requests / seconds, 1),
        "p50_ms": round(cuts["50"], 2),
        "p99_ms": round(cuts["99"], 2),
    }


def measured(run: Any, server_pid: int, client_cpu: bool) -> dict[str, Any]:
    """Run one phase; add the server's (and this process's) CPU ms per request."""
    server0, client0 = cpu_seconds(server_pid), time.process_time()
    wait0, wall0 = run_queue_wait_s(server_pid), time.monotonic()
    result: dict[str, Any] = run()
    wall = time.monotonic() - wall0
    # Time the server was ready to run but had no CPU: the machine's other load.
    result["server_run_queue_wait_share"] = round((run_queue_wait_s(server_pid) - wait0) / wall, 3)
    result["load_avg_1min"] = round(os.getloadavg()[0], 1)
    print(json.dumps(result), file=sys.stderr, flush=True)
    requests = max(1, int(result["requests"]))
    result["server_cpu_ms_per_req"] = round(
        (cpu_seconds(server_pid) - server0) * 1000 / requests, 3
    )
    if client_cpu:
        used = time.process_time() - client0
        result["client_cpu_ms_per_req"] = round(used * 1000 / requests, 3)
    return result


def main() -> None:
    """Build (or reuse) the store, start the server, run the phases with both clients."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--ingest-articles", type=int, default=40)
    parser.add_argument("--db", type=Path, help="Reuse this store (a copy is used).")
    parser.add_argument("--workers", type=int, default=1, help="storyline serve --workers")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")

    work = Path(tempfile.mkdtemp(prefix="storyline-loadwrk-"))
    db = work / "load.db"
    started = time.perf_counter()
    if args.db:
        shutil.copy(args.db, db)
        import sqlite3

        with sqlite3.connect(db) as conn:
            story_ids = [
                r[0] for r in conn.execute("SELECT id FROM stories WHERE data IS NOT NULL")
            ]
            current = conn.execute(
                """SELECT count(*) FROM story_pages p JOIN stories s ON s.id = p.story_id
                   WHERE p.version = s.version AND p.renderer = ?""",
                (pages.RENDERER,),
            ).fetchone()[0]
        if current < len(story_ids):  # the templates or renderer changed since it was built
            print(f"{len(story_ids) - current} stored pages are stale", file=sys.stderr)
    else:
        story_ids = load.build_store(db, args.articles)
    build_s = time.perf_counter() - started
    batches = []
    for name in ("python", "wrk"):
        batch = load.ingest_batch(work / f"batch-{name}.jsonl", args.ingest_articles)
        text = batch.read_text(encoding="utf-8").replace("Load batch item", f"Load batch {name}")
        batch.write_text(text, encoding="utf-8")
        batches.append(batch)
    paths = [f"/stories/{i}" for i in story_ids]
    (work / "paths.txt").write_text("\n".join(paths))
    script = work / "paths.lua"
    script.write_text(
        "local paths = {}\n"
        f'for line in io.lines("{work / "paths.txt"}") do paths[#paths + 1] = line end\n'
        "math.randomseed(1000)\n"
        'request = function() return wrk.format("GET", paths[math.random(#paths)]) end\n'
    )
    port = load.free_port()
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(load.ROOT / "src")}
    serve = [*load.STORYLINE, "serve", "--db", str(db), "--port", str(port)]
    if args.workers != 1:
        serve += ["--workers", str(args.workers)]
    server = subprocess.Popen(serve, env=env, stderr=subprocess.DEVNULL)
    report: dict[str, Any] = {
        "articles": len(story_ids) * 2,
        "stories": len(story_ids),
        "clients": args.clients,
        "seconds": args.seconds,
        "store_build_s": round(build_s, 1),
        "workers": args.workers,
    }
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for path in paths:  # every page once: the OS file cache holds the store
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
        load.phase(port, paths, 2, 1.0)
        for (name, python), batch in zip((("python", True), ("wrk", False)), batches, strict=True):

            def run(clients: int, python: bool = python) -> dict[str, Any]:
                if python:
                    return load.phase(port, paths, clients, args.seconds)
                return wrk_phase(port, script, clients, args.seconds)

            report[f"{name}/baseline"] = measured(lambda: run(1), server.pid, python)
            report[f"{name}/readers"] = measured(lambda: run(args.clients), server.pid, python)
            ingest = subprocess.Popen(
                [*load.STORYLINE, "ingest", str(batch), "--db", str(db), "--quiet"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            time.sleep(0.5)
            report[f"{name}/ingest"] = measured(lambda: run(args.clients), server.pid, python)
            report[f"{name}/ingest_ran_whole_phase"] = ingest.poll() is None
            _, err = ingest.communicate()
            if ingest.returncode:
                report[f"{name}/ingest_stderr"] = err.decode(errors="replace")[-500:]
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    # Stored pages count only for the templates and renderer code they were made with.
    report["renderer_unchanged"] = pages._renderer_key() == pages.RENDERER
    print(f"store: {report['articles']} articles, {len(story_ids)} stories")
    print(
        f"{'client/phase':16} {'clients':>7} {'requests':>8} {'errors':>6} {'rps':>7} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'srv cpu':>8} {'cli cpu':>8} {'srv wait':>8} {'load':>5}"
    )
    for name in ("python", "wrk"):
        for phase, clients in (
            ("baseline", 1),
            ("readers", args.clients),
            ("ingest", args.clients),
        ):
            r = report[f"{name}/{phase}"]
            print(
                f"{name + '/' + phase:16} {clients:7d} {r['requests']:8d} {r['errors']:6d} "
                f"{r['rps']:7} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} "
                f"{r['server_cpu_ms_per_req']:8.3f} {r.get('client_cpu_ms_per_req', 0):8.3f} "
                f"{r['server_run_queue_wait_share']:8.3f} {r['load_avg_1min']:5.1f}"
            )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
