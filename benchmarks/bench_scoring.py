"""Reply scoring time per reply over the whole corpus (issue 9 target: p95 < 5 ms).

``python -m benchmarks.bench_scoring``: every corpus reply scored ``ROUNDS`` times (CPU time per
call, after one warm-up pass that compiles the phrase lists), p50/p95/max in milliseconds, and
the ratio of p95 to the target.
"""

from __future__ import annotations

import argparse
import contextlib
import time

import numpy as np

from sim.scoring import UnsupportedLanguage, corpus, score_reply

ROUNDS = 5
TARGET_P95_MS = 5.0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Reply scoring time per corpus reply.")
    ap.add_argument(
        "--splits",
        nargs="+",
        choices=corpus.SPLITS,
        default=list(corpus.SPLITS),
        help="corpus splits to time (default: all)",
    )
    splits = ap.parse_args(argv).splits
    cases = [(c["reply"], corpus.context_of(c)) for s in splits for c in corpus.load(s)]

    def one(text, ctx):
        with contextlib.suppress(UnsupportedLanguage):
            score_reply(text, ctx)

    for text, ctx in cases:  # warm-up: compile patterns, fill caches
        one(text, ctx)
    times = []
    for _ in range(ROUNDS):
        for text, ctx in cases:
            t0 = time.process_time_ns()
            one(text, ctx)
            times.append((time.process_time_ns() - t0) / 1e6)
    t = np.array(times)
    p50, p95 = np.percentile(t, [50, 95])
    print(f"scoring {len(cases)} corpus replies ({', '.join(splits)}) x {ROUNDS} rounds")
    print(f"  p50 {p50:.2f} ms   p95 {p95:.2f} ms   max {t.max():.2f} ms")
    print(f"  p95 / target ({TARGET_P95_MS:g} ms): {p95 / TARGET_P95_MS:.2f}")


if __name__ == "__main__":
    main()
