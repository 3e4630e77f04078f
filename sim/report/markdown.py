"""The report as Markdown, and writing it with its plots."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from scipy import stats

from .. import __version__
from .. import calibration as cal
from ..experiments import open_backend
from .base import KEARNEY_SCENARIO, PNG_DPI, SPEED_SCENARIO, ReportFiles, ReportSize
from .cascades import (
    CASCADE_ARRIVALS_PER_HOUR,
    CASCADE_HORIZON_HOURS,
    CASCADE_TAIL_HOURS,
    cascade_figure,
    cascade_validation,
)
from .published import (
    SPEED_CHANNELS,
    kearney_validation,
    speed_figure,
    speed_validation,
    trait_checks,
)
from .queue import (
    QUEUE_AGENTS,
    QUEUE_AHT_MIN,
    QUEUE_LABELS,
    QUEUE_PATIENCE_MEAN_MIN,
    QUEUE_WARMUP_HOURS,
    queue_figure,
    queue_validation,
)


# --- Markdown --------------------------------------------------------------------------------
def pct(x: float, digits: int = 1) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{100 * x:.{digits}f}%"


def num(x: float, digits: int = 3) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def pm(mean: float, half: float, fmt: Callable[[float], str]) -> str:
    if not math.isfinite(half):
        return fmt(mean)
    return f"{fmt(mean)} ± {fmt(half)}"


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _queue_section(table: pd.DataFrame, image: str, replications: int) -> str:
    def fmt(metric: str, x: float) -> str:
        return num(x, 3) if metric == "wait_mean_min" else pct(x)

    rows = []
    for r in table.itertuples():
        rows.append(
            [
                r.model,
                f"{r.load:.2f}",
                f"{r.arrivals_per_hour:.0f}",
                QUEUE_LABELS[r.metric],
                fmt(r.metric, r.erlang),
                pm(r.simulated, r.ci95, lambda x, m=r.metric: fmt(m, x)),
                num(r.z, 1),
            ]
        )
    z = table["z"].abs()
    within = int((z <= 2).sum())
    runs = int(replications)
    expected = 1.0 - 2.0 * stats.t.sf(2.0, runs - 1) if runs > 1 else math.nan
    return "\n\n".join(
        [
            "## 1. Pure queue: Erlang C and Erlang A over a range of loads",
            f"With contagion, follow-ups and escalations off, one private channel, exponential "
            f"handle time (mean {QUEUE_AHT_MIN:g} min) and {QUEUE_AGENTS} reps on 24/7, the "
            f"model is M/M/{QUEUE_AGENTS} (Erlang C, nobody gives up) or M/M/{QUEUE_AGENTS}+M "
            f"(Erlang A, exponential patience with mean {QUEUE_PATIENCE_MEAN_MIN:g} min). Each "
            f"load is simulated from `sim.validation.queue_document`, the tests' case; the first "
            f"{QUEUE_WARMUP_HOURS:g} hours warm up. *z* is (simulated − Erlang) / standard "
            f"error of the mean of {runs} replications, a t statistic with {runs - 1} degrees "
            f"of freedom: a correct model gives |z| ≤ 2 for {pct(expected, 0)} of the figures "
            f"(those of one load are correlated). Here **{within} of {len(table)}** have "
            f"|z| ≤ 2; the largest |z| is {num(float(z.max()), 1)}.",
            f"![Erlang C and A: formula vs simulation]({image})",
            md_table(
                ["model", "ρ", "λ / h", "figure", "Erlang", "simulated (95% CI)", "z"],
                rows,
                "lrrlrrr",
            ),
        ]
    )


def _cascade_section(table: pd.DataFrame, image: str) -> str:
    rows = [
        [
            f"{r.n:g}",
            num(r.theory, 2),
            pm(r.simulated, r.ci95, lambda x: num(x, 2)),
            f"{r.cascades:,}",
            f"{r.largest:,}",
            pct(r.p1_theory),
            pct(r.p1_simulated),
        ]
        for r in table.itertuples()
    ]
    return "\n\n".join(
        [
            "## 2. Cascades: mean size 1/(1−n)",
            f"A public channel with a constant branching ratio *n* (reach and anger weights 0, "
            f"no reply effect, no saturation): every complaint draws Poisson(*n*) pile-ons "
            f"spread over the SEISMIC kernel (flat, then s^−(1+θ), cut at "
            f"{CASCADE_HORIZON_HOURS:g} h), so a new complaint's cascade — itself and every "
            f"generation of pile-ons after it — has mean size 1/(1−n) and the Borel size "
            f"distribution, P(size = 1) = e^−n. New complaints arrive at "
            f"{CASCADE_ARRIVALS_PER_HOUR:g}/h, then none for {CASCADE_TAIL_HOURS:g} h so that "
            f"every cascade finishes inside the run.",
            f"![Cascade sizes vs branching-process theory]({image})",
            md_table(
                [
                    "n",
                    "1/(1−n)",
                    "simulated (95% CI)",
                    "cascades",
                    "largest",
                    "P(1) theory",
                    "P(1) simulated",
                ],
                rows,
                "rrrrrrr",
            ),
        ]
    )


def _kearney_section(table: pd.DataFrame, size: ReportSize) -> str:
    rows = [
        [r.figure, pct(r.published, 0), pm(r.simulated, r.ci95, pct), r.source]
        for r in table.itertuples()
    ]
    answered = 1.0 - float(table.simulated.iloc[0])
    acted, csat = float(table.simulated.iloc[2]), float(table.simulated.iloc[3])
    low, high = cal.MARITZ_REPLY_CHANCE
    inside = "inside" if low <= answered <= high else "outside"
    any_act = 1.0 - math.prod(
        1.0 - p
        for p in (
            cal.IGNORED_TELL_FRIENDS,
            cal.IGNORED_SWITCH_CHANNEL,
            cal.IGNORED_CHURN,
            cal.IGNORED_SHAME_PUBLICLY,
        )
    )
    return "\n\n".join(
        [
            "## 3. A typical brand in 2011: `kearney_2011` against the published figures",
            f"`kearney_2011.toml` staffs Twitter and Facebook with two untrained people in "
            f"office hours; {size.kearney_seeds} seeds, a week measured after one warm-up "
            f"day. The first two rows are the file's calibration targets "
            f"(`tests/test_calibration.py` holds them within ±5 points); the last two are "
            f"outputs nobody tuned.",
            md_table(["figure", "published", "model (95% CI)", "source"], rows, "lrrl"),
            f"Reading it: the model answers {pct(answered, 0)} of Twitter complaints "
            f"({inside} the {pct(low, 0)}–{pct(high, 0)} reply "
            f"chance Maritz 2011 found for ordinary brands). Maritz's four reactions of ignored "
            f"customers (29% tell friends, 26% switch channel, 24% buy less, 15% shame publicly) "
            f"were multiple answers; the model draws them independently, so 'did anything' is "
            f"1 − Π(1 − p) = {pct(any_act, 0)} by construction against the published 60% "
            f"(measured: {pct(acted, 0)}). CSAT counts every answered customer, after "
            f"follow-ups; Maritz's ≈75% is the reaction function's figure for one typical "
            f"reply sent at once ({pct(csat, 0)} here: late replies lose satisfaction, "
            f"follow-up answers win some back).",
        ]
    )


def _speed_section(table: pd.DataFrame, traits: pd.DataFrame, image: str, size) -> str:
    rows = [
        [
            r.delay,
            f"{r.answered:,}",
            pct(r.satisfied),
            f"{pct(r.ci_low)}–{pct(r.ci_high)}",
            pct(r.function),
        ]
        for r in table.itertuples()
    ]
    shown = table[table.answered > 0]
    fast = float(shown.iloc[0]["satisfied"]) if len(shown) else math.nan
    hour = table[(table.lo_min >= cal.SLOW_REPLY_MIN) & (table.hi_min <= 180)]
    hour_rel = float(hour.iloc[0]["satisfied"]) / fast if len(hour) else math.nan
    overall = shown["satisfied"].mul(shown["answered"]).sum() / shown["answered"].sum()
    trait_rows = [
        [r.figure, pct(r.published, 0), pct(r.model, 1), r.source] for r in traits.itertuples()
    ]
    wtp_rows = [[k, pct(v, 0)] for k, v in cal.WTP_RELATIVE.items()]
    return "\n\n".join(
        [
            "## 4. Reply speed and satisfaction",
            f"The public complaints of `{SPEED_SCENARIO}` ({size.speed_seeds} seeds; "
            f"{', '.join(SPEED_CHANNELS)}; bot reps of quality 0.65–0.85) binned by first-reply "
            f"delay: the "
            f"share of answered customers satisfied, with a Wilson 95% interval over "
            f"complaints, beside the reaction function for a pass-mark reply "
            f"(`reactions.p_satisfied`). Published: any reply ≈ 75% satisfied (Maritz 2011); "
            f"willingness to pay rises $20 for a reply within 6 min, $8.98 on average for any "
            f"reply and $2.33 after an hour (Twitter/AMS 2016).",
            f"![Satisfaction by reply delay]({image})",
            md_table(
                ["first reply after", "answered", "satisfied", "95% CI", "function"],
                rows,
                "lrrrr",
            ),
            md_table(
                ["willingness to pay (Twitter/AMS 2016)", "relative to ≤ 6 min"], wtp_rows, "lr"
            ),
            f"Reading it: {pct(overall)} of all answered public customers were satisfied "
            f"(Maritz: ≈75%). A reply after 1–3 hours satisfies {pct(hour_rel, 0)} as often as "
            f"one within 6 minutes. Willingness to pay falls much faster — to "
            f"{pct(cal.WTP_SLOW / cal.WTP_FAST, 0)} of the fast reply's value after an hour — "
            f"because the model does not equate dollars with the chance of being satisfied: "
            f"`calibration.speed_factor` keeps the WTP *ordering* and shrinks a reply's "
            f"satisfaction to {pct(cal.speed_factor(cal.SLOW_REPLY_MIN), 0)} at 60 minutes, "
            f"floored at {pct(cal.SPEED_FACTOR_FLOOR, 0)}. That is a modelling choice, not a "
            f"fit. The storm's figures differ from the function's for a single pass-mark reply "
            f"because they count the final outcome: unsatisfied customers write back and a "
            f"follow-up answer may still satisfy them, and bot reps' scores vary around their "
            f"quality (a quality-0.7 rep scores "
            f"{cal.BOT_SCORE_AT_ZERO_QUALITY + 0.7 * cal.BOT_SCORE_PER_QUALITY:.0f} on average, "
            f"the pass mark is {cal.PASS_MARK:.0f}).",
            "Reply traits, at a typical reply sent at once (pure functions, "
            "`reactions.p_satisfied`):",
            md_table(["figure", "published", "model", "source"], trait_rows, "lrrl"),
        ]
    )


CONTENTS = (  # title, GitHub's anchor of the section heading
    (
        "Pure queue: Erlang C and Erlang A",
        "1-pure-queue-erlang-c-and-erlang-a-over-a-range-of-loads",
    ),
    ("Cascades: mean size 1/(1−n)", "2-cascades-mean-size-11n"),
    (
        "A typical brand in 2011",
        "3-a-typical-brand-in-2011-kearney_2011-against-the-published-figures",
    ),
    ("Reply speed and satisfaction", "4-reply-speed-and-satisfaction"),
)


def render_markdown(
    size: ReportSize,
    queues: pd.DataFrame,
    cascades: pd.DataFrame,
    kearney: pd.DataFrame,
    speed: pd.DataFrame,
    traits: pd.DataFrame,
    images: dict[str, str],
    command: str,
) -> str:
    head = "\n\n".join(
        [
            "# Validation report",
            "<!-- Generated by `stormdesk report validation`; do not edit by hand. -->",
            "Where theory or published data can say what the model must do, this page shows "
            "what it does. Every figure is regenerated by one command, with fixed seeds: "
            "the same sizes give the same numbers.",
            f"```\n{command}\n```",
            f"Model version {__version__}; {size.describe()}.",
            "\n".join(
                f"{i}. [{title}](#{anchor})" for i, (title, anchor) in enumerate(CONTENTS, 1)
            ),
        ]
    )
    parts = [
        head,
        _queue_section(queues, images["queues"], size.replications),
        _cascade_section(cascades, images["cascades"]),
        _kearney_section(kearney, size),
        _speed_section(speed, traits, images["speed"], size),
    ]
    return "\n\n".join(parts) + "\n"


def _save(fig, path: Path) -> Path:
    # No metadata: the PNG bytes depend only on the figure.
    fig.savefig(path, dpi=PNG_DPI, metadata={"Software": None})
    plt.close(fig)
    return path


def write_validation_report(
    out: str | Path,
    size: ReportSize = ReportSize(),  # noqa: B008 — frozen, so one shared default is safe
    *,
    library: str | Path,
    workers: int | None = 1,
    command: str = "stormdesk report validation --out docs/validation.md",
    progress: Callable[[str], None] | None = None,
) -> ReportFiles:
    """Run every check, write ``out`` (Markdown) and its PNGs in ``<out without suffix>/``.

    ``library`` is the scenario library folder (the report uses ``kearney_2011`` and
    ``product_recall`` from it; the queue and cascade cases are :mod:`sim.validation`'s).
    ``workers`` local processes run the simulations (``None``: one per CPU); the numbers do
    not depend on it.
    """
    out = Path(out)
    plots_dir = out.with_suffix("")
    plots_dir.mkdir(parents=True, exist_ok=True)

    def say(text: str) -> None:
        if progress:
            progress(text)

    with open_backend(workers=workers) as backend:
        say("pure queue: Erlang C and A")
        queues = queue_validation(size, backend)
        say("cascades")
        cascades, pooled = cascade_validation(size, backend)
        say(KEARNEY_SCENARIO)
        kearney = kearney_validation(size, backend, library)
        say("reply speed")
        speed = speed_validation(size, backend, library)
    traits = trait_checks()
    plots = (
        _save(queue_figure(queues), plots_dir / "queues.png"),
        _save(cascade_figure(cascades, pooled), plots_dir / "cascades.png"),
        _save(speed_figure(speed), plots_dir / "reply_speed.png"),
    )
    rel = plots_dir.name
    images = {
        "queues": f"{rel}/queues.png",
        "cascades": f"{rel}/cascades.png",
        "speed": f"{rel}/reply_speed.png",
    }
    text = render_markdown(size, queues, cascades, kearney, speed, traits, images, command)
    out.write_text(text, encoding="utf-8")
    return ReportFiles(out, plots)
