"""Does a reply talk down to the customer? A small learned check for the tone team leads fail.

The rules (:mod:`.phrases`, :mod:`.reading`) catch insults, sarcasm and blame they have a
pattern for. Writers who never saw those patterns put it their own way ("not sure what you
expected ordering on a Friday night", "I'm sure you'll understand that…"): on the held-out test
split, 27 of the 65 replies team leads gated for insult, sarcasm or blame hit no gate at all. This
model reads word unigrams and bigrams of the normalised reply, and a logistic regression tells
the replies team leads gated for talking down (``insult``, ``sarcasm``, ``profanity``,
``blame``) from all others.

* **It can only lower a score**: a reply it flags is read as blaming the customer (a gate, with
  the sentence that reads worst quoted to the trainee); one it does not flag is judged by the
  rules alone. No word can be added to a reply to raise its score through it.
* **Only what several writers say**: an n-gram is a feature only if replies by at least
  :data:`MIN_GROUPS` different writers' batches use it, so one writer's habits are not learned.
* **Threshold for few false alarms**: chosen by leave-one-writer-batch-out cross-validation on
  train and dev (20 groups, 1,000 scored replies): at :data:`THRESHOLD` it found 61% of the
  replies team leads gated for tone (57 of 94), and flagged 1 of 329 excellent replies, 4
  middling and 6 poor ones they did not gate for tone. The rules, tuned on those same replies,
  gate 84 of the 94; 5 more were the model's alone. With the eighth batch's two dev writers
  (22 groups, 1,096 replies): 64 of 102 found; 1 of 361 excellent, 5 middling, 5 poor flagged;
  and the ninth's (24 groups, 1,192 replies): 68 of 108; 1 of 393 excellent, 6 middling, 4 poor.
* **Reproducible**: fitted at first use in under a second from the corpus's train and dev splits
  (never test), by the same deterministic optimiser on the same data, like :mod:`.coherence`.
"""

from __future__ import annotations

import math
import re
import threading
from functools import lru_cache

import numpy as np
from scipy import optimize, sparse

from .words import raw_sentences

MAX_N = 2  # unigrams and bigrams (trigrams scored the same in grouped CV)
MIN_GROUPS = 2
L2 = 3.0  # on the summed log-loss (1.0 and 3.0 scored the same; 3.0 flags fewer poor replies)
MAX_ITER = 500
THRESHOLD = 0.25
# The experts' gates the model learns: everything that talks down to the customer.
TONE_GATES = frozenset({"insult", "sarcasm", "profanity", "blame"})

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def grams(norm: str) -> set[str]:
    """The unigrams and bigrams of normalised text (see :func:`.words.normalise`)."""
    words = _TOKEN.findall(norm)
    out = set(words)
    for n in range(2, MAX_N + 1):
        out.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


def training_cases() -> list[tuple[str, str, bool]]:
    """(writer batch, normalised reply, gated for tone) for every scored reply in the splits the
    learned parts are fitted on (:data:`.learned.FIT_SPLITS`)."""
    from . import corpus
    from .learned import FIT_SPLITS
    from .words import normalise

    out = []
    for split in FIT_SPLITS:
        for case in corpus.load(split):
            if case["expert"]["score"] is None:
                continue
            group = case["id"].rsplit("-", 1)[0]
            out.append((group, normalise(case["reply"]), case["expert"]["gate"] in TONE_GATES))
    return out


def fit(cases: list[tuple[str, str, bool]], l2: float = L2) -> tuple[dict[str, float], float]:
    """Weights per n-gram and the bias, by L2-penalised logistic regression."""
    doc_grams = [grams(norm) for _, norm, _ in cases]
    groups: dict[str, set[str]] = {}
    for (group, _, _), gs in zip(cases, doc_grams, strict=True):
        for g in gs:
            groups.setdefault(g, set()).add(group)
    vocab = sorted(g for g, seen in groups.items() if len(seen) >= MIN_GROUPS)
    index = {g: j for j, g in enumerate(vocab)}
    rows, cols = [], []
    for i, gs in enumerate(doc_grams):
        js = sorted(index[g] for g in gs if g in index)
        rows += [i] * len(js)
        cols += js
    x = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(cases), len(vocab)), dtype=np.float64
    )
    y = np.array([flag for _, _, flag in cases], dtype=np.float64)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        g = 1.0 / (1.0 + np.exp(-z)) - y
        value = float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * w @ w)
        return value, np.append(x.T @ g + l2 * w, g.sum())

    theta = optimize.minimize(
        loss,
        np.zeros(len(vocab) + 1),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITER},
    ).x
    return dict(zip(vocab, theta[:-1].tolist(), strict=True)), float(theta[-1])


_FIT_LOCK = threading.Lock()  # threads that need the model at once wait for one fit


def _model() -> tuple[dict[str, float], float]:
    with _FIT_LOCK:
        return _fitted()


@lru_cache(maxsize=1)
def _fitted() -> tuple[dict[str, float], float]:
    return fit(training_cases())


def _logit(gs: set[str], weights: dict[str, float], bias: float) -> float:
    # fsum: exact, so the order a set iterates in (which varies between processes) cannot move
    # the last bit of the sum
    return bias + math.fsum(weights[g] for g in gs & weights.keys())


def probability(norm: str) -> float:
    """Probability that team leads would gate the normalised reply for talking down."""
    weights, bias = _model()
    z = _logit(grams(norm), weights, bias)
    return 1.0 / (1.0 + math.exp(-z))


def talks_down(raw: str, norm: str, sentences: tuple[str, ...] | list[str]) -> str | None:
    """The sentence that reads worst, as written, when the reply as a whole reads as talking down
    to the customer (probability at least :data:`THRESHOLD`); else None. ``sentences`` are the
    normalised reply's (:func:`.words.sentences`)."""
    if probability(norm) < THRESHOLD:
        return None
    if not sentences:
        return raw.strip()
    weights, bias = _model()
    worst = max(range(len(sentences)), key=lambda i: _logit(grams(sentences[i]), weights, bias))
    as_written = raw_sentences(raw)
    if len(as_written) == len(sentences):
        return as_written[worst]
    return sentences[worst]
