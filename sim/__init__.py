"""Stormdesk's simulation core: complaint storms across channels, worked by reps.

Public API (notebooks, the trainer and the CLI use only this)::

    import sim
    scenario = sim.load_scenario("scenarios/product_recall.toml")
    results = sim.run(scenario, seed=3)
    results.kpis            # DESIGN §5 dict
    results.timeseries      # one row per clock hour
    results.complaints      # one row per complaint

``sim.StormModel`` runs step by step (``run_until(minutes)``) for live use.
"""

from __future__ import annotations

__version__ = "0.2.0"

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import StormModel, TraineeSeat
    from .results import Results
    from .scenario import ScenarioError, StormScenario, load_scenario, parse_scenario

# Everything loads on first use: the model (Mesa, pandas) so that `stormdesk validate` and
# `scenarios` start without it, the scenario schema (pydantic) so that `stormdesk --help` and
# `erlang` start without that too. `from sim import load_scenario` works as before.
_LAZY = {
    "StormModel": "model",
    "TraineeSeat": "model",
    "Results": "results",
    "ScenarioError": "scenario",
    "StormScenario": "scenario",
    "load_scenario": "scenario",
    "parse_scenario": "scenario",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run(scenario: StormScenario, seed: int | None = None, *, progress=None) -> Results:
    """Run ``scenario`` to its end with ``seed`` (default: the file's seed) and return results.

    ``progress``, if given, is called as ``progress(done_minutes, total_minutes)`` about every
    simulated hour (the CLI draws its progress bar with it).
    """
    from .model import StormModel

    model = StormModel(scenario, seed)
    if progress is None:
        model.run()
    else:
        step = 60.0
        t = 0.0
        while not model.finished:
            t = min(t + step, model.duration)
            model.run_until(t)
            progress(model.now, model.duration)
    return model.results()


__all__ = [
    "Results",
    "ScenarioError",
    "StormModel",
    "StormScenario",
    "TraineeSeat",
    "load_scenario",
    "parse_scenario",
    "run",
]
