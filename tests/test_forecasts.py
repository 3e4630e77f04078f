"""WFM forecasts per channel and 15/30/60-minute interval as a scenario's arrivals
(``arrivals.forecast_csv`` with interval_start, channel, volume, AHT; issue 12 item 10)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

import sim
from sim.scenario import ScenarioError
from sim.staffing import forecast_arrivals, interval_edges
from tests.conftest import LIBRARY

TUESDAY = datetime(2026, 3, 3)  # quiet_tuesday: 24 hours from midnight


def wfm(path, minutes=15, hours=24, start=TUESDAY, extra=()):
    rows = ["interval_start,channel,volume,aht_s"]
    for i in range(hours * 60 // minutes):
        t = start + timedelta(minutes=minutes * i)
        twitter = 10 if 9 * 60 <= i * minutes < 10 * 60 else 2  # a burst 09:00–10:00
        for channel, volume in (("twitter", twitter), ("phone", 5), ("email", 0)):
            rows.append(f"{t:%Y-%m-%d %H:%M},{channel},{volume},300")
    rows.extend(extra)
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def quiet():
    return sim.load_scenario(LIBRARY / "quiet_tuesday.toml")


def test_the_forecast_sets_volume_and_channel_per_interval(quiet, tmp_path):
    scenario = quiet.with_overrides({"arrivals.forecast_csv": str(wfm(tmp_path / "f.csv"))})
    edges = interval_edges(scenario, 15)
    expected = forecast_arrivals(scenario, edges)  # what staffing's Erlang columns are fed
    names = list(scenario.channels)
    twitter, phone = names.index("twitter"), names.index("phone")
    assert expected[35, twitter] == pytest.approx(2) and expected[36, twitter] == pytest.approx(10)
    assert expected[:, phone] == pytest.approx(np.full(96, 5.0))
    others = [names.index(c) for c in ("facebook", "email", "chat")]
    assert expected[:, others].sum() == 0
    # the hourly baseline (crisis mode) is the forecast's total per hour
    assert scenario.arrivals.forecast[8] == 28 and scenario.arrivals.forecast[9] == 60
    # simulated new complaints follow it: 224 twitter, 480 phone a day, nothing elsewhere
    counts = {"twitter": 0, "phone": 0}
    burst = 0
    for seed in range(4):
        new = sim.run(scenario, seed=seed).complaints.query("origin == 'new'")
        assert set(new["channel"]) <= {"twitter", "phone"}
        for channel in counts:
            counts[channel] += int((new["channel"] == channel).sum())
        tw = new[new["channel"] == "twitter"]["created_min"]
        burst += int(((tw >= 540) & (tw < 600)).sum())
    assert counts["twitter"] / 4 == pytest.approx(224, abs=3 * np.sqrt(224 / 4))
    assert counts["phone"] / 4 == pytest.approx(480, abs=3 * np.sqrt(480 / 4))
    assert burst / 4 == pytest.approx(40, abs=3 * np.sqrt(40 / 4))


def test_a_30_minute_forecast_and_the_hash(quiet, tmp_path):
    a = quiet.with_overrides({"arrivals.forecast_csv": str(wfm(tmp_path / "a.csv", minutes=30))})
    b = quiet.with_overrides({"arrivals.forecast_csv": str(wfm(tmp_path / "b.csv", minutes=15))})
    assert sum(a.arrivals.forecast) == pytest.approx(sum(b.arrivals.forecast) / 2)
    assert a.sha256 != b.sha256 and a.sha256 != quiet.sha256
    same = quiet.with_overrides({"arrivals.forecast_csv": str(wfm(tmp_path / "c.csv", minutes=30))})
    assert same.sha256 == a.sha256  # the content counts, not where the file is


@pytest.mark.parametrize(
    ("extra", "kwargs", "expected"),
    [
        (["2026-03-03 23:45,sms,3,300"], {}, "channel 'sms' is not a channel of the scenario"),
        (["2026-03-03 23:30,phone,x,300"], {}, "field volume: 'x' is not a number"),
        ([], {"hours": 12}, "not the whole run"),
    ],
)
def test_bad_forecasts_name_the_file_line_and_field(quiet, tmp_path, extra, kwargs, expected):
    path = wfm(tmp_path / "bad.csv", extra=extra, **kwargs)
    with pytest.raises(ScenarioError) as e:
        quiet.with_overrides({"arrivals.forecast_csv": str(path)})
    text = "\n".join(str(p) for p in e.value.problems)
    assert expected in text and "bad.csv" in text, text
    if "field" in expected:
        assert "line 290" in text, text  # header + 96 × 3 rows, then the bad one
