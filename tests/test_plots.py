"""The storm plot of `stormdesk run --plot` (issue 12, item 5): the last hour has its width,
the axes start at 0, legends sit beside the panels, crisis mode is one band per crisis and the
warm-up is marked."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pytest

import sim
from sim.plots import _spans, storm_figure
from tests.conftest import LIBRARY


@pytest.fixture(scope="module")
def figure():
    scenario = sim.load_scenario(LIBRARY / "product_recall.toml").with_overrides(
        {"scenario.duration_hours": 30, "scenario.warmup_hours": 2}
    )
    results = sim.run(scenario, seed=3)
    fig = storm_figure(results)
    fig.canvas.draw()
    yield results, fig
    plt.close(fig)


def test_the_last_hour_is_drawn_full_width(figure):
    results, fig = figure
    ts = results.timeseries
    left, right = fig.axes[0].get_xlim()
    last_start = mdates.date2num(ts["hour_start"].iloc[-1])
    assert right - last_start == pytest.approx(1 / 24)  # one hour, in days
    assert left == pytest.approx(mdates.date2num(ts["hour_start"].iloc[0]))


def test_axes_start_at_zero(figure):
    _, fig = figure
    queue, reps = fig.axes[1], fig.axes[3]  # the twin axis is added last
    assert queue.get_ylim()[0] == 0 and reps.get_ylim()[0] == 0
    assert fig.axes[0].get_ylim()[0] == 0


def test_legends_do_not_cover_the_data(figure):
    _, fig = figure
    for ax in fig.axes[:2]:
        legend = ax.get_legend()
        assert legend is not None
        box = legend.get_window_extent()
        assert box.x0 >= ax.get_window_extent().x1  # beside the panel, not on it


def test_warm_up_and_crisis_are_in_the_legend(figure):
    results, fig = figure
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert "warm-up (not counted)" in labels
    assert ("crisis mode" in labels) == bool(results.timeseries["crisis"].any())


def test_crisis_hours_merge_into_bands():
    x = list(range(8))  # hour starts plus the end of the last hour
    assert _spans(x, [False, True, True, False, True, True, True]) == [(1, 3), (4, 7)]
    assert _spans(x, [False] * 7) == []
