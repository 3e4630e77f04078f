"""The expert-judged reply corpus (``corpus/{train,dev,test}.jsonl``) and how well the scorer
agrees with it.

Each case is a complaint with its context, a reply, and an experienced team lead's judgement:
a score 0–100 (``null`` for a language the scorer does not read), the gate that capped it, and
points with a one-line reason per criterion. The split is fixed (``scripts/split_corpus.py``);
the tests hold the scorer to the test split only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from scipy import stats

from .context import ReplyContext
from .gates import UnsupportedLanguage

SPLITS = ("train", "dev", "test")
EXCELLENT_FROM = 85.0
POOR_UP_TO = 25.0


def load(split: str) -> list[dict[str, Any]]:
    """The cases of one split, in file order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} (known: {', '.join(SPLITS)})")
    text = resources.files(__package__).joinpath("corpus", f"{split}.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def context_of(case: dict[str, Any]) -> ReplyContext:
    """The :class:`ReplyContext` of a corpus case."""
    limit = case.get("remedy_limit")
    return ReplyContext(
        channel=case["channel"],
        public=bool(case["public"]),
        customer_name=case.get("customer_name") or "",
        customer_handle=case.get("customer_handle") or "",
        topic=case["topic"],
        complaint_text=case["complaint"],
        anger=float(case.get("anger", 0.5)),
        wait_min=float(case.get("wait_min", 0.0)),
        sla_min=float(case.get("sla_min") or math.inf),
        action=case.get("action") or "reply_public",
        remedy_offered=float(case.get("remedy") or 0.0),
        brand=case.get("brand") or "",
        remedy_limit=float(limit) if limit is not None else math.inf,
        customer_at_fault=case.get("customer_at_fault"),
    )


@dataclass(frozen=True)
class Agreement:
    """How the scorer agrees with the experts on a set of cases."""

    n: int
    spearman: float
    pass_agreement: float  # share of cases where pass/fail matches the expert's
    excellent_passed: float  # share of expert-excellent (≥ 85) replies the scorer passes
    poor_passed: float  # share of expert-poor (≤ 25) replies the scorer passes
    mean_abs_error: float
    unsupported_declined: float  # share of unsupported-language cases declined honestly
    rows: tuple[tuple[str, float, float], ...]  # (id, expert, scorer)


def agreement(cases: list[dict[str, Any]], score=None) -> Agreement:
    """Score every case and compare with the expert judgement."""
    from . import PASS_MARK, score_reply

    score = score or score_reply
    rows = []
    declined = unsupported = 0
    for case in cases:
        expert = case["expert"]["score"]
        try:
            result = score(case["reply"], context_of(case))
        except UnsupportedLanguage:
            if expert is None:
                declined += 1
                unsupported += 1
            continue
        if expert is None:
            unsupported += 1
            continue
        rows.append((case["id"], float(expert), float(result.total), result.passed))
    e = np.array([r[1] for r in rows])
    s = np.array([r[2] for r in rows])
    passed = np.array([r[3] for r in rows])
    exc, poor = e >= EXCELLENT_FROM, e <= POOR_UP_TO
    return Agreement(
        n=len(rows),
        spearman=float(stats.spearmanr(e, s).statistic),
        pass_agreement=float(np.mean(passed == (e >= PASS_MARK))),
        excellent_passed=float(passed[exc].mean()) if exc.any() else math.nan,
        poor_passed=float(passed[poor].mean()) if poor.any() else math.nan,
        mean_abs_error=float(np.abs(e - s).mean()),
        unsupported_declined=declined / unsupported if unsupported else math.nan,
        rows=tuple((i, a, b) for i, a, b, _ in rows),
    )
