"""Interval and per-origin reports (issue 12, item 8): they add up to the run's KPIs."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.intervals import combine_channels
from tests.conftest import LIBRARY
from tests.test_cli import stormdesk


@pytest.fixture(scope="module")
def results():
    scenario = sim.load_scenario(LIBRARY / "product_recall.toml").with_overrides(
        {"scenario.duration_hours": 20, "scenario.warmup_hours": 1}
    )
    return sim.run(scenario, seed=4)


@pytest.mark.parametrize("minutes", [15, 30, 60])
def test_intervals_add_up_to_the_channel_kpis(results, minutes):
    table = results.intervals(minutes)
    assert len(table) == len(results.sla_min) * (19 * 60 // minutes)
    for channel, k in results.kpis["channels"].items():
        rows = table[table["channel"] == channel]
        assert rows["arrivals"].sum() == k["arrived"]
        assert rows["answered"].sum() == k["answered"]
        assert rows["abandoned"].sum() == k["gave_up"]
        in_sla = (rows["service_level"].fillna(0) * rows["arrivals"]).sum()
        assert in_sla == pytest.approx(k["service_level"] * k["arrived"])
        assert rows["waiting_at_end"].iloc[-1] == k["waiting"]
    first = table["interval_start"].min()
    assert first == pd.Timestamp(results.clock.local(60))  # after the warm-up hour


def test_finer_intervals_refine_coarser_ones(results):
    fine = combine_channels(results.intervals(15))
    coarse = combine_channels(results.intervals(60))
    fine["hour"] = fine["interval_start"].dt.floor("h")
    summed = fine.groupby("hour")["arrivals"].sum().to_numpy()
    assert list(summed) == list(coarse["arrivals"])
    hourly_ends = fine["waiting_at_end"].to_numpy()[3::4]
    assert list(hourly_ends) == list(coarse["waiting_at_end"])


def test_by_origin_covers_every_complaint(results):
    table = results.by_origin()
    assert list(table["origin"]) == ["new", "pile_on", "repost", "switch"]
    assert table["arrived"].sum() == results.kpis["complaints"]
    assert table.set_index("origin").loc["pile_on", "arrived"] == results.kpis["pile_ons"]


def test_channel_frame_is_tidy(results):
    frame = results.channel_frame()
    assert list(frame.index) == list(results.kpis["channels"])
    assert frame.loc["twitter", "arrived"] == results.kpis["channels"]["twitter"]["arrived"]


def test_run_interval_prints_tables_that_fit_and_writes_the_file(tmp_path):
    out = tmp_path / "intervals.csv"
    r = stormdesk("run", "quiet_tuesday", "--seed", "3", "--quiet", "--interval", "30",
                  "--intervals-out", str(out))  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "every 30 minutes" in r.stdout and "pile-on" in r.stdout
    assert max(len(line.rstrip()) for line in r.stdout.splitlines()) <= 80
    table = pd.read_csv(out)
    assert len(table) == 48 * 5  # 48 half hours × 5 channels
    refused = stormdesk("run", "quiet_tuesday", "--intervals-out", str(out))
    assert refused.returncode == 2 and "--interval" in refused.stderr


def test_interval_choice_is_checked():
    r = stormdesk("run", "quiet_tuesday", "--interval", "7")
    assert r.returncode == 2 and "15" in r.stderr
