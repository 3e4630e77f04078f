"""Experiments: a grid of scenario variants × seeds, run on local processes or a Dask cluster.

A **sweep** changes scenario fields by their dotted paths (``shifts.weekday_day.reps``,
``policy.routing``, ``channels.twitter.patience``…) over a grid, runs every configuration with
several seeds and streams one row per run to Parquet or CSV::

    scenario = sim.load_scenario("scenarios/holiday_rush.toml")
    grid = ["shifts.weekday_day.reps=6:14:2", "policy.routing=fifo,priority"]
    sweep = Sweep.build(scenario, grid, replications=20)
    with open_backend(workers=2) as backend:          # or open_backend(scheduler="tcp://host:8786")
        run_sweep(sweep, "results/holiday.parquet", backend)
    table = summarize("results/holiday.parquet", sweep.paths)   # means and 95% CIs

Grid values are written as in the scenario file (TOML: ``6``, ``0.5``, ``true``, ``fifo``,
``{ dist = "exponential", mean_min = 30 }``) and checked by the scenario's own validation
before anything runs; ``a:b:step`` is the inclusive range a, a+step, … ≤ b.

**Seeds.** Replication ``r`` runs with ``SeedSequence([base_seed, r]).generate_state(1)[0]``:
common random numbers — every configuration sees the same storms, so differences between
configurations are not drowned by seed noise. With ``common_random_numbers=False`` the
configuration's index joins the sequence (``[base_seed, config, r]``). Seeds never depend on
the worker count or the backend, so a sweep gives the same rows however it is run.

**Rows.** Columns: the grid's dotted paths, ``replication``, ``seed``, then every KPI of the
results contract flattened (``twitter.service_level``, ``cost``…) with ``model_version`` and
``scenario_sha256``. Rows are written in task order (configuration-major) through a bounded
window of runs in flight, so memory stays flat and files from 1 worker, 8 workers or a cluster
hold the same rows in the same order.

**Resume.** Parquet output is journalled as small part files in ``<out>.parts/`` (each written
atomically) and merged into ``<out>`` at the end; CSV is appended and flushed row by row. Run
an interrupted sweep again and it reads the finished keys (grid values + replication), checks
they were made with the same seed and scenario, and runs only what is missing.
"""

from __future__ import annotations

from .backends import (  # noqa: F401
    Backend,
    InlineExecutor,
    _dask_backend,
    _process_context,
    check_kpis,
    default_workers,
    exit_with_sweep,
    flatten_kpis,
    kpi_columns,
    open_backend,
    run_ordered,
    simulate_row,
    worker_model_version,
)
from .base import (  # noqa: F401
    ALL_CHANNELS,
    CONFIDENCE,
    DEFAULT_WINDOW_PER_WORKER,
    KEY_REPLICATION,
    ExperimentError,
    scenario_problems,
)
from .grid import (  # noqa: F401
    _RANGE,
    MAX_RANGE_VALUES,
    Configuration,
    GridAxis,
    RunTask,
    Sweep,
    column_value,
    derive_seed,
    expand_range,
    parse_value,
    split_values,
    value_at,
)
from .stores import (  # noqa: F401
    PARQUET_FLUSH_ROWS,
    PARQUET_FLUSH_SECONDS,
    PARQUET_ROW_GROUP,
    READ_BATCH,
    CsvStore,
    ParquetStore,
    ResultsStore,
    _arrow_type,
    _keys,
    check_writable,
)
from .summaries import (  # noqa: F401
    _combine,
    add_all_channels,
    channels_of,
    default_kpis,
    summarize,
    t_halfwidth,
)
from .sweeps import (  # noqa: F401
    SweepOutcome,
    _toml_text,
    batch_run,
    paired_differences,
    paired_ratio,
    prepare_output,
    run_sweep,
)

__all__ = [
    "Backend",
    "Configuration",
    "ExperimentError",
    "GridAxis",
    "ResultsStore",
    "RunTask",
    "Sweep",
    "SweepOutcome",
    "derive_seed",
    "flatten_kpis",
    "open_backend",
    "paired_ratio",
    "prepare_output",
    "run_ordered",
    "run_sweep",
    "simulate_row",
    "summarize",
]
