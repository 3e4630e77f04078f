"""A planner's sweep: 100 configurations × 10 seeds × one simulated day on 2 cores (target < 60 s),
and the cost of running the same sweep on a Dask cluster (a LocalCluster, 2 worker processes)
instead of local processes — both measured in this run, rows checked identical.

The day is ``quiet_tuesday`` (24 h, five channels, contagion on); the grid is weekday reps
5–14 × routing fifo/priority × branching ratio 0.1–0.5.

Run: ``python -m benchmarks.bench_sweep [--workers 2] [--seeds 10]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

import sim
from sim.experiments import Sweep, open_backend, run_sweep
from tests.conftest import LIBRARY

GRID = [
    "shifts.weekday_day.reps=5:14:1",
    "policy.routing=fifo,priority",
    "contagion.branching_ratio=0.1:0.5:0.1",
]
TARGET_S = 60.0


def timed_sweep(sweep: Sweep, out: Path, **backend) -> tuple[float, float]:
    """(seconds including starting the workers, seconds for the runs alone)."""
    t0 = time.perf_counter()
    with open_backend(**backend) as b:
        started = time.perf_counter()
        run_sweep(sweep, out, b)
    return time.perf_counter() - t0, time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args(argv)
    day = sim.load_scenario(LIBRARY / "quiet_tuesday.toml")
    sweep = Sweep.build(day, GRID, replications=args.seeds)
    runs = sweep.n_runs
    with tempfile.TemporaryDirectory() as tmp:
        local_total, local_runs = timed_sweep(
            sweep, Path(tmp) / "local.parquet", workers=args.workers
        )

        from distributed import LocalCluster

        t0 = time.perf_counter()
        with LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            cluster_s = time.perf_counter() - t0
            dask_total, dask_runs = timed_sweep(
                sweep, Path(tmp) / "dask.parquet", scheduler=cluster.scheduler_address
            )
        local = pd.read_parquet(Path(tmp) / "local.parquet")
        dask = pd.read_parquet(Path(tmp) / "dask.parquet")
        identical = local.equals(dask)
    complaints = int(local["complaints"].sum())
    rows = [
        (
            f"local, {args.workers} processes",
            f"{local_total:.1f}",
            f"{runs / local_runs:.1f}",
            f"{1000 * local_runs * args.workers / runs:.0f}",
            f"< {TARGET_S:.0f} s",
            "yes" if local_total < TARGET_S else "NO",
        ),
        (
            f"Dask LocalCluster, {args.workers} workers",
            f"{dask_total:.1f}",
            f"{runs / dask_runs:.1f}",
            f"{1000 * dask_runs * args.workers / runs:.0f}",
            "",
            "",
        ),
    ]
    overhead_ms = 1000 * (dask_runs - local_runs) * args.workers / runs
    summary = [
        ("configurations × seeds", f"{sweep.n_configurations} × {args.seeds} = {runs:,} runs"),
        (
            "complaints simulated",
            f"{complaints:,} ({complaints / local_runs:,.0f} per second locally)",
        ),
        ("Dask / local wall time (runs only)", f"{dask_runs / local_runs:.2f}"),
        ("Dask overhead per run (worker-ms)", f"{overhead_ms:+.1f}"),
        ("LocalCluster start-up (not in the Dask time)", f"{cluster_s:.1f} s"),
        ("rows identical, local vs Dask", "yes" if identical else "NO"),
    ]
    return rows, summary


if __name__ == "__main__":
    from benchmarks.report import print_table

    rows, summary = main()
    print_table(
        "Sweep: 100 configurations × 10 seeds × one simulated day (quiet_tuesday)",
        ["backend", "seconds", "runs / s", "ms per run per worker", "target", "met"],
        rows,
    )
    print_table("Dask against local processes, same sweep, same run", ["figure", "value"], summary)
