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


@pytest.fixture(scope="module")
def sweep_summary(tmp_path_factory):
    """A real sweep: quiet_tuesday, 6 hours, day reps 2–4 × two routings, 2 seeds."""
    from sim.experiments import Sweep, open_backend, run_sweep, summarize

    scenario = sim.load_scenario(LIBRARY / "quiet_tuesday.toml").with_overrides(
        {"scenario.duration_hours": 6}
    )
    grid = ["shifts.weekday_day.reps=2:4:1", 'policy.routing="fifo","priority"']
    sweep = Sweep.build(scenario, grid, replications=2)
    out = tmp_path_factory.mktemp("sweep") / "sweep.parquet"
    with open_backend(workers=1) as backend:
        run_sweep(sweep, out, backend)
    kpis = ["twitter.service_level", "twitter.abandon_rate", "escalated_public", "churned"]
    return (
        sweep.paths,
        kpis,
        summarize(out, sweep.paths, [*kpis, "all_channels.service_level", "cost"]),
    )


@pytest.mark.parametrize("n_kpis", [1, 2, 3, 4])
def test_sweep_plot_has_no_empty_panel(sweep_summary, n_kpis):
    from sim.plots_experiments import sweep_figure

    paths, kpis, summary = sweep_summary
    fig = sweep_figure(summary, paths, [*kpis[:n_kpis], "cost"])
    try:
        assert len(fig.axes) == n_kpis + 1  # the KPIs and the cost frontier, nothing else
        for ax in fig.axes:
            assert ax.get_visible() and (ax.lines or ax.collections), ax.get_title()
    finally:
        plt.close(fig)


def test_sweep_plot_ticks_whole_reps(sweep_summary):
    from sim.plots_experiments import sweep_figure

    paths, kpis, summary = sweep_summary
    fig = sweep_figure(summary, paths, kpis)
    try:
        fig.canvas.draw()
        panels = [ax for ax in fig.axes if ax.get_xlabel() == "shifts.weekday_day.reps"]
        assert len(panels) == len(kpis)
        for ax in panels:
            ticks = [t for t in ax.get_xticks() if 2 <= t <= 4]
            assert ticks and all(float(t).is_integer() for t in ticks), ticks
    finally:
        plt.close(fig)


def test_staffing_plot_marks_warm_up_and_keeps_shares_in_range(tmp_path):
    from sim.experiments import open_backend
    from sim.plots_experiments import staffing_figure
    from sim.staffing import find_staffing, parse_targets

    scenario = sim.load_scenario(LIBRARY / "erlang_c_light.toml").with_overrides(
        {"scenario.duration_hours": 12, "scenario.warmup_hours": 3}
    )
    targets = parse_targets(["phone.service_level>=0.8"], scenario)
    with open_backend(workers=1) as backend:
        plan = find_staffing(scenario, targets, 240, backend, replications=2)
    fig = staffing_figure(plan)
    try:
        reps, _, target = fig.axes
        labels = [t.get_text() for t in reps.get_legend().get_texts()]
        assert "warm-up (not counted)" in labels
        for ax in fig.axes:  # the warm-up band: 3 hours from the start, on every panel
            (band,) = [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx((0.85,) * 3)]
            x0, x1 = band.get_x(), band.get_x() + band.get_width()
            assert (x1 - x0) * 24 == pytest.approx(3)
        assert reps.get_ylim()[0] == 0
        assert all(float(t).is_integer() for t in reps.get_yticks())
        # the last interval has its width: the x axis ends at the run's end
        end = mdates.date2num(plan_end(plan))
        assert target.get_xlim()[1] == pytest.approx(end)
        for band in target.collections:  # a share's confidence band stays within 0–100%
            y = band.get_paths()[0].vertices[:, 1] if band.get_paths() else []
            assert all(-1e-9 <= v <= 100 + 1e-9 for v in y)
    finally:
        plt.close(fig)


def plan_end(plan):
    from sim.arrivals import ScenarioClock

    sc = plan.scenario
    return ScenarioClock(sc.info.start, sc.info.timezone, float(plan.edges[-1])).local(
        float(plan.edges[-1])
    )
