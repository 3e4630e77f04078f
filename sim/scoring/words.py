"""The words of a reply or a complaint, in one language: normalised text, sentences, crude
stems, names and numbers (the layer :mod:`.reading` is built on)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import language
from .phrases import (
    CONTRACTIONS,
    FUNCTION_WORDS,
    GENERIC_WORDS,
    HONORIFICS,
    NAME_SUFFIXES,
    PHRASES,
    PLACEHOLDER_PATTERN,
    LanguagePhrases,
)

MAX_ANALYSED_CHARS = 10_000  # longer than any channel allows; the rest of a huge paste is ignored
MAX_NAME_CHARS = 100
STEM_CHARS = 5  # words sharing their first five letters are the same word here

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
        "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ",
    }
)  # fmt: skip
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_CONTRACTION_RE = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(re.escape(k) for k in sorted(CONTRACTIONS, key=len, reverse=True))
    + r")(?![\w'])"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|[\n;]+|(?<=[.!?])$|(?<=\?)")
_CLAUSE = re.compile(
    r"\s*(?:[,:;()]|\s-\s|\band then\b|\bthen\b|\band\b|\bso\b|\bbut\b|\bet\b|\by\b|"
    r"\bpuis\b|\bpero\b|\bmais\b)\s*"
)
_WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_RAW_WORDS = re.compile(r"[^\W_]+")
_NUMBERS = re.compile(r"\d[\d,.:/-]*\d|\d")
_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)


def _phrases(patterns) -> re.Pattern[str]:
    """One alternation of whole-word phrases (lookarounds, since phrases may start with '$')."""
    return re.compile(r"(?<![\w'])(?:" + "|".join(patterns) + r")(?![\w'])")


@dataclass(frozen=True)
class _Compiled:
    """One language's phrase lists, compiled once."""

    apology: re.Pattern[str]
    generic_apology: re.Pattern[str]
    non_apology: re.Pattern[str]
    acknowledgement: re.Pattern[str]
    holding: re.Pattern[str]
    personal_action: tuple[re.Pattern[str], ...]
    team_action: tuple[re.Pattern[str], ...]
    outcome: re.Pattern[str]
    instruction: re.Pattern[str]
    question: re.Pattern[str]
    timeframe: re.Pattern[str]
    handover: re.Pattern[str]
    specialist: re.Pattern[str]
    safety_instruction: re.Pattern[str]
    dm: re.Pattern[str]
    compensation: re.Pattern[str]
    blame: re.Pattern[str]
    deflection: re.Pattern[str]
    insult: re.Pattern[str]
    profanity: re.Pattern[str]
    sarcasm: re.Pattern[str]
    guarantee: re.Pattern[str]
    liability: re.Pattern[str]
    damages: re.Pattern[str]
    scripted: re.Pattern[str]
    sensitive: tuple[tuple[re.Pattern[str], str], ...]
    sensitive_any: re.Pattern[str]
    personal: re.Pattern[str]
    request: re.Pattern[str]
    negation: re.Pattern[str]
    public_cue: re.Pattern[str]
    promotion: re.Pattern[str] | None
    unsafe: re.Pattern[str] | None
    not_action_verbs: frozenset[str]


@lru_cache(maxsize=8)
def compiled(lang: str) -> _Compiled:
    """The compiled phrase lists of ``lang`` (English for a language without its own)."""
    p: LanguagePhrases = PHRASES.get(lang, PHRASES["en"])
    return _Compiled(
        apology=_phrases(p.apology),
        generic_apology=_phrases(p.generic_apology),
        non_apology=_phrases(p.non_apology),
        acknowledgement=_phrases(p.acknowledgement),
        holding=_phrases(p.holding),
        personal_action=tuple(_phrases([a]) for a in p.personal_action),
        team_action=tuple(_phrases([a]) for a in p.team_action),
        outcome=_phrases(p.outcome),
        instruction=re.compile("|".join(f"(?:{x})" for x in p.instruction)),
        question=re.compile("|".join(f"(?:{x})" for x in p.question)),
        timeframe=_phrases(p.timeframe),
        handover=_phrases(p.handover),
        specialist=_phrases(p.specialist),
        safety_instruction=_phrases(p.safety_instruction),
        dm=_phrases(p.dm),
        compensation=_phrases(p.compensation),
        blame=_phrases(p.blame),
        deflection=_phrases(p.deflection),
        insult=_phrases(p.insult),
        profanity=_phrases(p.profanity),
        sarcasm=re.compile(r"(?<![\w'])(?:" + "|".join(p.sarcasm) + r")(?![\w'])", re.M),
        guarantee=_phrases(p.guarantee),
        liability=_phrases(p.liability),
        damages=_phrases(p.damages),
        scripted=_phrases(p.scripted),
        sensitive=tuple((_phrases([k]), v) for k, v in p.sensitive.items()),
        sensitive_any=_phrases(p.sensitive),
        personal=_phrases(p.personal),
        request=_phrases(p.request),
        negation=_phrases(p.negation),
        public_cue=_phrases(p.public_cue),
        promotion=_phrases(p.promotion) if p.promotion else None,
        unsafe=_phrases(p.unsafe) if p.unsafe else None,
        not_action_verbs=p.not_action_verbs,
    )


def normalise(text: str) -> str:
    """Text as the phrase lists see it: NFKC, straight quotes, case-folded, accents stripped,
    English contractions expanded. Only the first :data:`MAX_ANALYSED_CHARS` characters are read.
    """
    t = unicodedata.normalize("NFKC", text[:MAX_ANALYSED_CHARS])[:MAX_ANALYSED_CHARS]
    t = language.fold(t.translate(_QUOTES))
    t = _NEWLINES.sub("\n", _SPACES.sub(" ", t)).strip()
    return _CONTRACTION_RE.sub(lambda m: CONTRACTIONS[m.group(0)], t)


def sentences(norm: str) -> list[str]:
    """The sentences of normalised text (a question mark ends one and stays with it)."""
    out = []
    for part in _SENTENCE_END.split(norm):
        part = part.strip(" .!")
        if part and _RAW_WORDS.search(part):
            out.append(part)
    return out


def raw_sentences(raw: str) -> list[str]:
    """The sentences of text as written (case, accents and contractions kept), split where
    :func:`sentences` splits its normalised form, for quoting a sentence back to the writer."""
    t = unicodedata.normalize("NFKC", raw[:MAX_ANALYSED_CHARS])[:MAX_ANALYSED_CHARS]
    t = _NEWLINES.sub("\n", _SPACES.sub(" ", t.translate(_QUOTES))).strip()
    return [
        p.strip(" .!") for p in _SENTENCE_END.split(t) if p.strip(" .!") and _RAW_WORDS.search(p)
    ]


def stem(word: str) -> str:
    return word[:STEM_CHARS]


@lru_cache(maxsize=4096)  # read several times per reply, for the same few names
def name_parts(name: str) -> tuple[str, str]:
    """(first, last) name of a customer, without honorifics or suffixes."""
    name = unicodedata.normalize("NFKC", name[:MAX_NAME_CHARS]).translate(_QUOTES)
    tokens = re.findall(r"[^\W\d_]+(?:['\-][^\W\d_]+)*", name)
    tokens = [t for t in tokens if t.casefold().rstrip(".") not in HONORIFICS | NAME_SUFFIXES]
    if not tokens:
        return "", ""
    return tokens[0], tokens[-1] if len(tokens) > 1 else ""


def content_stems(norm: str, lang: str, exclude: frozenset[str] = frozenset()) -> set[str]:
    """Stems of the words that carry meaning: not function words, not generic care words."""
    fw = FUNCTION_WORDS.get(lang, FUNCTION_WORDS["en"]) | FUNCTION_WORDS["en"]
    out = set()
    for m in re.finditer(r"(?<![@#\w])[^\W\d_]{3,}", norm):
        w = m.group(0)
        if w not in fw and w not in GENERIC_WORDS and w not in exclude:
            out.add(stem(w))
    return out


def _numbers(text: str) -> set[str]:
    return {n for n in _NUMBERS.findall(text) if len(n) >= 2 or n.isdigit()}
