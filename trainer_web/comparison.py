"""The trainee's own effect, as a controlled comparison with bots in the same seat.

The counterfactual is the exercise's storm — same scenario window, same seed — with the trainee's
seat worked by a bot (same channels, share, inbox cap and empowerment: the same seat routing).
The model draws common random numbers (:mod:`sim.model`): everything the trainee did not touch
is the same in both runs, so a difference is the trainee's doing, not chance. The bot seat is
run :data:`REPLICATIONS` times, re-drawing only the seat's own work (its replies and its
customers' reactions, ``seat_replication``), which gives the bots' range for each KPI.

The runs are cached by (window, seed, seat): a debrief is computed once per finished exercise.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim import calibration as cal
from sim.model import StormModel, TraineeSeat

REPLICATIONS = 20
BIN_MIN = 10.0  # the debrief plot counts complaints per ten simulated minutes

# KPI → (label, noun for "N more …", lower is better, is a rate 0–1)
MEASURES: dict[str, tuple[str, str, bool, bool]] = {
    "answered": ("Your seat's customers answered", "answered", False, True),
    "churned": ("Customers lost", "customers lost", True, False),
    "escalated_public": ("Escalated in public", "public escalations", True, False),
    "pile_ons": ("Pile-ons by other customers", "pile-ons", True, False),
    "complaints": ("Complaints (storm size)", "complaints in the storm", True, False),
    "impressions": ("Impressions of negative posts", "impressions of negative posts", True, False),
    "csat": ("Satisfied customers (of all, answered or not)", "satisfied", False, True),
    "service_level": ("Service level on your channels", "service level", False, True),
}


def kpi_row(kpis: dict, table, channels) -> dict:
    """The compared KPIs of one run (service level: mean over the seat's channels).

    A short exercise ends before an ignored customer's patience does, so a customer still
    waiting for a first answer at the end counts as ignored: expected to churn, to shame the
    brand in public and to try another channel as often as ignored customers do
    (:mod:`sim.calibration`), and each public re-post to draw as many pile-ons, with as many
    followers, as this run's public posts did. Without this, leaving the seat's inbox to rot
    would look *better* than answering it: the exercise ends before those customers' patience
    does, so their re-posts, pile-ons and impressions fall after the end.
    """
    counted = table["counted"].to_numpy()
    answered = table["answered"].to_numpy()
    waiting = (table["state"].astype(str).to_numpy() == "waiting") & ~answered & counted
    n_waiting = float(waiting.sum())
    seat = table["trainee"].to_numpy() & counted
    chans = kpis["channels"]
    sl = [chans[c]["service_level"] for c in channels if chans.get(c)]
    sl = [s for s in sl if s is not None]
    n = int(counted.sum())
    reposts = cal.IGNORED_SHAME_PUBLICLY * n_waiting  # expected, after the end
    public = table["public"].to_numpy() & counted
    piles = table["origin"].astype(str).to_numpy() == "pile_on"
    per_post = float(table["pile_ons"].to_numpy()[public].sum()) / max(int(public.sum()), 1)
    more_piles = reposts * per_post
    followers = table["followers"].to_numpy()
    pile_reach = float(followers[piles & counted].mean()) if (piles & counted).any() else 0.0
    more_seen = cal.IGNORED_SHAME_PUBLICLY * float(followers[waiting].sum())
    more_seen += more_piles * pile_reach
    more_complaints = reposts + cal.IGNORED_SWITCH_CHANNEL * n_waiting + more_piles
    satisfied = int((table["satisfied"].fillna(False).to_numpy(dtype=bool) & counted).sum())
    return {
        "answered": float(answered[seat].mean()) if seat.any() else None,
        "churned": kpis["churned"] + cal.IGNORED_CHURN * n_waiting,
        "escalated_public": kpis["escalated_public"] + reposts,
        "pile_ons": (kpis.get("pile_ons") or 0) + more_piles,
        "complaints": kpis["complaints"] + more_complaints,
        "impressions": round(float(kpis["impressions"] or 0) + more_seen),
        # Of every customer: answering nobody must not shrink the denominator (CSAT's does).
        "csat": satisfied / n if n else None,
        "service_level": statistics.fmean(sl) if sl else None,
    }


def bin_edges(duration_min: float) -> np.ndarray:
    """Ten-minute bins over the exercise; the last one may be partial and is kept."""
    edges = np.arange(0.0, duration_min, BIN_MIN)
    return np.append(edges, duration_min)


def binned(table, duration_min: float) -> tuple[np.ndarray, np.ndarray]:
    """Complaints per bin and their mean anger (NaN for an empty bin)."""
    edges = bin_edges(duration_min)
    created = table["created_min"].to_numpy()
    counts, _ = np.histogram(created, edges)
    sums, _ = np.histogram(created, edges, weights=table["anger"].to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        mood = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return counts.astype(float), mood


@dataclass(frozen=True)
class BotRuns:
    """The bot-seat replications of one exercise: a KPI row and plot bins for each."""

    rows: tuple[dict, ...]
    counts: np.ndarray  # replications × bins
    mood: np.ndarray
    seconds: float  # wall time the runs took


def for_exercise(ex) -> BotRuns:
    """The bot-seat replications of a trainer exercise (cached by window, seed and seat)."""
    from . import engine

    scenario = engine.scenario_of(ex)
    routing = frozenset(engine.final_model(ex).model.seat_log.items())
    return bot_seat_runs(scenario, ex.seed, engine.seat_of(ex), tuple(ex.channels), routing)


@lru_cache(maxsize=32)
def bot_seat_runs(
    scenario,
    seed: int,
    seat: TraineeSeat,
    channels: tuple[str, ...],
    routing: frozenset | None = None,
    n: int = REPLICATIONS,
    effects: tuple = (),
) -> BotRuns:
    """Run the storm ``n`` times with a bot in the seat (cached; ``scenario`` is the cached
    window object of :func:`trainer_web.engine.exercise_scenario`). ``routing``: the trainee
    run's seat routing log (``StormModel.seat_log``), so the bots get the same customers.
    ``effects``: ``(minute, function, args)`` applied in order as ``function(model, *args)`` at
    their minutes (a team's injects), so the bots face the same storm."""
    import time

    t0 = time.perf_counter()
    rows, counts, moods = [], [], []
    duration = scenario.info.duration_hours * 60.0
    for r in range(n):
        model = StormModel(
            scenario,
            seed,
            trainee=seat,
            seat_bot=True,
            seat_replication=r,
            seat_routing=routing,
        )
        for minute, apply, args in effects:
            model.run_until(minute)
            apply(model, *args)
        res = model.run().results()
        rows.append(kpi_row(res.kpis, res.complaints, channels))
        c, m = binned(res.complaints, duration)
        counts.append(c)
        moods.append(m)
    return BotRuns(tuple(rows), np.array(counts), np.array(moods), time.perf_counter() - t0)


def _fmt(v, rate: bool) -> str:
    if v is None:
        return "–"
    if rate:
        return f"{100 * v:.0f}%"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.0f}" if abs(v - round(v)) < 0.05 else f"{v:.1f}"


def _range(lo, hi, rate: bool) -> str:
    return _fmt(lo, rate) if lo == hi else f"{_fmt(lo, rate)}–{_fmt(hi, rate)}"


def compare(you: dict, bots: BotRuns) -> list[dict]:
    """Each KPI: yours, the bots' median and range, the verdict and a sentence saying it."""
    out = []
    n = len(bots.rows)
    for key, (label, noun, lower_better, rate) in MEASURES.items():
        mine = you.get(key)
        values = [r[key] for r in bots.rows if r.get(key) is not None]
        if mine is None or not values:
            out.append({"key": key, "label": label, "you": mine, "verdict": None, "text": ""})
            continue
        lo, hi, med = min(values), max(values), statistics.median(values)
        if mine > hi:
            verdict = "worse" if lower_better else "better"
        elif mine < lo:
            verdict = "better" if lower_better else "worse"
        else:
            verdict = "within"
        band = f"bots: {_range(lo, hi, rate)} over {n} runs"
        where = {
            "worse": "worse than every bot run",
            "better": "better than every bot run",
            "within": "within the bots' range",
        }[verdict]
        if rate:
            diff = 100 * (mine - med)
            points = "point" if f"{abs(diff):.0f}" == "1" else "points"
            text = (
                f"{label}: {_fmt(mine, True)}, {abs(diff):.0f} {points} "
                f"{'above' if diff >= 0 else 'below'} the bots' {_fmt(med, True)} "
                f"({band}) — {where}."
            )
        else:
            diff = mine - med
            figures = f"({_fmt(mine, False)} against {_fmt(med, False)}; {band})"
            if abs(diff) < 0.5:
                text = f"As many {noun} as bots would have had {figures} — {where}."
            else:
                d, cmp = _fmt(abs(diff), False), "more" if diff > 0 else "fewer"
                if key == "churned":
                    text = f"You lost {d} {cmp} customers than bots would have {figures} — {where}."
                else:
                    text = f"{d} {cmp} {noun} than with bots in your seat {figures} — {where}."
        out.append(
            {
                "key": key,
                "label": label,
                "you": mine,
                "median": med,
                "lo": lo,
                "hi": hi,
                "range": _range(lo, hi, rate),
                "rate": rate,
                "verdict": verdict,
                "text": text,
            }
        )
    return out


def headline(rows: list[dict]) -> str:
    """One sentence over all measures, the seat's own work first."""
    seat = next((r for r in rows if r["key"] == "answered" and r["verdict"]), None)
    if seat is not None and seat["verdict"] == "worse":
        return (
            f"Bots in your seat would have done better: you answered {_fmt(seat['you'], True)} "
            f"of your seat's customers, bots {_fmt(seat['median'], True)} "
            f"(range {seat['range']} over their runs)."
        )
    worse = [r["label"].lower() for r in rows if r["verdict"] == "worse"]
    better = [r["label"].lower() for r in rows if r["verdict"] == "better"]
    if worse and not better:
        return (
            f"Bots in your seat would have done better: you were outside their range, on the "
            f"wrong side, on {len(worse)} of {len(rows)} measures ({', '.join(worse)})."
        )
    if better and not worse:
        return (
            f"You did better than bots in your seat on {len(better)} of {len(rows)} measures "
            f"({', '.join(better)}) and were within their range on the rest."
        )
    if worse and better:
        return f"Mixed: better than the bots on {', '.join(better)}; worse on {', '.join(worse)}."
    return "You were within the range of bots in your seat on every measure."
