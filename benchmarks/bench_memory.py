"""Peak memory of a 1M-customer population (a fresh process each, peak RSS = the kernel's VmHWM).

Run: ``python -m benchmarks.bench_memory``
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, sys
import sim
from tests.conftest import LIBRARY
def peak_kib():
    # VmHWM belongs to this process image; ru_maxrss would carry the parent's peak over exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
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


def measure(size: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(size)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main():
    return [measure(n) for n in (1_000, 1_000_000)]


if __name__ == "__main__":
    from benchmarks.report import print_table

    small, big = main()
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
