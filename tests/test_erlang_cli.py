"""`stormdesk erlang`: the analytic calculator as a planner or a trainer uses it."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from sim import erlang
from sim.cli_experiments import erlang_cmd
from tests.conftest import ROOT

TEXTBOOK = ["--arrivals-per-hour", "720", "--aht-min", "4", "--sla-s", "20", "--target", "0.8"]
CONTRACT = {"agents", "p_wait", "wait_mean_min", "service_level", "abandon_rate", "occupancy"}


def run(*args: str):
    return CliRunner().invoke(erlang_cmd, list(args))


def test_json_is_one_object_with_the_staffing_for_the_target():
    result = run(*TEXTBOOK, "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert set(record) >= CONTRACT
    # 720/h × 4 min = 48 erlangs; 80% within 20 s needs 54 agents (Erlang C)
    assert record["agents"] == 54 and record["model"] == "erlang_c"
    expected = erlang.agents_needed(720, 4, 20 / 60, 0.8)
    assert record["service_level"] == pytest.approx(expected.service_level)
    assert record["service_level"] >= 0.8
    below = erlang.metrics(720, 4, 53, 20 / 60)
    assert below.service_level < 0.8


def test_patience_switches_to_erlang_a_and_needs_fewer_agents():
    record = json.loads(run(*TEXTBOOK, "--patience-min", "2", "--json").stdout)
    assert record["model"] == "erlang_a"
    assert (
        record["agents"] == erlang.agents_needed(720, 4, 20 / 60, 0.8, patience_mean_min=2).agents
    )
    assert record["agents"] < 54
    assert 0 < record["abandon_rate"] < 0.1


def test_agents_option_evaluates_a_given_staffing():
    record = json.loads(run(*TEXTBOOK, "--agents", "50", "--json").stdout)
    m = erlang.metrics(720, 4, 50, 20 / 60)
    assert record["agents"] == 50
    assert record["p_wait"] == pytest.approx(m.p_wait)
    assert record["wait_mean_min"] == pytest.approx(m.wait_mean_min)


def test_unstable_queue_has_null_waits_in_json():
    record = json.loads(run(*TEXTBOOK, "--agents", "48", "--json").stdout)
    assert record["wait_mean_min"] is None and record["p_wait"] == 1.0


def test_table_marks_the_answer_between_its_neighbours():
    result = CliRunner().invoke(erlang_cmd, TEXTBOOK, env={"COLUMNS": "120"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    answer = next(line for line in lines if "◀" in line)
    assert answer.split()[0] == "54"
    assert any(line.split()[:1] == ["53"] for line in lines)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_out_writes_the_table_by_extension(tmp_path, suffix):
    path = tmp_path / f"erlang{suffix}"
    result = run(*TEXTBOOK, "--out", str(path))
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    assert set(table.columns) >= CONTRACT
    assert 54 in table["agents"].tolist()
    assert table["service_level"].is_monotonic_increasing


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--arrivals-per-hour", "-5", "--aht-min", "4"], "--arrivals-per-hour must be >= 0"),
        (["--arrivals-per-hour", "720", "--aht-min", "0"], "--aht-min must be > 0"),
        ([*TEXTBOOK[:6], "--target", "1.2"], "--target must be strictly between 0 and 1"),
        ([*TEXTBOOK, "--sla-min", "1"], "give --sla-s or --sla-min, not both"),
        (
            [*TEXTBOOK, "--out", "table.json"],
            "--out table.json: use a file name ending in .csv or .parquet",
        ),
        ([*TEXTBOOK, "--agents", "-1"], "--agents must be >= 0"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, args, expected):
    result = run(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and expected in lines[0]
    assert result.stdout == ""


def test_the_stormdesk_command_has_erlang():
    done = subprocess.run(
        [sys.executable, "-m", "sim", "erlang", *TEXTBOOK, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["agents"] == 54
