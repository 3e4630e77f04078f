"""Start-up of the light commands (issue 12, item 6): CPU seconds of `stormdesk --help`,
`erlang`, `validate`, `scenarios` and `import sim`, against `python -c pass` measured in the same
run (the ratio is what to compare across machines).

Target: `stormdesk --help` and `stormdesk erlang …` under 0.5 s CPU, `import sim` under 1 s.
The test that keeps them light checks the modules they import (tests/test_startup.py).

Run: ``python -m benchmarks.bench_startup [--repeat 5]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys

from tests.conftest import LIBRARY, ROOT

PY = [sys.executable]
ERLANG = ["erlang", "--arrivals-per-hour", "720", "--aht-min", "4", "--sla-s", "20"]
COMMANDS = [
    ("python -c pass (ref.)", [*PY, "-c", "pass"], None),
    ("import sim", [*PY, "-c", "import sim"], 1.0),
    ("stormdesk --help", [*PY, "-m", "sim", "--help"], 0.5),
    ("stormdesk erlang", [*PY, "-m", "sim", *ERLANG], 0.5),
    ("… erlang --patience-min 2", [*PY, "-m", "sim", *ERLANG, "--patience-min", "2"], 0.5),
    ("stormdesk scenarios", [*PY, "-m", "sim", "scenarios"], None),
    (
        "stormdesk validate",
        [*PY, "-m", "sim", "validate", str(LIBRARY / "quiet_tuesday.toml")],
        None,
    ),
    ("sim.StormModel (model)", [*PY, "-c", "import sim; sim.StormModel"], None),
]


def cpu_seconds(cmd: list[str]) -> float:
    """User + system CPU time of one run of ``cmd`` (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, env={**os.environ, "COLUMNS": "80"})  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median shown)")
    args = parser.parse_args(argv)
    times = {name: [] for name, _, _ in COMMANDS}
    for _ in range(args.repeat):  # interleaved, so load on the machine hits every command alike
        for name, cmd, _ in COMMANDS:
            times[name].append(cpu_seconds(cmd))
    ref = statistics.median(times[COMMANDS[0][0]])
    rows = []
    for name, _, target in COMMANDS:
        med = statistics.median(times[name])
        rows.append(
            (
                name,
                f"{med:.2f}",
                f"{min(times[name]):.2f}",
                f"{med / ref:.0f}×" if ref > 0 else "–",
                f"< {target:g} s" if target else "",
                ("yes" if med < target else "NO") if target else "",
            )
        )
    return rows


if __name__ == "__main__":
    from benchmarks.report import print_table

    print_table(
        "Start-up, CPU seconds (user + system, median of the runs)",
        ["command", "median s", "min s", "÷ ref.", "target", "met"],
        main(),
    )
