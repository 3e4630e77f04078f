"""Assign the reply corpus's fixed train/dev/test split (run once; the split is committed).

Cases are grouped by batch (id prefix) and band, ordered by a hash of their id, and dealt out
3:1:1 to train, dev and test, so each split has the same mix of topics, languages and bands. The
second batch of writing (ids ``x1-…`` to ``x4-…``, written after the scorer's first version, in
new voices and with new ways to fail) is dealt 1:1 to train and test. Of the third batch,
``y2-…`` to ``y4-…`` went to train; ``y1-…`` arrived after tuning had ended and is test only.
The fourth batch (``z1-…``, ``z2-…``: new industries and voices, written by writers who never
saw the scorer) is dealt 1:1 to dev and test. The fifth (``w1-…`` to ``w4-…``, 2026-12-01: four
more writers in new industries, blind to the scorer) is dealt by writer: ``w1`` and ``w2`` to
dev (read case by case to find what the rules misread), ``w3`` and ``w4`` to test (scored only
before and after). The sixth (``v1-…`` to ``v4-…``, the same day: four more writers briefed to
write cases that are hard to judge automatically — excellent replies in unusual registers, poor
ones that look polished) is dealt the same way: ``v1``, ``v2`` to dev, ``v3``, ``v4`` to test; so
is the seventh (``u1-…`` to ``u4-…``, the same brief, four more writers and industries), and
the eighth (``t1-…`` to ``t4-…``, the plain brief again, four more writers and industries), and
the ninth (``s1-…`` to ``s4-…``, the same). The tenth (``r1-…`` to ``r4-…``, the plain brief,
four more writers), written when tuning had ended, is all test: a held-out check of the final
scorer on writers nobody read.
Usage: python scripts/split_corpus.py CASES.jsonl [...]  (writes sim/scoring/corpus/). The deal
depends only on the cases' ids and bands, so re-running it on the committed splits
(``sim/scoring/corpus/*.jsonl``) reproduces them exactly; a new batch is added the same way.
"""

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "sim" / "scoring" / "corpus"
SPLITS = ("train", "train", "train", "dev", "test")
SPLITS_BATCH2 = ("train", "test")
# Fifth batch on: two writers' cases held out; the tenth (written after tuning ended) all four.
HELD_OUT_WRITERS = (
    "w3",
    "w4",
    "v3",
    "v4",
    "u3",
    "u4",
    "t3",
    "t4",
    "s3",
    "s4",
    "r1",
    "r2",
    "r3",
    "r4",
)


def main(paths: list[str]) -> None:
    groups = defaultdict(list)
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                groups[(case["id"].split("-")[0], case["band"])].append(case)
    out = {s: [] for s in set(SPLITS)}
    for key in sorted(groups):
        cases = sorted(groups[key], key=lambda c: hashlib.sha256(c["id"].encode()).hexdigest())
        if key[0] in ("w1", "w2", "v1", "v2", "u1", "u2", "t1", "t2", "s1", "s2"):  # two writers
            deal = ("dev",)  # tuned on…
        elif key[0] in HELD_OUT_WRITERS:  # …two held out; the tenth batch: all four
            deal = ("test",)
        elif key[0].startswith("z"):  # the fourth batch, new voices written blind: 1:1 dev/test
            deal = ("dev", "test")
        elif key[0] == "y1":  # arrived after tuning had ended: held out
            deal = ("test",)
        elif key[0].startswith("y"):
            deal = ("train",)
        elif key[0].startswith("x"):
            deal = SPLITS_BATCH2
        else:
            deal = SPLITS
        for i, case in enumerate(cases):
            out[deal[i % len(deal)]].append(case)
    OUT.mkdir(parents=True, exist_ok=True)
    for split, cases in out.items():
        cases.sort(key=lambda c: c["id"])
        with open(OUT / f"{split}.jsonl", "w", encoding="utf-8") as f:
            for case in cases:
                f.write(json.dumps(case, ensure_ascii=False) + "\n")
        print(split, len(cases))


if __name__ == "__main__":
    main(sys.argv[1:])
