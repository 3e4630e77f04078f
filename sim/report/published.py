"""Checks 3 and 4: kearney_2011 against A.T. Kearney and Maritz, reply speed against Twitter/AMS."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import calibration as cal
from ..experiments import Backend
from ..reactions import ReplyTraits, p_satisfied
from ..scenario import StormScenario
from .base import (
    KEARNEY_SCENARIO,
    SPEED_SCENARIO,
    ReportSize,
    _run_all,
    library_scenario,
    mean_ci,
    wilson,
)

# --- Reply speed -----------------------------------------------------------------------------
SPEED_CHANNELS = ("twitter", "facebook")
DELAY_EDGES_MIN = (0.0, 6.0, 15.0, 30.0, 60.0, 180.0, 720.0, math.inf)
WTP_RELATIVE = cal.WTP_RELATIVE  # old import path; the figures live in sim.calibration
MARITZ_REPLY_CHANCE = cal.MARITZ_REPLY_CHANCE  # old import path


# --- 3. kearney_2011 -------------------------------------------------------------------------
def kearney_replication(scenario: StormScenario, seed: int) -> tuple[float, ...]:
    """Twitter never answered, answered the same day, and the share of ignored customers who
    acted (told friends, switched channel, re-posted, churned) — one seed (runs in a worker)."""
    from .. import run

    r = run(scenario, seed=seed)
    tw = r.kpis["channels"]["twitter"]
    df = r.complaints
    ignored = df[df.counted & df.gave_up & ~df.answered]
    acted = ignored.outcome.isin(("told_friends", "switched_channel", "reposted_public", "churned"))
    return (
        1.0 - tw["answered"] / tw["arrived"],
        tw["same_day_rate"],
        float(acted.mean()) if len(ignored) else math.nan,
        r.kpis["csat"] if r.kpis["csat"] is not None else math.nan,
    )


KEARNEY_ROWS = (
    # label, published figure, source
    ("Twitter complaints never answered", cal.KEARNEY_NEVER_ANSWERED, "A.T. Kearney 2011"),
    (
        "Twitter complaints answered the same day",
        cal.KEARNEY_ANSWERED_SAME_DAY,
        "A.T. Kearney 2011",
    ),
    (
        "ignored customers who act (tell, switch, shame, buy less)",
        cal.IGNORED_WHO_ACT,
        "Maritz/Evolve24 2011",
    ),
    ("answered customers satisfied (CSAT)", cal.SATISFIED_AT_TYPICAL_REPLY, "Maritz 2011"),
)


def kearney_validation(size: ReportSize, backend: Backend, library: Path) -> pd.DataFrame:
    scenario = library_scenario(library, KEARNEY_SCENARIO)
    jobs = [(scenario, seed) for seed in range(size.kearney_seeds)]
    values = np.array(_run_all(backend, kearney_replication, jobs), dtype=float)
    rows = []
    for j, (label, published, source) in enumerate(KEARNEY_ROWS):
        mean, half = mean_ci(values[:, j])
        rows.append(
            {"figure": label, "published": published, "simulated": mean, "ci95": half,
             "source": source}
        )  # fmt: skip
    return pd.DataFrame(rows)


# --- 4. Reply speed --------------------------------------------------------------------------
def speed_replication(scenario: StormScenario, seed: int) -> np.ndarray:
    """Answered public complaints and the satisfied among them per delay bin (runs in a worker)."""
    from .. import run

    df = run(scenario, seed=seed).complaints
    # Answered and reacted (a reply still pending at the end, or with tier 2, has no verdict).
    ans = df[df.counted & df.answered & df.satisfied.notna() & df.channel.isin(SPEED_CHANNELS)]
    bins = np.digitize(ans.wait_min.to_numpy(), DELAY_EDGES_MIN[1:-1])
    n = np.bincount(bins, minlength=len(DELAY_EDGES_MIN) - 1)
    sat = np.bincount(bins, weights=ans.satisfied.to_numpy(dtype=float), minlength=len(n))
    return np.stack([n, sat])


def delay_label(lo: float, hi: float) -> str:
    def fmt(m: float) -> str:
        return f"{m / 60:g} h" if m >= 60 else f"{m:g} min"

    return f"over {fmt(lo)}" if math.isinf(hi) else f"{fmt(lo)}–{fmt(hi)}"


def speed_validation(size: ReportSize, backend: Backend, library: Path) -> pd.DataFrame:
    scenario = library_scenario(library, SPEED_SCENARIO)
    jobs = [(scenario, seed) for seed in range(size.speed_seeds)]
    total = np.sum(_run_all(backend, speed_replication, jobs), axis=0)
    rows = []
    for i, (lo, hi) in enumerate(itertools.pairwise(DELAY_EDGES_MIN)):
        n, sat = int(total[0, i]), round(float(total[1, i]))
        low, high = wilson(sat, n)
        mid = math.sqrt(max(lo, 1.0) * hi) if math.isfinite(hi) else 2 * lo
        rows.append(
            {
                "delay": delay_label(lo, hi),
                "lo_min": lo,
                "hi_min": hi,
                "answered": n,
                "satisfied": sat / n if n else math.nan,
                "ci_low": low,
                "ci_high": high,
                # the reaction function at the bin's (geometric) middle, for a pass-mark reply
                "function": p_satisfied(cal.PASS_MARK, ReplyTraits(), mid, False),
                "mid_min": mid,
            }
        )
    return pd.DataFrame(rows)


def trait_checks() -> pd.DataFrame:
    """The reply-trait functions at a typical, immediate reply vs the Customer Rage Study."""
    typical = cal.TYPICAL_REPLY_SCORE
    with_apology = p_satisfied(typical, ReplyTraits(apologised=True, compensated=True), 0, False)
    remedy_only = p_satisfied(typical, ReplyTraits(compensated=True), 0, False)
    return pd.DataFrame(
        [
            {"figure": "remedy with an apology: satisfied", "published": 0.74,
             "model": with_apology, "source": "Customer Rage Study 2013"},
            {"figure": "remedy alone: satisfied", "published": 0.37, "model": remedy_only,
             "source": "Customer Rage Study 2013"},
            {"figure": "ratio remedy alone / with apology", "published": 0.37 / 0.74,
             "model": remedy_only / with_apology, "source": "Customer Rage Study 2013"},
        ]
    )  # fmt: skip


def speed_figure(table: pd.DataFrame):
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    shown = table[table.answered > 0]
    x = shown["mid_min"]
    ax.errorbar(
        x,
        shown["satisfied"],
        yerr=[shown["satisfied"] - shown["ci_low"], shown["ci_high"] - shown["satisfied"]],
        fmt="o",
        capsize=3,
        color="tab:red",
        label=f"{SPEED_SCENARIO}: answered public complaints (95% CI)",
    )
    grid = np.geomspace(1, 3000, 200)
    ax.plot(
        grid,
        [p_satisfied(cal.PASS_MARK, ReplyTraits(), w, False) for w in grid],
        color="tab:gray",
        label="reaction function, pass-mark reply",
    )
    ax.axhline(cal.SATISFIED_AT_TYPICAL_REPLY, color="tab:green", ls=":", label="Maritz 2011: ≈75%")
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel("first-reply delay (min)")
    ax.set_ylabel("share satisfied")
    ax.set_title("Satisfaction by reply delay", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fast = shown.iloc[0]["satisfied"] if len(shown) else math.nan
    ax2.plot(x, shown["satisfied"] / fast, "o-", color="tab:red", label="model: satisfaction")
    ax2.plot(
        grid,
        [cal.speed_factor(w) for w in grid],
        color="tab:gray",
        label="model: speed factor (calibration)",
    )
    ax2.plot(
        [cal.FAST_REPLY_MIN, cal.SLOW_REPLY_MIN],
        [1.0, cal.WTP_SLOW / cal.WTP_FAST],
        "s--",
        color="tab:blue",
        label="Twitter/AMS 2016: willingness to pay",
    )
    ax2.axhline(cal.WTP_ANY / cal.WTP_FAST, color="tab:blue", ls=":", lw=1,
                label="WTP of any reply (average)")  # fmt: skip
    ax2.set_xscale("log")
    ax2.set_ylim(0, 1.1)
    ax2.set_xlabel("first-reply delay (min)")
    ax2.set_ylabel(f"relative to a reply within {cal.FAST_REPLY_MIN:g} min")
    ax2.set_title("Value of a reply relative to a fast one", fontsize=10)
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8, loc="lower left")
    return fig
