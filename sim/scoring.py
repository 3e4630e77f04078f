"""The reply rubric (DESIGN §7): a pure, deterministic 0–100 score for a customer-care reply.

One rubric for bot reps and trainees. A reply is read with transparent phrase features — the
lists below, each a documented module constant — never with a sentiment lexicon: lexicons read
an apology ("so sorry, that's awful") as negative, which is exactly backwards for care replies.

Criteria and default weights (DESIGN §7, sum 100):

=================  ======  =====================================================================
criterion          weight  full marks when the reply…
=================  ======  =====================================================================
resolution         30      gives a concrete next step (an action, a hand-over, an instruction)
                           with a time frame ("I'll chase the courier and DM you by 5pm")
empathy            20      apologises sincerely and acknowledges how the customer feels
personalization    15      names the customer and their issue
ownership          10      commits personally ("I will…"), blames nobody
channel_fit        10      moves personal matters to DM; never asks for private details in public
basics             15      fits the channel's length, does not shout, is not an unedited macro,
                           and goes out within the channel's SLA
=================  ======  =====================================================================

Asking for account numbers, passwords, card numbers, addresses and the like in a public reply is
an **auto-fail**: the total is 0 whatever else the reply does (the criteria keep their points so
the trainee sees what else was good). The pass mark is 70 (:data:`PASS_MARK`).

Robustness: text is NFKC-normalised, case-folded, curly quotes are straightened and common
contractions expanded ("I’m sorry" ≡ "I am sorry" ≡ "im sorry"), so phrase lists are written
once in their long form. Only the first :data:`MAX_ANALYSED_CHARS` characters are analysed and
every pattern is a bounded alternation of phrases, so a 10 MB reply scores in milliseconds.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from . import calibration as cal

# --- Weights and pass mark (DESIGN §7) ------------------------------------------------------
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "resolution": 30.0,
        "empathy": 20.0,
        "personalization": 15.0,
        "ownership": 10.0,
        "channel_fit": 10.0,
        "basics": 15.0,
    }
)
CRITERION_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "resolution": "Resolution / next step",
        "empathy": "Empathy and apology",
        "personalization": "Personalization",
        "ownership": "Ownership",
        "channel_fit": "Channel fit",
        "basics": "Basics",
    }
)
WEIGHT_TOTAL = 100.0  # custom weights are renormalised to this sum
PASS_MARK: float = cal.PASS_MARK  # 70: the same pass mark the reaction model is centred on

# --- Shares of each criterion (model assumptions on top of DESIGN §7) ----------------------
# Resolution: a concrete next step earns most of it, a time frame the rest (customers expect
# an answer the same day — A.T. Kearney 2011 — so "when" matters as much as "what"). A holding
# line ("we are looking into it") is barely better than nothing.
NEXT_STEP_SHARE = 0.65
TIMEFRAME_SHARE = 0.35
HOLDING_LINE_SHARE = 0.25
ESCALATION_WITHOUT_HANDOVER_FACTOR = 0.5  # escalated but never told the customer who takes over
# Empathy: "Don't be afraid to say I'm sorry" (domain article, Maroon PR 2010); an apology is
# the larger part, acknowledging the customer's feelings the rest. "Sorry for any
# inconvenience" is the stock non-specific apology and earns less.
APOLOGY_SHARE = 0.7
GENERIC_APOLOGY_SHARE = 0.4
ACKNOWLEDGEMENT_SHARE = 0.3
BLAME_EMPATHY_FACTOR = 0.5  # "sorry, but you should have…" — the blame undoes half the apology
# Personalization: "respond quickly and personally" (domain articles). Naming the issue shows
# the complaint was read; a bare @handle is less personal than a first name.
NAME_SHARE = 0.4
HANDLE_ONLY_SHARE = 0.2
ISSUE_SHARE = 0.6
# Ownership: "owning up to mistakes" (domain article); a personal "I will…" is full marks, a
# team "we will…" or "our mistake" most of it, a neutral reply a little, any blame nothing.
PERSONAL_OWNERSHIP_SHARE = 1.0
TEAM_OWNERSHIP_SHARE = 0.7
NEUTRAL_OWNERSHIP_SHARE = 0.3
DEFLECTION_SHARE = 0.1  # "not our fault", "that's our policy": no blame, but no ownership either
# Channel fit: DM is how care teams take personal matters off the public timeline (DESIGN §6,
# Herhausen et al. 2019).
DM_NEEDED_BUT_PUBLIC_SHARE = 0.4
PERSONAL_DETAILS_IN_PUBLIC_SHARE = 0.2
MOVED_WITHOUT_TELLING_SHARE = 0.5  # the action moved it to DM but the reply never says so
DM_ON_PRIVATE_CHANNEL_SHARE = 0.6  # "please DM us" in an email: the customer is already private
CREDENTIALS_ASKED_SHARE = 0.3  # passwords/PINs must never be asked for, even privately
# Basics: four checks.
LENGTH_SHARE = 0.3
TONE_SHARE = 0.2
ORIGINALITY_SHARE = 0.25  # "Toss out the scripts" (domain article, Maroon PR 2010)
SCRIPTED_PHRASE_FACTOR = 0.5  # stock phrases ("we value your feedback") halve the originality share
TIMELINESS_SHARE = 0.25
LATE_ZERO_AT_SLA_MULTIPLE = 2.0  # timeliness points fall linearly to 0 at twice the SLA

# --- Reading limits ---------------------------------------------------------------------------
MAX_ANALYSED_CHARS = 10_000  # longer than any channel allows; the rest of a huge paste is ignored
MAX_NAME_CHARS = 100
MIN_REPLY_WORDS = 3  # "Sorry." or "OK thanks" is not a reply
CANNED_SIMILARITY = 0.9  # word-sequence similarity above which a reply is an unedited macro
SHOUT_MIN_LETTERS = 12  # too few letters to judge shouting ("OK!" is fine)
SHOUT_UPPER_RATIO = 0.6  # share of upper-case letters that reads as shouting
SHOUT_CAPS_RUN = 3  # this many ALL-CAPS words in a row is shouting
SHOUT_EXCLAMATIONS = 3  # "!!!"
# Moods by anger (0..1), shared with sim.text: calm below ANNOYED_FROM, furious from FURIOUS_FROM.
ANNOYED_FROM = 1 / 3
FURIOUS_FROM = 2 / 3


class ReplyAction(StrEnum):
    """What the rep does with the complaint besides writing the text."""

    REPLY_PUBLIC = "reply_public"
    MOVE_TO_DM = "move_to_dm"
    ESCALATE = "escalate"
    OFFER_REMEDY = "offer_remedy"


class ChannelKind(StrEnum):
    """The kinds of channel the rubric knows; a scenario's channel names map onto them."""

    TWITTER = "twitter"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    REVIEW = "review"
    EMAIL = "email"
    CHAT = "chat"
    PHONE = "phone"
    OTHER = "other"


# Scenario files name channels freely; these names (and names starting with them, such as
# "twitter_dm") map onto a kind. Anything else is OTHER.
CHANNEL_ALIASES: Mapping[str, ChannelKind] = MappingProxyType(
    {
        "twitter": ChannelKind.TWITTER,
        "x": ChannelKind.TWITTER,
        "tweet": ChannelKind.TWITTER,
        "facebook": ChannelKind.FACEBOOK,
        "fb": ChannelKind.FACEBOOK,
        "instagram": ChannelKind.INSTAGRAM,
        "ig": ChannelKind.INSTAGRAM,
        "review": ChannelKind.REVIEW,
        "reviews": ChannelKind.REVIEW,
        "trustpilot": ChannelKind.REVIEW,
        "yelp": ChannelKind.REVIEW,
        "tripadvisor": ChannelKind.REVIEW,
        "email": ChannelKind.EMAIL,
        "e_mail": ChannelKind.EMAIL,
        "mail": ChannelKind.EMAIL,
        "chat": ChannelKind.CHAT,
        "webchat": ChannelKind.CHAT,
        "livechat": ChannelKind.CHAT,
        "live_chat": ChannelKind.CHAT,
        "messenger": ChannelKind.CHAT,
        "whatsapp": ChannelKind.CHAT,
        "sms": ChannelKind.CHAT,
        "phone": ChannelKind.PHONE,
        "voice": ChannelKind.PHONE,
        "call": ChannelKind.PHONE,
        "telephone": ChannelKind.PHONE,
    }
)
# Longest reply that fits each channel, in characters. Twitter's 280 is the platform's limit;
# the others are house guidelines (model assumptions): a reply should be readable without
# "see more" on Facebook/Instagram, one chat bubble, one spoken turn on the phone.
CHANNEL_MAX_CHARS: Mapping[ChannelKind, int] = MappingProxyType(
    {
        ChannelKind.TWITTER: 280,
        ChannelKind.FACEBOOK: 1000,
        ChannelKind.INSTAGRAM: 500,
        ChannelKind.REVIEW: 1000,
        ChannelKind.EMAIL: 5000,
        ChannelKind.CHAT: 500,
        ChannelKind.PHONE: 600,
        ChannelKind.OTHER: 1000,
    }
)
# When a good reply promises the next update, by channel (used in the example phrasings).
CHANNEL_TIMEFRAME: Mapping[ChannelKind, str] = MappingProxyType(
    {
        ChannelKind.TWITTER: "within the hour",
        ChannelKind.FACEBOOK: "within the hour",
        ChannelKind.INSTAGRAM: "within the hour",
        ChannelKind.REVIEW: "within one working day",
        ChannelKind.EMAIL: "by the end of tomorrow",
        ChannelKind.CHAT: "before we finish this chat",
        ChannelKind.PHONE: "today",
        ChannelKind.OTHER: "today",
    }
)
SOCIAL_KINDS = frozenset({ChannelKind.TWITTER, ChannelKind.FACEBOOK, ChannelKind.INSTAGRAM})
DEFAULT_BRAND = "Stormdesk Air"


def channel_kind(channel: str) -> ChannelKind:
    """The :class:`ChannelKind` of a scenario channel name (``"twitter_dm"`` → TWITTER)."""
    key = re.sub(r"[\s\-]+", "_", channel.strip().casefold())
    if key in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[key]
    for part in key.split("_"):
        if part in CHANNEL_ALIASES:
            return CHANNEL_ALIASES[part]
    return ChannelKind.OTHER


# --- Topics ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicGuide:
    """What a reply about a topic mentions, and how a good rep would phrase it.

    ``keywords`` are phrase patterns (normalised, lower-case) that name the issue; ``issue``,
    ``next_step``, ``details`` and ``team`` fill the example phrasings.
    """

    keywords: tuple[str, ...]
    issue: str
    next_step: str
    details: str
    team: str


TOPIC_GUIDES: Mapping[str, TopicGuide] = MappingProxyType(
    {
        "billing": TopicGuide(
            ("bill", "bills", "billing", "billed", "charges?", "charged", "overcharged",
             "invoices?", "payments?", "direct debit", "statements?", "fees?", "double charged"),
            "the charge on your bill",
            "check the charge and refund anything taken in error",
            "account email and the date of the charge",
            "billing",
        ),
        "delivery": TopicGuide(
            ("deliver(?:y|ies|ed)?", "parcels?", "packages?", "shipments?", "shipping",
             "shipped", "couriers?", "tracking", "arrived?", "arriving", "dispatch(?:ed)?",
             "late order", "missing order", "bags?", "luggage"),
            "your delayed delivery",
            "chase the courier and send you a firm delivery date",
            "order number",
            "logistics",
        ),
        "product_quality": TopicGuide(
            ("broken", "broke", "faulty", "fault", "defective", "damaged", "quality",
             "stopped working", "cracked", "scratched", "replacement", "repairs?",
             "falling apart", "not working properly"),
            "the faulty product",
            "arrange a free replacement",
            "order number and a photo of the fault",
            "product quality",
        ),
        "account_access": TopicGuide(
            ("locked out", "locked", "log ?in", "logging in", "sign ?in", "signing in",
             "logged out", "access", "account access", "password reset", "reset link",
             "two[- ]factor", "verification code", "your account"),
            "being locked out of your account",
            "get you back into your account",
            "account email",
            "account security",
        ),
        "outage": TopicGuide(
            ("outages?", "offline", "is down", "was down", "went down", "still down",
             "not working", "disruption", "interruption", "connection", "connectivity",
             "back online", "back up", "restored?", "service is back", "app", "website"),
            "the outage",
            "keep you updated here until everything is back",
            "postcode or the area you are in",
            "technical",
        ),
        "product_safety": TopicGuide(
            ("safety", "safe", "unsafe", "dangerous", "hazard", "recall(?:ed)?",
             "injur(?:y|ies|ed)", "burn(?:s|t|ed)?", "overheat(?:s|ed|ing)?", "fire", "smoke",
             "spark(?:s|ed)?", "melted", "choking"),
            "the safety problem with your product",
            "arrange a safe collection and a full refund",
            "order number and the product's batch code",
            "product safety",
        ),
        "service": TopicGuide(
            ("staff", "rude", "agents?", "representatives?", "crew", "employees?", "treated",
             "attitude", "manager", "on hold", "queue", "how you were treated", "experience"),
            "how you were treated",
            "share this with the team lead and find out what happened",
            "the date, time and place it happened",
            "customer relations",
        ),
        "refund": TopicGuide(
            ("refunds?", "refunded", "money back", "reimburse(?:d|ment)?", "returns?",
             "returned", "owed"),
            "your missing refund",
            "trace your refund and make sure it reaches you",
            "order number and the refund date",
            "refunds",
        ),
    }
)  # fmt: skip


def topic_guide(topic: str) -> TopicGuide:
    """The guide of ``topic``; an unknown topic gets a generic one built from its name."""
    if topic in TOPIC_GUIDES:
        return TOPIC_GUIDES[topic]
    words = [w for w in re.split(r"[\W_]+", topic.casefold()) if len(w) > 2]
    label = " ".join(words)
    return TopicGuide(
        tuple(re.escape(w) for w in words),
        f"the {label} problem" if label else "the problem you raised",
        "look into this personally and come back to you with an answer",
        "order or booking reference",
        "specialist",
    )


# --- Phrase lists -----------------------------------------------------------------------------
# Each entry is a small regular expression over normalised text (lower case, straight quotes,
# contractions expanded, single spaces). Entries are matched as whole words. Sources: the
# domain articles (apologise, personal, no scripts, move to DM, empower reps), DESIGN §6–§7,
# Einwiller & Steilen 2015 (what care replies contain: information, thanks, regret, corrective
# action) and common care-team style guides.

CONTRACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "i'm": "i am", "im": "i am", "i'll": "i will", "i've": "i have", "ive": "i have",
        "i'd": "i would", "we're": "we are", "we'll": "we will", "we've": "we have",
        "weve": "we have", "we'd": "we would", "you're": "you are", "youre": "you are",
        "you'll": "you will", "you've": "you have", "youve": "you have", "you'd": "you would",
        "they're": "they are", "theyre": "they are", "they'll": "they will",
        "it's": "it is", "that's": "that is", "thats": "that is", "there's": "there is",
        "here's": "here is", "what's": "what is", "let's": "let us", "who's": "who is",
        "can't": "cannot", "cant": "cannot", "won't": "will not", "don't": "do not",
        "dont": "do not", "didn't": "did not", "didnt": "did not", "doesn't": "does not",
        "doesnt": "does not", "isn't": "is not", "isnt": "is not", "aren't": "are not",
        "arent": "are not", "wasn't": "was not", "wasnt": "was not", "weren't": "were not",
        "shouldn't": "should not", "shouldnt": "should not", "should've": "should have",
        "couldn't": "could not", "couldnt": "could not", "could've": "could have",
        "wouldn't": "would not", "wouldnt": "would not", "would've": "would have",
        "hasn't": "has not", "hasnt": "has not", "haven't": "have not", "havent": "have not",
        "hadn't": "had not", "y'all": "you all",
    }
)  # fmt: skip

# Sincere apology words. "Regret" counts (Einwiller & Steilen's "regret" category).
APOLOGY_PHRASES = (
    r"sorry", r"apologi[sz]e[sd]?", r"apologi[sz]ing", r"apolog(?:y|ies)",
    r"(?:i|we) (?:sincerely |deeply )?regret", r"forgive (?:us|me)", r"my bad",
    r"pardon (?:us|me)",
)  # fmt: skip
# Non-apologies: they put the problem in the customer's feelings, not in what went wrong.
NON_APOLOGY_PHRASES = (
    r"sorry (?:that )?you (?:feel|felt|think|thought|believe|see it)",
    r"sorry if you (?:feel|felt|think|thought|were|are|have been|found)",
    r"apologi[sz]e if you (?:feel|felt|think|thought|were|are|have been|found)",
    r"sorry (?:that )?you (?:are|were) (?:upset|unhappy|disappointed|offended)",
    r"sorry for your (?:feelings|perception)",
)
# The stock apology of macros: apologises for nothing in particular.
GENERIC_APOLOGY_PHRASES = (
    r"(?:sorry|apologi[sz]e|apologies) for any (?:inconvenience|trouble|confusion|issues?|"
    r"frustration|disappointment)(?: (?:this|that|it) (?:may|might|has|may have|might have) "
    r"(?:caused|cause))?(?: (?:you|to you))?",
    r"(?:sorry|apologi[sz]e|apologies) for the inconvenience(?: caused)?",
    r"apologies for any inconvenience caused",
)
# Acknowledging how the customer feels, or that the brand got it wrong.
ACKNOWLEDGEMENT_PHRASES = (
    r"i (?:completely |totally |fully |really |can )?(?:understand|get it|get that|hear you)",
    r"understandably", r"i can (?:only )?imagine",
    r"(?:that|this|it) (?:is|must be|must have been|sounds|was) (?:so |really |very |"
    r"incredibly |hugely |deeply |truly |beyond )?(?:frustrating|annoying|stressful|upsetting|"
    r"disappointing|awful|terrible|worrying|worrying for you|unacceptable|maddening|"
    r"exhausting|not (?:ok|okay|good enough|acceptable|right))",
    r"frustrating", r"frustration", r"not good enough", r"not the experience",
    r"should (?:not|never) have happened", r"you should not have to", r"we let you down",
    r"i know how", r"what a (?:pain|hassle|nightmare)", r"thank(?:s| you) for (?:letting us know|"
    r"flagging|telling us|raising|bearing with us|your patience|reporting|being patient)",
    r"(?:upsetting|worrying|stressful) for you",
)  # fmt: skip

# Verbs of corrective action (present and past) — Einwiller & Steilen's "corrective action".
_ACTION_VERBS = (
    r"check|look|fix|send|refund|replace|chase|call|ring|email|dm|message|update|investigate|"
    r"arrange|sort|escalate|pass|credit|reset|review|book|rebook|process|resolve|contact|get|"
    r"make|follow|reach|come back|keep|share|confirm|issue|reimburse|waive|cancel|correct|"
    r"restore|help|take|track|trace|find|raise|unlock|ship|dispatch|collect|repair|talk|speak|"
    r"organi[sz]e|personally"
)
_DONE_VERBS = (
    r"sent|refunded|issued|credited|booked|rebooked|reset|escalated|passed|raised|arranged|"
    r"chased|contacted|replaced|cancell?ed|corrected|fixed|added|applied|waived|reversed|"
    r"processed|logged|flagged|emailed|messaged|dm'?e?d|called|updated|restored|unlocked|"
    r"shipped|dispatched|requested|opened|created|reinstated|checked|traced|tracked|found|"
    r"spoken|talked|forwarded|handed|organi[sz]ed|confirmed|investigated|looked"
)
# Holding lines: say something is happening without saying what or when.
HOLDING_PHRASES = (
    r"(?:are |am |is )?looking into (?:it|this|that|the matter|your (?:case|issue|query))",
    r"(?:will |shall )?look into (?:it|this|that|the matter)",
    r"(?:we are|i am) (?:aware|working on it|on it|investigating)",
    r"(?:someone|a member of (?:our|the) team|the team|we) will be in touch(?: shortly| soon)?",
    r"(?:will |shall )?get back to you(?: shortly| soon| asap| as soon as possible)?",
    r"(?:have |has )?passed (?:it|this|that|your (?:feedback|comments?)) on",
    r"(?:have |has )?(?:noted|logged) (?:it|this|your (?:feedback|comments?))",
    r"please (?:see|check|visit|read|refer to) our (?:faqs?|website|help (?:centre|center|pages?)|"
    r"terms(?: and conditions)?|policy)",
)
# Concrete next steps: a commitment, a completed action, an instruction or a promised outcome.
NEXT_STEP_PHRASES = (
    rf"(?:i|we) (?:will|shall|am going to|are going to|can|would like to) "
    rf"(?:\w+ ){{0,2}}?(?:{_ACTION_VERBS})",
    rf"(?:i|we) (?:have |had )?(?:just |already |now |personally )?(?:{_DONE_VERBS})",
    r"let me (?!know)\w+", r"leave it with me",
    r"please (?:\w+ ){0,2}?(?:dm|direct message|message|send|follow|check|try|reset|click|"
    r"visit|call|ring|reply|contact|update|restart|reinstall|use|go to|head to|tap|email|"
    r"fill|complete|confirm|keep|bring|return|pop|share|provide)",
    r"you(?: will|'ll)? (?:should )?(?:receive|get|see|hear)",
    r"(?:expect|look out for) (?:a|an|the|your)",
    r"here is (?:a|the|your)", r"(?:new )?tracking (?:number|link) is",
    r"(?:your|the|a) (?:refund|replacement|credit|engineer|technician|callback|voucher|fix|"
    r"update|parcel|order) (?:is|has been|will be|will|is being) (?:\w+ )?(?:on its way|sent|"
    r"issued|processed|arranged|booked|dispatched|restored|applied|added|arrive|reach|call|"
    r"coming|out)",
)  # fmt: skip
TIMEFRAME_PHRASES = (
    r"(?:within|in|in the next|over the next|inside) (?:the |an? |\d+ |one |two |three |four |"
    r"five |ten |24 |48 |a few |few |next )?(?:\w+ )?(?:minutes?|mins?|hours?|hrs?|days?|"
    r"working days?|business days?)",
    r"by (?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"end of (?:the )?day|eod|noon|midday|close of business|the end of (?:the )?(?:day|week)|"
    r"\d{1,2}(?::\d{2})? ?(?:am|pm)?)",
    r"today", r"tonight", r"tomorrow", r"this (?:morning|afternoon|evening|week)",
    r"\d{1,2}(?::\d{2})? ?(?:am|pm)", r"right away", r"straight away", r"immediately",
    r"right now", r"before (?:we finish|the end of)",
)  # fmt: skip
# Hand-over to a specialist (an escalation should say who takes over and what happens next).
HANDOVER_VERBS = (
    r"pass(?:ed|ing)?", r"hand(?:ed|ing)? (?:it |this )?(?:over|on)", r"escalat(?:e|ed|ing)",
    r"refer(?:red|ring)?", r"transfer(?:red|ring)?", r"forward(?:ed|ing)?", r"raised? (?:it|this)",
    r"brought in", r"loop(?:ed|ing)? in",
)  # fmt: skip
SPECIALIST_NOUNS = (
    r"specialists?", r"team", r"colleagues?", r"supervisor", r"managers?", r"experts?",
    r"engineers?", r"department", r"tier 2", r"tier two", r"second line", r"technicians?",
    r"senior", r"lead",
)  # fmt: skip
# A goodwill gesture beyond putting things right (refunding what is owed is not compensation).
COMPENSATION_PHRASES = (
    r"vouchers?", r"(?:a|an|account|goodwill) credit", r"credited", r"compensat(?:e|ion|ed)",
    r"goodwill", r"gesture", r"free of charge", r"on the house", r"on us", r"complimentary",
    r"(?:waive|waived) (?:the )?(?:fee|charge)", r"discount", r"gift card", r"upgrade",
    r"[$£€]\s?\d+", r"\d+ ?(?:points|miles)",
)  # fmt: skip

# Ownership: a personal commitment ("I will…") or owning the mistake.
PERSONAL_OWNERSHIP_PHRASES = (
    rf"i (?:will|shall|am going to|would like to|can) (?:\w+ ){{0,2}}?(?:{_ACTION_VERBS})",
    rf"i (?:have |had )?(?:just |already |now |personally )?(?:{_DONE_VERBS})",
    r"let me (?!know)\w+", r"leave it with me", r"i am (?:on it|on this|taking care|handling)",
    r"i will (?:personally|make sure|take care|own)", r"my (?:mistake|fault|error|bad)",
)  # fmt: skip
TEAM_OWNERSHIP_PHRASES = (
    rf"we (?:will|shall|are going to|can) (?:\w+ ){{0,2}}?(?:{_ACTION_VERBS})",
    rf"we (?:have |had )?(?:just |already |now )?(?:{_DONE_VERBS})",
    r"our (?:mistake|fault|error)", r"we (?:got|have got) (?:this|it|that) wrong",
    r"we (?:messed|screwed) up", r"we dropped the ball", r"(?:that|this|it) is on us",
    r"we should have", r"we let you down", r"we will make (?:this|it) right",
)  # fmt: skip
# Blaming the customer (feature ``blamed_customer``): loses all ownership points.
CUSTOMER_BLAME_PHRASES = (
    r"you should (?:not )?have", r"you should've", r"you (?:need(?:ed)?|have|had) to (?:read|"
    r"follow|check|update|make sure|pay attention)", r"you did not (?:read|follow|check|update|"
    r"see|pay|enter|provide|notice|bother|listen)", r"you (?:failed|neglected|forgot) to",
    r"(?:it is |that is |this is )?(?:all )?your (?:own )?fault", r"you must have",
    r"user error", r"as (?:clearly )?(?:stated|explained|mentioned|indicated|written|shown)",
    r"(?:read|check|see) the (?:instructions|manual|terms|small print|fine print)",
    r"you were (?:told|informed|warned|advised)", r"you (?:agreed|accepted) to (?:our|the) terms",
    r"if you had (?:read|followed|checked|paid|bothered|listened)",
    r"you (?:clearly )?(?:misunderstood|misread)", r"it is (?:clearly )?(?:stated|explained)",
    r"calm down", r"no need to (?:be rude|shout)", r"learn (?:to|how to) read",
)  # fmt: skip
# Deflection: not the customer's fault, but not ours either.
DEFLECTION_PHRASES = (
    r"not (?:our|my) (?:fault|problem|responsibility|issue|department)",
    r"nothing (?:we|i) can do", r"out of our hands", r"beyond our control",
    r"(?:that is|it is|this is) (?:just |simply )?(?:our|company) policy",
    r"(?:the|our) (?:courier|supplier|partner|manufacturer|bank|system|airport)(?:'s)? (?:fault|"
    r"problem|responsibility|issue)",
    r"(?:you will have to|you need to|please) contact (?:the|your) (?:courier|bank|manufacturer|"
    r"supplier)",
)  # fmt: skip

# Moving the conversation to a private channel (DM, private message, e-mail or a call).
DM_PHRASES = (
    r"dms?", r"dm'?e?d", r"direct messages?", r"private messages?", r"privately", r"in private",
    r"pm (?:us|me)", r"(?:check|see) (?:your )?inbox", r"secure (?:form|link|chat)",
    r"off (?:the )?(?:timeline|thread)", r"(?:email|e-mail|call|ring|phone) (?:us|me)",
    r"give (?:us|me) a (?:call|ring)",
)  # fmt: skip
# Details that must never be asked for in public: asking for them is an auto-fail.
SENSITIVE_DETAILS: Mapping[str, str] = MappingProxyType(
    {
        r"account (?:number|no|#|details|login|credentials)": "account number",
        r"passwords?|passcodes?|pass word": "password",
        r"pins?(?: (?:number|code))?": "PIN",
        r"security (?:codes?|questions?|answers?)": "security code",
        r"(?:(?:credit|debit|bank|payment) )?card (?:numbers?|details|no)|long card number":
            "card number",
        r"cvv2?|cvc|card verification": "card security code",
        r"expiry date": "card expiry date",
        r"sort code|iban|routing number|bank (?:details|account)": "bank details",
        r"social security(?: number)?|ssn|national insurance(?: number)?|tax id":
            "national ID number",
        r"passport (?:number|details)|driv(?:er'?s|ing) licen[cs]e": "ID document number",
        r"date of birth|dob|birth ?date": "date of birth",
        # "your address", not the verb ("we will address this")
        r"(?:your|the|full|home|postal|street|billing|shipping|delivery|mailing|email|e-mail) "
        r"address(?:es)?": "address",
        r"(?:phone|mobile|cell|telephone|contact) (?:number|no)": "phone number",
        r"(?:one[- ]time|verification|2fa|otp|login|sms) (?:code|passcode)": "one-time code",
        r"mother'?s maiden name": "security answer",
        r"login details|username and password": "login details",
    }
)  # fmt: skip
# Never ask for these at all, even in a private channel: no legitimate care team needs them.
CREDENTIAL_LABELS = frozenset(
    {"password", "PIN", "card security code", "one-time code", "security answer", "login details"}
)
# Personal but not secret: fine in DM, wrong in a public reply (loses channel fit, no auto-fail).
PERSONAL_DETAILS = (
    r"order (?:number|no|id|#|reference)", r"booking (?:reference|number|ref|code)",
    r"reservation (?:number|code)", r"confirmation (?:number|code)",
    r"(?:ticket|case|reference) number", r"postcode", r"zip code", r"full name", r"surname",
    r"last (?:four|4) digits", r"email",
)  # fmt: skip
REQUEST_CUES = (
    r"please", r"pls", r"plz", r"can you", r"could you", r"would you", r"will you", r"reply",
    r"respond", r"send", r"share", r"provide", r"give", r"tell", r"post", r"confirm",
    r"let (?:us|me) know", r"what is", r"need", r"include", r"comment", r"type", r"enter",
    r"drop", r"leave", r"write", r"supply", r"verify", r"require",
)  # fmt: skip
# "Never share your password": a warning, not a request.
NEGATION_CUES = (
    r"(?:never|do not|please do not|no need to|without|avoid|not) (?:\w+ ){0,2}?(?:share|"
    r"sharing|post|posting|give|giving|send|sending|include|including|tweet|tweeting|reveal|"
    r"revealing|ask|asking)",
    r"(?:nobody|no one|we|i) (?:will|would|should) (?:never|not|ever) ask",
    r"(?:never|not) ask(?:ed|s)? (?:for|you)",
)  # fmt: skip
# Saying where the customer should answer: this thread, in public. "Here" is weaker: it counts
# only when the same sentence does not mention a DM ("DM your order number here" is private).
PUBLIC_CUES = (
    r"reply (?:with|here|below|to this|in this)", r"(?:in|on|to) (?:this|the) (?:thread|"
    r"comments?|tweet|post|timeline)", r"below", r"publicly", r"comment (?:with|below|here)",
    r"tweet (?:us|me|it)", r"post (?:it|them|your)",
)  # fmt: skip
WEAK_PUBLIC_CUES = (r"here",)
# Stock phrases of macros and form letters ("don't push out an automated response" —
# domain article; "toss out the scripts" — Maroon PR 2010).
SCRIPTED_PHRASES = (
    r"(?:we )?apologi[sz]e for any inconvenience(?: caused)?",
    r"sorry for any inconvenience(?: caused)?",
    r"inconvenience (?:this )?(?:may have |has )?caused",
    r"your (?:call|business|custom|feedback|satisfaction|query) is (?:very )?important to us",
    r"we value your (?:feedback|business|custom)", r"please be advised",
    r"thank you for contacting", r"thank(?:s| you) for reaching out",
    r"we appreciate your (?:patience|understanding)", r"kindly", r"dear (?:valued )?customer",
    r"valued customer", r"rest assured", r"please do not hesitate",
    r"for (?:further|more) information", r"the relevant (?:team|department)",
)  # fmt: skip
# Placeholders left in a macro.
PLACEHOLDER_PATTERN = (
    r"\[(?:name|customer|first ?name|issue|order|topic|x+|insert[^\]]{0,30})\]"
    r"|\{[a-z_ ]{1,30}\}|<(?:name|customer|first ?name)>|\bx{3,}\b"
)
# Acronyms that are not shouting.
ALLOWED_ACRONYMS = frozenset({
    "DM", "DMS", "FAQ", "ID", "PIN", "UK", "US", "USA", "EU", "ATM", "PM", "AM", "OK", "TV",
    "SMS", "URL", "ETA", "CEO", "VAT", "IT", "FYI", "ASAP", "PS", "GB", "NYC", "LA", "EST",
    "PST", "GMT", "UTC", "BST", "CET", "APP", "PDF", "IOS", "NHS", "UPS", "DHL", "USPS",
})  # fmt: skip
# Common words that tell nothing about the complaint (for matching the reply to the complaint).
_STOPWORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can cannot could did do does doing done down
    during each even ever every few for from further get got had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same
    she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours yourself yourselves still again already yet
    today tonight tomorrow yesterday hours hour days day week weeks minutes time times
    please thanks thank hello hi dear regards sorry really never always nobody anyone
    someone anything something nothing everyone people guys team company brand customer
    customers service help support reply answer response respond message contact waiting
    wait waited absolutely seriously literally terrible awful ridiculous joke worst
    unacceptable disgusting useless pathetic shocking appalling love great good bad sure
    okay going want need know think make made take said told tell look looking back keep
    well much many way thing things one two three first last next new long since ago per via
    etc let lets like also wrong right issue problem problems issues experience fix fixed
    sort sorted happen happened happening
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def _phrases(patterns: Iterable[str]) -> re.Pattern[str]:
    """One alternation of whole-word phrases (lookarounds, since phrases may start with '$')."""
    return re.compile(r"(?<![\w'])(?:" + "|".join(patterns) + r")(?![\w'])")


_CONTRACTION_RE = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(re.escape(k) for k in sorted(CONTRACTIONS, key=len, reverse=True))
    + r")(?![\w'])"
)
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
        "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ",
    }
)  # fmt: skip
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_SENTENCE_END = re.compile(r"[.!?;\n]+(?:\s|$)|\n")
_WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_RAW_WORDS = re.compile(r"[^\W_]+")
_EXCLAMATIONS = re.compile("!{" + str(SHOUT_EXCLAMATIONS) + ",}")

_APOLOGY = _phrases(APOLOGY_PHRASES)
_NON_APOLOGY = _phrases(NON_APOLOGY_PHRASES)
_GENERIC_APOLOGY = _phrases(GENERIC_APOLOGY_PHRASES)
_ACKNOWLEDGEMENT = _phrases(ACKNOWLEDGEMENT_PHRASES)
_HOLDING = _phrases(HOLDING_PHRASES)
_NEXT_STEP = _phrases(NEXT_STEP_PHRASES)
_TIMEFRAME = _phrases(TIMEFRAME_PHRASES)
_HANDOVER_VERB = _phrases(HANDOVER_VERBS)
_SPECIALIST = _phrases(SPECIALIST_NOUNS)
_COMPENSATION = _phrases(COMPENSATION_PHRASES)
_PERSONAL_OWNERSHIP = _phrases(PERSONAL_OWNERSHIP_PHRASES)
_TEAM_OWNERSHIP = _phrases(TEAM_OWNERSHIP_PHRASES)
_CUSTOMER_BLAME = _phrases(CUSTOMER_BLAME_PHRASES)
_DEFLECTION = _phrases(DEFLECTION_PHRASES)
_DM = _phrases(DM_PHRASES)
_SENSITIVE = [(_phrases([p]), label) for p, label in SENSITIVE_DETAILS.items()]
_SENSITIVE_ANY = _phrases(SENSITIVE_DETAILS)
_PERSONAL = _phrases(PERSONAL_DETAILS)
_REQUEST = _phrases(REQUEST_CUES)
_NEGATION = _phrases(NEGATION_CUES)
_PUBLIC_CUE = _phrases(PUBLIC_CUES)
_WEAK_PUBLIC_CUE = _phrases(WEAK_PUBLIC_CUES)
_SCRIPTED = _phrases(SCRIPTED_PHRASES)
_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)

_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev"})
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "dvm", "esq"})
# First names that are also everyday words: only their capitalised form names the customer.
_WORD_NAMES_TEXT = """
    will bill mark grace hope may joy faith rose summer june april art guy sue pat rich
    frank gene max ray sky dawn iris ivy jack sunny honey amber crystal destiny chance
    hunter page bob rob don dean drew lane wade carol
"""
_WORD_NAMES = frozenset(_WORD_NAMES_TEXT.split())


# --- Public data types --------------------------------------------------------------------------
@dataclass(frozen=True)
class ReplyContext:
    """What the rep is answering: the complaint, its customer and channel, and the time taken.

    ``anger`` is 0..1; ``wait_min`` is how long the customer has waited for this reply and
    ``sla_min`` the channel's first-response target (both minutes; ``sla_min`` may be
    ``math.inf``). ``canned_texts`` are the organisation's macros: a near-identical copy of one
    scores badly in basics. ``remedy_offered`` is the compensation (currency) sent with the
    reply. ``brand`` words never count as naming the customer's issue.
    """

    channel: str
    public: bool
    customer_name: str
    customer_handle: str
    topic: str
    complaint_text: str
    anger: float
    wait_min: float
    sla_min: float
    action: ReplyAction = ReplyAction.REPLY_PUBLIC
    canned_texts: tuple[str, ...] = ()
    remedy_offered: float = 0.0
    brand: str = DEFAULT_BRAND

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", ReplyAction(self.action))
        object.__setattr__(self, "canned_texts", tuple(self.canned_texts))
        if not (math.isfinite(self.anger) and 0.0 <= self.anger <= 1.0):
            raise ValueError(f"anger must be within 0..1, got {self.anger!r}")
        if not (math.isfinite(self.wait_min) and self.wait_min >= 0.0):
            raise ValueError(f"wait_min must be a finite number ≥ 0, got {self.wait_min!r}")
        if not (self.sla_min > 0.0):  # also rejects NaN
            raise ValueError(f"sla_min must be > 0 (math.inf for none), got {self.sla_min!r}")
        if not (math.isfinite(self.remedy_offered) and self.remedy_offered >= 0.0):
            raise ValueError(f"remedy_offered must be ≥ 0, got {self.remedy_offered!r}")


@dataclass(frozen=True)
class ReplyFeatures:
    """What the reply did, as the model needs it for the customer's reaction and the spread."""

    apologised: bool
    named_customer: bool
    named_issue: bool
    next_step: bool
    ownership: bool
    blamed_customer: bool
    moved_to_dm: bool
    asked_private_details_publicly: bool
    canned_unedited: bool
    shouting: bool
    length_ok: bool
    offered_compensation: bool


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's points out of its weight, what to keep or change, and a better phrasing."""

    key: str
    label: str
    weight: float
    points: float
    feedback: str
    example: str


@dataclass(frozen=True)
class ScoreResult:
    """A reply's score: ``total`` 0–100 (0 on auto-fail), pass flag and per-criterion detail."""

    total: float
    passed: bool
    auto_fail: str | None
    criteria: tuple[CriterionResult, ...]
    features: ReplyFeatures

    def as_dict(self) -> dict:
        """A JSON-ready dict (points rounded to 0.01 for display)."""
        return {
            "total": round(self.total, 2),
            "passed": self.passed,
            "pass_mark": PASS_MARK,
            "auto_fail": self.auto_fail,
            "criteria": [
                {
                    "key": c.key,
                    "label": c.label,
                    "weight": round(c.weight, 2),
                    "points": round(c.points, 2),
                    "feedback": c.feedback,
                    "example": c.example,
                }
                for c in self.criteria
            ],
            "features": dataclasses.asdict(self.features),
        }


# --- Reading a reply ---------------------------------------------------------------------------
def normalise(text: str) -> str:
    """Text as the phrase lists see it: NFKC, straight quotes, case-folded, contractions expanded.

    Only the first :data:`MAX_ANALYSED_CHARS` characters are read.
    """
    t = unicodedata.normalize("NFKC", text[:MAX_ANALYSED_CHARS])[:MAX_ANALYSED_CHARS]
    t = t.translate(_QUOTES).casefold()
    t = _NEWLINES.sub("\n", _SPACES.sub(" ", t)).strip()
    return _CONTRACTION_RE.sub(lambda m: CONTRACTIONS[m.group(0)], t)


def _sentences(norm: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(norm) if s.strip()]


def _name_parts(name: str) -> tuple[str, str]:
    """(first, last) name of a customer, without honorifics or suffixes."""
    name = unicodedata.normalize("NFKC", name[:MAX_NAME_CHARS]).translate(_QUOTES)
    tokens = re.findall(r"[^\W\d_]+(?:['\-][^\W\d_]+)*", name)
    tokens = [t for t in tokens if t.casefold().rstrip(".") not in _HONORIFICS | _NAME_SUFFIXES]
    if not tokens:
        return "", ""
    return tokens[0], tokens[-1] if len(tokens) > 1 else ""


def _word_in(word: str, norm: str) -> bool:
    return bool(word) and re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", norm) is not None


def _names_customer(raw: str, norm: str, ctx: ReplyContext) -> tuple[bool, bool]:
    """(named by first/last name, named by handle only)."""
    first, last = _name_parts(ctx.customer_name)
    by_name = False
    if first:
        if first.casefold() in _WORD_NAMES:  # "I will" must not count as naming Will
            proper = first[:1].upper() + first[1:].lower()
            by_name = re.search(rf"(?<![\w']){re.escape(proper)}(?![\w'])", raw) is not None
        else:
            by_name = _word_in(first.casefold(), norm)
    if not by_name and last:
        honorific = "|".join(sorted(_HONORIFICS))
        by_name = re.search(rf"(?:{honorific})\.? {re.escape(last.casefold())}(?![\w'])", norm)
        by_name = by_name is not None
    handle = ctx.customer_handle[:MAX_NAME_CHARS].strip().lstrip("@").casefold()
    by_handle = _word_in(handle, norm) if handle else False
    return by_name, by_handle and not by_name


@lru_cache(maxsize=256)
def _topic_pattern(topic: str) -> re.Pattern[str] | None:
    keywords = topic_guide(topic).keywords
    return _phrases(keywords) if keywords else None


def _content_words(norm: str, exclude: frozenset[str]) -> set[str]:
    words = set()
    for m in re.finditer(r"(?<![@#\w])[^\W\d_]{4,}", norm):
        w = m.group(0)
        if w not in STOPWORDS and w not in exclude:
            words.add(w)
    return words


def _names_issue(norm: str, ctx: ReplyContext) -> bool:
    """The reply names the issue: a topic keyword, or a word it shares with the complaint."""
    pattern = _topic_pattern(ctx.topic)
    if pattern is not None and pattern.search(norm):
        return True
    brand = frozenset(_RAW_WORDS.findall(normalise(ctx.brand)))
    names = frozenset(
        _RAW_WORDS.findall(normalise(f"{ctx.customer_name} {ctx.customer_handle}"[:MAX_NAME_CHARS]))
    )
    complaint = _content_words(normalise(ctx.complaint_text), brand | names)
    return bool(complaint & _content_words(norm, brand | names))


def _private_detail_asks(sentences: list[str], dm_elsewhere: bool) -> tuple[list[str], list[str]]:
    """(sensitive, personal) details the reply asks the customer to post in the open.

    A sentence asks publicly when it names the detail, contains a request, is not negated
    ("never share your password") and either says where to post it in public ("reply here
    with…") or neither it nor the rest of the reply points to a private channel.
    """
    sensitive: list[str] = []
    personal: list[str] = []
    for s in sentences:
        has_sensitive = _SENSITIVE_ANY.search(s) is not None
        has_personal = _PERSONAL.search(s) is not None
        if not (has_sensitive or has_personal) or not _REQUEST.search(s) or _NEGATION.search(s):
            continue
        dm_here = _DM.search(s) is not None
        in_public = _PUBLIC_CUE.search(s) is not None or (
            not dm_here and (_WEAK_PUBLIC_CUE.search(s) is not None or not dm_elsewhere)
        )
        if not in_public:
            continue
        if has_sensitive:
            sensitive.extend(label for p, label in _SENSITIVE if p.search(s))
        else:
            personal.append(_PERSONAL.search(s).group(0))
    return list(dict.fromkeys(sensitive)), list(dict.fromkeys(personal))


def _credentials_asked(sentences: list[str]) -> list[str]:
    """Credentials the reply asks for anywhere (never acceptable, even in private)."""
    found: list[str] = []
    for s in sentences:
        if _REQUEST.search(s) and not _NEGATION.search(s):
            found.extend(
                label for p, label in _SENSITIVE if label in CREDENTIAL_LABELS and p.search(s)
            )
    return list(dict.fromkeys(found))


def _shouting(raw: str) -> bool:
    """Mostly capitals, a run of ALL-CAPS words, or '!!!'."""
    cased = upper = 0
    for ch in raw:
        if ch.isupper():
            upper += 1
            cased += 1
        elif ch.islower():
            cased += 1
    if cased >= SHOUT_MIN_LETTERS and upper >= SHOUT_UPPER_RATIO * cased:
        return True
    run = 0
    for w in _RAW_WORDS.findall(raw):
        if len(w) >= 2 and w.isupper() and w not in ALLOWED_ACRONYMS:
            run += 1
            if run >= SHOUT_CAPS_RUN:
                return True
        else:
            run = 0
    return _EXCLAMATIONS.search(raw) is not None


def _macro_similarity(words: list[str], macro: str) -> float:
    """Similarity (0..1) of a reply's words to a macro's, order-aware (difflib ratio)."""
    other = _WORDS.findall(normalise(macro))
    if not words or not other:
        return 0.0
    if 2 * min(len(words), len(other)) / (len(words) + len(other)) <= CANNED_SIMILARITY:
        return 0.0  # the ratio cannot exceed this bound
    matcher = difflib.SequenceMatcher(None, words, other, autojunk=False)
    if (
        matcher.real_quick_ratio() <= CANNED_SIMILARITY
        or matcher.quick_ratio() <= CANNED_SIMILARITY
    ):
        return 0.0
    return matcher.ratio()


@dataclass(frozen=True)
class _Reading:
    """Everything the rubric reads from a reply (internal; :class:`ReplyFeatures` is public)."""

    kind: ChannelKind
    chars: int
    words: int
    apology: str  # "sincere" | "generic" | "non_apology" | "none"
    acknowledged: bool
    named_by_name: bool
    named_by_handle: bool
    named_issue: bool
    next_step: bool
    holding_line: bool
    timeframe: bool
    handover: bool
    compensation: bool
    personal_ownership: bool
    team_ownership: bool
    blamed: bool
    deflected: bool
    dm_invite: bool
    sensitive_public: tuple[str, ...]
    personal_public: tuple[str, ...]
    credentials: tuple[str, ...]
    shouting: bool
    canned: bool
    placeholder: bool
    scripted: bool

    @property
    def length_ok(self) -> bool:
        return self.words >= MIN_REPLY_WORDS and self.chars <= CHANNEL_MAX_CHARS[self.kind]


def _read(text: str, ctx: ReplyContext) -> _Reading:
    raw = unicodedata.normalize("NFKC", text.strip()[:MAX_ANALYSED_CHARS])
    norm = normalise(raw)
    sentences = _sentences(norm)
    words = _WORDS.findall(norm)

    no_non_apology = _NON_APOLOGY.sub(" ", norm)
    generic = _GENERIC_APOLOGY.search(no_non_apology) is not None
    if _APOLOGY.search(_GENERIC_APOLOGY.sub(" ", no_non_apology)):
        apology = "sincere"
    elif generic:
        apology = "generic"
    elif _NON_APOLOGY.search(norm):
        apology = "non_apology"
    else:
        apology = "none"

    without_holding = _HOLDING.sub(" ", norm)
    by_name, by_handle = _names_customer(raw, norm, ctx)
    dm_invite = _DM.search(norm) is not None
    sensitive, personal = _private_detail_asks(
        sentences, dm_invite or ctx.action == ReplyAction.MOVE_TO_DM
    )
    canned = any(_macro_similarity(words, m) > CANNED_SIMILARITY for m in ctx.canned_texts)
    placeholder = _PLACEHOLDER.search(norm) is not None
    return _Reading(
        kind=channel_kind(ctx.channel),
        chars=len(text.strip()),
        words=len(words),
        apology=apology,
        acknowledged=_ACKNOWLEDGEMENT.search(norm) is not None,
        named_by_name=by_name,
        named_by_handle=by_handle,
        named_issue=_names_issue(norm, ctx),
        next_step=_NEXT_STEP.search(without_holding) is not None,
        holding_line=_HOLDING.search(norm) is not None,
        timeframe=_TIMEFRAME.search(norm) is not None,
        handover=any(_HANDOVER_VERB.search(s) and _SPECIALIST.search(s) for s in sentences),
        compensation=_COMPENSATION.search(norm) is not None,
        personal_ownership=_PERSONAL_OWNERSHIP.search(without_holding) is not None,
        team_ownership=_TEAM_OWNERSHIP.search(without_holding) is not None,
        blamed=_CUSTOMER_BLAME.search(norm) is not None,
        deflected=_DEFLECTION.search(norm) is not None,
        dm_invite=dm_invite,
        sensitive_public=tuple(sensitive) if ctx.public else (),
        personal_public=tuple(personal) if ctx.public else (),
        credentials=tuple(_credentials_asked(sentences)),
        shouting=_shouting(raw),
        canned=canned or placeholder,
        placeholder=placeholder,
        scripted=_SCRIPTED.search(norm) is not None,
    )


# --- Criteria ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Phrasing:
    """The pieces of this context's better phrasings."""

    first: str
    issue: str
    step: str
    details: str
    team: str
    when: str
    kind: ChannelKind

    @classmethod
    def of(cls, ctx: ReplyContext) -> _Phrasing:
        guide = topic_guide(ctx.topic)
        kind = channel_kind(ctx.channel)
        first, _ = _name_parts(ctx.customer_name)
        return cls(
            first or "there",
            guide.issue,
            guide.next_step,
            guide.details,
            guide.team,
            CHANNEL_TIMEFRAME[kind],
            kind,
        )

    def model_reply(self, ctx: ReplyContext) -> str:
        """A complete reply that fits the channel."""
        dm = ctx.public and ctx.topic in cal.TOPICS_NEEDING_PRIVATE_DETAILS
        step = f"I've sent you a DM so I can {self.step}" if dm else f"I'll {self.step}"
        text = (
            f"Hi {self.first}, I'm so sorry about {self.issue}. {step}; "
            f"you'll hear from me {self.when}."
        )
        if len(text) > CHANNEL_MAX_CHARS[self.kind]:  # e.g. a very long customer name
            text = f"I'm so sorry. I'll sort this and you'll hear from me {self.when}."
        return text


def _resolution(r: _Reading, ctx: ReplyContext, p: _Phrasing) -> tuple[float, str, str]:
    if ctx.action == ReplyAction.ESCALATE:
        example = (
            f"I've passed this to our {p.team} team, who will {p.step}; "
            f"they'll contact you {p.when}."
        )
    else:
        example = f"I'll {p.step}; you'll hear from me {p.when}."
    if r.next_step:
        share = NEXT_STEP_SHARE + (TIMEFRAME_SHARE if r.timeframe else 0.0)
        feedback = (
            "Clear next step with a time frame."
            if r.timeframe
            else "Good next step — add when the customer will hear back (e.g. 'by 5pm')."
        )
    elif r.holding_line:
        share = HOLDING_LINE_SHARE + (TIMEFRAME_SHARE if r.timeframe else 0.0)
        feedback = (
            "A holding line ('we're looking into it') tells the customer nothing: say "
            "what you will do and when."
        )
    else:
        share = 0.0
        feedback = "No next step: tell the customer what happens now and when."
    if ctx.action == ReplyAction.ESCALATE and not r.handover:
        share *= ESCALATION_WITHOUT_HANDOVER_FACTOR
        feedback += " You escalated: say it is going to a specialist and what they will do."
    elif ctx.action == ReplyAction.OFFER_REMEDY and not r.compensation:
        feedback += " You offered a remedy: tell the customer what it is."
    return share, feedback, example


def _empathy(r: _Reading, ctx: ReplyContext, p: _Phrasing) -> tuple[float, str, str]:
    example = f"I'm really sorry about {p.issue}, {p.first} — I understand how frustrating that is."
    share = {"sincere": APOLOGY_SHARE, "generic": GENERIC_APOLOGY_SHARE}.get(r.apology, 0.0)
    if r.acknowledged:
        share += ACKNOWLEDGEMENT_SHARE
    if r.apology == "sincere":
        feedback = (
            "Sincere apology and acknowledgement."
            if r.acknowledged
            else "Good apology — also acknowledge how this feels for the customer."
        )
    elif r.apology == "generic":
        feedback = (
            "'Sorry for any inconvenience' is a stock phrase: apologise for what actually "
            "went wrong."
        )
    elif r.apology == "non_apology":
        feedback = (
            "'Sorry you feel that way' is a non-apology: it blames the customer's "
            "feelings. Apologise for what went wrong."
        )
    elif ctx.anger >= FURIOUS_FROM:
        feedback = "No apology to a furious customer: don't be afraid to say you're sorry."
    else:
        feedback = "No apology: don't be afraid to say you're sorry."
    if r.blamed and share > 0:
        share *= BLAME_EMPATHY_FACTOR
        feedback += " Blaming the customer undoes much of the apology."
    return min(1.0, share), feedback, example


def _personalization(r: _Reading, ctx: ReplyContext, p: _Phrasing) -> tuple[float, str, str]:
    example = f"Hi {p.first}, thanks for telling us about {p.issue}."
    has_name = bool(_name_parts(ctx.customer_name)[0] or ctx.customer_handle.strip("@ "))
    if r.named_by_name or not has_name:
        name_share = NAME_SHARE
    elif r.named_by_handle:
        name_share = HANDLE_ONLY_SHARE
    else:
        name_share = 0.0
    share = name_share + (ISSUE_SHARE if r.named_issue else 0.0)
    missing = []
    if name_share < NAME_SHARE:
        missing.append(f"use the customer's name ({p.first})")
    if not r.named_issue:
        missing.append(f"mention their issue ({p.issue})")
    feedback = (
        "Personal: names the customer and their issue."
        if not missing
        else "Make it personal: " + " and ".join(missing) + "."
    )
    return share, feedback, example


def _ownership(r: _Reading, ctx: ReplyContext, p: _Phrasing) -> tuple[float, str, str]:
    example = f"That's on us, {p.first}. I'll personally {p.step}."
    if r.blamed:
        return (
            0.0,
            (
                "Blaming the customer ('you should have…') loses them and everyone "
                "watching: own the problem instead."
            ),
            example,
        )
    if r.deflected:
        return (
            DEFLECTION_SHARE,
            (
                "Deflecting ('not our fault', 'that's our policy') reads as "
                "not caring: say what you can do."
            ),
            example,
        )
    if r.personal_ownership:
        return PERSONAL_OWNERSHIP_SHARE, "Takes personal ownership ('I will…').", example
    if r.team_ownership:
        return (
            TEAM_OWNERSHIP_SHARE,
            "Owns it as a team — a personal 'I will…' is stronger.",
            example,
        )
    return NEUTRAL_OWNERSHIP_SHARE, "No one owns the problem: say what *you* will do.", example


def _channel_fit(r: _Reading, ctx: ReplyContext, p: _Phrasing) -> tuple[float, str, str]:
    needs_dm = (
        ctx.topic in cal.TOPICS_NEEDING_PRIVATE_DETAILS or ctx.action == ReplyAction.MOVE_TO_DM
    )
    if ctx.public:
        example = (
            f"I've sent you a DM — please share your {p.details} there so I can "
            f"{p.step}. Never post it here."
        )
    else:
        example = f"Could you send me your {p.details} so I can {p.step}?"
    if r.sensitive_public:
        return 0.0, _auto_fail_reason(r.sensitive_public), example
    if r.credentials:
        return (
            CREDENTIALS_ASKED_SHARE,
            (
                f"Never ask for a {', '.join(r.credentials)} — not even "
                "privately: no care team needs it."
            ),
            example,
        )
    if not ctx.public:
        if r.dm_invite and r.kind not in SOCIAL_KINDS:
            return (
                DM_ON_PRIVATE_CHANNEL_SHARE,
                ("The customer is already in a private channel: ask for what you need here."),
                example,
            )
        return 1.0, "Private channel: fine to ask for the details you need.", example
    if r.personal_public:
        return (
            PERSONAL_DETAILS_IN_PUBLIC_SHARE,
            (
                f"Don't ask for the {', '.join(r.personal_public)} in public: invite the customer "
                "to DM."
            ),
            example,
        )
    if r.dm_invite:
        return 1.0, "Moves the personal part to DM.", example
    if ctx.action == ReplyAction.MOVE_TO_DM:
        return (
            MOVED_WITHOUT_TELLING_SHARE,
            ("You moved this to DM: tell the customer to check their DMs."),
            example,
        )
    if needs_dm:
        return (
            DM_NEEDED_BUT_PUBLIC_SHARE,
            (
                "This needs account details: invite the customer to "
                "DM rather than sorting it in public."
            ),
            example,
        )
    return 1.0, "A public reply suits this complaint: everyone can see you care.", example


def _basics(r: _Reading, ctx: ReplyContext, p: _Phrasing) -> tuple[float, str, str]:
    share = 0.0
    notes = []
    limit = CHANNEL_MAX_CHARS[r.kind]
    if r.length_ok:
        share += LENGTH_SHARE
    elif r.words < MIN_REPLY_WORDS:
        notes.append("too short to help")
    else:
        notes.append(f"too long for {ctx.channel} ({r.chars} characters, limit {limit})")
    if r.shouting:
        notes.append("written in capitals or with '!!!' — reads as shouting")
    else:
        share += TONE_SHARE
    if r.placeholder:
        notes.append("a macro placeholder was left in")
    elif r.canned:
        notes.append("an unedited canned reply — personalise it")
    elif r.scripted:
        share += ORIGINALITY_SHARE * SCRIPTED_PHRASE_FACTOR
        notes.append("stock phrases ('any inconvenience', 'we value your feedback') sound scripted")
    else:
        share += ORIGINALITY_SHARE
    late = max(0.0, ctx.wait_min - ctx.sla_min) if math.isfinite(ctx.sla_min) else 0.0
    if late > 0.0:
        share += TIMELINESS_SHARE * max(
            0.0, 1.0 - late / ((LATE_ZERO_AT_SLA_MULTIPLE - 1) * ctx.sla_min)
        )
        notes.append(f"late: {ctx.wait_min:.0f} min against an SLA of {ctx.sla_min:g} min")
    else:
        share += TIMELINESS_SHARE
    feedback = (
        "Right length, calm tone, original and on time."
        if not notes
        else "Basics: " + "; ".join(notes) + "."
    )
    return min(1.0, share), feedback, p.model_reply(ctx)


_CRITERIA = {
    "resolution": _resolution,
    "empathy": _empathy,
    "personalization": _personalization,
    "ownership": _ownership,
    "channel_fit": _channel_fit,
    "basics": _basics,
}


def _auto_fail_reason(details: tuple[str, ...]) -> str:
    return (
        f"Auto-fail: asked for {', '.join(details)} in a public reply, where anyone can read "
        "it. Move the conversation to DM (or a secure form) before asking for personal "
        "details."
    )


def validate_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Criterion weights renormalised to sum to 100.

    ``None`` gives :data:`DEFAULT_WEIGHTS`. A partial mapping overrides those criteria and keeps
    the defaults for the rest. Raises ``ValueError`` for an unknown key, a non-numeric,
    negative or non-finite weight, or weights that sum to 0.
    """
    merged = dict(DEFAULT_WEIGHTS)
    if weights is not None:
        if not isinstance(weights, Mapping):
            raise ValueError("weights must be a mapping of criterion → weight")
        unknown = sorted(str(k) for k in weights if k not in DEFAULT_WEIGHTS)
        if unknown:
            known = ", ".join(DEFAULT_WEIGHTS)
            raise ValueError(f"unknown criterion {', '.join(unknown)} (known: {known})")
        for key, value in weights.items():
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(f"weight of {key} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight of {key} must be a finite number ≥ 0, got {value!r}")
            merged[key] = float(value)
    total = sum(merged.values())
    if total <= 0:
        raise ValueError("weights must not all be 0")
    return {k: v * WEIGHT_TOTAL / total for k, v in merged.items()}


def score_reply(
    text: str, ctx: ReplyContext, weights: Mapping[str, float] | None = None
) -> ScoreResult:
    """Score ``text`` as a reply to the complaint in ``ctx`` (pure and deterministic).

    Returns the total (0–100; 0 on auto-fail), whether it passes (≥ :data:`PASS_MARK`, no
    auto-fail), one :class:`CriterionResult` per criterion — points out of the weight, feedback
    and a better phrasing for this context — and the :class:`ReplyFeatures` the model reacts
    to. Points sum to the total unless the reply auto-failed. Raises ``ValueError`` for an
    empty or whitespace-only reply and for invalid ``weights`` (see :func:`validate_weights`).
    """
    if not isinstance(text, str):
        raise TypeError(f"reply text must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("the reply is empty: write something to the customer")
    w = validate_weights(weights)
    r = _read(text, ctx)
    phrasing = _Phrasing.of(ctx)
    criteria = []
    for key, criterion in _CRITERIA.items():
        share, feedback, example = criterion(r, ctx, phrasing)
        points = w[key] * min(1.0, max(0.0, share))
        criteria.append(
            CriterionResult(key, CRITERION_LABELS[key], w[key], points, feedback, example)
        )
    auto_fail = _auto_fail_reason(r.sensitive_public) if r.sensitive_public else None
    total = 0.0 if auto_fail else min(WEIGHT_TOTAL, max(0.0, sum(c.points for c in criteria)))
    features = ReplyFeatures(
        apologised=r.apology in ("sincere", "generic"),
        named_customer=r.named_by_name or r.named_by_handle,
        named_issue=r.named_issue,
        next_step=r.next_step,
        ownership=(r.personal_ownership or r.team_ownership) and not (r.blamed or r.deflected),
        blamed_customer=r.blamed,
        moved_to_dm=r.dm_invite or ctx.action == ReplyAction.MOVE_TO_DM,
        asked_private_details_publicly=bool(r.sensitive_public),
        canned_unedited=r.canned,
        shouting=r.shouting,
        length_ok=r.length_ok,
        offered_compensation=ctx.action == ReplyAction.OFFER_REMEDY
        or ctx.remedy_offered > 0
        or r.compensation,
    )
    return ScoreResult(
        total=total,
        passed=auto_fail is None and total >= PASS_MARK,
        auto_fail=auto_fail,
        criteria=tuple(criteria),
        features=features,
    )


__all__ = [
    "CHANNEL_MAX_CHARS",
    "DEFAULT_WEIGHTS",
    "PASS_MARK",
    "TOPIC_GUIDES",
    "ChannelKind",
    "CriterionResult",
    "ReplyAction",
    "ReplyContext",
    "ReplyFeatures",
    "ScoreResult",
    "TopicGuide",
    "channel_kind",
    "normalise",
    "score_reply",
    "topic_guide",
    "validate_weights",
]
