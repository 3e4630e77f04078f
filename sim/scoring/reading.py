"""Reading a reply: what it *does* — acknowledges, apologises, acts, gives a time, hands over,
instructs, asks — sentence by sentence, not which words it contains.

An action counts only as a clause with an actor, a verb that does something and an *object*
("I've phoned the depot", "I'm booking a courier", "we can offer a replacement"); "I will check,
I will sort" are bare promises and are counted as such. The reply is matched to the complaint
through the words they share (a crude stem), so specifics ("Leeds", "birthday", "£39") count
and a template that would fit any complaint does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..vocab import SAFETY_TOPICS, SOCIAL_KINDS, ChannelKind, ReplyAction, channel_kind, max_chars
from . import coherence, language, tone
from .clauses import (
    Clause,
    _clauses,
    _has_object,
)
from .context import ReplyContext
from .exposure import (
    _ALL_TOPICS,
    _AMOUNT,
    _complaint_profile,
    _credentials_asked,
    _exposed,
    _names_customer,
    _private_detail_asks,
    _shouting,
    _topic_pattern,
    macro_similarity,
)
from .phrases import (
    ALLOWED_ACRONYMS,
    FUNCTION_WORDS,
    PHRASES,
)
from .words import (
    _PLACEHOLDER,
    _RAW_WORDS,
    _WORDS,
    MAX_ANALYSED_CHARS,
    MAX_NAME_CHARS,
    _numbers,
    compiled,
    content_stems,
    name_parts,  # noqa: F401  (criteria and feedback import it from here)
    normalise,
    sentences,
)


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
    blamed: bool  # by a blame phrase, or by the learned tone check (then ``talks_down`` is set)
    talks_down: str | None  # the sentence the learned tone check reads as talking down
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
    # Most sentences opening with the same promise ("I will…", "je vais…"): a list of them, short
    # and alike, is a list of promises however their objects are filled in.
    promise_list: int = 0
    # The greeting names someone other than the customer ("Dear Mr Patterson" to Natalie Brooks).
    wrong_name: str = ""

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
# A result that arrives at a stated time: "power back by 11 tonight", "le correctif sort ce soir".
_RESULT = re.compile(
    r"\b(?:(?:is|be|are|s) back|back (?:on|up|online|in stock|to normal)|money back|restored|"
    r"fixed|delivered|arriv\w*|ready|refunded|credited|replaced|collected|reconnected|live|"
    r"with you|on site|on its way|resolved|cleared|released|approved|processed|shipped|"
    r"dispatched|rebooked|booked|confirmed|drops? off|falls? off|disappears?|"
    r"repone|llega\w*|sale|listo|lista|resuelt\w*|repar\w*|"
    r"restablec\w*|sort|arrive\w*|retabli\w*|livr\w*|rembours\w*|pret|prete|repart\w*)\b"
)
# The brand's own address ("send it to our returns centre, Unit 4…") is not the customer's.
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


# A word negated just before it: "not an idiot", "nothing stupid about it", "no fool".
_NEGATED = re.compile(r"\b(?:not|no|never|nothing|hardly|far from)(?: (?!be\b)\w+)?(?: an?)? ?$")


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
    # Sentences that only hand the customer's own words back ("we understand that your PS5 has
    # been in repair for 5 weeks…") do nothing, whatever verbs and dates they repeat.
    parroted = [s for s in sents if _parrots(s, scored, c_stems, brand | names)]
    act_sents = [s for s in sents if s not in parroted]

    # Actions, clause by clause.
    actions: list[Clause] = []
    bare = 0
    acting_sentences = []  # sentences where someone does something concrete
    for s in act_sents:
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
        for s in act_sents
    )
    instruction = any(c.instruction.search(s) for s in sents) or (
        ctx.topic in SAFETY_TOPICS and c.safety_instruction.search(norm) is not None
    )
    question = any(c.question.search(s) for s in sents if "?" in s)
    holding = c.holding.search(norm) is not None
    timeframes = len(c.timeframe.findall(norm if not parroted else " ".join(act_sents)))

    r_stems = content_stems(norm, scored, brand | names)
    r_numbers = _numbers(norm)
    shared = (c_stems & r_stems) | (c_numbers & r_numbers)
    pattern = _topic_pattern(ctx.topic)
    topic_hit = pattern is not None and pattern.search(norm) is not None
    named_issue = topic_hit or bool(shared)
    # Another topic the reply talks about (twice: one "experience" or "arrive" is no topic).
    foreign = tuple(
        t
        for t, p in _ALL_TOPICS.items()
        if t != ctx.topic
        and (m := p.search(norm)) is not None
        and p.search(norm, m.end()) is not None
        and not p.search(complaint_norm)
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
                r"reembols|rembours|devol|trade-?in|buy(?:s|ing)? (?:it|them) back|rachet|"
                r"rachat|reprise|recompra",
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

    # Acknowledgement in the reply's own words: the customer's situation put back to them by a
    # reply that also does something about it; or, on a safety report, the customer told by name
    # what to do to be safe and what is being done (team leads read that as care, not coldness).
    blamed = c.blame.search(norm) is not None
    talked_down = None if blamed else tone.talks_down(raw, norm, sents)
    blamed = blamed or talked_down is not None
    deflected = c.deflection.search(norm) is not None
    acted = any(cl.has_object for cl in actions) or outcome
    scripted_count = len(c.scripted.findall(norm))
    safety_instruction = c.safety_instruction.search(norm) is not None
    acknowledged = c.acknowledgement.search(norm) is not None or (
        not (blamed or deflected)
        and acted
        and (
            (ctx.topic in SAFETY_TOPICS and safety_instruction and by_name)
            or (
                apology in ("none", "sincere")
                and not scripted_count
                and _restated(sents, acting_sentences, c_stems, c_numbers, scored, brand | names, c)
            )
        )
    )

    en = compiled("en")

    def first(p: re.Pattern[str], also: re.Pattern[str] | None = None) -> str | None:
        m = p.search(norm) or (also.search(norm) if also is not None and also is not p else None)
        return m.group(0) if m else None

    def first_insult() -> str | None:
        # "Not an idiot at all" to a customer who wrote "I feel like an idiot" is kindness.
        for p in (c.insult, en.insult) if c.insult is not en.insult else (c.insult,):
            for m in p.finditer(norm):
                if not _NEGATED.search(norm, 0, m.start()):
                    return m.group(0)
        return None

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
        acknowledged=acknowledged,
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
        safety_instruction=safety_instruction,
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
        blamed=blamed,
        talks_down=talked_down,
        deflected=deflected,
        dm_invite=dm_invite,
        insult=first_insult(),
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
        scripted=scripted_count > 0,
        scripted_count=scripted_count,
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
        promise_list=_promise_list(sents),
        wrong_name=_wrong_name(raw, ctx.customer_name),
    )  # fmt: skip


# "We understand that…", "nous comprenons que…", "entendemos que…": the customer's words next.
_RESTATING = re.compile(
    r"^(?:(?:hi|hello|dear|bonjour|hola)\b[^,]{0,30},\s*)?(?:we|i) (?:fully |completely |totally )?"
    r"(?:understand|note|see|hear|appreciate) (?:that |how )|^(?:(?:hi|hello|dear|bonjour|hola)\b"
    r"[^,]{0,30},\s*)?(?:nous comprenons|je comprends|nous notons|entendemos|entiendo|"
    r"comprendemos|comprendo) (?:\w+ )?(?:que|qu')"
)
PARROT_SHARE = 0.5  # of the sentence's content words, taken from the complaint


def _parrots(sentence: str, lang: str, c_stems: set[str], exclude: frozenset[str]) -> bool:
    """Whether ``sentence`` restates the complaint in its own words and adds nothing."""
    if not _RESTATING.search(sentence):
        return False
    stems = content_stems(sentence, lang, exclude)
    return len(stems) >= 3 and len(stems & c_stems) >= PARROT_SHARE * len(stems)


# A promise opening: "i will", "we will", "i am going to", "je vais", "voy a", "vamos a"…
_PROMISE_OPENING = re.compile(
    r"^(?:and |then |also )?(?:(?:i|we) (?:will|shall|am going to|are going to|can|must)|"
    r"(?:je|nous) (?:vais|allons|vous|peux|pouvons)|(?:voy|vamos) a|(?:le|te|les) (?:voy|vamos)"
    r")\b"
)
PROMISE_LIST_WORDS = 9  # a listed promise is short: "I will chase the airport."


_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:]|\band\b|\bet\b|\by\b)\s*")
PROMISE_CLAUSE_LIST = 5  # "we will investigate X, we will contact Y, we will…" in one sentence


def _promise_list(sents: list[str]) -> int:
    """The number of short sentences (or clauses of one sentence) that open with a promise, when
    they are most of the reply (or of that sentence)."""
    short = [
        s
        for s in sents
        if _PROMISE_OPENING.match(s) and len(_WORDS.findall(s)) <= PROMISE_LIST_WORDS
    ]
    if short and len(short) * 2 >= len(sents):
        return len(short)
    for s in sents:
        clauses = [c for c in _CLAUSE_SPLIT.split(s) if c]
        promises = [c for c in clauses if _PROMISE_OPENING.match(c)]
        if len(promises) >= PROMISE_CLAUSE_LIST and len(promises) * 2 >= len(clauses):
            return len(promises)
    return 0


# A greeting with a name: "Dear Mr Patterson", "Hi Sam", "Bonjour Madame Roux", "Hola Lucía".
_GREETING_NAME = re.compile(
    r"^\W*(?i:dear|hi|hello|hey|hola|bonjour|buenos d[ií]as|buenas tardes|estimad[oa]|"
    r"querid[oa]|cher|ch[eè]re)\s+(?:(?i:mr|mrs|ms|miss|mx|dr|sr|sra|srta|m|mme|mlle|monsieur|"
    r"madame|se[nñ]or|se[nñ]ora|don|do[nñ]a)\.?\s+)?([^\W\d_][\w'\-]+)"
)
_NOT_A_NAME = frozenset(
    "customer customers valued there team all everyone friend friends folks sir madam madame "
    "monsieur client cliente clienta amigo amiga again and".split()
)


def _wrong_name(raw: str, customer_name: str) -> str:
    """The name a greeting uses when it is not the customer's (nor a short form of it)."""
    m = _GREETING_NAME.match(raw)
    if m is None or not customer_name.strip() or not m.group(1)[0].isupper():
        return ""
    greeted = language.fold(m.group(1))
    if greeted in _NOT_A_NAME:
        return ""
    for t in re.findall(r"[^\W\d_]+", customer_name):
        t = language.fold(t)
        if len(t) >= 2 and (greeted in t or t in greeted or greeted[:3] == t[:3]):
            return ""
    return m.group(1)


# Addressing the customer or judging their situation: "you", "your", "vous", "tu"…, "that is",
# "c'est", "es"… — a sentence about them rather than about the brand's own doing.
_ABOUT_THEM = re.compile(
    r"\b(?:you|your|yours|vous|votre|vos|tu|te|ton|ta|tes|toi|usted|ustedes|tus|le|su|sus"
    r"|that is|this is|it is|that was|c'est|c'etait|ce n'est|es|fue|era|eso|esto)\b"
)


# The customer's own situation, with its dates: "you fly on Saturday", "you need it by Friday",
# "you were promised it for Tuesday", "vous partez lundi", "viajas el sábado".
_YOUR_SITUATION = re.compile(
    r"\byou (?:need|needed|fly|are flying|leave|are leaving|were promised|have been|have had|"
    r"had|paid|booked|ordered|waited|were left)\b|\bvous (?:avez besoin|partez|attendez|avez "
    r"attendu|avez paye)\b|\b(?:necesitas|necesita|viajas|viaja|sales|sale|esperas|espera) "
)


def _restated(
    sents: list[str],
    acting: list[str],
    c_stems: set[str],
    c_numbers: set[str],
    lang: str,
    exclude: frozenset[str],
    c,
) -> bool:
    """Whether one of the reply's first two sentences (after a bare greeting) restates the
    customer's situation: it picks up the complaint's own details, is about the customer, and is
    neither an action, an instruction, a question nor an invitation to DM."""
    seen = 0
    for s in sents:
        words = _WORDS.findall(s)
        if len(words) < 4:  # "Hi Tom", "Dear Ms Bailey": a greeting, not a sentence
            continue
        seen += 1
        if seen > 2:
            return False
        if (
            s in acting
            or "?" in s
            or c.instruction.search(s)
            or c.dm.search(s)
            or (c.timeframe.search(s) and not _YOUR_SITUATION.search(s))
            or _RESULT.search(s)
            or c.blame.search(s)
            or c.deflection.search(s)
            or c.scripted.search(s)
        ):
            continue
        shared = (content_stems(s, lang, exclude) & c_stems) | (_numbers(s) & c_numbers)
        if shared and _ABOUT_THEM.search(s):
            return True
    return False
