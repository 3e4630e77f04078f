"""After the storm: the debrief (scores, first responses, outcomes, the trainee against bots in
the same seat), its plot, transcripts, and the cohort results an instructor reads."""

from __future__ import annotations

import io
import math
import re
import statistics
import threading
from collections import Counter
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.scoring import CRITERION_LABELS, PASS_MARK
from sim.text import REACTIONS, persona, reaction_text

from . import comparison, engine, grading
from .models import Action, Exercise, User

PLOT_BIN_MIN = comparison.BIN_MIN  # the debrief plots count arrivals per ten simulated minutes
WEAKEST_SHOWN = 3
COACHING_BELOW = PASS_MARK  # a trainee whose mean reply score is below the pass mark
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


# --- You against bots in your seat (issue 10 defect 3) ------------------------------------------
def versus_bots(ex: Exercise, results) -> dict:
    """The controlled comparison: your run against bots in your seat, same storm and draws."""
    bots = comparison.for_exercise(ex)
    you = comparison.kpi_row(results.kpis, results.complaints, tuple(ex.channels))
    rows = comparison.compare(you, bots)
    return {
        "versus": rows,
        "versus_headline": comparison.headline(rows),
        "bot_runs": len(bots.rows),
        # (label, yours, bots' median) for older readers of the debrief dict
        "kpis": [(r["label"], r["you"], r.get("median")) for r in rows],
    }


def weakest_replies(actions: list[Action], n: int = WEAKEST_SHOWN) -> list[dict]:
    """The ``n`` lowest-scored replies, each with what cost most and a better reply."""
    out = []
    for a in sorted(actions, key=lambda a: (a.score, a.seq))[:n]:
        crit = [c for c in a.criteria.get("criteria", []) if c.get("weight", 0) > 0]
        worst = max(crit, key=lambda c: c["weight"] - c["points"], default=None)
        better = a.criteria.get("better_reply")
        out.append(
            {
                "action": a,
                "score": a.score,
                "customer": a.complaint.get("author", ""),
                "channel": a.complaint.get("channel", ""),
                "text": a.text,
                "missed": None
                if worst is None or worst["points"] >= worst["weight"]
                else {"label": worst["label"], "feedback": worst["feedback"]},
                "auto_fail": a.criteria.get("auto_fail"),
                "better_reply": better,
            }
        )
    return out


def debrief(ex: Exercise) -> dict:
    """Everything the debrief page shows (cached with the finished model)."""
    entry = engine.final_model(ex)
    if entry.debrief is not None:
        return entry.debrief
    results = entry.model.results()
    actions = list(ex.actions)
    table = results.complaints
    seat = table[table["trainee"]]
    outcomes = Counter(str(o) for o in seat["outcome"])
    missed = int((~seat["answered"].astype(bool)).sum()) if len(seat) else 0
    scores = [a.score for a in actions]
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
        "pass_mark": PASS_MARK,
        **versus_bots(ex, results),
        "weakest": weakest_replies(actions),
    }
    # grades: the exercise's grade and its rule (the comparison shows no hourly peak)
    data["grade"] = grading.exercise_grade(ex)
    data["pass_rule"] = grading.PASS_RULE
    entry.debrief = data
    return data


def stored_debrief(ex: Exercise, reason: str) -> dict:
    """The debrief of a read-only exercise: what its stored replies say, no model (no outcomes,
    no comparison with bots, no plot) and the stored grade if it has one."""
    actions = list(ex.actions)
    scores = [a.score for a in actions]
    return {
        "read_only": reason,
        "replies": len(actions),
        "mean_score": statistics.fmean(scores) if scores else None,
        "passed": sum(a.passed for a in actions),
        "auto_fails": sum(1 for a in actions if a.criteria.get("auto_fail")),
        "criteria": criteria_means(actions),
        "frt": frt_summary(actions),
        "missed": "–",
        "outcomes": [],
        "reactions": Counter(a.reaction for a in actions).most_common(),
        "pass_mark": PASS_MARK,
        "versus": [],
        "versus_headline": None,
        "bot_runs": 0,
        "kpis": [],
        "weakest": weakest_replies(actions),
        "grade": grading.exercise_grade(ex),
        "pass_rule": grading.PASS_RULE,
    }


_STYLE_ATTR = re.compile(r'style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)


def _presentation_attributes(m: re.Match) -> str:
    pairs = (p.split(":", 1) for p in m.group(1).split(";") if ":" in p)
    return " ".join(f'{k.strip()}="{v.strip()}"' for k, v in pairs)


def csp_safe_svg(svg: bytes) -> bytes:
    """Matplotlib's SVG with inline ``style`` turned into presentation attributes.

    The trainer's CSP (``style-src 'self'``) blocks inline styles, so a browser opening the SVG
    alone drew every shape with the default black fill; ``fill="…"`` attributes are not CSS.
    """
    text = _STYLE_ELEMENT.sub("", svg.decode("utf-8"))
    return _STYLE_ATTR.sub(_presentation_attributes, text).encode("utf-8")


def plot_svg(ex: Exercise, *, narrow: bool = False) -> bytes:
    """Volume and mood over the exercise on the clock the trainee saw: your run as a line, the
    bots in your seat as a band (their range over the replications); your replies marked.

    ``narrow`` draws it for a phone: a tall figure about as wide as the screen, so the text is
    not shrunk to a third (a 9-inch figure in a 360-pixel column), legends under each panel and
    half as many clock labels."""
    entry = engine.final_model(ex)
    table = entry.model.results().complaints
    bots = comparison.for_exercise(ex)
    edges = comparison.bin_edges(ex.duration_min)
    n_you, mood_you = comparison.binned(table, ex.duration_min)
    with np.errstate(all="ignore"):
        n_lo, n_hi, n_med = (f(bots.counts, axis=0) for f in (np.min, np.max, np.median))
        mood_lo, mood_hi = np.nanmin(bots.mood, axis=0), np.nanmax(bots.mood, axis=0)
    start = engine.scenario_of(ex).info.start
    step = 10.0 if ex.duration_min <= 60 else 20.0 if ex.duration_min <= 120 else 30.0
    if narrow:
        step *= 2
    ticks = np.arange(0.0, ex.duration_min, step)
    if ex.duration_min - ticks[-1] < step / 2:  # the end's label would sit on the last one
        ticks = ticks[:-1]
    ticks = np.append(ticks, ex.duration_min)
    labels = [(start + timedelta(minutes=float(t))).strftime("%H:%M") for t in ticks]
    band = "#b9c4cf"

    def closed(v):  # a value per bin → one per edge, for a step drawn over the whole bin
        return np.append(v, v[-1])

    if narrow:  # under the panel, in two columns: beside it there is no room on a phone
        outside = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.12), "frameon": False}
        outside["ncol"] = 2
    else:
        outside = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "frameon": False}
    size = (4.4, 7.4) if narrow else (9, 5.6)
    with _PLOT_LOCK:
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=size, sharex=True, layout="constrained")
        ax1.fill_between(edges, closed(n_lo), closed(n_hi), step="post", color=band, lw=0,
                         label=f"bots in your seat\n(range of {len(bots.rows)} runs)")  # fmt: skip
        ax1.stairs(
            n_med, edges, baseline=None, color="#6b7785", ls="--", lw=1, label="bots: median"
        )
        ax1.stairs(n_you, edges, baseline=None, color="#2f6fb0", lw=2, label="you")
        ax1.set_ylabel(f"complaints / {PLOT_BIN_MIN:g} min", fontsize=11)
        ax1.set_ylim(bottom=0)
        ax1.legend(fontsize=10, **outside)
        ax2.fill_between(edges, closed(mood_lo), closed(mood_hi), step="post", color=band, lw=0,
                         label="bots (range)")  # fmt: skip
        ax2.stairs(mood_you, edges, baseline=None, color="#2f6fb0", lw=2, label="you")
        ax2.set_ylim(0, 1)
        ax2.set_ylabel("mood (anger 0–1)", fontsize=11)
        ax2.set_xlabel("clock time", fontsize=11)
        ax2.set_xticks(ticks, labels)
        ax2.set_xlim(0, ex.duration_min)
        for a in ex.actions:
            colour = "#2a9d55" if a.passed else "#d1495b"
            for ax in (ax1, ax2):
                ax.axvline(a.sim_min, color=colour, alpha=0.6, lw=1)
        ax2.plot([], [], color="#2a9d55", label="your reply (pass)")
        ax2.plot([], [], color="#d1495b", label=f"your reply (below {PASS_MARK:g})")
        ax2.legend(fontsize=10, **outside)
        for ax in (ax1, ax2):
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(labelsize=10)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", facecolor="white")
        plt.close(fig)
    return csp_safe_svg(buf.getvalue())


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
