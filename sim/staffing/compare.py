"""The comparison table of a staffing plan: Erlang against simulation, and why they differ."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..arrivals import MIN_PER_HOUR, ScenarioClock
from ..scenario import StormScenario
from .roster import RosterMeasure, team_channels
from .targets import REASON_SHARE, Target


# --- The comparison table --------------------------------------------------------------------
def _table(
    scenario,
    targets,
    edges,
    reps,
    reps_c,
    reps_a,
    reps_sim_volume,
    forecast,
    measure,
    erlang_measures,
    wage,
    conservative,
) -> pd.DataFrame:
    clock = ScenarioClock(scenario.info.start, scenario.info.timezone, float(edges[-1]))
    hours = np.diff(edges) / MIN_PER_HOUR
    ok = measure.meets(targets, conservative)
    ok_a = erlang_measures["erlang_a"].meets(targets, conservative)
    ok_c = erlang_measures["erlang_c"].meets(targets, conservative)
    names = list(scenario.channels)
    team = [names.index(c) for c in team_channels(scenario, targets)]  # volumes: the team's
    rows = []
    for i in range(len(hours)):
        arrived = measure.arrivals[i, team].sum()
        row = {
            "interval": i,
            "start_min": float(edges[i]),
            "end_min": float(edges[i + 1]),
            "local_start": clock.local(edges[i]).isoformat(timespec="minutes"),
            "reps": int(reps[i]),
            "erlang_c_reps": int(reps_c[i]),
            "erlang_a_reps": int(reps_a[i]),
            "erlang_a_on_simulated_volume": int(reps_sim_volume[i]),
            "forecast_per_hour": float(forecast[i, team].sum() / hours[i]),
            "simulated_per_hour": float(arrived / hours[i]),
            "pile_on_share": float(measure.pile_ons[i, team].sum() / arrived) if arrived else 0.0,
            "escalation_share": (
                float(measure.escalations[i, team].sum() / arrived) if arrived else 0.0
            ),
        }
        for j, t in enumerate(targets):
            row[t.column] = measure.mean[j, i]
            row[f"{t.column}_ci95"] = measure.ci95[j, i]
            row[f"{t.column}_erlang_a_roster"] = erlang_measures["erlang_a"].mean[j, i]
        row["meets_targets"] = bool(ok[i])
        row["erlang_a_roster_meets"] = bool(ok_a[i])
        row["erlang_c_roster_meets"] = bool(ok_c[i])
        row["cost"] = float(reps[i] * hours[i] * wage)
        row["why"] = explain(scenario, targets, row, measure, i)
        rows.append(row)
    return pd.DataFrame(rows)


def explain(
    scenario: StormScenario, targets: Sequence[Target], row: dict, measure: RosterMeasure, i: int
) -> str:
    """Why simulation and Erlang disagree in one interval, in a planner's words.

    The Erlang A answer is split in two: the volume it was not told about (forecast →
    simulated arrivals: contagion, re-posts, channel switches) and what the formula's queue
    leaves out at the simulated volume (pooling of multi-skilled reps, concurrency shared across
    channels, non-exponential patience, backlog carried between intervals).
    """
    sim, a, c = row["reps"], row["erlang_a_reps"], row["erlang_c_reps"]
    a_sim = row["erlang_a_on_simulated_volume"]
    reasons = []
    if c > a:
        reasons.append(f"Erlang C ignores abandonment ({c - a:+d} vs Erlang A)")
    if sim == a:
        return "; ".join(reasons)
    forecast, simulated = row["forecast_per_hour"], row["simulated_per_hour"]
    extra = simulated / forecast - 1 if forecast > 0 else 0.0
    volume = f"{extra:+.0%} volume vs forecast, {a_sim - a:+d} reps by Erlang A"
    if row["pile_on_share"] >= REASON_SHARE and extra > 0:
        reasons.append(f"contagion: pile-ons are {row['pile_on_share']:.0%} of arrivals ({volume})")
    if row["escalation_share"] >= REASON_SHARE and extra > 0:
        reasons.append(
            f"escalations: re-posts and channel switches are {row['escalation_share']:.0%} "
            "of arrivals"
        )
    if extra < -REASON_SHARE:
        reasons.append(volume)
    structure = sim - a_sim
    names = list(scenario.channels)
    team = team_channels(scenario, targets)
    busy = [ch for ch in team if measure.arrivals[i][names.index(ch)] > 0]
    if structure < 0 and len(busy) > 1:
        reasons.append(
            f"pooling: multi-skilled reps share {len(busy)} channels "
            f"({structure:+d} vs separate queues)"
        )
    if structure > 0:
        shared = [ch for ch in busy if scenario.channels[ch].concurrency > 1]
        if shared and len(busy) > 1:
            reasons.append(
                f"concurrency: {', '.join(shared)} slots share a rep's attention "
                "with other channels"
            )
        team_idx = [names.index(ch) for ch in team]
        before, now = measure.arrivals[i - 1, team_idx].sum(), measure.arrivals[i, team_idx].sum()
        if i > 0 and before > 1.2 * now:
            reasons.append("backlog carried in from a busier previous interval")
    patience = {ch: scenario.channels[ch].patience for ch in team}
    shapes = [ch for ch, p in patience.items() if p != "none" and p.dist != "exponential"]
    if shapes:
        reasons.append(f"patience on {', '.join(shapes)} is not exponential (Erlang A assumes so)")
    if not reasons:
        reasons.append("queue dynamics (backlog between intervals, shift changes) or sampling")
    return "; ".join(reasons)
