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


# --- Issue 12 item 11: shrinkage, chat concurrency, an interval table ------------------------
def test_shrinkage_grosses_up_the_agents_to_schedule():
    plain = json.loads(run(*TEXTBOOK, "--json").stdout)
    record = json.loads(run(*TEXTBOOK, "--shrinkage", "0.3", "--json").stdout)
    assert record["agents"] == plain["agents"] == 54
    assert record["scheduled_agents"] == 78  # ⌈54 / 0.7⌉ = ⌈77.14⌉
    assert record["service_level"] == pytest.approx(plain["service_level"])
    table = run(*TEXTBOOK, "--shrinkage", "0.3").stdout
    assert "shrinkage 30%" in table and "sched" in table


def test_concurrency_makes_each_agent_several_servers():
    # 120 chats/h × 8 min = 16 erlangs; 2 at once per agent: the queue has 2 servers an agent
    args = ["--arrivals-per-hour", "120", "--aht-min", "8", "--sla-s", "60", "--target", "0.8"]
    record = json.loads(run(*args, "--concurrency", "2", "--json").stdout)
    servers = erlang.agents_needed(120, 8, 1.0, 0.8)
    assert record["agents"] == -(-servers.agents // 2) and record["slots"] == 2 * record["agents"]
    below = erlang.metrics(120, 8, 2 * (record["agents"] - 1), 1.0)
    assert below.service_level < 0.8 <= record["service_level"]
    assert record["occupancy"] == pytest.approx(16 / record["slots"])


def write_forecast(path, rows):
    path.write_text("interval_start,channel,volume,aht_s\n" + "\n".join(rows) + "\n")
    return path


def test_interval_table_sizes_every_interval_and_channel(tmp_path):
    path = write_forecast(
        tmp_path / "wfm.csv",
        [
            "2026-03-06 12:00,phone,41,362",
            "2026-03-06 12:00,chat,18,540",
            "2026-03-06 12:15,phone,44,358",
            "2026-03-06 12:30,phone,52,360",
            "2026-03-06 12:30,chat,0,540",
        ],
    )
    out = tmp_path / "agents.csv"
    args = ["--intervals", str(path), "--sla-s", "20", "--concurrency", "chat=2"]
    result = run(*args, "--shrinkage", "0.25", "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["interval_min"] == 15 and record["channels"] == ["phone", "chat"]
    rows = record["intervals"]
    assert [(r["interval_start"][11:], r["channel"]) for r in rows] == [
        ("12:00", "phone"), ("12:00", "chat"), ("12:15", "phone"), ("12:30", "phone"),
        ("12:30", "chat"),
    ]  # fmt: skip
    phone = rows[0]  # 41 in 15 min = 164/h, AHT 362 s
    expected = erlang.agents_needed(164, 362 / 60, 20 / 60, 0.8)
    assert phone["agents"] == expected.agents and phone["concurrency"] == 1
    assert phone["scheduled_agents"] == -(-phone["agents"] * 4 // 3)
    chat = rows[1]
    servers = erlang.agents_needed(72, 9, 20 / 60, 0.8).agents
    assert chat["agents"] == -(-servers // 2) and chat["concurrency"] == 2
    assert rows[-1]["agents"] == 0 and rows[-1]["service_level"] is None
    table = pd.read_csv(out)
    assert table["agents"].tolist() == [r["agents"] for r in rows]
    text = CliRunner().invoke(erlang_cmd, args, env={"COLUMNS": "80"}).stdout
    assert "chat ×2" in text and max(len(line.rstrip()) for line in text.splitlines()) <= 80


T0, T1 = "2026-03-06 12:00", "2026-03-06 12:20"
BAD_FORECASTS = [
    ([f"{T0},phone,4x,362"], "line 2, field volume: '4x' is not a number"),
    ([f"{T0},phone,4,362", "2026-03-06 12:7,phone,4,362"], "line 3, field interval_start"),
    ([f"{T0},phone,-4,362"], "line 2, field volume: -4 must be ≥ 0"),
    ([f"{T0},phone,4,0"], "line 2, field aht_s: 0 must be > 0"),
    ([f"{T0},phone,4,300", f"{T0},phone,5,300"], f"line 3: phone at {T0} again (first on line 2)"),
    ([f"{T0},phone,4,300", f"{T1},phone,5,300"], "intervals of 20 minutes"),
]


@pytest.mark.parametrize(("rows", "expected"), BAD_FORECASTS)
def test_bad_forecast_rows_name_file_line_and_field(tmp_path, rows, expected):
    path = write_forecast(tmp_path / "wfm.csv", rows)
    result = run("--intervals", str(path))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr and str(path) in result.stderr, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([*TEXTBOOK, "--shrinkage", "1"], "--shrinkage 1: a share of paid time"),
        ([*TEXTBOOK, "--concurrency", "0"], "--concurrency 0: a whole number ≥ 1"),
        ([*TEXTBOOK, "--concurrency", "chat=2"], "CHANNEL=N needs --intervals"),
        (["--sla-s", "20"], "give --arrivals-per-hour and --aht-min"),
    ],
)
def test_bad_calculator_options_are_one_line(args, expected):
    result = run(*args)
    assert result.exit_code == 2 and expected in result.stderr, result.output
