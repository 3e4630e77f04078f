"""After the storm: the debrief (scores, first responses, outcomes, the bot-only baseline), its
plot, transcripts, and the cohort results an instructor reads."""

from __future__ import annotations

import io
import math
import statistics
import threading
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.scoring import CRITERION_LABELS, PASS_MARK
from sim.text import REACTIONS, persona, reaction_text

from . import engine, grading
from .models import Action, Exercise, User

PLOT_BIN_MIN = 10.0  # the debrief plots count arrivals per ten simulated minutes
_PLOT_LOCK = threading.Lock()  # matplotlib's pyplot state is not thread-safe


def _rate(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def criteria_means(actions: list[Action]) -> list[dict]:
    """Mean share of each criterion's points over the replies (0–1), with its label."""
    totals: dict[str, list[float]] = {}
    for a in actions:
        for c in a.criteria.get("criteria", []):
            if c["weight"] > 0:
                totals.setdefault(c["key"], []).append(c["points"] / c["weight"])
    return [
        {"key": k, "label": CRITERION_LABELS.get(k, k), "share": statistics.fmean(v)}
        for k, v in totals.items()
    ]


def frt_summary(actions: list[Action]) -> dict:
    """First responses: median and 90th percentile wait, share within the channel's SLA."""
    firsts = [a for a in actions if a.first_response]
    waits = sorted(a.wait_min for a in firsts)
    if not waits:
        return {"answered": 0, "median_min": None, "p90_min": None, "within_sla": None}
    p90 = waits[min(len(waits) - 1, math.ceil(0.9 * len(waits)) - 1)]
    return {
        "answered": len(waits),
        "median_min": statistics.median(waits),
        "p90_min": p90,
        "within_sla": sum(a.wait_min <= a.sla_min for a in firsts) / len(firsts),
    }


def _kpi_row(kpis: dict, channels: list[str]) -> dict:
    chans = kpis["channels"]
    sl = [chans[c]["service_level"] for c in channels if chans.get(c)]
    sl = [s for s in sl if s is not None]
    return {
        "complaints": kpis["complaints"],
        "peak_per_hour": kpis["peak_per_hour"],
        "escalated_public": kpis["escalated_public"],
        "pile_ons": kpis.get("pile_ons"),
        "churned": kpis["churned"],
        "impressions": int(kpis["impressions"] or 0),
        "csat": _rate(kpis["csat"]),
        "service_level": statistics.fmean(sl) if sl else None,
    }


OUTCOME_LABELS = {"none": "still open"}  # the complaint had no outcome when the exercise ended

KPI_LABELS = {
    "complaints": "Complaints (storm size)",
    "peak_per_hour": "Peak complaints per hour",
    "escalated_public": "Escalated in public",
    "pile_ons": "Pile-ons by other customers",
    "churned": "Customers lost",
    "impressions": "Impressions of negative posts",
    "csat": "Satisfied customers (CSAT)",
    "service_level": "Service level on your channels",
}


def debrief(ex: Exercise) -> dict:
    """Everything the debrief page shows (cached with the finished model)."""
    entry = engine.final_model(ex)
    if entry.debrief is not None:
        return entry.debrief
    results = entry.model.results()
    baseline = engine.baseline_results(ex.scenario_id, ex.start_min, ex.duration_min, ex.seed)
    actions = list(ex.actions)
    table = results.complaints
    seat = table[table["trainee"]]
    outcomes = Counter(str(o) for o in seat["outcome"])
    missed = int((~seat["answered"].astype(bool)).sum()) if len(seat) else 0
    scores = [a.score for a in actions]
    totals = (results.kpis["complaints"], baseline.kpis["complaints"])
    outcomes_sorted = sorted(outcomes.items(), key=lambda kv: -kv[1])
    data = {
        "replies": len(actions),
        "mean_score": statistics.fmean(scores) if scores else None,
        "passed": sum(a.passed for a in actions),
        "auto_fails": sum(1 for a in actions if a.criteria.get("auto_fail")),
        "criteria": criteria_means(actions),
        "frt": frt_summary(actions),
        "missed": missed,
        "outcomes": [(OUTCOME_LABELS.get(o, o.replace("_", " ")), n) for o, n in outcomes_sorted],
        "reactions": Counter(a.reaction for a in actions).most_common(),
        "kpis": [
            (KPI_LABELS[k], v, b)
            for (k, v), b in zip(
                _kpi_row(results.kpis, ex.channels).items(),
                _kpi_row(baseline.kpis, ex.channels).values(),
                strict=True,
            )
        ],
        "pass_mark": PASS_MARK,
    }
    # grades: the exercise's grade and its rule; no hourly peak in a storm shorter than an hour
    data["grade"] = grading.exercise_grade(ex)
    data["pass_rule"] = grading.PASS_RULE
    if ex.duration_min < 60:  # "most in one clock hour" of a 30-minute storm means nothing
        rate = 60.0 / ex.duration_min
        data["kpis"] = [
            (
                ("Complaints per hour (rate over the exercise)", *(round(n * rate) for n in totals))
                if label == KPI_LABELS["peak_per_hour"]
                else (label, you, bot)
            )
            for label, you, bot in data["kpis"]
        ]
    entry.debrief = data
    return data


def _bins(created: np.ndarray, anger: np.ndarray, duration: float):
    edges = np.arange(0.0, duration + PLOT_BIN_MIN / 2, PLOT_BIN_MIN)
    counts, _ = np.histogram(created, edges)
    sums, _ = np.histogram(created, edges, weights=anger)
    with np.errstate(invalid="ignore", divide="ignore"):
        mood = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return edges[:-1] + PLOT_BIN_MIN / 2, counts, mood


def plot_svg(ex: Exercise) -> bytes:
    """Volume and mood over the exercise, yours against the bot-only run; your replies marked."""
    entry = engine.final_model(ex)
    table = entry.model.results().complaints
    base = engine.baseline_results(
        ex.scenario_id, ex.start_min, ex.duration_min, ex.seed
    ).complaints
    mid, n_you, mood_you = _bins(
        table["created_min"].to_numpy(), table["anger"].to_numpy(), ex.duration_min
    )
    _, n_bot, mood_bot = _bins(
        base["created_min"].to_numpy(), base["anger"].to_numpy(), ex.duration_min
    )
    with _PLOT_LOCK:
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 5.2), sharex=True, layout="constrained")
        width = PLOT_BIN_MIN * 0.4
        ax1.bar(mid - width / 2, n_you, width, label="with you in the seat", color="#2f6fb0")
        ax1.bar(mid + width / 2, n_bot, width, label="bot staff only", color="#b9c4cf")
        ax1.set_ylabel(f"complaints / {PLOT_BIN_MIN:g} min")
        ax1.legend(loc="upper left", frameon=False, fontsize=9)
        ax2.plot(mid, mood_you, marker="o", color="#2f6fb0", label="with you")
        ax2.plot(mid, mood_bot, marker="o", color="#8a96a3", ls="--", label="bot staff only")
        ax2.set_ylim(0, 1)
        ax2.set_ylabel("mood (anger 0–1)")
        ax2.set_xlabel("simulated minutes")
        for a in ex.actions:
            colour = "#2a9d55" if a.passed else "#d1495b"
            for ax in (ax1, ax2):
                ax.axvline(a.sim_min, color=colour, alpha=0.5, lw=1)
        ax2.plot([], [], color="#2a9d55", label="your reply (pass)")
        ax2.plot([], [], color="#d1495b", label="your reply (below 70)")
        ax2.legend(loc="upper left", frameon=False, fontsize=9, ncol=2)
        for ax in (ax1, ax2):
            ax.spines[["top", "right"]].set_visible(False)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
    return buf.getvalue()


def transcript(ex: Exercise) -> list[dict]:
    """The trainee's conversations: each complaint with the replies, scores and reactions."""
    threads: dict[int, dict] = {}
    turns: Counter = Counter()
    for a in ex.actions:
        c = a.complaint
        thread = threads.setdefault(
            a.complaint_id, {"complaint_id": a.complaint_id, "complaint": c, "messages": []}
        )
        thread["messages"].append({"kind": "reply", "action": a})
        if a.reaction in REACTIONS:
            text = reaction_text(
                ex.seed,
                a.complaint_id,
                reaction=a.reaction,
                customer=persona(ex.seed, c["author_index"]),
                topic=c["topic"],
                channel=c["channel"],
                turn=turns[a.complaint_id],
            )
            turns[a.complaint_id] += 1
            thread["messages"].append({"kind": "reaction", "reaction": a.reaction, "text": text})
    return sorted(threads.values(), key=lambda t: t["messages"][0]["action"].sim_min)


# --- Cohort results ----------------------------------------------------------------------------
def trainee_summary(trainee: User, exercises: list[Exercise]) -> dict:
    """One results-table row: the finished exercises' grades (see :mod:`trainer_web.grading`)
    with the replies' criteria and first-response times beside them."""
    finished = [e for e in exercises if e.state == "finished"]
    grades = [grading.exercise_grade(e) for e in finished]
    overall = grading.summarise(grades)
    actions = [a for ex in finished for a in ex.actions]
    scores = [a.score for a in actions]
    crit = {c["key"]: c["share"] for c in criteria_means(actions)}
    frt = frt_summary(actions)
    weakest = min(crit, key=crit.get) if crit else None
    reasons = list(overall["coaching"])
    if reasons and weakest:
        reasons.append(f"weakest: {CRITERION_LABELS.get(weakest, weakest)}")
    return {
        "trainee": trainee,
        "exercises": len(exercises),
        "finished": len(finished),
        "replies": len(actions),
        "mean_score": statistics.fmean(scores) if scores else None,
        "score": overall["score"],
        "passed": overall["passed"],
        "coverage": overall["coverage"],
        "seat": overall["seat"],
        "missed": overall["missed"],
        "criteria": crit,
        "frt_median_min": frt["median_min"],
        "within_sla": overall["within_sla"],
        "coaching": reasons,
        "grades": grades,
    }
