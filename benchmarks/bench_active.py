"""Many active exercises at once: does the trainer hold up past its model cache? (issue 13.5)

For each size (default 30, 100 and 300 active exercises) a real server (``stormdesk trainer
serve --processes N``, by default one process per CPU core, each with threads) on a fresh SQLite
file, and that many trainees: each signs
in, starts the recall storm and then polls its live state once a second, as the page does.
Reported per size: poll latency p50/p95/p99, errors (5xx, timeouts, refused connections), the
polls per second achieved against the one a second asked for, and the p95 as a ratio of the
first size's (the reference, measured in the same run). The first ``--warm-up`` seconds of
polling, while each exercise's model is built, are not counted. Target (issue 13): p95 < 100 ms
at 100 and 300 active exercises.

    python -m benchmarks.bench_active [--sizes 30 100 300] [--seconds 30] [--cache-size N]
                                      [--processes N]

``--cache-size`` sets ``TRAINER_MODEL_CACHE_SIZE`` for the servers (64 shows the old fixed
cache); without it the server sizes its cache from memory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.bench_trainer import (
    Trainee,
    free_port,
    percentile,
    seed_database,
    wait_for_server,
)
from benchmarks.report import print_table


def poll_loop(t: Trainee, eid: int, offset: float, measure_from, until, out: dict, lock):
    time.sleep(offset)  # the trainees' polls spread over each second, as real pages drift
    fresh = Trainee(t.conn.port, t.username)  # the page's own connection (set-up's is stale)
    fresh.cookies, fresh.token = t.cookies, t.token
    t.conn.close()
    t = fresh
    path = f"/exercises/{eid}/state.json"
    headers = {"Accept": "application/json"}
    while time.monotonic() < until:
        if time.monotonic() < measure_from:  # warming up: each exercise's model is built
            try:
                t.request("GET", path, None, headers)
            except Exception:
                fresh = Trainee(t.conn.port, t.username)
                fresh.cookies, fresh.token = t.cookies, t.token
                t = fresh
            time.sleep(1.0)
            continue
        tick = time.monotonic()
        t0 = time.perf_counter()
        try:
            status, _, _ = t.request("GET", path, None, headers)
        except Exception as e:
            with lock:
                out["errors"].append(f"{type(e).__name__}: {e}")
            fresh = Trainee(t.conn.port, t.username)  # a new connection, as a browser would
            fresh.cookies, fresh.token = t.cookies, t.token
            t = fresh
            continue
        ms = (time.perf_counter() - t0) * 1000
        with lock:
            out["ms"].append(ms)
            if status != 200:
                out["errors"].append(f"HTTP {status}")
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))


def start_trainee(port: int, username: str, attempts: int = 3) -> tuple[Trainee, int]:
    """Sign in and start (set-up, not measured: retried on a busy machine)."""
    for attempt in range(attempts):
        t = Trainee(port, username)
        t.conn.timeout = 60
        try:
            return t, t.sign_in_and_start()
        except (OSError, AssertionError):
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def run_size(
    n: int,
    seconds: float,
    threads: int,
    cache_size: int | None,
    warm_up_s: float,
    processes: int = 1,
) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="stormdesk-active-"))
    seed_database(instance, n)
    port = free_port()
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"}
    if cache_size is not None:
        env["TRAINER_MODEL_CACHE_SIZE"] = str(cache_size)
    log = (instance / "server.log").open("w")
    command = [sys.executable, "-m", "sim", "trainer", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--threads", str(threads), "--processes", str(processes)],
        env=env,
        stdout=log,
        stderr=log,
    )
    out: dict = {"ms": [], "errors": []}
    lock = threading.Lock()
    try:
        wait_for_server(port, server, 120)
        # Everyone signs in and starts first (not timed): the figure is the steady state.
        with ThreadPoolExecutor(4) as pool:
            trainees = list(pool.map(lambda i: start_trainee(port, f"trainee{i:02d}"), range(n)))
        print(f"{n} active: {n} exercises started, polling…", file=sys.stderr, flush=True)
        measure_from = time.monotonic() + warm_up_s
        until = measure_from + seconds
        workers = [
            threading.Thread(target=poll_loop, args=(t, eid, i / n, measure_from, until, out, lock))
            for i, (t, eid) in enumerate(trainees)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        out["wall_s"] = seconds
    finally:
        server.terminate()
        server.wait(10)
        log.close()
        shutil.rmtree(instance, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[30, 100, 300])
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--threads", type=int, default=16, help="waitress worker threads")
    p.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="serve --processes (default: one per CPU core, as docs/trainer.md advises)",
    )
    p.add_argument(
        "--warm-up",
        type=float,
        default=10.0,
        help="seconds of polling before measuring (each exercise's first poll builds its model)",
    )
    p.add_argument("--cache-size", type=int, default=None, help="TRAINER_MODEL_CACHE_SIZE")
    args = p.parse_args(argv)

    rows = []
    ref_p95 = None
    verdicts = []
    for n in args.sizes:
        r = run_size(n, args.seconds, args.threads, args.cache_size, args.warm_up, args.processes)
        ms, errors = r["ms"], r["errors"]
        if not ms:
            rows.append((n, 0, "-", "-", "-", "-", len(errors), "-"))
            continue
        p50, p95, p99 = (percentile(ms, q) for q in (50, 95, 99))
        ref_p95 = p95 if ref_p95 is None else ref_p95
        rate = len(ms) / r["wall_s"]
        rows.append(
            (
                n,
                len(ms),
                f"{p50:.1f}",
                f"{p95:.1f}",
                f"{p99:.1f}",
                f"{rate:.0f} of {n}",
                len(errors),
                f"{p95 / ref_p95:.1f}×",
            )
        )
        if n >= 100:
            ok = p95 < 100 and not errors
            verdicts.append(
                f"{n} active: p95 {p95:.1f} ms, {len(errors)} errors ({'ok' if ok else 'MISSED'})"
            )
        if errors:
            print(f"{n} active, first error: {errors[0]}", flush=True)
    cache = "from memory" if args.cache_size is None else str(args.cache_size)
    print_table(
        f"active exercises, one poll a second each, {args.seconds:g} s per size, cache {cache}, "
        f"{args.processes} server process(es)",
        ["active", "polls", "p50 ms", "p95 ms", "p99 ms", "polls/s", "errors", "p95 vs first"],
        rows,
    )
    for v in verdicts:
        print(v + " (target p95 < 100 ms, 0 errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
