"""Gates: what a reply must never do. One gate caps (or fails) the score with one plain reason.

A gate is checked before the criteria are added up, and the first that applies in
:data:`GATE_ORDER` wins, so the trainee reads the most serious problem first. Hard gates (the
reply must not go out at all) cap the total at :data:`FAIL_CAP`; the others at
:data:`SOFT_CAP` — below the pass mark however good the rest is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..vocab import PLATFORM_HARD_LIMIT, SAFETY_TOPICS
from . import coherence
from .context import ReplyContext
from .phrases import LANGUAGE_NAMES, SCORED_LANGUAGES, topic_guide
from .reading import Reading

FAIL_CAP = 10.0  # a reply that must never go out
SOFT_CAP = 40.0  # a reply that needs rewriting before it goes out
# …and keeps half of the points its criteria earned, at most SOFT_CAP. Team leads mark such
# replies well below the cap (train and dev: blame 21-26, over-length 27-32, over-promise 34,
# liability 32-34, where the criteria add up to 47-75); half of the points is what they give
# (0.5 and 0.6 fit train and dev best; 0.4 and 0.7 worse).
SOFT_GATE_SHARE = 0.5
OFF_TOPIC_CAP = 25.0  # answers a different complaint
# Talking down, as the learned tone check reads it (:mod:`.tone`): it cannot tell an insult
# (team leads' median 10) from blame (median 23), so it caps between them.
TONE_CAP = 20.0
FAR_TOO_LONG = 1.4  # 40% past a house limit (not the platform's): nobody reads it
MIN_WORDS = 4  # "Sorry." or "OK thanks DM" is not a reply
# Coherence: real sentences are glued with function words; keyword strings are not.
MIN_FUNCTION_SHARE = 0.12
MIN_WORDS_FOR_GLUE_CHECK = 8
# A 25-word run without punctuation and with under 30% glue words reads as a keyword string
# (no corpus reply the experts scored 45 or more has one).
COHERENCE_THRESHOLD = coherence.THRESHOLD
UNPUNCTUATED_THRESHOLD = 0.4  # …and for a reply with no punctuation at all
MAX_FEELING_WORDS = 4  # acknowledgements and apologies together, in a reply under 80 words
LONG_STRETCH = 24
STRETCH_FUNCTION_SHARE = 0.3
MIN_PROMISE_LIST = 4  # four short "I will…" sentences, most of the reply: a list of promises
MAX_BARE_PROMISES = 2  # "I will check, I will sort, I will fix": the third is a list
MAX_APOLOGIES = 2  # in a short reply; a long e-mail may apologise once more
LONG_REPLY_WORDS = 80
MAX_WORD_REPEATS = 3  # one content word four times in a short reply is a keyword string
REPEAT_SHARE = 0.12
LONG_REPEAT_SHARE = 0.06  # four or more times: a long e-mail may name its subject often
MAX_TIMEFRAMES = 3  # "today, tomorrow, within the hour, this week" is no time frame at all
TIMEFRAME_SHARE = 0.15  # …when times are most of what the reply says


class UnsupportedLanguage(ValueError):
    """The reply is in a language the scorer cannot judge (an honest refusal, not a low score)."""

    def __init__(self, code: str):
        self.code = code
        name = LANGUAGE_NAMES.get(code, code)
        scored = ", ".join(LANGUAGE_NAMES[c] for c in SCORED_LANGUAGES)
        super().__init__(f"cannot score replies in {name} yet (scored languages: {scored})")


@dataclass(frozen=True)
class Gate:
    """A gate that applied: its key, the reason in plain words, and the cap on the total."""

    key: str
    reason: str
    cap: float

    def capped(self, points: float) -> float:
        """The total of a reply that hit this gate, whose criteria add up to ``points``."""
        if self.cap == SOFT_CAP:
            points = round(SOFT_GATE_SHARE * points * 2) / 2  # in half points, like the criteria
        return min(points, self.cap)

    @property
    def fails(self) -> bool:
        """A hard gate: the reply must not go out (an auto-fail)."""
        return self.cap <= FAIL_CAP


GATE_ORDER = (
    "wrong_language",
    "too_short",
    "credentials",
    "personal_data_public",
    "insult",
    "stuffing",
    "over_length",
    "liability_public",
    "over_promise",
    "blame",
    "off_topic",
)


def _wrong_language(r: Reading, ctx: ReplyContext) -> Gate | None:
    theirs = r.complaint_lang or ctx.language
    if r.lang and theirs and r.lang != theirs:
        mine, want = LANGUAGE_NAMES.get(r.lang, r.lang), LANGUAGE_NAMES.get(theirs, theirs)
        return Gate(
            "wrong_language",
            f"The customer wrote in {want} and the reply is in {mine}: answer in {want}.",
            FAIL_CAP,
        )
    return None


def _too_short(r: Reading, ctx: ReplyContext) -> Gate | None:
    if r.words < MIN_WORDS:
        return Gate(
            "too_short",
            f"{r.words} word{'s' if r.words != 1 else ''} is not a reply: say what you will do.",
            FAIL_CAP,
        )
    return None


def _credentials(r: Reading, ctx: ReplyContext) -> Gate | None:
    if r.credentials:
        what = " or ".join(r.credentials)
        return Gate(
            "credentials",
            f"Asks for the customer's {what}. No care team ever needs it, in public or in "
            "private: it is how accounts get stolen.",
            FAIL_CAP,
        )
    return None


def _personal_data(r: Reading, ctx: ReplyContext) -> Gate | None:
    if r.exposed:
        return Gate(
            "personal_data_public",
            f"Posts the customer's {', '.join(r.exposed)} in a public reply anyone can read. "
            "Keep personal data to DM or e-mail.",
            FAIL_CAP,
        )
    if r.sensitive_public:
        return Gate(
            "personal_data_public",
            f"Asks the customer to post their {', '.join(r.sensitive_public)} in public. Move "
            "to DM (or a secure form) before asking for personal details.",
            FAIL_CAP,
        )
    return None


def _insult(r: Reading, ctx: ReplyContext) -> Gate | None:
    for found, what in ((r.insult, "insults"), (r.profanity, "swears at"),
                        (r.sarcasm, "mocks")):  # fmt: skip
        if found:
            return Gate(
                "insult",
                f"The reply {what} the customer (\u201c{found}\u201d). Whatever they wrote, "
                "that loses them and everyone watching.",
                FAIL_CAP,
            )
    return None


def _stuffing(r: Reading, ctx: ReplyContext) -> Gate | None:
    reason = None
    if r.words >= MIN_WORDS_FOR_GLUE_CHECK and r.function_share < MIN_FUNCTION_SHARE:
        reason = "It reads as a string of keywords, not sentences to the customer."
    elif r.stretch > LONG_STRETCH and r.function_share < STRETCH_FUNCTION_SHARE:
        reason = "A long run of words with no punctuation and little glue: write sentences."
    elif r.p_sentences < COHERENCE_THRESHOLD or (
        r.p_sentences < UNPUNCTUATED_THRESHOLD and r.unpunctuated
    ):
        reason = "It does not read as sentences to the customer: words strung together."
    elif r.list_stuffing:
        reason = "A list of words (or the rubric's own names) is not a reply: write sentences."
    elif r.promise_list >= MIN_PROMISE_LIST or (
        r.bare_actions > MAX_BARE_PROMISES and r.bare_actions >= len(r.actions) / 2
    ):
        reason = (
            "Promises with nothing in them (\u201cI will check, I will sort\u2026\u201d): "
            "say what you will do, to what, and when."
        )
    elif r.feeling_words > MAX_FEELING_WORDS + (r.words >= LONG_REPLY_WORDS):
        reason = "Sympathy words piled up read as a script, not as meaning it."
    elif r.apology_count > MAX_APOLOGIES + (r.words >= LONG_REPLY_WORDS):
        reason = "The same apology over and over reads as a script, not as meaning it."
    elif r.max_repeat >= MAX_WORD_REPEATS and r.max_repeat / max(1, r.words) >= (
        REPEAT_SHARE if r.max_repeat == MAX_WORD_REPEATS else LONG_REPEAT_SHARE
    ):
        reason = f"\u201c{r.repeated_word}\u201d over and over reads as keywords, not a reply."
    elif r.timeframes > MAX_TIMEFRAMES and r.timeframes / max(1, r.words) > TIMEFRAME_SHARE:
        reason = "A string of times (today, tomorrow, within the hour\u2026) promises none."
    if reason:
        return Gate("stuffing", reason, FAIL_CAP)
    return None


def _over_length(r: Reading, ctx: ReplyContext) -> Gate | None:
    limit = r.limit
    hard = r.kind in PLATFORM_HARD_LIMIT and ctx.public
    if r.chars > (limit if hard else FAR_TOO_LONG * limit):
        what = "cannot be posted" if hard else "is too long to be read"
        return Gate(
            "over_length",
            f"{r.chars} characters {what} on {ctx.channel} (limit {limit}): cut it to the "
            "apology, the action and the time.",
            SOFT_CAP,
        )
    return None


def _liability(r: Reading, ctx: ReplyContext) -> Gate | None:
    if ctx.public and ctx.topic in SAFETY_TOPICS and r.liability:
        return Gate(
            "liability_public",
            f"Admits legal liability in public on a safety issue (\u201c{r.liability}\u201d). "
            "Show care and act, but leave fault to the safety team, in private.",
            SOFT_CAP,
        )
    return None


def _over_promise(r: Reading, ctx: ReplyContext) -> Gate | None:
    if r.unsafe:
        return Gate(
            "over_promise",
            "Tells the customer it is safe without anyone having checked: on a safety report, "
            "ask them to stop using it until it has been inspected.",
            SOFT_CAP,
        )
    if r.guarantee:
        return Gate(
            "over_promise",
            f"\u201c{r.guarantee}\u201d is a promise nobody can keep: say what you *will* do "
            "and when, not that nothing will ever go wrong.".replace("*", ""),
            SOFT_CAP,
        )
    limit = ctx.remedy_limit
    offered = max([ctx.remedy_offered, *r.compensation_amounts])
    if math.isfinite(limit) and offered > limit:
        return Gate(
            "over_promise",
            f"Offers {offered:g} when your seat may offer at most {limit:g}: escalate for "
            "approval before promising more.",
            SOFT_CAP,
        )
    if ctx.public and ctx.topic in SAFETY_TOPICS and (r.damages or r.remedy_kinds >= 3):
        return Gate(
            "over_promise",
            "Promises damages or a pile of remedies in public on a safety issue: make the "
            "customer safe, arrange the return, and take compensation to private.",
            SOFT_CAP,
        )
    return None


def _blame(r: Reading, ctx: ReplyContext) -> Gate | None:
    if r.talks_down is not None:
        line = r.talks_down if len(r.talks_down) <= 160 else r.talks_down[:157] + "..."
        return Gate(
            "blame",
            f"Talks down to the customer: \u201c{line}\u201d reads as blame or sarcasm. Say "
            "what you will do for them, not what they should have done.",
            TONE_CAP,
        )
    if r.blamed:
        return Gate(
            "blame",
            "Blames the customer. Even when they caused it, explain kindly what happened and "
            "what you can do now.",
            SOFT_CAP,
        )
    return None


# Thanks for praise the customer never gave: the happy-review macro pasted onto a complaint.
_PRAISE_MACRO = re.compile(
    r"thank(?:s| you)(?: so much| very much)? for (?:your|the|such a) (?:wonderful|lovely|kind|"
    r"great|glowing|fantastic|amazing|positive|brilliant|fabulous|5[- ]star|five[- ]star) "
    r"(?:review|words|feedback|comments?|rating)|(?:delighted|thrilled|so glad|glad|happy) "
    r"(?:to hear )?(?:that )?you (?:enjoyed|loved|liked|had a (?:great|lovely|wonderful)|are "
    r"(?:enjoying|loving|happy with|making the most))|"
    r"gracias por (?:tu|su) (?:bonita|amable|estupenda|maravillosa|excelente) (?:resena|opinion|"
    r"valoracion)|(?:nos alegra|encantados de) que (?:hayas|haya|hayan) disfrutado|"
    r"merci (?:pour|de) (?:votre|ton) (?:gentil|adorable|excellent|super|merveilleux) "
    r"(?:avis|commentaire|message)|ravis que (?:vous ayez|tu aies) (?:apprecie|aime)|"
    # the "enjoy your stay, leave us a review" macro
    r"(?:we )?hope you(?: are|'re)? (?:enjoying|loving) (?:your|the) (?:stay|holiday|trip|visit|"
    r"meal|new)|(?:we would|we'd) (?:love|appreciate) (?:a|your) (?:review|rating)|"
    r"esperamos que (?:este|estes|esten) disfrutando|(?:le|te|les) agradecer\w* una (?:resena|"
    r"valoracion|opinion)|nous esperons que vous (?:profitez|appreciez)|laissez-nous un avis"
)


def _off_topic(r: Reading, ctx: ReplyContext) -> Gate | None:
    if r.promotion and (
        not (r.concrete_action or r.outcome or r.instruction or r.handover)
        or (r.apology in ("none", "generic") and not r.acknowledged)
    ):
        return Gate(
            "off_topic",
            "Sells to the customer instead of answering their complaint.",
            OFF_TOPIC_CAP,
        )
    if _PRAISE_MACRO.search(r.norm) and r.apology in ("none", "generic") and not r.owned_mistake:
        return Gate(
            "off_topic",
            "A happy-customer macro (thanks for praise never given, \u201cenjoy your stay\u201d, "
            "\u201cleave us a review\u201d) on a complaint: answer what went wrong.",
            OFF_TOPIC_CAP,
        )
    if r.wrong_name:
        return Gate(
            "off_topic",
            f"The reply is addressed to \u201c{r.wrong_name}\u201d, not to {ctx.customer_name}: "
            "a reply written for someone else. Check who you are answering and what they asked.",
            OFF_TOPIC_CAP,
        )
    on_safety = ctx.topic in SAFETY_TOPICS and r.safety_instruction  # "stop using it" is on topic
    if r.foreign_topics and not r.named_issue and not r.specifics and not on_safety:
        issue = topic_guide(ctx.topic).issue
        other = r.foreign_topics[0].replace("_", " ")
        return Gate(
            "off_topic",
            f"The reply is about {other}, but the customer wrote about {issue}: read the "
            "complaint again.",
            OFF_TOPIC_CAP,
        )
    return None


_CHECKS = {
    "wrong_language": _wrong_language,
    "too_short": _too_short,
    "credentials": _credentials,
    "personal_data_public": _personal_data,
    "insult": _insult,
    "stuffing": _stuffing,
    "over_length": _over_length,
    "liability_public": _liability,
    "over_promise": _over_promise,
    "blame": _blame,
    "off_topic": _off_topic,
}


def check(r: Reading, ctx: ReplyContext) -> Gate | None:
    """The most serious gate the reply hits, or None."""
    for key in GATE_ORDER:
        gate = _CHECKS[key](r, ctx)
        if gate is not None:
            return gate
    return None
