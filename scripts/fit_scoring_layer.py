"""Refit the reply scorer's learned per-criterion correction from the corpus's train and dev.

``python scripts/fit_scoring_layer.py`` rewrites ``sim/scoring/learned.json`` (see
:mod:`sim.scoring.learned`). ``--cv`` instead prints leave-one-writer-batch-out cross-validation
over the fitted splits (each fold is fitted without the batch of writers it is scored on), for
the rules alone and with the layer. Only :data:`sim.scoring.learned.FIT_SPLITS` (train and dev)
are read; the test split never is. Run it after changing the reading, the criteria or the
splits; ``tests/test_scoring.py`` fails while the shipped file is stale.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from scipy import stats

from sim.scoring import (
    DEFAULT_WEIGHTS,
    PASS_MARK,
    UnsupportedLanguage,
    corpus,
    learned,
    rule_reading,
)

OUT = Path(__file__).resolve().parent.parent / "sim" / "scoring" / learned.COEFFICIENTS_FILE


def _figures(expert: np.ndarray, total: np.ndarray, gated: np.ndarray) -> str:
    passed = ~gated & (total >= PASS_MARK)
    exc, poor = expert >= corpus.EXCELLENT_FROM, expert <= corpus.POOR_UP_TO
    return (
        f"Spearman {stats.spearmanr(expert, total).statistic:.3f}  "
        f"pass/fail {np.mean(passed == (expert >= PASS_MARK)):.1%}  "
        f"excellent pass {passed[exc].mean():.1%}  poor pass {passed[poor].mean():.1%}  "
        f"MAE {np.abs(expert - total).mean():.2f}"
    )


def cross_validate() -> None:
    weights = np.array([DEFAULT_WEIGHTS[k] for k in learned.CRITERIA])
    rows = []
    for case in (c for s in learned.FIT_SPLITS for c in corpus.load(s)):
        if case["expert"]["score"] is None:
            continue
        ctx = corpus.context_of(case)
        try:
            r, gate, judgements = rule_reading(case["reply"], ctx)
        except UnsupportedLanguage:
            continue
        shares = {k: j.share for k, j in judgements.items()}
        expert = case["expert"]
        rows.append(
            (
                case["id"].rsplit("-", 1)[0],
                learned.features(r, ctx, shares),
                np.array([shares[k] for k in learned.CRITERIA]),
                np.array(
                    [
                        expert["criteria"][k]["points"] / w
                        for k, w in zip(learned.CRITERIA, weights, strict=True)
                    ]
                ),
                gate.cap if gate is not None else math.inf,
                expert["gate"] is None and gate is None,
                float(expert["score"]),
                gate,
            )
        )
    group = np.array([r[0] for r in rows])
    x = np.array([r[1] for r in rows])
    rule = np.array([r[2] for r in rows])
    target = np.array([r[3] for r in rows])
    cap = np.array([r[4] for r in rows])
    fit_on = np.array([r[5] for r in rows])
    expert = np.array([r[6] for r in rows])
    gates = [r[7] for r in rows]
    gated = np.isfinite(cap)
    shares = rule.copy()
    for g in sorted(set(group)):
        held = group == g
        use = ~held & fit_on
        c = learned.fit(x[use], target[use] - rule[use])
        corr = x[held] @ np.array(c["coef"]) + np.array(c["intercept"])
        corr = np.clip(corr, -learned.MAX_CORRECTION, learned.MAX_CORRECTION)
        small = (rule[held] >= 1.0) & (corr > -learned.FULL_MARKS_DEADBAND)
        corr[small] = 0.0
        shares[held] = np.clip(rule[held] + corr, 0.0, 1.0)

    def total(s: np.ndarray) -> np.ndarray:
        points = (np.round(s * weights / 0.5) * 0.5).sum(axis=1)
        return np.array(
            [p if g is None else g.capped(p) for p, g in zip(points, gates, strict=True)]
        )

    splits = " and ".join(learned.FIT_SPLITS)
    print(f"{splits}, {len(rows)} cases, leave one of {len(set(group))} writer batches out:")
    print("  rules alone (tuned on all of them):  ", _figures(expert, total(rule), gated))
    print("  rules + learned layer (out of fold): ", _figures(expert, total(shares), gated))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv", action="store_true", help="print grouped CV figures; write nothing")
    if ap.parse_args().cv:
        cross_validate()
        return
    coefficients = learned.fit_from_train()
    OUT.write_text(json.dumps(coefficients, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({coefficients['n_train']} train cases)")


if __name__ == "__main__":
    main()
