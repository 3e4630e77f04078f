"""Storm-sized runs: one week of product_recall (100k customers, contagion on) and how the cost
grows with the number of complaints (10k, 100k, 1M).

Run: ``python -m benchmarks.bench_storm [--skip-million]``
"""

from __future__ import annotations

import argparse
import time

import sim
from tests.conftest import LIBRARY

WEEK_HOURS = 168.0


def recall_week():
    return sim.load_scenario(LIBRARY / "product_recall.toml").with_overrides(
        {
            "scenario.duration_hours": WEEK_HOURS,
            "population.size": 100_000,
        }
    )


def timed_run(scenario, seed: int = 1) -> tuple[float, int]:
    t0 = time.perf_counter()
    k = sim.run(scenario, seed=seed).kpis
    return time.perf_counter() - t0, k["complaints"]


def scaled(base, factor: float):
    """product_recall for a week with arrivals and every shift's reps multiplied by ``factor``."""
    overrides = {"arrivals.base_per_hour": base.arrivals.base_per_hour * factor}
    for shift in base.shifts:
        overrides[f"shifts.{shift.name}.reps"] = max(1, round(shift.reps * factor))
    overrides["population.size"] = max(100_000, int(base.population.size * factor))
    overrides["scenario.max_complaints"] = 5_000_000
    return base.with_overrides(overrides)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-million", action="store_true", help="stop at ~100k complaints")
    args = parser.parse_args(argv)
    week = recall_week()
    seconds, n = timed_run(week)
    rows_week = [
        (
            "product_recall, 1 week, 100k customers",
            f"{seconds:.2f}",
            f"{n:,}",
            "< 5 s",
            "yes" if seconds < 5 else "NO",
        )
    ]
    # Find the factor that gives ~10k complaints, then scale by 10 and 100.
    base_n = n
    rows_scale = []
    targets = (10_000, 100_000) if args.skip_million else (10_000, 100_000, 1_000_000)
    per_complaint_ref = None
    for target in targets:
        sc = scaled(week, target / base_n)
        seconds, got = timed_run(sc)
        us = 1e6 * seconds / got
        per_complaint_ref = per_complaint_ref or us
        rows_scale.append(
            (
                f"{target:,}",
                f"{got:,}",
                f"{seconds:.2f}",
                f"{us:.1f}",
                f"{us / per_complaint_ref:.2f}",
            )
        )
    return rows_week, rows_scale


if __name__ == "__main__":
    from benchmarks.report import print_table

    week, scale = main()
    print_table("One simulated week", ["run", "seconds", "complaints", "target", "met"], week)
    print_table(
        "Cost against complaints (product_recall week, arrivals and reps scaled together)",
        ["target", "complaints", "seconds", "µs / complaint", "÷ 10k run"],
        scale,
    )
