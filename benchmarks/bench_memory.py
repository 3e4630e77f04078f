"""Peak memory (a fresh process each, peak RSS = the kernel's VmHWM):

- a run of 1M complaints of the pure queue (:mod:`benchmarks.bench_queue`'s M/M/10+M), its
  ``results()`` included — target < 400 MiB;
- a quiet_tuesday run with a population of 1M customers — target < 1 GiB.

Run: ``python -m benchmarks.bench_memory``
"""

from __future__ import annotations

import json
import subprocess
import sys

PRELUDE = r"""
import json, sys
def peak_kib():
    # VmHWM belongs to this process image; ru_maxrss would carry the parent's peak over exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
"""

POPULATION = (
    PRELUDE
    + r"""
import sim
from tests.conftest import LIBRARY
size = int(sys.argv[1])
before = peak_kib()
sc = sim.load_scenario(LIBRARY / "quiet_tuesday.toml").with_overrides({"population.size": size})
model = sim.StormModel(sc, 1)
model.run()
model.results()
pop = model.population
fields = ("followers", "value", "temperament", "preferred_channel", "complained", "churned")
nbytes = sum(getattr(pop, f).nbytes for f in fields)
rss = peak_kib()
print(json.dumps({"size": size, "rss_mib": rss / 1024, "baseline_rss_mib": before / 1024,
                  "population_mib": nbytes / 2**20}))
"""
)

COMPLAINTS = (
    PRELUDE
    + r"""
import sim
from benchmarks.bench_queue import scenario
n = int(sys.argv[1])
before = peak_kib()
model = sim.StormModel(scenario(n), 1)
model.run()
res = model.results()
print(json.dumps({"complaints": len(res.complaints), "rss_mib": peak_kib() / 1024,
                  "import_rss_mib": before / 1024}))
"""
)


def child(code: str, arg: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, str(arg)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main():
    return [child(POPULATION, n) for n in (1_000, 1_000_000)], child(COMPLAINTS, 1_000_000)


if __name__ == "__main__":
    from benchmarks.report import print_table

    (small, big), queue = main()
    print_table(
        "Peak RSS of a 1M-complaint pure-queue run with results() (target < 400 MiB)",
        ["complaints", "peak RSS (MiB)", "RSS after imports (MiB)", "met"],
        [
            (
                f"{queue['complaints']:,}",
                f"{queue['rss_mib']:.0f}",
                f"{queue['import_rss_mib']:.0f}",
                "yes" if queue["rss_mib"] < 400 else "NO",
            )
        ],
    )
    print_table(
        "Peak RSS with a quiet_tuesday run (target: 1M customers < 1 GiB)",
        [
            "customers",
            "peak RSS (MiB)",
            "population arrays (MiB)",
            "RSS − 1k-customer run (MiB)",
            "met",
        ],
        [
            (
                f"{m['size']:,}",
                f"{m['rss_mib']:.0f}",
                f"{m['population_mib']:.1f}",
                f"{m['rss_mib'] - small['rss_mib']:.0f}",
                "yes" if m["rss_mib"] < 1024 else "NO",
            )
            for m in (small, big)
        ],
    )
