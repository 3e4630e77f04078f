"""What a reply says about the customer and must not: their name, topic words, personal data in
public, credentials asked for, shouting, an unedited macro. Used by :mod:`.reading`."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from . import language
from .context import ReplyContext
from .phrases import (
    HONORIFICS,
    TOPIC_GUIDES,
    WORD_NAMES,
    topic_guide,
)
from .words import (
    _RAW_WORDS,
    _WORDS,
    MAX_NAME_CHARS,
    _Compiled,
    _numbers,
    _phrases,
    content_stems,
    name_parts,
    normalise,
)

_OUR_ADDRESS = re.compile(
    r"(?i)\b(?:send|post|return|bring|drop|visit|take)\b.{0,50}\bto\b|\bat our\b|"
    r"\bour (?:store|shop|office|branch|depot|returns?|warehouse)\b|returns\b"
)


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
        by_name = _after_honorific(language.fold(last), norm)
    handle = language.fold(ctx.customer_handle[:MAX_NAME_CHARS].strip().lstrip("@"))
    by_handle = _word_in(handle, norm) if handle else False
    return by_name, by_handle and not by_name


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_'"


def _word_in(word: str, norm: str) -> bool:
    """``word`` in ``norm`` as a whole word (not inside another word or after an apostrophe).

    String search, not a regex built per name: compiling one pattern per customer made every
    reply pay for a compile and pushed the phrase patterns out of :mod:`re`'s cache."""
    if not word:
        return False
    end = len(word)
    i = norm.find(word)
    while i >= 0:
        if (i == 0 or not _word_char(norm[i - 1])) and (
            i + end == len(norm) or not _word_char(norm[i + end])
        ):
            return True
        i = norm.find(word, i + 1)
    return False


_HONORIFIC_BEFORE = re.compile(r"(?:" + "|".join(sorted(HONORIFICS)) + r")\.? $")


def _after_honorific(last: str, norm: str) -> bool:
    """ "Mrs Okafor": the surname as a whole word right after an honorific."""
    end = len(last)
    i = norm.find(last)
    while i >= 0:
        if (i + end == len(norm) or not _word_char(norm[i + end])) and _HONORIFIC_BEFORE.search(
            norm, max(0, i - 16), i
        ):
            return True
        i = norm.find(last, i + 1)
    return False


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
    r"reach (?:us|me)|our (?:number|line|helpline|team|office|shop|store|branch|depot)|"
    r"llamanos|llamame|llama al|"
    r"nuestro (?:numero|telefono)|appelez(?:-nous|-moi)?(?: au)?|notre numero|direct line|"
    r"helpline|hotline)\W+(?:\w+\W+){0,3}$|^\W*(?:0800|0808|1-?800|0900)"
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
    r"confirmation|access) code|code (?:we|i) (?:have )?(?:just )?(?:sent|texted|emailed)|sent "
    r"(?:you )?(?:a|the) (?:\w+ )?code(?: to your (?:phone|mobile)| by (?:text|sms|email))?|"
    r"codigo (?:de verificacion|que te|por sms|por mensaje|de (?:seis|6|cuatro|4) (?:digitos|"
    r"cifras))|code (?:recu|sms|par (?:sms|texto|"
    r"e-?mail|mail))|(?:envoye|envoyer|envoie|envoyons|renvoie) (?:un|le|votre) (?:nouveau )?code"
)
_CODE_SHARED = re.compile(
    r"\bcod(?:e|igo)\b.{0,40}?\b(?:type|read|tell|send|give|share|enter|repeat|paste|reply with|"
    r"say|donner|communiquer|transmettre|dicter|indiquer|lire|dar|dame|decir|dime|dictar|pasar|"
    r"enviar|mandar|indicar|leer|indicame|indiquenos|dime|dinos|pasame|enviame|mandame|"
    r"escribeme|escribame|dictame|leeme)\b"
    r"|\b(?:type|read|tell|send|give|share|repeat|paste|reply with|say)\b (?:it|the code|me the"
    r" code|us the code|that code)(?: out| back)?(?: here| to me| to us| in (?:the|this) chat)"
    r"|\b(?:me|nous) (?:le|la) (?:lire|donner|dire|communiquer|dicter)\b"
    r"|\b(?:me|nos) lo (?:lee|lees|lea|dice|dices|diga|das|da|dicta|dictas)\b"
    r"|\b(?:leermelo|decirmelo|dictarmelo|darmelo|leernoslo|decirnoslo)\b"
)


def _credentials_asked(sents: list[str], c: _Compiled) -> list[str]:
    """Credentials the reply asks for anywhere (never acceptable, even in private)."""
    found: list[str] = []
    # A code sent and asked back within three sentences ("I've texted you a code. Right. Read it
    # back to me"), not a new code sent in one paragraph and "tell me which" in another.
    for i in range(len(sents)):
        near = sents[i : i + 3]
        text = " ".join(near)
        if (
            _OTP.search(text)
            and _CODE_SHARED.search(text)
            and not any(c.negation.search(s) for s in near)
        ):
            found.append("one-time code")
            break
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
                if label == "password" and re.search(
                    r"password reset|reset (?:your |the )?password|new password|"
                    r"(?:reinitialis\w*|restablec\w*) (?:de |du |tu |su |votre )?(?:mot de passe|"
                    r"contrasena)|(?:nueva|otra) contrasena|contrasena nueva|"
                    r"(?:cambiar|cambie|cambia) (?:la |su |tu )?contrasena|"
                    r"(?:nouveau|autre) mot de passe|"
                    r"(?:changer|changez) (?:votre |ton )?mot de passe",
                    s,
                ):
                    continue  # a reset link is the way round a password, not a request for it
                if label == "PIN" and re.search(
                    r"reset (?:your |the )?pin|pin (?:reset|has|was)|new pin|show pin|view (?:your "
                    r")?pin|see (?:your )?pin|unblock (?:your )?pin|pin services|pin reminder|"
                    r"change (?:your )?pin",
                    s,
                ):
                    continue  # resetting a PIN is not asking for it
                found.append(label)
    return list(dict.fromkeys(found))


_SHOUT_MIN_LETTERS = 12
_SHOUT_UPPER_RATIO = 0.6
_SHOUT_CAPS_RUN = 3
_EXCLAMATIONS = re.compile(r"!{3,}")


def _shouting(raw: str, allowed: frozenset[str]) -> bool:
    upper = sum(map(str.isupper, raw))
    cased = upper + sum(map(str.islower, raw))
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
