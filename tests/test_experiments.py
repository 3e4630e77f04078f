"""Sweeps: grids checked by the scenario's own validation, deterministic seeds, identical rows on
any backend, streaming output that survives a kill, summaries with t confidence intervals, and
one-line errors (exit 2, nothing written) for bad input."""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from scipy import stats

import sim
import sim.experiments as ex
from sim.cli_experiments import sweep as sweep_cmd
from sim.experiments import (
    ExperimentError,
    GridAxis,
    Sweep,
    derive_seed,
    open_backend,
    run_sweep,
    simulate_row,
    summarize,
)
from tests.conftest import LIBRARY, ROOT

QUIET = LIBRARY / "quiet_tuesday.toml"  # one simulated day, ~600 complaints: a fast run
GRID = ["shifts.weekday_day.reps=4:6:1", "policy.routing=fifo,priority"]


@pytest.fixture(scope="module")
def quiet():
    return sim.load_scenario(QUIET)


@pytest.fixture(scope="module")
def small_sweep(quiet) -> Sweep:
    """3 × 2 configurations × 3 seeds = 18 runs."""
    return Sweep.build(quiet, GRID, replications=3)


@pytest.fixture(scope="module")
def reference(small_sweep, tmp_path_factory) -> pd.DataFrame:
    """The small sweep run in this process (1 worker)."""
    out = tmp_path_factory.mktemp("ref") / "ref.parquet"
    with open_backend(workers=1) as backend:
        run_sweep(small_sweep, out, backend)
    return pd.read_parquet(out)


def keyed(frame: pd.DataFrame, sweep: Sweep) -> pd.DataFrame:
    """Rows sorted by their key, for comparing files whatever their order."""
    return frame.sort_values(sweep.key_columns).reset_index(drop=True)


# --- Grid ----------------------------------------------------------------------------------
def test_range_grid_is_inclusive_and_typed_by_the_scenario(quiet):
    axis = GridAxis.parse("shifts.weekday_day.reps=6:14:2", quiet)
    assert axis.columns == (6, 8, 10, 12, 14)
    assert all(type(v) is int for v in axis.columns)


def test_decimal_range_steps_exactly(quiet):
    axis = GridAxis.parse("contagion.branching_ratio=0.1:0.3:0.1", quiet)
    assert axis.columns == (0.1, 0.2, 0.3)


def test_list_grid_keeps_strings_and_toml_tables(quiet):
    assert GridAxis.parse("policy.routing=fifo,priority", quiet).columns == ("fifo", "priority")
    axis = GridAxis.parse(
        'channels.twitter.patience={ dist = "exponential", mean_min = 30 },"none"', quiet
    )
    assert axis.values == ({"dist": "exponential", "mean_min": 30}, "none")
    variant = quiet.with_overrides({"channels.twitter.patience": axis.values[0]})
    assert variant.channels["twitter"].patience.mean_min == 30


def test_float_field_given_an_integer_gets_a_float_column(quiet):
    assert GridAxis.parse("contagion.branching_ratio=0,1", quiet).columns == (0.0, 1.0)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("shifts.weekday_day.repz=6:14:2", "unknown key (did you mean 'reps'?)"),
        ("shifts.weekend_day.reps=6", "'weekend_day'"),
        ("shifts.weekday_day.reps=abc", "must be a whole number"),
        ("shifts.weekday_day.reps=6.5", "must be a whole number"),
        ("shifts.weekday_day.reps=-1", "must be >= 0"),
        ("policy.routing=fifo,random", "must be one of"),
        ("shifts.weekday_day.reps=", "no values"),
        ("shifts.weekday_day.reps=14:6:2", "no values"),
        ("shifts.weekday_day.reps", "expected PATH=VALUES"),
        ("shifts.weekday_day.reps=1:5:0", "step must be > 0"),
    ],
)
def test_bad_grid_is_one_clear_line_naming_the_field(quiet, spec, expected):
    with pytest.raises(ExperimentError) as e:
        Sweep.build(quiet, [spec], replications=2)
    assert len(e.value.problems) == 1
    line = e.value.problems[0]
    assert line.startswith(f"--grid {spec.split('=')[0]}")
    assert expected in line


def test_values_that_clash_together_are_caught_before_running(quiet):
    # each value is valid alone; a 12-hour run with 18 hours of warm-up is not
    grid = ["scenario.duration_hours=24,12", "scenario.warmup_hours=0,18"]
    with pytest.raises(ExperimentError) as e:
        Sweep.build(quiet, grid, replications=1)
    assert len(e.value.problems) == 1
    line = e.value.problems[0]
    assert line.startswith(
        "--grid combination scenario.duration_hours=12.0, scenario.warmup_hours=18.0"
    )
    assert "must be < duration_hours (12)" in line


# --- Seeds ---------------------------------------------------------------------------------
def test_seeds_depend_only_on_base_seed_and_replication(small_sweep):
    tasks = list(small_sweep.tasks())
    by_replication = {}
    for t in tasks:
        by_replication.setdefault(t.replication, set()).add(t.seed)
    assert all(len(seeds) == 1 for seeds in by_replication.values())  # common random numbers
    assert len({next(iter(s)) for s in by_replication.values()}) == small_sweep.replications
    assert derive_seed(1, 0) == int(np.random.SeedSequence([1, 0]).generate_state(1)[0])


def test_independent_seeds_differ_between_configurations(quiet):
    sweep = Sweep.build(quiet, GRID, replications=2, common_random_numbers=False)
    seeds = [t.seed for t in sweep.tasks()]
    assert len(set(seeds)) == len(seeds)


# --- Rows ----------------------------------------------------------------------------------
def test_rows_hold_grid_seed_and_every_kpi_flattened(reference, small_sweep, quiet):
    assert len(reference) == small_sweep.n_runs == 18
    assert list(reference.columns[:4]) == [*small_sweep.paths, "replication", "seed"]
    for column in (
        "twitter.service_level",
        "phone.abandon_rate",
        "cost",
        "model_version",
        "scenario_sha256",
    ):
        assert column in reference.columns
    assert reference["model_version"].unique().tolist() == [sim.__version__]
    first = reference.iloc[0]
    variant = quiet.with_overrides({"shifts.weekday_day.reps": 4, "policy.routing": "fifo"})
    assert first["scenario_sha256"] == variant.sha256
    kpis = simulate_row(variant, int(first["seed"]))
    assert kpis["twitter.service_level"] == first["twitter.service_level"]
    assert kpis["complaints"] == first["complaints"]


def test_rows_are_written_in_task_order(reference, small_sweep):
    expected = [tuple(t.config.columns.values()) for t in small_sweep.tasks()]
    assert list(reference[small_sweep.paths].itertuples(index=False, name=None)) == expected


def test_one_worker_two_workers_and_dask_give_identical_rows(small_sweep, reference, tmp_path):
    from distributed import LocalCluster

    with open_backend(workers=2) as backend:
        run_sweep(small_sweep, tmp_path / "two.parquet", backend)
    two = pd.read_parquet(tmp_path / "two.parquet")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        open_backend(scheduler=cluster.scheduler_address) as backend,
    ):
        assert backend.workers == 2
        run_sweep(small_sweep, tmp_path / "dask.parquet", backend)
    dask = pd.read_parquet(tmp_path / "dask.parquet")
    pd.testing.assert_frame_equal(two, reference)
    pd.testing.assert_frame_equal(dask, reference)


def test_csv_output_holds_the_same_rows(small_sweep, reference, tmp_path):
    with open_backend(workers=1) as backend:
        run_sweep(small_sweep, tmp_path / "rows.csv", backend)
    rows = pd.read_csv(tmp_path / "rows.csv")
    for column in reference.columns:
        if column == "warnings":
            continue
        if pd.api.types.is_float_dtype(reference[column]):
            np.testing.assert_array_equal(rows[column].to_numpy(), reference[column].to_numpy())
        else:
            assert rows[column].astype(str).tolist() == reference[column].astype(str).tolist()


# --- Resume --------------------------------------------------------------------------------
class Interrupt(Exception):
    pass


def interrupt_after(n: int):
    def progress(done: int, total: int) -> None:
        if done >= n:
            raise Interrupt

    return progress


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_interrupted_sweep_resumes_with_every_row_once(small_sweep, reference, tmp_path, suffix):
    out = tmp_path / f"rows{suffix}"
    with open_backend(workers=1) as backend, pytest.raises(Interrupt):
        run_sweep(small_sweep, out, backend, progress=interrupt_after(7))
    if suffix == ".csv":  # a kill mid-write leaves half a row: resume must cut it off
        with open(out, "a") as f:
            f.write("5,priority,1,12345,Quiet Tues")
    _store, done, _ = ex.prepare_output(small_sweep, out)
    assert len(done) == 7
    with open_backend(workers=1) as backend:
        outcome = run_sweep(small_sweep, out, backend)
    assert (outcome.skipped, outcome.ran) == (7, 11)
    rows = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)
    assert len(rows) == 18
    assert not rows.duplicated(small_sweep.key_columns).any()
    assert rows["seed"].tolist() == reference["seed"].tolist()
    np.testing.assert_array_equal(rows["twitter.wait_mean_min"], reference["twitter.wait_mean_min"])
    assert not out.with_name(out.name + ".parts").exists()


def test_finished_sweep_run_again_runs_nothing(small_sweep, reference, tmp_path):
    out = tmp_path / "rows.parquet"
    with open_backend(workers=1) as backend:
        run_sweep(small_sweep, out, backend)
        again = run_sweep(small_sweep, out, backend)
    assert (again.skipped, again.ran) == (18, 0)
    pd.testing.assert_frame_equal(pd.read_parquet(out), reference)


def test_more_seeds_later_adds_only_the_new_runs(quiet, small_sweep, reference, tmp_path):
    out = tmp_path / "rows.parquet"
    with open_backend(workers=1) as backend:
        run_sweep(small_sweep, out, backend)
        bigger = Sweep.build(quiet, GRID, replications=4)
        outcome = run_sweep(bigger, out, backend)
    assert (outcome.skipped, outcome.ran) == (18, 6)
    rows = pd.read_parquet(out)
    assert len(rows) == 24 and not rows.duplicated(bigger.key_columns).any()


def test_rows_of_another_sweep_are_refused(quiet, small_sweep, reference, tmp_path):
    out = tmp_path / "rows.parquet"
    reference.to_parquet(out)
    other = Sweep.build(quiet, GRID, replications=3, base_seed=99)
    with pytest.raises(ExperimentError, match="made with another seed"):
        ex.prepare_output(other, out)


def test_a_killed_sweep_resumes_from_the_command_line(tmp_path):
    """kill -9 half way through a real `stormdesk sweep`, run it again: every row exactly once."""
    out = tmp_path / "killed.parquet"
    args = [
        sys.executable,
        "-m",
        "sim",
        "sweep",
        str(QUIET),
        "--grid",
        "shifts.weekday_day.reps=3:12:1",
        "--grid",
        "policy.routing=fifo,priority",
        "--seeds",
        "6",
        "--workers",
        "2",
        "--out",
        str(out),
        "--quiet",
    ]
    parts = out.with_name(out.name + ".parts")

    def saved() -> int:
        return sum(pq.read_metadata(p).num_rows for p in parts.glob("part-*.parquet"))

    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and saved() < 30 and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = saved()
    assert 30 <= before < 120, "the kill should land part way"
    assert not out.exists()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{before} already done" in done.stderr
    rows = pd.read_parquet(out)
    assert len(rows) == 120
    assert not rows.duplicated(["shifts.weekday_day.reps", "policy.routing", "replication"]).any()


# --- Summary -------------------------------------------------------------------------------
def test_summary_gives_t_confidence_intervals(reference, small_sweep, tmp_path, monkeypatch):
    out = tmp_path / "rows.parquet"
    reference.to_parquet(out)
    monkeypatch.setattr(ex.stores, "READ_BATCH", 5)  # combine partial sums across batches
    table = summarize(out, small_sweep.paths, ["twitter.service_level", "cost"])
    assert len(table) == 6 and (table["runs"] == 3).all()
    for _, row in table.iterrows():
        mine = reference[
            (reference["shifts.weekday_day.reps"] == row["shifts.weekday_day.reps"])
            & (reference["policy.routing"] == row["policy.routing"])
        ]
        values = mine["twitter.service_level"].to_numpy()
        halfwidth = stats.t.ppf(0.975, len(values) - 1) * stats.sem(values)
        assert row["twitter.service_level"] == pytest.approx(values.mean(), rel=1e-12)
        assert row["twitter.service_level_ci95"] == pytest.approx(halfwidth, rel=1e-9, abs=1e-15)


def test_all_channels_service_level_is_weighted_by_arrivals(reference, small_sweep, tmp_path):
    out = tmp_path / "rows.parquet"
    reference.to_parquet(out)
    table = summarize(out, small_sweep.paths, ["all_channels.service_level"])
    channels = ["twitter", "facebook", "email", "chat", "phone"]
    first = reference.iloc[:3]
    hit = sum(first[f"{c}.service_level"] * first[f"{c}.arrived"] for c in channels)
    per_run = hit / sum(first[f"{c}.arrived"] for c in channels)
    assert table["all_channels.service_level"].iloc[0] == pytest.approx(per_run.mean())


# --- The command ---------------------------------------------------------------------------
def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--grid", "shifts.weekday_day.repz=4:6:1"], "unknown key"),
        (["--grid", "shifts.weekday_day.reps=four"], "must be a whole number"),
        (["--grid", "shifts.weekday_day.reps="], "no values"),
        (
            [
                "--grid",
                "policy.routing=fifo",
                "--scheduler",
                "tcp://127.0.0.1:{port}",
                "--connect-timeout",
                "2",
            ],
            "cannot reach the Dask scheduler",
        ),
        (
            ["--grid", "policy.routing=fifo", "--out", "{tmp}/not_a_folder.txt/rows.parquet"],
            "is not a folder",
        ),
        (["--grid", "policy.routing=fifo", "--out", "{tmp}/rows.json"], "use a .parquet or .csv"),
        (["--grid", "policy.routing=fifo", "--plot", "{tmp}/plot.txt"], "--plot"),
    ],
    ids=[
        "unknown-path",
        "wrong-type",
        "empty-grid",
        "unreachable-scheduler",
        "unwritable-out",
        "unknown-format",
        "bad-plot",
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, extra, expected):
    (tmp_path / "not_a_folder.txt").write_text("a file, not a folder")
    before = sorted(tmp_path.rglob("*"))
    args = [a.format(port=closed_port(), tmp=tmp_path) for a in extra]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "rows.parquet")]
    result = CliRunner().invoke(sweep_cmd, [str(QUIET), "--seeds", "2", "--workers", "1", *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]
    assert result.stdout == ""
    assert sorted(tmp_path.rglob("*")) == before


def test_sweep_command_prints_means_with_ci_and_draws_plots(tmp_path):
    out, plot = tmp_path / "rows.csv", tmp_path / "sweep.png"
    result = CliRunner().invoke(
        sweep_cmd,
        [
            str(QUIET),
            "--grid",
            "shifts.weekday_day.reps=3:5:1",
            "--grid",
            "policy.routing=fifo,priority",
            "--seeds",
            "3",
            "--workers",
            "2",
            "--out",
            str(out),
            "--plot",
            str(plot),
            "--kpi",
            "twitter.service_level",
            "--kpi",
            "cost",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.stderr
    assert "±" in result.stdout and "twitter.service_level" in result.stdout
    assert "18 runs in" in result.stderr
    assert len(pd.read_csv(out)) == 18
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 20_000


def test_pareto_front_keeps_only_undominated_configurations():
    from sim.plots_experiments import pareto_front

    cost = np.array([10.0, 12.0, 11.0, 15.0, 12.0])
    service = np.array([0.5, 0.7, 0.4, 0.9, 0.6])
    assert pareto_front(cost, service).tolist() == [0, 1, 3]
    assert math.isclose(cost[pareto_front(cost, service)].max(), 15.0)


def test_parquet_parts_are_written_atomically(small_sweep, tmp_path, monkeypatch):
    """Parts appear only complete (written to .tmp, then renamed), so a kill never leaves half
    a Parquet file behind."""
    monkeypatch.setattr(ex.stores, "PARQUET_FLUSH_ROWS", 4)
    seen: list[list[str]] = []
    parts = tmp_path / "rows.parquet.parts"

    def watch(done: int, total: int) -> None:
        if parts.exists():
            seen.append(sorted(p.name for p in parts.iterdir()))
            for p in parts.glob("part-*.parquet"):
                pd.read_parquet(p)  # every visible part is a whole file

    with open_backend(workers=1) as backend:
        run_sweep(small_sweep, tmp_path / "rows.parquet", backend, progress=watch)
    assert any(len(s) >= 3 for s in seen)
    assert not any(name.endswith(".tmp") for s in seen for name in s)
    assert not parts.exists()


def test_path_checks_create_nothing(tmp_path):
    target = tmp_path / "new" / "deeper" / "rows.parquet"
    ex.check_writable(target)
    assert not (tmp_path / "new").exists()
    with pytest.raises(ExperimentError, match="is a folder"):
        ex.check_writable(tmp_path)


def test_unreadable_results_file_is_reported(small_sweep, tmp_path):
    out = tmp_path / "rows.parquet"
    out.write_text("not parquet")
    with pytest.raises(ExperimentError):
        ex.prepare_output(small_sweep, out)


def test_summary_of_missing_results_is_an_error(tmp_path):
    with pytest.raises(ExperimentError, match="no results yet"):
        summarize(tmp_path / "none.parquet", ["policy.routing"])


def test_batch_run_returns_the_rows_a_sweep_writes(tmp_path):
    """Issue 12 item 12: an in-memory sweep for notebooks, with the same rows as the file."""
    from sim.experiments import batch_run

    scenario = sim.load_scenario(LIBRARY / "quiet_tuesday.toml").with_overrides(
        {"scenario.duration_hours": 6}
    )
    frame = batch_run(scenario, {"shifts.weekday_day.reps": [3, 5]}, replications=2)
    assert list(frame["shifts.weekday_day.reps"]) == [3, 3, 5, 5]
    assert list(frame["replication"]) == [0, 1, 0, 1]
    plan = Sweep.build(scenario, ["shifts.weekday_day.reps=3,5"], 2)
    with open_backend(workers=1) as backend:
        outcome = run_sweep(plan, tmp_path / "s.parquet", backend)
    on_disk = pd.read_parquet(outcome.path)
    assert list(on_disk["cost"]) == list(frame["cost"])
    assert list(on_disk["churned"]) == list(frame["churned"])


def test_paired_differences_pair_replications():
    from sim.experiments import paired_differences

    frame = pd.DataFrame(
        {
            "reps": [3, 3, 3, 5, 5, 5],
            "replication": [0, 1, 2, 0, 1, 2],
            "churned": [10, 20, 30, 8, 17, 29],
        }
    )
    diffs = paired_differences(frame, ["reps"], ["churned"], {"reps": 3}).set_index("reps")
    assert diffs.loc[3, "churned_diff"] == 0
    assert diffs.loc[5, "churned_diff"] == pytest.approx(-2.0)  # (-2, -3, -1) pair by pair
    assert diffs.loc[5, "churned_diff_ci95"] == pytest.approx(4.303 * 1.0 / 3**0.5, rel=1e-3)
    with pytest.raises(ExperimentError, match="no such configuration"):
        paired_differences(frame, ["reps"], ["churned"], {"reps": 4})
