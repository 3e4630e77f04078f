"""Action clauses: who acts, the verb and whether it has an object ("I've phoned the depot"
is an action, "I will check" a bare promise). Used by :mod:`.reading`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .phrases import (
    FUNCTION_WORDS,
)
from .words import (
    _CLAUSE,
    _WORDS,
    _Compiled,
)


@dataclass(frozen=True)
class Clause:
    """One action clause: who acts, the verb and whether it has an object."""

    personal: bool
    verb: str
    has_object: bool
    done: bool  # already done ("I've…", "I just…") rather than promised


# "I've cancelled it", "I've rebooked you": a done action to something (or someone) named.
_DONE_PRONOUN = re.compile(r"\s*(?:it|this|that|them|those|these|everything|all of it|you)\b")
_CLITIC = re.compile(r"\b(?:lo|la|los|las|le|les|te|se lo|se la|l')\s*(?:\w+ )?$")


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
