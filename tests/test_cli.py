"""The `stormdesk` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LIBRARY, ROOT

STORMDESK = [sys.executable, "-m", "sim"]


def stormdesk(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*STORMDESK, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_same_scenario_and_seed_give_byte_identical_json():
    first = stormdesk("run", str(LIBRARY / "quiet_tuesday.toml"), "--seed", "3", "--json")
    second = stormdesk("run", str(LIBRARY / "quiet_tuesday.toml"), "--seed", "3", "--json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    kpis = json.loads(first.stdout)
    assert kpis["seed"] == 3
    assert kpis["complaints"] > 0


def test_different_seeds_give_different_results():
    a = json.loads(stormdesk("run", "quiet_tuesday", "--seed", "1", "--json").stdout)
    b = json.loads(stormdesk("run", "quiet_tuesday", "--seed", "2", "--json").stdout)
    assert a != b


def test_json_output_follows_the_results_contract():
    kpis = json.loads(stormdesk("run", "product_recall", "--seed", "3", "--json").stdout)
    top = {
        "scenario",
        "seed",
        "complaints",
        "channels",
        "escalated_public",
        "peak_per_hour",
        "impressions",
        "churned",
        "revenue_at_risk",
        "occupancy",
        "cost",
        "csat",
        "model_version",
        "scenario_sha256",
    }
    assert top <= set(kpis)
    per_channel = {
        "arrived",
        "answered",
        "gave_up",
        "open",
        "wait_mean_min",
        "p_wait",
        "abandon_rate",
        "service_level",
        "frt_median_min",
        "frt_p90_min",
        "same_day_rate",
        "escalated_public",
    }
    for channel, k in kpis["channels"].items():
        assert per_channel <= set(k), channel
        for rate in ("p_wait", "abandon_rate", "service_level", "same_day_rate"):
            assert k[rate] is None or 0.0 <= k[rate] <= 1.0
    assert kpis["complaints"] == sum(k["arrived"] for k in kpis["channels"].values())


def test_run_prints_a_kpi_table_and_writes_a_plot(tmp_path):
    plot = tmp_path / "recall.png"
    r = stormdesk("run", "product_recall", "--seed", "3", "--plot", str(plot))
    assert r.returncode == 0, r.stderr
    assert "twitter" in r.stdout and "service level" in r.stdout
    assert plot.stat().st_size > 10_000
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_scenarios_lists_the_library():
    r = stormdesk("scenarios")
    assert r.returncode == 0, r.stderr
    for sid in (
        "quiet_tuesday",
        "kearney_2011",
        "product_recall",
        "weekend_outage",
        "influencer_meltdown",
        "holiday_rush",
        "hashtag_hijack",
    ):
        assert sid in r.stdout


def test_validate_accepts_the_whole_library():
    files = sorted(str(p) for p in LIBRARY.glob("*.toml"))
    r = stormdesk("validate", *files)
    assert r.returncode == 0, r.stderr


BAD_FILES = {
    "malformed.toml": ("[scenario\nname = 'x'\n", "invalid TOML"),
    "unknown_key.toml": None,  # filled below from a valid document
}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("share = 0.35", "share = 0.25", 1), "sum"),
        (lambda t: t.replace("base_per_hour = ", "base_per_hour = -", 1), "arrivals.base_per_hour"),
        (lambda t: t.replace("[arrivals]", "[arrivals]\nbase_per_huor = 3", 1), "base_per_huor"),
        (lambda t: t.replace("[scenario]", "[scenario", 1), "invalid TOML"),
        (lambda t: t.replace("concurrency = 4", 'concurrency = "four"', 1), "concurrency"),
    ],
    ids=["shares", "negative_rate", "unknown_key", "malformed", "wrong_type"],
)
def test_bad_scenario_exits_2_with_one_line_per_problem(tmp_path, edit, expected):
    text = (LIBRARY / "product_recall.toml").read_text()
    bad = tmp_path / "broken.toml"
    bad.write_text(edit(text))
    r = stormdesk("run", str(bad), "--json")
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert lines and all(line.startswith(str(bad)) for line in lines), r.stderr
    assert expected in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_file_exits_2():
    r = stormdesk("run", "no/such/file.toml")
    assert r.returncode == 2
    assert "no/such/file.toml" in r.stderr and "not found" in r.stderr
    assert "Traceback" not in r.stderr


def test_help_explains_the_commands():
    r = stormdesk("--help")
    assert r.returncode == 0
    for word in ("run", "scenarios", "validate"):
        assert word in r.stdout
    assert "--seed" in stormdesk("run", "--help").stdout


def _width(text: str) -> int:
    return max((len(line.rstrip()) for line in text.splitlines()), default=0)


@pytest.mark.parametrize("columns", [80, 100])
def test_run_tables_fit_the_terminal_when_piped(columns):
    """Issue 12: the per-channel table cut columns (`twi… fac…`) at 80-100 columns and printed
    146 columns when piped. Six channels (influencer_meltdown) must fit, every figure whole."""
    import os

    env = {**os.environ, "COLUMNS": str(columns)}
    r = subprocess.run(
        [*STORMDESK, "run", "influencer_meltdown", "--seed", "3", "--quiet",
         "--set", "scenario.duration_hours=6"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert _width(r.stdout) <= columns, r.stdout
    assert "…" not in r.stdout
    for channel in ("twitter", "instagram", "tiktok", "email", "chat", "phone"):
        assert channel in r.stdout
    assert "first response = time from the complaint to the first answer" in r.stdout.replace(
        "\n", " "
    )


def test_run_set_changes_fields_and_adds_an_incident():
    base = json.loads(stormdesk("run", "quiet_tuesday", "--seed", "2", "--json").stdout)
    storm = stormdesk(
        "run", "quiet_tuesday", "--seed", "2", "--json",
        "--set", 'incidents[0]={ name = "storm", start_hour = 10, duration_hours = 4, '
        "multiplier = 6 }",
    )  # fmt: skip
    assert storm.returncode == 0, storm.stderr
    assert json.loads(storm.stdout)["complaints"] > 1.5 * base["complaints"]
    fewer = stormdesk("run", "quiet_tuesday", "--seed", "2", "--json",
                      "--set", "scenario.duration_hours=12")  # fmt: skip
    assert json.loads(fewer.stdout)["complaints"] < base["complaints"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("shifts.nobody.reps=3", "no shift named 'nobody'"),
        ("policy.routing=fify", "policy.routing"),
        ("nonsense", "expected PATH=VALUE"),
    ],
)
def test_run_set_refuses_bad_settings(setting, message):
    r = stormdesk("run", "quiet_tuesday", "--set", setting)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr


def test_a_misspelled_library_id_gets_a_suggestion():
    r = stormdesk("run", "quiet_tuesdy")
    assert r.returncode == 2
    assert "did you mean 'quiet_tuesday'?" in r.stderr


def test_a_misspelled_sweep_kpi_is_refused_before_anything_runs(tmp_path):
    out = tmp_path / "sweep.csv"
    r = stormdesk(
        "sweep", "quiet_tuesday", "--grid", "shifts.weekday_day.reps=3,4", "--seeds", "2",
        "--out", str(out), "--quiet", "--kpi", "twitter.service_lvl",
    )  # fmt: skip
    assert r.returncode == 2
    assert "did you mean 'twitter.service_level'?" in r.stderr
    assert not out.exists() and "runs in" not in r.stderr


def test_validate_json_lists_problems_and_warnings(tmp_path):
    late = tmp_path / "late.toml"
    late.write_text(
        (LIBRARY / "product_recall.toml").read_text().replace("start_hour = 6 ", "start_hour = 99 ")
    )
    broken = tmp_path / "broken.toml"
    broken.write_text("[scenario]\nname = 3\n")
    r = stormdesk("validate", "--json", "quiet_tuesday", str(late), str(broken))
    assert r.returncode == 2
    records = json.loads(r.stdout)
    assert [rec["ok"] for rec in records] == [True, True, False]
    assert records[0]["warnings"] == [] and records[2]["problems"]
    assert "never happens" in records[1]["warnings"][0]


def test_sweep_json_and_replications_is_one_option_with_seeds(tmp_path):
    out = tmp_path / "s.csv"
    r = stormdesk(
        "sweep", "quiet_tuesday", "--grid", "shifts.weekday_day.reps=3,4", "--replications", "2",
        "--out", str(out), "--quiet", "--json", "--kpi", "cost", "--workers", "1",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [row["shifts.weekday_day.reps"] for row in rows] == [3, 4]
    assert all(row["runs"] == 2 for row in rows)
    same = stormdesk(
        "sweep", "quiet_tuesday", "--grid", "shifts.weekday_day.reps=3,4", "--seeds", "2",
        "--out", str(out), "--quiet", "--json", "--kpi", "cost", "--workers", "1",
    )  # fmt: skip
    assert json.loads(same.stdout) == rows  # resumed: the same runs, nothing new
    for command in ("sweep", "staff"):
        bad = stormdesk(command, "quiet_tuesday", "--seeds", "0", "--out", str(out))
        assert bad.returncode == 2 and "--replications" in bad.stderr, bad.stderr


def test_sweep_baseline_prints_paired_differences(tmp_path):
    out = tmp_path / "s.csv"
    r = stormdesk(
        "sweep", "quiet_tuesday", "--grid", "shifts.weekday_day.reps=3,5", "--replications", "2",
        "--out", str(out), "--quiet", "--kpi", "churned", "--workers", "1",
        "--baseline", "shifts.weekday_day.reps=3",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "difference from shifts.weekday_day.reps=3" in r.stdout and "Δ churned" in r.stdout
    assert _width(r.stdout) <= 80
    bad = stormdesk(
        "sweep", "quiet_tuesday", "--grid", "shifts.weekday_day.reps=3,5", "--replications", "2",
        "--out", str(out), "--quiet", "--workers", "1", "--baseline", "shifts.weekday_day.reps=4",
    )  # fmt: skip
    assert bad.returncode == 2 and "no such configuration" in bad.stderr


def test_cli_modules_share_one_definition_of_exit_codes_and_library():
    """sim/cli is one package on one common module: the exit codes and the scenario library are
    defined once, and every command module imports on its own (no import circle)."""
    import re

    defined = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "sim").rglob("*.py")
        if re.search(r"^(EXIT_BAD_INPUT|LIBRARY)\s*=", p.read_text(), re.M)
    ]
    assert sorted(defined) == ["sim/cli/common.py", "sim/library.py"], defined
    modules = ["common", "cmd_run", "cmd_sweep", "cmd_staff", "cmd_erlang", "cmd_report",
               "cmd_score"]  # fmt: skip
    for name in modules:
        r = subprocess.run([sys.executable, "-c", f"import sim.cli.{name}"], cwd=ROOT,
                           capture_output=True, text=True)  # fmt: skip
        assert r.returncode == 0, (name, r.stderr[-1000:])
