"""The scorer's first use: one fit per process however many threads ask, and ``warm_up`` does it.

A trainer server answers replies from many threads at once; the coherence model used to be
fitted by every thread that scored a reply before the first fit finished (seconds each, on a
loaded machine tens of seconds: replies timed out). Run in a fresh interpreter, since this
process may have fitted the model already.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_fresh(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return out.stdout.strip()


def test_threads_scoring_at_once_share_one_fit():
    out = run_fresh(
        """
        import threading
        from scipy import optimize
        from sim.scoring import coherence

        fits = []
        real = optimize.minimize

        def counting(*a, **kw):
            fits.append(1)
            return real(*a, **kw)

        coherence.optimize.minimize = counting
        go = threading.Barrier(4)

        def score():
            go.wait()
            coherence.p_sentences("I am sorry about the delay, we will send it today.")

        threads = [threading.Thread(target=score) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(len(fits))
        """
    )
    assert out == "1"


def test_warm_up_fits_the_coherence_model_and_scores_alike():
    out = run_fresh(
        """
        from sim.scoring import coherence, warm_up

        assert coherence._fit.cache_info().currsize == 0
        warm_up()
        print(coherence._fit.cache_info().currsize)
        """
    )
    assert out == "1"


def test_folding_ascii_quickly_gives_what_the_full_fold_gives():
    """``fold`` skips Unicode decomposition for ASCII text: the same result either way."""
    import unicodedata

    from sim.scoring.language import fold

    def full(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

    samples = [
        "Hi Sam, I'm SORRY about the delay!",
        "",
        "Désolé pour le retard",
        "Straße",
        "ﬁnally",
        "Ǆ",
        "İstanbul",
        "naïve café",
        "\u00a0non-breaking",
        "tab\tand\nnewline 123",
    ]
    for text in samples:
        assert fold(text) == full(text), text
