"""Does an English reply read as sentences? A small learned check against keyword salad.

Rules catch the obvious salad (no glue words, lists, repeats); a salad glued with a few "the"
and "your" slips past them. This model looks at word *order*: each word becomes its shape —
function words stay themselves, other words become a suffix class (``-ing``, ``-ed``, ``-ly``,
``-s``, a number, a word) — and a logistic regression over shape bigrams and trigrams tells
real replies from the same words shuffled.

It is trained reproducibly at first use, in about a second, from text the repository ships:
the corpus's train split (complaints and replies of every quality — poor replies are still
sentences) and seeded complaint and reply text from :mod:`sim.text`. Negatives are the same
texts with their words shuffled and spliced. Nothing is downloaded; the same data and seed give
the same weights. The dev and test splits are never used for training.
"""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy import optimize, sparse

from .phrases import FUNCTION_WORDS

BUCKETS = 1 << 14
MAX_ITER = 60
L2 = 1e-3
SEED = 20261130
MIN_WORDS = 5  # shorter replies are judged by the rules alone
# P(sentences) below which an English reply of MIN_WORDS or more is salad. Chosen on the dev
# split and unseen batch-2 replies: no reply experts scored 45+ falls below it.
THRESHOLD = 0.2

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[.,!?;:]")
_GLUE = FUNCTION_WORDS["en"] | frozenset(
    [
        "i",
        "we",
        "will",
        "you",
        "your",
        "please",
        "sorry",
        "thanks",
        "thank",
        "hi",
        "hello",
        "our",
        "my",
        "me",
        "us",
    ]
)


def _shape(tok: str) -> str:
    if tok in _GLUE or not tok[0].isalnum():
        return tok
    if tok[0].isdigit():
        return "#"
    for suffix in ("ing", "ed", "ly", "s"):
        if tok.endswith(suffix) and len(tok) > len(suffix) + 2:
            return "~" + suffix
    return "~w"


def _features(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(bucket indices, values) of a text's shape n-grams, scaled by 1/sqrt(length)."""
    toks = [_shape(t) for t in _TOKEN.findall(text.casefold())]
    seq = ["<s>", *toks, "</s>"]
    grams = [_hashed(tuple(seq[i : i + n])) for n in (2, 3) for i in range(len(seq) - n + 1)]
    idx, counts = np.unique(np.array(grams, dtype=np.int64), return_counts=True)
    return idx, counts / np.sqrt(max(1, len(seq)))


@lru_cache(maxsize=1 << 16)
def _hashed(gram: tuple[str, ...]) -> int:
    return hash_ngram(list(gram))  # shapes repeat: a few thousand n-grams cover the corpus


def hash_ngram(gram: list[str]) -> int:
    """A stable bucket for an n-gram (Python's hash() is salted per process)."""
    h = 2166136261
    for ch in "\x1f".join(gram).encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h % BUCKETS


def _positives() -> list[str]:
    from ..text import bot_reply_text, complaint_text, persona

    texts = []
    raw = resources.files(__package__).joinpath("corpus", "train.jsonl").read_text("utf-8")
    for line in raw.splitlines():
        case = json.loads(line)
        if case["language"] == "en":
            texts += [case["complaint"], case["reply"]]
    channels = ("twitter", "facebook", "email", "chat", "phone", "review")
    topics = ("delivery", "billing", "refund", "outage", "account_access", "product_quality",
              "product_safety", "service")  # fmt: skip
    for i in range(240):
        who = persona(SEED, i)
        ch, topic = channels[i % len(channels)], topics[i % len(topics)]
        public = ch in ("twitter", "facebook", "review")
        texts.append(complaint_text(SEED, i, channel=ch, topic=topic, anger=(i % 10) / 10,
                                    public=public, customer=who))  # fmt: skip
        texts.append(bot_reply_text(SEED, i, quality=(i % 11) / 10, customer=who, topic=topic,
                                    channel=ch, public=public, action="reply_public"))  # fmt: skip
    return [t for t in texts if len(_TOKEN.findall(t.casefold())) >= MIN_WORDS]


def _negatives(texts: list[str], rng: np.random.Generator) -> list[str]:
    out = []
    words = [t.casefold().split() for t in texts]
    for ws in words:
        shuffled = list(ws)
        rng.shuffle(shuffled)
        out.append(" ".join(shuffled))
    for _ in range(len(texts)):  # splices: chunks of 1–3 words from different texts
        n = int(rng.integers(4, 14))
        chunks = []
        for _ in range(n):
            ws = words[int(rng.integers(len(words)))]
            k = int(rng.integers(1, 4))
            start = int(rng.integers(max(1, len(ws) - k)))
            chunks += ws[start : start + k]
        out.append(" ".join(chunks))
    return out


_FIT_LOCK = threading.Lock()  # threads that need the model at once wait for one fit


def _model() -> tuple[np.ndarray, float]:
    """The fitted weights and bias: fitted once per process, whatever the number of threads."""
    with _FIT_LOCK:
        return _fit()


@lru_cache(maxsize=1)
def _fit() -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(SEED)
    pos = _positives()
    neg = _negatives(pos, rng)
    feats = [_features(t) for t in pos + neg]
    rows = np.repeat(np.arange(len(feats)), [len(i) for i, _ in feats])
    x = sparse.csr_matrix(
        (np.concatenate([v for _, v in feats]), (rows, np.concatenate([i for i, _ in feats]))),
        shape=(len(feats), BUCKETS),
    )
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        # log(1 + e^z) - y z, computed stably
        nll = np.logaddexp(0.0, z) - y * z
        g = 1.0 / (1.0 + np.exp(-z)) - y
        grad = np.append(x.T @ g / len(y) + L2 * w, g.mean())
        return float(nll.mean() + 0.5 * L2 * w @ w), grad

    theta = optimize.minimize(
        loss, np.zeros(BUCKETS + 1), jac=True, method="L-BFGS-B", options={"maxiter": MAX_ITER}
    ).x
    return theta[:-1], float(theta[-1])


def p_sentences(text: str) -> float:
    """Probability that English ``text`` is written as sentences rather than a keyword string."""
    w, b = _model()
    idx, val = _features(text)
    return float(1.0 / (1.0 + np.exp(-(val @ w[idx] + b))))
