"""Light commands stay light (issue 12, item 6): `stormdesk --help`, `erlang`, `validate` and
`scenarios` do not import the libraries only other commands use. Checked by the modules a real
subprocess imports (``python -X importtime``), not by a clock: the figures are in
``benchmarks/bench_startup.py``."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import LIBRARY, ROOT

# What the model, the plots, the sweeps and the trainer need, and nothing light does.
HEAVY = {"pandas", "mesa", "matplotlib", "flask", "sqlalchemy", "pyarrow", "scipy", "sklearn"}
ERLANG_C = ["erlang", "--arrivals-per-hour", "720", "--aht-min", "4", "--sla-s", "20"]
LIGHT = {
    # command: heavy packages it may load on top of nothing
    ("--help",): set(),
    ("run", "--help"): set(),
    ("trainer", "--help"): {"flask", "sqlalchemy"},  # the trainer's own group: it needs them
    tuple(ERLANG_C): {"numpy"},
    tuple([*ERLANG_C, "--patience-min", "2"]): {"numpy"},  # Erlang A without scipy.special
    ("scenarios",): {"pydantic"},
    ("validate", str(LIBRARY / "quiet_tuesday.toml")): {"pydantic"},
}


def imported_packages(*args: str) -> set[str]:
    """Top-level packages `python -m sim ARGS` imports (it exits 0)."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sim", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", r.stderr, re.M)
    assert "sim.cli" in names  # the parse works
    return {n.split(".")[0] for n in names}


@pytest.mark.parametrize("args", list(LIGHT), ids=" ".join)
def test_light_commands_import_no_heavy_library(args):
    allowed = LIGHT[args]
    packages = imported_packages(*args)
    assert not (packages & (HEAVY | {"pydantic", "numpy"})) - allowed, sorted(packages)


def test_the_check_sees_a_heavy_import():
    """The same check on a command that does load the model and pandas."""
    packages = imported_packages(
        "run", "quiet_tuesday", "--json", "--set", "scenario.duration_hours=2"
    )
    assert {"pandas", "mesa", "pydantic"} <= packages


def test_import_sim_loads_neither_model_nor_schema():
    code = "import sys, sim; print(' '.join(sorted(sys.modules)))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    loaded = {n.split(".")[0] for n in r.stdout.split()} | set(r.stdout.split())
    assert not loaded & {"pandas", "mesa", "pydantic", "numpy", "sim.scenario", "sim.model"}
    # and the public names are still there, loaded on first use
    code = "import sim; print(sim.load_scenario.__module__, sim.StormModel.__module__)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.split() == ["sim.scenario", "sim.model"], r.stderr
