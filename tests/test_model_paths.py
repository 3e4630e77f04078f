"""The pure-queue fast path (sim.model.queue_path) and the general path give identical runs.

Each scenario runs twice with the same seed: once as the model chooses (the fast path where it
applies) and once with the fast path switched off; KPIs, timeseries and complaints table must be
equal to the bit — at the end and part-way through (complaints still open, the run resumed).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
import sim.model.queue_path as queue_path
from sim.model import StormModel
from tests.conftest import LIBRARY, queue_document


def _both(scenario, seed, monkeypatch, until=None):
    fast = StormModel(scenario, seed)
    with monkeypatch.context() as mp:
        mp.setattr(queue_path, "applies", lambda model: False)
        general = StormModel(scenario, seed)
    assert fast.path is not None and general.path is None
    if until is None:
        return fast.run().results(), general.run().results()
    out = []
    for t in until:
        fast.run_until(t)
        general.run_until(t)
        out.append((fast.results(), general.results()))
    return out


def _assert_same(a, b):
    assert json.dumps(a.kpis) == json.dumps(b.kpis)
    assert a.complaints.dtypes.equals(b.complaints.dtypes)
    for name in a.complaints.columns:
        assert a.complaints[name].equals(b.complaints[name]), name
    assert a.complaints.to_csv() == b.complaints.to_csv()
    assert a.timeseries.equals(b.timeseries)


@pytest.mark.parametrize(
    "name",
    ["erlang_a_long_patience", "erlang_a_short_patience", "erlang_c_heavy", "erlang_c_light"],
)
def test_library_pure_queues_take_the_fast_path_with_identical_results(name, monkeypatch):
    sc = sim.load_scenario(LIBRARY / f"{name}.toml").with_overrides({"scenario.duration_hours": 30})
    _assert_same(*_both(sc, 2, monkeypatch))


def test_a_run_resumed_part_way_matches_with_complaints_still_open(monkeypatch):
    # Busy, with shifts that start and end (the run starts at 08:00): complaints are waiting
    # and in service at the stops.
    doc = queue_document(arrivals_per_hour=200, aht_min=4, agents=12, patience_mean_min=6, hours=20)
    doc["shifts"] = [
        {"name": "day", "reps": 8, "start": "06:00", "end": "18:00", "absence_share": 0.2},
        {"name": "late", "reps": 4, "start": "12:00", "end": "23:00"},
    ]
    sc = sim.parse_scenario(doc)
    stops = _both(sc, 4, monkeypatch, until=[200.5, 431.5, 640.25, 1000])
    mid = stops[0][0].complaints.state
    assert (mid == "waiting").any() and (mid == "in_service").any()
    for fast, general in stops:
        _assert_same(fast, general)
    # The results taken part-way are not changed by the rest of the run.
    first = stops[0][0].complaints
    assert first.closed_min.isna().sum() > 0 and len(first) < len(stops[-1][0].complaints)
    assert first.to_csv() == stops[0][1].complaints.to_csv()


def test_the_fast_path_stays_off_where_something_feeds_back():
    sc = sim.load_scenario(LIBRARY / "product_recall.toml")
    assert StormModel(sc, 1).path is None
    queue = sim.parse_scenario(
        queue_document(
            arrivals_per_hour=60, aht_min=4, agents=5, patience_mean_min=3, hours=5, warmup_hours=1
        )
    )
    assert StormModel(queue, 1).path is not None
    follow_ups = queue.with_overrides({"behaviour.follow_ups": True})
    assert StormModel(follow_ups, 1).path is None


def test_a_finished_run_builds_its_complaints_table_over_the_models_own_columns(monkeypatch):
    # Once the run is over its columns never change: the table reads them in place (no copy)
    # and the draws only the running needed are freed — with the same table as the general path.
    sc = sim.load_scenario(LIBRARY / "erlang_a_short_patience.toml").with_overrides(
        {"scenario.duration_hours": 30}
    )
    fast = StormModel(sc, 3)
    with monkeypatch.context() as mp:
        mp.setattr(queue_path, "applies", lambda model: False)
        general = StormModel(sc, 3)
    fast.run_until(600.5)
    mid = fast.results().complaints
    assert not np.shares_memory(mid.closed_min.to_numpy(), fast.path.closed)
    assert fast.path.z is not None  # still running: nothing freed
    fast.run()
    first, again = fast.results(), fast.results()
    frame = first.complaints
    for name, column in [
        ("first_response_min", fast.path.first_response),
        ("closed_min", fast.path.closed),
        ("score", fast.path.score),
        ("created_min", fast.exo.time),
    ]:
        assert np.shares_memory(frame[name].to_numpy(), column), name
    assert fast.path.z is None and fast.path.handle is None and fast.feed.handle is None
    _assert_same(first, general.run().results())
    _assert_same(again, first)


def test_labels_match_numpy_indexing_as_pandas_strings():
    from sim.results import _labels

    labels = ["phone", "twitter", "", "é-mail", "?"]
    codes = np.array([0, 1, -1, 3, 2, 2, 0, -2] * 20_000, dtype=np.int16)
    got = _labels(labels, codes)
    want = pd.Series(np.array(labels, dtype=object)[codes])  # as pandas takes object strings
    assert pd.Series(got).dtype == want.dtype
    assert pd.Series(got).equals(want)
    assert len(_labels(labels, codes[:0])) == 0
    with pytest.raises(IndexError):
        _labels(labels, np.array([0, 5], dtype=np.int8))
