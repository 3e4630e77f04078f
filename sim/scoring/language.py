"""Which language a complaint or a reply is written in.

A small deterministic identifier made for care replies: a script check (Cyrillic, Greek, Arabic,
Hebrew, Devanagari, Thai, CJK, Hangul) and, for Latin script, counts of each language's
function words (:data:`sim.scoring.phrases.FUNCTION_WORDS`). Function words are what sentences
are made of, so two or three of them identify a language even in a 15-word tweet, where
character n-gram models (langid, langdetect) are unreliable; and nothing is downloaded or
trained. A text with too little evidence is ``None`` (unknown), never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .phrases import FUNCTION_WORDS

# Scripts that name their language outright (first matching range wins).
_SCRIPTS = (
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
)
_NON_LATIN = re.compile(
    r"[\u0370-\u06ff\u0900-\u097f\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_LETTER = re.compile(r"[^\W\d_]")
MIN_HITS = 2  # function words needed before a language is named
MIN_MARGIN = 1.2  # the winner's count must beat the runner-up by this factor
SCRIPT_SHARE = 0.3  # share of letters in a script that names the language
# Languages so close in their function words that a short text cannot tell them apart; none is
# scored, so naming the likelier one is enough to decline it honestly.
_FAMILIES = (frozenset({"da", "nb", "sv"}),)
# Letters that only these languages write (none of them English, Spanish or French).
_LETTER_HINTS = (
    ("pl", "ąćęłńśźż"),
    ("cs", "ěřůťď"),
    ("ro", "ășțţ"),
    ("tr", "ğış"),
    ("hu", "őű"),
    ("da", "æø"),
    ("sv", "å"),
    ("de", "ß"),
    ("cy", "ŵŷ"),
)


def fold(text: str) -> str:
    """Lower case without accents (``"Désolé"`` → ``"desole"``), as the phrase lists are written."""
    folded = text.casefold()
    if folded.isascii():  # nothing to decompose (most replies): the same result, far sooner
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    if decomposed.isascii():
        return decomposed
    if max(decomposed) > "\uffff":  # beyond the table below: the slow, exact way
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _combining_marks().sub("", decomposed)


@lru_cache(maxsize=1)
def _combining_marks() -> re.Pattern[str]:
    """Every combining mark of the Basic Multilingual Plane, as one character class."""
    marks = [cp for cp in range(0x300, 0x10000) if unicodedata.combining(chr(cp))]
    ranges, start, prev = [], marks[0], marks[0]
    for cp in [*marks[1:], -1]:
        if cp != prev + 1:
            ranges.append(
                re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else "")
            )
            start = cp
        prev = cp
    return re.compile("[" + "".join(ranges) + "]+")


def _shares() -> dict[str, tuple[tuple[str, float], ...]]:
    """Each function word's languages, weighted 1/k when k languages share it ("de", "la")."""
    langs: dict[str, list[str]] = {}
    for code, vocab in FUNCTION_WORDS.items():
        for w in vocab:
            langs.setdefault(w, []).append(code)
    return {w: tuple((c, 1.0 / len(cs)) for c in cs) for w, cs in langs.items()}


_SHARES = _shares()


def detect(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when there is too little to tell."""
    letters = _LETTER.findall(text) if _NON_LATIN.search(text) else None
    if letters:  # only a text with letters beyond Latin can be in another script
        for code, pattern in _SCRIPTS:
            if len(pattern.findall(text)) >= SCRIPT_SHARE * len(letters):
                return code
    words = _WORD.findall(fold(text).replace("\u2019", "'"))
    counts = dict.fromkeys(FUNCTION_WORDS, 0.0)
    for w in words:
        if "'" in w and w not in _SHARES:  # "j'ai", "l'equipe": the elided article counts
            w = w.split("'")[0]
        for code, share in _SHARES.get(w, ()):
            counts[code] += share
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    (best, n1), (second, n2) = ranked[0], ranked[1]
    if n1 < MIN_HITS or (n1 < MIN_MARGIN * n2 and not any({best, second} <= f for f in _FAMILIES)):
        return _by_letters(text)
    return best


def _by_letters(text: str) -> str | None:
    """Too few function words to tell: letters only one language (family) writes, if there are
    at least :data:`MIN_HITS` of them ("ł", "ś" and "ż" are Polish; English, Spanish and French
    use none of these)."""
    low = text.casefold()
    best, most = None, 0
    for code, letters in _LETTER_HINTS:
        n = sum(low.count(ch) for ch in letters)
        if n > most:
            best, most = code, n
    return best if most >= MIN_HITS else None
