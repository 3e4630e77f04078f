"""Reading a reply: what it *does* — acknowledges, apologises, acts, gives a time, hands over,
instructs, asks — sentence by sentence, not which words it contains.

An action counts only as a clause with an actor, a verb that does something and an *object*
("I've phoned the depot", "I'm booking a courier", "we can offer a replacement"); "I will check,
I will sort" are bare promises and are counted as such. The reply is matched to the complaint
through the words they share (a crude stem), so specifics ("Leeds", "birthday", "£39") count
and a template that would fit any complaint does not.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..vocab import SAFETY_TOPICS, SOCIAL_KINDS, ChannelKind, ReplyAction, channel_kind, max_chars
from . import coherence, language
from .context import ReplyContext
from .phrases import (
    ALLOWED_ACRONYMS,
    CONTRACTIONS,
    FUNCTION_WORDS,
    GENERIC_WORDS,
    HONORIFICS,
    NAME_SUFFIXES,
    PHRASES,
    PLACEHOLDER_PATTERN,
    TOPIC_GUIDES,
    WORD_NAMES,
    LanguagePhrases,
    topic_guide,
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


def stem(word: str) -> str:
    return word[:STEM_CHARS]


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


@dataclass(frozen=True)
class Clause:
    """One action clause: who acts, the verb and whether it has an object."""

    personal: bool
    verb: str
    has_object: bool
    done: bool  # already done ("I've…", "I just…") rather than promised


@dataclass(frozen=True)
class Reading:
    """Everything the scorer reads from a reply (internal; :class:`ReplyFeatures` is public)."""

    lang: str | None  # detected language of the reply (None: too short to tell)
    complaint_lang: str | None
    scored_lang: str  # the phrase lists used
    kind: ChannelKind
    limit: int  # longest reply that fits this channel
    chars: int
    words: int
    sentences: tuple[str, ...]
    norm: str
    apology: str  # "sincere" | "generic" | "non_apology" | "none"
    apology_count: int
    acknowledged: bool
    feeling_words: int  # acknowledgements and apologies, counted
    named_by_name: bool
    named_by_handle: bool
    named_issue: bool
    specifics: int  # complaint words and numbers the reply picks up
    complaint_has_specifics: bool
    foreign_topics: tuple[str, ...]  # other topics the reply talks about instead
    actions: tuple[Clause, ...]
    bare_actions: int
    outcome: bool
    instruction: bool
    question: bool
    safety_instruction: bool
    holding_line: bool
    timeframe: bool
    timeframes: int
    vague_time: bool  # "as soon as possible" and no real time
    handover: bool
    compensation: bool
    compensation_amounts: tuple[float, ...]
    damages: bool
    remedy_kinds: int
    blamed: bool
    deflected: bool
    dm_invite: bool
    insult: str | None
    profanity: str | None
    sarcasm: str | None
    guarantee: str | None
    liability: str | None
    sensitive_public: tuple[str, ...]
    personal_public: tuple[str, ...]
    exposed: tuple[str, ...]  # the customer's personal data written into a public reply
    credentials: tuple[str, ...]
    shouting: bool
    canned: bool
    placeholder: bool
    scripted: bool
    scripted_count: int
    promotion: bool
    unsafe: bool  # "keep using it, it's perfectly safe" on a safety report
    owned_mistake: bool
    redirected: bool  # a private customer sent off to social media
    list_stuffing: bool  # a run of bare words, or the rubric's own names
    function_share: float
    stretch: int  # most words in a row without any punctuation
    unpunctuated: bool  # not a single punctuation mark
    p_sentences: float  # the learned coherence check (1.0 where it does not apply)
    max_repeat: int  # most repeats of one content word
    repeated_word: str
    run_on: bool

    @property
    def concrete_action(self) -> bool:
        return any(c.has_object for c in self.actions)

    @property
    def personal_action(self) -> bool:
        return any(c.personal and c.has_object for c in self.actions)

    @property
    def team_action(self) -> bool:
        return any(not c.personal and c.has_object for c in self.actions)

    @property
    def done_action(self) -> bool:
        return any(c.done and c.has_object for c in self.actions)

    @property
    def next_step(self) -> bool:
        return self.concrete_action or self.outcome or self.instruction or self.handover

    @property
    def length_ok(self) -> bool:
        return self.chars <= self.limit


_OBJECTLESS = frozenset(
    """it this that them these those you u everything anything something things asap now
    soon today tomorrow tonight up on in out into over back again right away immediately
    shortly later quickly straight personally myself ourselves for with to too please
    thanks sir madam here there more all further properly lo la le les we i us me they
    he she him her our my asap way touch""".split()
)


def _has_object(rest: str, lang: str, timeframe: re.Pattern[str]) -> bool:
    """Whether an action's words after the verb name something (not just "it", "today")."""
    rest = timeframe.sub(" ", rest)
    fw = FUNCTION_WORDS.get(lang, FUNCTION_WORDS["en"])
    for w in _WORDS.findall(rest)[:8]:
        if w in _OBJECTLESS or w in fw:
            continue
        if len(w) >= 2 or w.isdigit():
            return True
    return bool(re.search(r"[£$€]\s?\d|\d", rest))


_EN_CHAIN = re.compile(
    r"(?:^|\band\b|\bthen\b|,)\s*(?:also |just |then )?((?:re-?)?(?:"
    + r"check|look|fix|send|refund|replace|chase|call|ring|phone|email|dm|message|text|update|"
    r"arrange|book|rebook|process|credit|reset|confirm|issue|cancel|waive|reverse|restore|"
    r"track|trace|collect|repair|ship|dispatch|add|apply|swap|exchange|offer|schedule|"
    r"reschedule|reconnect|pay|return|release|upgrade|courier|get|put|make|keep)(?:ed|s)?)"
    r"\s+([^,;:]*)"
)


_PARTICIPLE = re.compile(
    r"(?:ed|en|wn|ne|t|ung|ought|aught|id|ade|ot|oken|one)$|^(?:put|set|cut|run|read|hit|let|"
    r"shut|spread|been)$"
)
_NOT_VERB_SUFFIX = re.compile(r"(?:able|ible|ful|ous|ive|less|ish|ary|ly|ness|ment|tion)$")


def _is_verb_like(word: str, lang: str, c: _Compiled) -> bool:
    """Not a function word, number, time or adjective ("I have Thursday" acts on nothing)."""
    if not word.isalpha() or word in FUNCTION_WORDS.get(lang, FUNCTION_WORDS["en"]):
        return False
    if lang == "en" and _NOT_VERB_SUFFIX.search(word):
        return False
    return c.timeframe.fullmatch(word) is None


def _clauses(sent: str, lang: str, c: _Compiled) -> tuple[list[Clause], int]:
    """Action clauses of one sentence, and how many are bare promises (no object)."""
    found: list[Clause] = []
    bare = 0
    holding_spans = [m.span() for m in c.holding.finditer(sent)]
    for pats, personal in ((c.personal_action, True), (c.team_action, False)):
        for pat in pats:
            for m in pat.finditer(sent):
                verb_at = m.start(1) if m.group(1) else m.start()
                if any(a <= verb_at < b or a <= m.start() < b for a, b in holding_spans):
                    continue
                verb = m.group(1) or ""
                rest = m.group(2) or ""
                if verb in c.not_action_verbs or not _is_verb_like(verb, lang, c):
                    continue
                after_have = re.search(r"\b(?:have|has|had)\s+$", sent[: m.start(1)])
                if lang == "en" and after_have and not _PARTICIPLE.search(verb):
                    continue  # "I have acceptable…": after "have" comes a participle
                if verb in ("do", "did") and (rest.split() or [""])[0] in c.not_action_verbs:
                    continue
                if not verb:  # "leave it with me"
                    found.append(Clause(personal, "leave", True, False))
                    continue
                head = sent[: m.start(1)] if m.start(1) >= 0 else ""
                done = bool(
                    re.search(
                        r"\b(?:have|had|just|already|he|hemos|acabo|acabamos|j'ai|avons|viens|"
                        r"venons|ya)\b\s*(?:\w+ )?$",
                        head,
                    )
                ) or bool(re.fullmatch(r"\w+ed|sent|rang|spoke|put|got|made|took|gave|found", verb))
                # continuation of the clause: "I will chase the courier and DM you by 5"
                clause_rest = _CLAUSE.split(rest, maxsplit=1)[0] if rest else ""
                obj = _has_object(clause_rest, lang, c.timeframe)
                if (
                    not obj
                    and done
                    and (_DONE_PRONOUN.match(clause_rest) or _CLITIC.search(sent[: m.start(1)]))
                ):
                    obj = True  # "I've cancelled it", "lo he mirado": done, to something named
                if (
                    lang == "en"
                    and not obj
                    and verb in ("look", "looking")
                    and rest.startswith(" into")
                ):
                    obj = _has_object(_CLAUSE.split(rest[6:], maxsplit=1)[0], lang, c.timeframe)
                found.append(Clause(personal, verb, obj, done))
                if not obj:
                    bare += 1
    if lang == "en" and found:
        # verbs chained after the first action share its actor: "…and DM you an update"
        first = found[0]
        for m in _EN_CHAIN.finditer(sent):
            verb, rest = m.group(1), m.group(2)
            if any(f.verb == verb for f in found):
                continue
            obj = _has_object(_CLAUSE.split(" " + rest, maxsplit=1)[0], lang, c.timeframe)
            found.append(Clause(first.personal, verb, obj, first.done))
            if not obj:
                bare += 1
    return found, bare


def _names_customer(raw: str, norm: str, ctx: ReplyContext) -> tuple[bool, bool]:
    """(named by first/last name, named by handle only)."""
    first, last = name_parts(ctx.customer_name)
    by_name = False
    if first:
        if first.casefold() in WORD_NAMES:  # "I will" must not count as naming Will
            proper = first[:1].upper() + first[1:].lower()
            by_name = re.search(rf"(?<![\w']){re.escape(proper)}(?![\w'])", raw) is not None
        else:
            by_name = _word_in(language.fold(first), norm)
    if not by_name and last:
        honorific = "|".join(sorted(HONORIFICS))
        by_name = (
            re.search(rf"(?:{honorific})\.? {re.escape(language.fold(last))}(?![\w'])", norm)
            is not None
        )
    handle = language.fold(ctx.customer_handle[:MAX_NAME_CHARS].strip().lstrip("@"))
    by_handle = _word_in(handle, norm) if handle else False
    return by_name, by_handle and not by_name


def _word_in(word: str, norm: str) -> bool:
    return bool(word) and re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", norm) is not None


@lru_cache(maxsize=64)
def _topic_pattern(topic: str) -> re.Pattern[str] | None:
    keywords = topic_guide(topic).keywords
    return _phrases(keywords) if keywords else None


_ALL_TOPICS = {t: _phrases(g.keywords) for t, g in TOPIC_GUIDES.items()}


@lru_cache(maxsize=512)
def _complaint_profile(complaint: str, lang: str, exclude: frozenset[str]):
    norm = normalise(complaint)
    return frozenset(content_stems(norm, lang, exclude)), frozenset(_numbers(norm))


_STREET = re.compile(  # on the raw text: street names are capitalised
    r"\b\d{1,4}[A-Za-z]?,? (?:[A-Z][\w']+ ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|"
    r"Drive|Dr|Way|Crescent|Court|Place|Terrace|Gardens|Grove|Boulevard|Blvd|Row|Square|Mews|"
    r"Hill|Park|Walk)\b"
    r"|(?i:\b(?:calle|c/|avenida|avda|plaza|paseo|carrer)\.? (?:[\w']+ ){0,3}?\d{1,4})"
    r"|(?i:\b\d{1,4},? (?:bis )?(?:rue|avenue|boulevard|bd|chemin|allee|allée|impasse) )"
)
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_PHONE = re.compile(r"(?<![\w£$€])\+?\d[\d ().-]{8,}\d\b")
_BRAND_PHONE = re.compile(
    r"(?:call (?:us|me)|ring (?:us|me)|call|ring|calling|dialling|dial|ringing|phone (?:us|me)|"
    r"text (?:us|me)|contact (?:us|me)|"
    r"reach (?:us|me)|our (?:number|line|helpline|team)|llamanos|llamame|llama al|"
    r"nuestro (?:numero|telefono)|appelez(?:-nous|-moi)?(?: au)?|notre numero|direct line|"
    r"helpline|hotline)\W+(?:\w+\W+){0,2}$|^\W*(?:0800|0808|1-?800|0900)"
)
_REFERENCE = re.compile(
    r"\b(?:order|account|booking|reference|ref|parcel|tracking|pedido|commande|cuenta|compte)"
    r"(?: (?:number|no|n|numero|#))?[ :#]*([a-z]{0,4}[-]?\d[\d-]{5,})"
)
_AMOUNT = re.compile(
    r"[£$€]\s?(\d+(?:[.,]\d{1,2})?)|(\d+(?:[.,]\d{1,2})?) ?(?:€|euros?|eur|"
    r"dollars|pounds|gbp|usd|libras)"
)


def _exposed(raw: str, raw_norm: str, complaint_norm: str, ctx: ReplyContext) -> list[str]:
    """Personal data of the customer written into a public reply."""
    found = []
    for m in _STREET.finditer(raw):
        if not _OUR_ADDRESS.search(raw[max(0, m.start() - 60) : m.start()]):
            found.append("home address")
            break
    if _POSTCODE.search(raw_norm) and re.search(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", raw):
        found.append("postcode")
    who = {w for w in _RAW_WORDS.findall(normalise(f"{ctx.customer_name} {ctx.customer_handle}"))
           if len(w) > 2}  # fmt: skip
    for m in _EMAIL.finditer(raw_norm):
        local = m.group(0).split("@")[0]
        if m.group(0) in complaint_norm or any(w in local for w in who):
            found.append("email address")
            break
    for m in _PHONE.finditer(raw_norm):
        digits = re.sub(r"\D", "", m.group(0))
        before = raw_norm[max(0, m.start() - 30) : m.start()]
        if len(digits) >= 9 and not (
            _BRAND_PHONE.search(before) or _BRAND_PHONE.search(m.group(0))
        ):
            found.append("phone number")
            break
    for m in _REFERENCE.finditer(raw_norm):
        if m.group(1) not in complaint_norm:
            found.append("order or account number")
            break
    return list(dict.fromkeys(found))


def _private_detail_asks(
    sents: list[str], dm_elsewhere: bool, c: _Compiled
) -> tuple[list[str], list[str]]:
    """(sensitive, personal) details the reply asks the customer to post in the open."""
    sensitive: list[str] = []
    personal: list[str] = []
    for s in sents:
        has_sensitive = c.sensitive_any.search(s) is not None
        has_personal = c.personal.search(s) is not None
        if not (has_sensitive or has_personal) or not c.request.search(s) or c.negation.search(s):
            continue
        dm_here = c.dm.search(s) is not None
        in_public = c.public_cue.search(s) is not None or (
            not dm_here and (re.search(r"\bhere\b|\baqui\b|\bici\b", s) is not None
                             or not dm_elsewhere)
        )  # fmt: skip
        if not in_public:
            continue
        if has_sensitive:
            sensitive.extend(label for p, label in c.sensitive if p.search(s))
        else:
            personal.append(c.personal.search(s).group(0))
    return list(dict.fromkeys(sensitive)), list(dict.fromkeys(personal))


_CREDENTIAL_LABELS = frozenset(
    {"password", "PIN", "card security code", "one-time code", "security answer", "login details",
     "card number", "card expiry date", "security code"}
)  # fmt: skip


_OTP = re.compile(
    r"(?:one[- ]time|verification|security|sms|6[- ]digit|six[- ]digit|login|2fa|otp|"
    r"confirmation|access) code|code (?:we|i) (?:have )?(?:just )?(?:sent|texted)|sent (?:a|the) "
    r"(?:\w+ )?code to your (?:phone|mobile)|codigo (?:de verificacion|que te)|code (?:recu|sms)"
)
_CODE_SHARED = re.compile(
    r"\bcode\b.*\b(?:type|read|tell|send|give|share|enter|repeat|paste|reply with|say)\b"
    r"|\b(?:type|read|tell|send|give|share|repeat|paste|reply with|say)\b (?:it|the code|me the"
    r" code|us the code|that code)(?: out| back)?(?: here| to me| to us| in (?:the|this) chat)"
)


def _credentials_asked(sents: list[str], c: _Compiled) -> list[str]:
    """Credentials the reply asks for anywhere (never acceptable, even in private)."""
    found: list[str] = []
    text = " ".join(sents)
    if (
        _OTP.search(text)
        and _CODE_SHARED.search(text)
        and not any(c.negation.search(s) for s in sents)
    ):
        found.append("one-time code")
    for s in sents:
        if (c.request.search(s) or "?" in s) and not c.negation.search(s):
            for p, label in c.sensitive:
                if label not in _CREDENTIAL_LABELS:
                    continue
                m = p.search(s)
                if m is None:
                    continue
                if label == "card number" and re.search(
                    r"last (?:four|4)|ultimos (?:4|cuatro)|4 derniers|quatre derniers", s
                ):
                    continue  # the last four digits identify a card without exposing it
                if label == "PIN" and re.search(
                    r"reset (?:your |the )?pin|pin (?:reset|has|was)|new pin", s
                ):
                    continue  # resetting a PIN is not asking for it
                found.append(label)
    return list(dict.fromkeys(found))


_SHOUT_MIN_LETTERS = 12
_SHOUT_UPPER_RATIO = 0.6
_SHOUT_CAPS_RUN = 3
_EXCLAMATIONS = re.compile(r"!{3,}")


def _shouting(raw: str, allowed: frozenset[str]) -> bool:
    cased = upper = 0
    for ch in raw:
        if ch.isupper():
            upper += 1
            cased += 1
        elif ch.islower():
            cased += 1
    if cased >= _SHOUT_MIN_LETTERS and upper >= _SHOUT_UPPER_RATIO * cased:
        return True
    run = 0
    for w in _RAW_WORDS.findall(raw):
        if len(w) >= 2 and w.isupper() and w not in allowed and not any(ch.isdigit() for ch in w):
            run += 1
            if run >= _SHOUT_CAPS_RUN:
                return True
        else:
            run = 0
    return _EXCLAMATIONS.search(raw) is not None


def macro_similarity(words: list[str], macro: str, threshold: float) -> float:
    """Similarity (0..1) of a reply's words to a macro's, order-aware (difflib ratio)."""
    other = _WORDS.findall(normalise(macro))
    if not words or not other:
        return 0.0
    if 2 * min(len(words), len(other)) / (len(words) + len(other)) <= threshold:
        return 0.0
    matcher = difflib.SequenceMatcher(None, words, other, autojunk=False)
    if matcher.real_quick_ratio() <= threshold or matcher.quick_ratio() <= threshold:
        return 0.0
    return matcher.ratio()


_OWNED = re.compile(
    r"(?:that|this|it) is on (?:us|me)|\bour (?:mistake|fault|error)|\bmy (?:mistake|fault|error)|"
    r"\bwe (?:got|messed|dropped|let)|(?:error|culpa|fallo) nuestr[oa]|culpa es nuestra|"
    r"notre faute|erreur de notre part"
)
_WORD_LIST = re.compile(r"(?:\b[\w'-]+(?: [\w'-]+)?, ){4,}[\w'-]+")
_RUBRIC_WORDS = re.compile(
    r"\b(?:empathy|ownership|resolution|personali[sz]ation|next steps?|timeframe|follow-up|"
    r"channel fit|apology|acknowledg(?:e)?ment)\b"
)
# Feeling words used anywhere: real replies name one or two feelings, stuffed ones pile them up.
_AFFECT = re.compile(
    r"\b(?:frustrat\w*|annoy\w*|stress\w*|upset\w*|disappoint\w*|awful|terrible|worr\w*|"
    r"unacceptable|madden\w*|exhaust\w*|rotten|miserable|horrible|scar\w*|frighten\w*|"
    r"alarm\w*|infuriat\w*|unsettl\w*|distress\w*|nightmare|hassle|shambles|rubbish|grim|"
    r"gutt\w*|heartbreak\w*|humiliat\w*|embarrass\w*|shaken|shock\w*|fuming|livid|ruin\w*|"
    r"spoil\w*|nuisance|headache|sorry|apolog\w*|regret\w*|understand\w*|imagine)\b"
)
_ES_PRETERITE = re.compile(
    r"\b(?:ya |lo |la |le |te |les |se lo |se la |yo )*(\w{2,}[éí])\b((?: [^,;:.]*)?)"
)
_ES_NOT_PRETERITE = frozenset(
    [
        "qué",
        "fué",
        "café",
        "bebé",
        "josé",
        "andré",
        "rené",
        "aquí",
        "así",
        "allí",
        "ahí",
        "sí",
        "mí",
        "tí",
        "ahi",
        "aqui",
        "asi",
        "maní",
        "ají",
        "esquí",
        "jabalí",
        "rubí",
        "colibrí",
        "marroquí",
        "iraquí",
    ]
)
# "I don't have a time for when it'll be fixed" promises no outcome.
_UNCERTAIN = re.compile(
    r"(?:do not|did not) (?:have|know) (?:a|an|any) (?:time|eta|date|update|timescale)|not sure "
    r"when|can ?not (?:say|tell you|give you|confirm) when|no (?:eta|time ?frame|timescale|date)"
    r" (?:yet|at the moment|right now)|no (?:sabemos|tengo|tenemos) (?:cuando|hora|fecha)|"
    r"ne (?:sais|savons|peux|pouvons) pas (?:vous dire )?quand"
)
_VAGUE_TIME = re.compile(
    r"as (?:soon|quickly) as (?:possible|we can|it is safe|we are able)|asap|shortly|in due course|"
    r"lo antes posible|en breve|dans les (?:plus )?brefs delais|des que possible"
)
_DONE_PRONOUN = re.compile(r"\s*(?:it|this|that|them|those|these|everything|all of it)\b")
_CLITIC = re.compile(r"\b(?:lo|la|los|las|le|les|te|se lo|se la|l')\s*(?:\w+ )?$")
# A result that arrives at a stated time: "power back by 11 tonight", "le correctif sort ce soir".
_RESULT = re.compile(
    r"\b(?:(?:is|be|are|s) back|back (?:on|up|online|in stock|to normal)|money back|restored|"
    r"fixed|delivered|arriv\w*|ready|refunded|credited|replaced|collected|reconnected|live|"
    r"with you|on site|on its way|resolved|cleared|released|approved|processed|shipped|"
    r"dispatched|rebooked|booked|repone|llega\w*|sale|listo|lista|resuelt\w*|repar\w*|"
    r"restablec\w*|sort|arrive\w*|retabli\w*|livr\w*|rembours\w*|pret|prete|repart\w*)\b"
)
# The brand's own address ("send it to our returns centre, Unit 4…") is not the customer's.
_OUR_ADDRESS = re.compile(
    r"(?i)\b(?:send|post|return|bring|drop|visit|take)\b.{0,50}\bto\b|\bat our\b|"
    r"\bour (?:store|shop|office|branch|depot|returns?|warehouse)\b|returns\b"
)
# "'Delivered' means delivered": a tautology said to the customer is mockery in any language.
_TAUTOLOGY = re.compile(
    r"[\"'«‘]\s*([^\"'»’]{3,30}?)\s*[\"'»’]\s*(?:means|significa|quiere decir|veut dire)"
    r"\s+(?:que\s+)?(?:(?:it|esta|c'est|il est|ca)\s+)?\1"
)
_UNPUNCTUATED = re.compile(r"[.,!?;:()\n\u2014\u2013-]+")
_AUXILIARIES = frozenset(
    [
        "will",
        "shall",
        "would",
        "could",
        "should",
        "going",
        "vais",
        "allons",
        "voy",
        "vamos",
        "puedo",
        "podemos",
        "peux",
        "pouvons",
        "make",
    ]
)
CANNED_SIMILARITY = 0.9  # word-sequence similarity above which a reply is an unedited macro


def read(text: str, ctx: ReplyContext, lang: str | None, complaint_lang: str | None) -> Reading:
    """What ``text`` does as a reply to ``ctx``, read with the phrase lists of ``lang``."""
    scored = lang if lang in PHRASES else (complaint_lang if complaint_lang in PHRASES else "en")
    c = compiled(scored)
    raw = unicodedata.normalize("NFKC", text.strip()[:MAX_ANALYSED_CHARS])
    norm = normalise(raw)
    sents = sentences(norm)
    words = _WORDS.findall(norm)

    # Apology: generic and non-apologies first, then anything sincere left over.
    no_non = c.non_apology.sub(" ", norm)
    generic = c.generic_apology.search(no_non) is not None
    sincere_text = c.generic_apology.sub(" ", no_non)
    if c.apology.search(sincere_text):
        apology = "sincere"
    elif generic:
        apology = "generic"
    elif c.non_apology.search(norm):
        apology = "non_apology"
    else:
        apology = "none"
    apology_count = len(c.apology.findall(norm))

    # Actions, clause by clause.
    actions: list[Clause] = []
    bare = 0
    acting_sentences = []  # sentences where someone does something concrete
    for s in sents:
        found, b = _clauses(s, scored, c)
        actions.extend(found)
        bare += b
        if any(cl.has_object for cl in found):
            acting_sentences.append(s)
    if scored == "es":  # "revisé", "lo aprobé yo", "le mandé": the accent marks the first person
        for m in _ES_PRETERITE.finditer(raw.casefold()):
            if m.group(1) not in _ES_NOT_PRETERITE:
                obj = _has_object(m.group(2) or "", scored, c.timeframe)
                actions.append(Clause(True, language.fold(m.group(1)), obj, True))
    outcome = any(
        (c.outcome.search(s) or (c.timeframe.search(s) and _RESULT.search(s)))
        and not _UNCERTAIN.search(s)
        for s in sents
    )
    instruction = any(c.instruction.search(s) for s in sents) or (
        ctx.topic in SAFETY_TOPICS and c.safety_instruction.search(norm) is not None
    )
    question = any(c.question.search(s) for s in sents if "?" in s)
    holding = c.holding.search(norm) is not None
    timeframes = len(c.timeframe.findall(norm))

    # The customer and their issue.
    complaint_norm = normalise(ctx.complaint_text)
    by_name, by_handle = _names_customer(raw, norm, ctx)
    brand = frozenset(_RAW_WORDS.findall(normalise(ctx.brand)))
    names = frozenset(
        _RAW_WORDS.findall(normalise(f"{ctx.customer_name} {ctx.customer_handle}"[:MAX_NAME_CHARS]))
    )
    clang = complaint_lang if complaint_lang in FUNCTION_WORDS else scored
    c_stems, c_numbers = _complaint_profile(ctx.complaint_text[:MAX_ANALYSED_CHARS], clang,
                                            brand | names)  # fmt: skip
    r_stems = content_stems(norm, scored, brand | names)
    r_numbers = _numbers(norm)
    shared = (c_stems & r_stems) | (c_numbers & r_numbers)
    pattern = _topic_pattern(ctx.topic)
    topic_hit = pattern is not None and pattern.search(norm) is not None
    named_issue = topic_hit or bool(shared)
    foreign = tuple(
        t
        for t, p in _ALL_TOPICS.items()
        if t != ctx.topic and p.search(norm) and not p.search(complaint_norm)
    )

    dm_invite = c.dm.search(norm) is not None
    sensitive, personal = _private_detail_asks(
        sents, dm_invite or ctx.action == ReplyAction.MOVE_TO_DM, c
    )
    if not ctx.public:
        sensitive, personal = [], []
    exposed = _exposed(raw, norm, complaint_norm, ctx) if ctx.public else []

    amounts = []
    for s in sents:
        for m in _AMOUNT.finditer(s):
            near = s[max(0, m.start() - 40) : m.end() + 40]
            if c.compensation.search(near) and not re.search(
                r"refund|back|owed|charge|price|paid|cost|differen|bill|overcharg|tariff|re-?rat|"
                r"reembols|rembours|devol",
                near,
            ):
                amounts.append(float((m.group(1) or m.group(2)).replace(",", ".")))
    remedy_kinds = sum(
        bool(re.search(p, norm))
        for p in (
            r"\brefund|reembols|rembours",
            r"\b(?:replacement|new (?:one|\w+)|brand new|replace)|sustitu|nuevo|remplace",
            r"\b(?:voucher|credit|compensat|goodwill|gift card|damages|discount)|indemni|"
            r"dedommag|compensacion|cupon",
        )
    )

    canned = any(
        macro_similarity(words, m, CANNED_SIMILARITY) > CANNED_SIMILARITY for m in ctx.canned_texts
    )
    placeholder = _PLACEHOLDER.search(norm) is not None

    fw = FUNCTION_WORDS.get(scored, FUNCTION_WORDS["en"])
    function_share = sum(1 for w in words if w in fw) / len(words) if words else 0.0
    counts = Counter(w for w in words if w not in fw and len(w) > 3 and w not in _AUXILIARIES)
    repeated_word, max_repeat = counts.most_common(1)[0] if counts else ("", 0)
    run_on = any(len(_WORDS.findall(s)) > 45 for s in sents)
    stretch = max((len(_WORDS.findall(p)) for p in _UNPUNCTUATED.split(norm)), default=0)
    any_word, any_repeat = Counter(words).most_common(1)[0] if words else ("", 0)
    if any_repeat >= 3 and any_repeat > 0.25 * len(words) and any_repeat > max_repeat:
        repeated_word, max_repeat = any_word, any_repeat  # "a a a a": glue words repeated

    en = compiled("en")

    def first(p: re.Pattern[str], also: re.Pattern[str] | None = None) -> str | None:
        m = p.search(norm) or (also.search(norm) if also is not None and also is not p else None)
        return m.group(0) if m else None

    return Reading(
        lang=lang,
        complaint_lang=complaint_lang,
        scored_lang=scored,
        kind=channel_kind(ctx.channel),
        limit=max_chars(channel_kind(ctx.channel), ctx.public),
        chars=len(text.strip()),
        words=len(words),
        sentences=tuple(sents),
        norm=norm,
        apology=apology,
        apology_count=apology_count,
        acknowledged=c.acknowledgement.search(norm) is not None,
        feeling_words=len(_AFFECT.findall(norm)),
        named_by_name=by_name,
        named_by_handle=by_handle,
        named_issue=named_issue,
        specifics=len(shared),
        complaint_has_specifics=len(c_stems) + len(c_numbers) >= 3,
        foreign_topics=foreign if not named_issue else (),
        actions=tuple(actions),
        bare_actions=bare,
        outcome=outcome,
        instruction=instruction,
        question=question,
        safety_instruction=c.safety_instruction.search(norm) is not None,
        holding_line=holding,
        timeframe=timeframes > 0,
        timeframes=timeframes,
        vague_time=timeframes == 0 and _VAGUE_TIME.search(norm) is not None,
        handover=any(
            (c.handover.search(s) or s in acting_sentences) and c.specialist.search(s)
            for s in sents
        ),
        compensation=c.compensation.search(norm) is not None,
        compensation_amounts=tuple(amounts),
        damages=c.damages.search(norm) is not None,
        remedy_kinds=remedy_kinds,
        blamed=c.blame.search(norm) is not None,
        deflected=c.deflection.search(norm) is not None,
        dm_invite=dm_invite,
        insult=first(c.insult, en.insult),
        profanity=first(c.profanity, en.profanity),
        sarcasm=first(c.sarcasm, en.sarcasm) or first(_TAUTOLOGY),
        unsafe=(
            ctx.topic in SAFETY_TOPICS
            and c.unsafe is not None
            and c.unsafe.search(norm) is not None
        ),
        guarantee=first(c.guarantee),
        liability=first(c.liability) if ctx.topic in SAFETY_TOPICS else None,
        sensitive_public=tuple(sensitive),
        personal_public=tuple(personal),
        exposed=tuple(exposed),
        credentials=tuple(_credentials_asked(sents, c)),
        shouting=_shouting(raw, ALLOWED_ACRONYMS),
        canned=canned or placeholder,
        placeholder=placeholder,
        scripted=c.scripted.search(norm) is not None,
        scripted_count=len(c.scripted.findall(norm)),
        promotion=c.promotion is not None and c.promotion.search(norm) is not None,
        owned_mistake=_OWNED.search(norm) is not None,
        redirected=(not ctx.public) and dm_invite and channel_kind(ctx.channel) not in SOCIAL_KINDS,
        list_stuffing=_WORD_LIST.search(norm) is not None or len(_RUBRIC_WORDS.findall(norm)) >= 2,
        function_share=function_share,
        stretch=stretch,
        unpunctuated=re.search(r"[.,!?;:\n]", raw) is None,
        p_sentences=coherence.p_sentences(raw)
        if scored == "en" and len(words) >= coherence.MIN_WORDS
        else 1.0,
        max_repeat=max_repeat,
        repeated_word=repeated_word,
        run_on=run_on,
    )
