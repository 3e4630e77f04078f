"""``python -m benchmarks`` (``make bench``): every benchmark, figures and ratios from one run."""

from __future__ import annotations

import runpy
import sys

MODULES = [
    "benchmarks.bench_queue",
    "benchmarks.bench_storm",
    "benchmarks.bench_memory",
    "benchmarks.bench_scoring",
    "benchmarks.bench_startup",
]
OPTIONAL = [
    "benchmarks.bench_sweep",
    "benchmarks.bench_trainer",
    "benchmarks.bench_active",
    "benchmarks.bench_teams",
]

if __name__ == "__main__":
    import importlib.util

    for name in MODULES + [m for m in OPTIONAL if importlib.util.find_spec(m) is not None]:
        print(f"\n== {name}", flush=True)
        sys.argv = [name]
        runpy.run_module(name, run_name="__main__")
