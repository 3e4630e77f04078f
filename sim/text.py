"""Seeded text for complaints, customer reactions and bot replies — made only when someone looks.

The model works with numbers (channel, topic, severity, anger, author index, followers). Words
surface only in the trainer's inbox and in transcripts, so they are generated lazily here, as a
pure function of the run's seed and the complaint's id: the same inputs give the same text in
any process, on any worker, after any restart (the trainer rebuilds exercises by replay).

Randomness comes from :func:`_rng`: a ``random.Random`` seeded with a BLAKE2 digest of the
inputs (a stream label, the seed, the complaint id…). Python's ``hash()`` is salted per
process and is never used. Names come from Faker, seeded per (seed, customer), so a customer
keeps their name across all their complaints; text is stable for a given Faker version.

Complaint text is built from templates per topic × mood (calm / annoyed / furious, from the
anger 0..1) × channel: Twitter is short with the brand's @handle and sometimes a hashtag,
Facebook longer, a review carries a star rating, an e-mail has a subject, greeting and
signature, chat and phone are transcript lines. Each cell has several templates.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from types import MappingProxyType

from faker import Faker

from . import calibration as cal
from .scoring import (
    ANNOYED_FROM,
    CHANNEL_TIMEFRAME,
    DEFAULT_BRAND,
    FURIOUS_FROM,
    topic_guide,
)
from .vocab import (
    CHANNEL_MAX_CHARS,
    SAFETY_TOPICS,
    SOCIAL_KINDS,
    ChannelKind,
    Reaction,
    ReplyAction,
    Topic,
    channel_kind,
)

# The topics the templates below (and the rubric) know how to talk about: every sim.vocab.Topic.
TOPICS: tuple[str, ...] = tuple(t.value for t in Topic)
# The reactions that are posts, so have words (every Reaction but told_friends, which happens
# off the platform: the trainer shows a note instead).
REACTIONS: tuple[str, ...] = tuple(r.value for r in Reaction if r.posts)
MAX_HANDLE_CHARS = 15  # Twitter's limit on a handle (without the @)
PERSONA_CACHE_SIZE = 16_384


class Mood(StrEnum):
    """How a complaint reads, from its anger (thresholds shared with the rubric)."""

    CALM = "calm"
    ANNOYED = "annoyed"
    FURIOUS = "furious"


def mood(anger: float) -> Mood:
    """The mood of a complaint with ``anger`` in 0..1."""
    if anger >= FURIOUS_FROM:
        return Mood.FURIOUS
    if anger >= ANNOYED_FROM:
        return Mood.ANNOYED
    return Mood.CALM


@dataclass(frozen=True)
class Persona:
    """A customer as others see them: display name and handle (``"@danawhit"``)."""

    name: str
    handle: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""


# --- Templates --------------------------------------------------------------------------------
# Placeholders: {brand} {handle} (the brand's @handle, without @) {order} {amount} {days}
# {hours} {minutes} {n} {topic_label}. Written from the kinds of complaint the domain articles
# and DESIGN §4's scenarios describe (recalls, outages, delivery peaks).
COMPLAINT_LINES: Mapping[str, Mapping[Mood, tuple[str, ...]]] = MappingProxyType({
    "billing": {
        Mood.CALM: (
            "I've been charged {amount} twice for the same booking this month. Could someone "
            "check my bill?",
            "There's a {amount} fee on my latest invoice that I don't recognise. Can you explain?",
            "My direct debit went out {days} days early and took {amount}. Can this be looked at?",
        ),
        Mood.ANNOYED: (
            "Charged twice again: {amount} gone from my account for one booking. Please sort out "
            "your billing.",
            "Why is there a {amount} charge on my bill I never agreed to? Third time I'm asking.",
            "Overcharged {amount} and your billing line keeps hanging up on me. Not impressed.",
        ),
        Mood.FURIOUS: (
            "You've taken {amount} from my account TWICE and nobody will refund it. This is theft.",
            "Absolutely disgusted. {amount} of charges I never authorised and zero help from you.",
            "Stop charging my card! {amount} taken without permission. I want my money back NOW.",
        ),
    },
    "delivery": {
        Mood.CALM: (
            "My order {order} was due {days} days ago and the tracking hasn't moved. Any news?",
            "Hi, my parcel still hasn't arrived. Tracking has said 'in transit' for {days} days.",
            "Could you check on order {order}? The delivery window passed yesterday.",
        ),
        Mood.ANNOYED: (
            "Order {order} is {days} days late and the courier says it's your problem. Is it?",
            "Waited in all day for a delivery that never came. Again. Where is my parcel?",
            "Tracking for {order} hasn't updated in {days} days. Is it even coming?",
        ),
        Mood.FURIOUS: (
            "{days} days late, no parcel, no answers. Worst delivery service I've ever used.",
            "My package is LOST and nobody at {brand} cares. Refund me or deliver it today.",
            "Paid for express delivery, waited {days} days, still nothing. Complete joke.",
        ),
    },
    "product_quality": {
        Mood.CALM: (
            "The item from order {order} stopped working after {days} days. What are my options?",
            "Mine arrived with a cracked screen. Could I get a replacement?",
            "The quality isn't what I expected: the seams came apart after one use.",
        ),
        Mood.ANNOYED: (
            "Second faulty one in a month. The replacement broke after {days} days too.",
            "Paid {amount} for this and it's already falling apart. Poor quality.",
            "It arrived damaged and the returns form doesn't work. Not great.",
        ),
        Mood.FURIOUS: (
            "Broken within {days} days. {amount} wasted on junk. Never buying from {brand} again.",
            "Defective AGAIN. Third one. Do you even test these before selling them?",
            "Total rubbish. It fell apart in my hands and support just ignores me.",
        ),
    },
    "account_access": {
        Mood.CALM: (
            "I'm locked out of my account and the password reset email never arrives. Any help?",
            "I can't log in since the app update: it keeps saying my details are wrong.",
            "My verification code never comes through, so I can't sign in.",
        ),
        Mood.ANNOYED: (
            "Locked out of my account for {days} days now. The reset link just loops.",
            "Tried to log in {n} times, locked out again. Your login system is broken.",
            "Why does your app keep logging me out and then refuse my password?",
        ),
        Mood.FURIOUS: (
            "LOCKED OUT for {days} days and I can't even see my bookings. Useless.",
            "Your 'security' has locked me out of my own account. Fix it or I'm leaving.",
            "{days} days without access to my account and zero help. Unbelievable.",
        ),
    },
    "outage": {
        Mood.CALM: (
            "Is the app down? It's been offline for about {hours} hours here.",
            "The website won't load for me. Is there an outage?",
            "Connection keeps dropping since this morning. Any known issues?",
        ),
        Mood.ANNOYED: (
            "Down again. That's outage number {n} this month.",
            "{hours} hours offline and no update from you. Can you at least say what's going on?",
            "Your service has been down all morning and I've got work to do.",
        ),
        Mood.FURIOUS: (
            "{hours} hours without service and not a single update. Pathetic.",
            "Another outage! I'm paying for a service that doesn't work. Unacceptable.",
            "Everything is down and {brand} is silent. Are you even aware?",
        ),
    },
    "product_safety": {
        Mood.CALM: (
            "My charger got very hot and smelled of burning last night. Is it safe to use?",
            "I heard about a recall. Does it affect the model I bought in order {order}?",
            "The handle came loose while I was using it. That seems like a safety risk.",
        ),
        Mood.ANNOYED: (
            "The unit overheated and melted the plug. Why is this still on sale?",
            "There's a recall notice but no one can tell me what to do with mine.",
            "It sparked when I switched it on. I need to know if it's safe.",
        ),
        Mood.FURIOUS: (
            "Your product caught FIRE in my kitchen. My kids were right there.",
            "It burned my hand and you're still selling it. This is dangerous.",
            "A recall and no instructions? People could get hurt. Disgraceful.",
        ),
    },
    "service": {
        Mood.CALM: (
            "The agent I spoke to earlier was quite dismissive. I'd like someone to look at this.",
            "I was on hold for {minutes} minutes and then cut off. Could someone call me back?",
            "Staff at the desk couldn't answer a simple question today.",
        ),
        Mood.ANNOYED: (
            "{minutes} minutes on hold, then transferred three times. Is this normal?",
            "Your representative hung up on me. Twice.",
            "The crew were rude when I asked for help. Not what I expected.",
        ),
        Mood.FURIOUS: (
            "Your staff were RUDE and laughed at me. Disgusting way to treat customers.",
            "Treated like a criminal by your employee today. I want a manager.",
            "Worst service I've ever had. {minutes} minutes on hold and then nobody answers.",
        ),
    },
    "refund": {
        Mood.CALM: (
            "I returned order {order} {days} days ago and haven't had my refund yet. Could you "
            "check?",
            "My refund of {amount} was approved but hasn't reached my account.",
            "How long do refunds normally take? Mine has been {days} days.",
        ),
        Mood.ANNOYED: (
            "Still waiting on my {amount} refund after {days} days. How long does it take?",
            "You were quick to take my money, but {days} days later there's still no refund.",
            "Refund 'processed' {days} days ago. Nothing in my account.",
        ),
        Mood.FURIOUS: (
            "{days} days and NO REFUND. {amount} of my money. Give it back.",
            "I returned it weeks ago and you still owe me {amount}. Scammers.",
            "No refund, no reply, no excuse. I'm reporting {brand} to trading standards.",
        ),
    },
})  # fmt: skip
GENERIC_LINES: Mapping[Mood, tuple[str, ...]] = MappingProxyType({
    Mood.CALM: (
        "I've got a problem with {topic_label} and would like some help, please.",
        "Could someone help me with {topic_label}? It's been {days} days.",
    ),
    Mood.ANNOYED: (
        "Still having trouble with {topic_label}. Can someone actually help?",
        "{days} days of {topic_label} problems and no fix yet.",
    ),
    Mood.FURIOUS: (
        "Fed up with {topic_label}. Nobody at {brand} seems to care.",
        "{topic_label}: still broken, still ignored. Unacceptable.",
    ),
})  # fmt: skip
# A second sentence for the longer channels (Facebook, reviews, e-mail).
TOPIC_DETAILS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "billing": (
        "I've checked my bank statement and the payment went out on the 3rd.",
        "I only made one booking and have the confirmation to prove it.",
    ),
    "delivery": (
        "I paid extra for next-day delivery and took a day off work to wait for it.",
        "The courier's website just says to contact the sender.",
    ),
    "product_quality": (
        "I followed the care instructions exactly.",
        "I have photos of the damage if you need them.",
    ),
    "account_access": (
        "I've tried the reset link three times from two different browsers.",
        "All my booking confirmations are in that account.",
    ),
    "outage": (
        "I've restarted everything on my side twice.",
        "Your status page still says everything is fine.",
    ),
    "product_safety": (
        "I've unplugged it and put it outside for now.",
        "It's the model you sold all last winter.",
    ),
    "service": (
        "I was polite the whole time and just wanted an answer.",
        "I have the time and the name of the person I spoke to.",
    ),
    "refund": (
        "Your returns page said refunds take five working days.",
        "I have the courier receipt showing you received the return.",
    ),
})  # fmt: skip
GENERIC_DETAILS = ("I've already tried to sort this out myself.", "This has happened before.")
MOOD_CLOSERS: Mapping[Mood, tuple[str, ...]] = MappingProxyType({
    Mood.CALM: ("Thanks in advance.", "Appreciate any help.", "Let me know what you need from me."),
    Mood.ANNOYED: (
        "Please sort this out.",
        "I expect a proper answer this time.",
        "I'd like this fixed today.",
    ),
    Mood.FURIOUS: (
        "Fix this today or I'm done with you.",
        "Everyone I know is going to hear about this.",
        "Absolutely unacceptable.",
    ),
})  # fmt: skip
# Lines furious customers add when the post is public: they are talking to the crowd.
AUDIENCE_LINES = ("Avoid {brand}.", "RT if {brand} has done this to you too.", "Don't fly {brand}.")
REPOST_OPENERS = (
    "Still no reply from @{handle}, so again:",
    "Asking AGAIN because @{handle} ignored me:",
    "{hours} hours and nothing from {brand}.",
)
TOPIC_HASHTAGS: Mapping[str, str] = MappingProxyType({
    "billing": "#overcharged", "delivery": "#wheresmyparcel", "product_quality": "#faulty",
    "account_access": "#lockedout", "outage": "#outage", "product_safety": "#recall",
    "service": "#customerservice", "refund": "#refund",
})  # fmt: skip
TOPIC_NOUNS: Mapping[str, str] = MappingProxyType({
    "billing": "bill", "delivery": "parcel", "product_quality": "order",
    "account_access": "account", "outage": "service", "product_safety": "product",
    "service": "complaint", "refund": "refund",
})  # fmt: skip
EMAIL_SUBJECTS: Mapping[str, str] = MappingProxyType({
    "billing": "Wrong charge on my bill", "delivery": "Where is order {order}?",
    "product_quality": "Faulty item, order {order}", "account_access": "Locked out of my account",
    "outage": "Service down", "product_safety": "Safety problem with your product",
    "service": "Complaint about how I was treated", "refund": "Missing refund, order {order}",
})  # fmt: skip
REVIEW_STARS: Mapping[Mood, int] = MappingProxyType(
    {Mood.CALM: 3, Mood.ANNOYED: 2, Mood.FURIOUS: 1}
)
REVIEW_TITLES: Mapping[Mood, tuple[str, ...]] = MappingProxyType({
    Mood.CALM: ("Could be better", "Mixed experience"),
    Mood.ANNOYED: ("Disappointing", "Not what I paid for"),
    Mood.FURIOUS: ("Avoid", "Terrible. Just terrible."),
})  # fmt: skip
REVIEW_MAX_STARS = 5
EMAIL_GREETINGS = ("Hello {brand} team,", "Dear {brand},", "Hi,")
EMAIL_SIGNOFFS = ("Regards", "Thanks", "Best")
TWEET_HASHTAG_CHANCE = {Mood.CALM: 0.2, Mood.ANNOYED: 0.4, Mood.FURIOUS: 0.6}
AUDIENCE_LINE_CHANCE = 0.5  # furious public posts that address the crowd
FURIOUS_EMOJI = "😡"
# Ranges for the numbers in templates (plausible, not calibrated).
AMOUNTS = (14.99, 29.0, 42.5, 89.0, 120.0, 249.99)
DAYS = (2, 9)
HOURS = (2, 8)
MINUTES = (25, 95)
TIMES = (3, 6)
ORDER_DIGITS = 7

REACTION_LINES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "thanks": (
        "Thanks, that was quick!",
        "Appreciate the quick reply, thank you.",
        "Thank you, that's really helpful.",
    ),
    "satisfied": (
        "All sorted now, thanks for the help.",
        "That's fixed my {noun}. Thanks for sorting it so fast.",
        "Great, {noun} sorted. Much appreciated.",
    ),
    "follow_up": (
        "Thanks, but when exactly will my {noun} be sorted?",
        "OK. What do you need from me to fix the {noun}?",
        "Can you confirm a date? I need my {noun} sorted this week.",
    ),
    "still_waiting": (
        "Still waiting on this...",
        "Any update? Still no news on my {noun}.",
        "It's been {hours} hours. Still waiting.",
    ),
    "unsatisfied": (
        "That doesn't actually answer my question.",
        "A copy-paste reply. Great. My {noun} is still a mess.",
        "That's not good enough.",
    ),
    "repost_angrier": (
        "STILL no help from @{handle} with my {noun}. Unbelievable.",
        "Posting again because @{handle} ignores complaints: my {noun} is still not sorted.",
        "Day {days} of being ignored by @{handle}. My {noun} is still a mess.",
    ),
    "pile_on": (
        "Same here! @{handle} messed up my {noun} too.",
        "Glad it's not just me. My {noun} has the same problem, @{handle}.",
        "This happened to me last week. @{handle} never replied either.",
    ),
    "churn": (
        "That's it, I'm done with {brand}. Closing my account.",
        "Cancelling everything with {brand}. Not worth the stress.",
        "Switching to a competitor. Bye, {brand}.",
    ),
    "escalated": (
        "OK, I'll wait to hear from your specialist team.",
        "Fine, but please make sure someone actually calls me.",
    ),
    "switched_channel": (
        "Nobody answers on here, so I'm trying another way to reach you.",
        "Trying another channel since this one is ignored.",
    ),
})  # fmt: skip
# Reactions posted to the crowd: already carry the brand's @handle.
CROWD_REACTIONS = frozenset({Reaction.REPOST_ANGRIER, Reaction.PILE_ON})

# --- Bot replies ------------------------------------------------------------------------------
# The organisation's stock macros: what a low-quality bot rep pastes unedited. Pass these as
# ``canned_texts`` to :func:`sim.scoring.score_reply` to recognise them.
CANNED_REPLIES: tuple[str, ...] = (
    "We're sorry for any inconvenience caused. Please DM us your order number and we will look "
    "into it.",
    "Thank you for reaching out. We value your feedback and have passed it on to the relevant "
    "team.",
    "We apologise for any inconvenience. Please check our FAQ for more information.",
    "Thanks for your message. A member of our team will be in touch.",
)
VAGUE_LINES = (
    "We're looking into it.",
    "Please check our FAQ.",
    "Someone will be in touch.",
    "We have passed this on.",
)
BLAME_LINES = (
    "Please make sure you read the instructions next time.",
    "As stated in our terms, this can happen.",
    "You should have contacted us sooner.",
)
SPECIFIC_APOLOGIES = (
    "I'm so sorry about {issue}.",
    "Really sorry to hear about {issue}.",
    "I'm sorry: {issue} is not the experience we want for you.",
)
GENERIC_APOLOGIES = ("Sorry for any inconvenience.", "We apologise for the inconvenience.")
ACKNOWLEDGEMENTS = (
    "That's really frustrating.",
    "I completely understand.",
    "That's not good enough.",
)
REP_NAMES = ("Sam", "Priya", "Leo", "Maya", "Tom", "Aisha", "Jonas", "Rosa")
# Model assumption: a bot rep blames the customer with this chance at quality 0, falling
# quadratically to 0 at quality 1; an unhelpful rep sometimes greets with a bare "Hi".
BOT_BLAME_AT_ZERO_QUALITY = 0.3
BOT_BARE_GREETING_CHANCE = 0.5
BOT_GENERIC_APOLOGY_CHANCE = 0.5  # of reps that do not apologise properly
REMEDY_AMOUNTS = (10, 20, 25, 50)


# --- Randomness and names -------------------------------------------------------------------
def _derive(*parts: object) -> int:
    """A 64-bit integer from ``parts``, the same in every process (BLAKE2, not ``hash()``)."""
    key = "\x1f".join(repr(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def _rng(*parts: object) -> random.Random:
    """A private random stream for ``parts`` (a label first, so streams never collide)."""
    return random.Random(_derive(*parts))


_FAKER_LOCK = threading.Lock()  # a Faker is re-seeded per persona: one thread at a time


@cache
def _faker(locale: str) -> Faker:
    try:
        return Faker(locale)
    except AttributeError as e:  # Faker's error for an unknown locale
        raise ValueError(f"unknown Faker locale {locale!r}") from e


def _ascii(s: str) -> str:
    folded = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _handle(first: str, last: str, rng: random.Random) -> str:
    f, last_ = _ascii(first), _ascii(last)
    if not f and not last_:
        f = "user"
    digits = str(rng.randrange(10, 100))
    forms = (
        f + last_[:4],
        f"{f}_{last_}",
        f[:1] + last_,
        f + last_ + digits,
        f"the{f}{last_[:1]}",
        f + digits,
    )
    return "@" + rng.choice(forms).strip("_")[:MAX_HANDLE_CHARS]


@lru_cache(maxsize=PERSONA_CACHE_SIZE)
def persona(seed: int, customer_index: int, locale: str = "en_US") -> Persona:
    """The name and handle of customer ``customer_index`` in the run with ``seed``.

    Faker is seeded per (seed, customer, locale), so a customer keeps their name across all
    their complaints and across processes.
    """
    fake = _faker(locale)
    with _FAKER_LOCK:
        fake.seed_instance(_derive("persona", seed, customer_index, locale))
        first, last = fake.first_name(), fake.last_name()
    return Persona(f"{first} {last}", _handle(first, last, _rng("handle", seed, customer_index)))


def brand_handle(brand: str) -> str:
    """The brand's handle without the @: ``"Stormdesk Air"`` → ``"StormdeskAir"``."""
    return re.sub(r"[^0-9A-Za-z_]", "", unicodedata.normalize("NFKD", brand))[:MAX_HANDLE_CHARS]


def _topic_label(topic: str) -> str:
    return " ".join(w for w in re.split(r"[\W_]+", topic) if w) or "your service"


def _fill(template: str, values: Mapping[str, object]) -> str:
    return template.format_map(values)


def _values(rng: random.Random, brand: str, topic: str) -> dict[str, object]:
    return {
        "brand": brand,
        "handle": brand_handle(brand),
        "order": "#" + "".join(str(rng.randrange(10)) for _ in range(ORDER_DIGITS)),
        "amount": f"${rng.choice(AMOUNTS):.2f}",
        "days": rng.randint(*DAYS),
        "hours": rng.randint(*HOURS),
        "minutes": rng.randint(*MINUTES),
        "n": rng.randint(*TIMES),
        "topic_label": _topic_label(topic),
        "noun": TOPIC_NOUNS.get(topic, _topic_label(topic)),
    }


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _after_greeting(text: str) -> str:
    """``text`` continuing a greeting ("Hi Dana, that's…"), keeping "I" and acronyms."""
    first_word = text.split(" ", 1)[0]
    if first_word == "I" or first_word.startswith("I'") or first_word.isupper():
        return text
    return text[:1].lower() + text[1:]


def _compose(parts: list[tuple[str, bool]], limit: int) -> str:
    """Join (text, optional) ``parts`` in order, dropping optional ones (last first) to fit."""
    kept = [(text, optional) for text, optional in parts if text]
    while len(" ".join(t for t, _ in kept)) > limit and any(o for _, o in kept):
        del kept[max(i for i, (_, o) in enumerate(kept) if o)]
    return " ".join(t for t, _ in kept)[:limit]


# --- Complaints ---------------------------------------------------------------------------------
def complaint_text(
    seed: int,
    complaint_id: int,
    *,
    channel: str,
    topic: str,
    anger: float,
    public: bool,
    customer: Persona,
    brand: str = DEFAULT_BRAND,
    repost: bool = False,
) -> str:
    """The words of complaint ``complaint_id`` as its channel shows them.

    Deterministic in all arguments; the random choices depend on (seed, complaint_id) only.
    A ``repost`` (the customer re-posting angrier after being ignored) opens by saying so.
    Unknown topics get a generic template and unknown channels a plain message.
    """
    rng = _rng("complaint", seed, complaint_id)
    m = mood(anger)
    v = _values(rng, brand, topic)
    line = _sentence_case(_fill(rng.choice(COMPLAINT_LINES.get(topic, GENERIC_LINES)[m]), v))
    detail = rng.choice(TOPIC_DETAILS.get(topic, GENERIC_DETAILS))
    closer = rng.choice(MOOD_CLOSERS[m])
    audience = _fill(rng.choice(AUDIENCE_LINES), v)
    wants_audience = public and m == Mood.FURIOUS and rng.random() < AUDIENCE_LINE_CHANCE
    hashtag = TOPIC_HASHTAGS.get(topic, f"#{brand_handle(brand)}")
    wants_hashtag = rng.random() < TWEET_HASHTAG_CHANCE[m]
    if repost:
        line = f"{_fill(rng.choice(REPOST_OPENERS), v)} {line}"
    kind = channel_kind(channel)
    mention = f"@{v['handle']}"

    if kind in SOCIAL_KINDS and not public:  # a direct message
        return f"{line} {closer}"
    if kind == ChannelKind.TWITTER:
        parts = [(mention, False), (line, False)]
        parts += [
            (audience if wants_audience else "", True),
            (hashtag if wants_hashtag else "", True),
        ]
        return _compose(parts, CHANNEL_MAX_CHARS[ChannelKind.TWITTER])
    if kind == ChannelKind.INSTAGRAM:
        tail = f" {FURIOUS_EMOJI}" if m == Mood.FURIOUS else ""
        return f"{mention} {line}{tail}" + (f" {hashtag}" if wants_hashtag else "")
    if kind == ChannelKind.FACEBOOK:
        text = f"{line} {detail} {closer}"
        return f"{text} {audience}" if wants_audience else text
    if kind == ChannelKind.REVIEW:
        stars = REVIEW_STARS[m]
        rating = "★" * stars + "☆" * (REVIEW_MAX_STARS - stars)
        title = rng.choice(REVIEW_TITLES[m])
        return f"{rating} ({stars}/{REVIEW_MAX_STARS}) {title}\n{line} {detail} {closer}"
    if kind == ChannelKind.EMAIL:
        subject = _fill(EMAIL_SUBJECTS.get(topic, "Problem with {topic_label}"), v)
        if m == Mood.FURIOUS:
            subject = f"URGENT: {subject}"
        greeting = _fill(rng.choice(EMAIL_GREETINGS), v)
        signoff = rng.choice(EMAIL_SIGNOFFS)
        return (
            f"Subject: {subject}\n\n{greeting}\n\n{line} {detail} {closer}\n\n"
            f"{signoff},\n{customer.name}"
        )
    if kind == ChannelKind.CHAT:
        return f"{customer.name}: {line}"
    if kind == ChannelKind.PHONE:
        return f"Caller ({customer.name}): {line} {closer}"
    return f"{line} {detail}"


# --- Reactions ----------------------------------------------------------------------------------
def reaction_text(
    seed: int,
    complaint_id: int,
    *,
    reaction: str,
    customer: Persona,
    topic: str,
    channel: str,
    brand: str = DEFAULT_BRAND,
    turn: int = 0,
) -> str:
    """What the customer (or, for ``pile_on``, another customer) posts after the brand acts.

    ``reaction`` is one of :data:`REACTIONS`; ``turn`` numbers repeated reactions on the same
    complaint so a second follow-up does not repeat the first. Raises ``ValueError`` for an
    unknown reaction.
    """
    if reaction not in REACTION_LINES:
        if reaction in set(Reaction):
            raise ValueError(f"reaction {reaction!r} happens off the platform: it has no words")
        raise ValueError(f"unknown reaction {reaction!r} (known: {', '.join(REACTIONS)})")
    rng = _rng("reaction", seed, complaint_id, reaction, turn)
    v = _values(rng, brand, topic)
    text = _fill(rng.choice(REACTION_LINES[reaction]), v)
    kind = channel_kind(channel)
    if kind in (ChannelKind.TWITTER, ChannelKind.INSTAGRAM):
        if reaction not in CROWD_REACTIONS:
            text = f"@{v['handle']} {text}"
        return text[: CHANNEL_MAX_CHARS[ChannelKind.TWITTER]]
    if kind == ChannelKind.EMAIL:
        return f"Hello,\n\n{text}\n\n{customer.name}"
    if kind == ChannelKind.CHAT:
        return f"{customer.name}: {text}"
    if kind == ChannelKind.PHONE:
        return f"Caller ({customer.name}): {text}"
    if kind == ChannelKind.REVIEW:
        return f"Update: {text}"
    return text


# --- Bot replies --------------------------------------------------------------------------------
def bot_reply_text(
    seed: int,
    complaint_id: int,
    *,
    quality: float,
    customer: Persona,
    topic: str,
    channel: str,
    public: bool,
    action: str,
) -> str:
    """A bot rep's reply of ``quality`` 0..1 to complaint ``complaint_id``.

    High quality: greets the customer by name, apologises for the specific issue, gives a
    concrete next step with a time frame, moves account matters to DM. Low quality: an
    unedited macro (with the model's chance, :data:`sim.calibration.BOT_CANNED_AT_ZERO_QUALITY`
    at quality 0), or a vague, generic, sometimes blaming line. Each element is drawn with a
    chance that rises with quality, so :func:`sim.scoring.score_reply` rises with it on average.
    """
    q = min(1.0, max(0.0, float(quality)))
    act = ReplyAction(action)
    rng = _rng("bot_reply", seed, complaint_id)
    if rng.random() < cal.BOT_CANNED_AT_ZERO_QUALITY * (1.0 - q):
        return rng.choice(CANNED_REPLIES)

    guide = topic_guide(topic)
    kind = channel_kind(channel)
    when = CHANNEL_TIMEFRAME[kind]
    first = customer.first_name
    personal = rng.random() < q
    if personal and first:
        greeting = f"Hi {first},"
    else:
        greeting = "Hi," if rng.random() < BOT_BARE_GREETING_CHANCE else ""
    if rng.random() < q:
        apology = rng.choice(SPECIFIC_APOLOGIES).format(issue=guide.issue)
    elif rng.random() < BOT_GENERIC_APOLOGY_CHANCE:
        apology = rng.choice(GENERIC_APOLOGIES)
    else:
        apology = ""
    acknowledgement = rng.choice(ACKNOWLEDGEMENTS) if rng.random() < q * q else ""
    blame = (
        rng.choice(BLAME_LINES) if rng.random() < BOT_BLAME_AT_ZERO_QUALITY * (1 - q) ** 2 else ""
    )
    concrete = rng.random() < q
    timed = f" {when}" if rng.random() < q else ""
    needs_dm = public and topic in cal.TOPICS_NEEDING_PRIVATE_DETAILS
    # A safety report: a good rep makes the customer safe before anything else.
    safe_first = "Please stop using it for now." if concrete and topic in SAFETY_TOPICS else ""

    if act == ReplyAction.ESCALATE:
        step = (
            f"I've passed this to our {guide.team} team, who will {guide.next_step} and contact "
            f"you{timed}."
            if concrete
            else "This has been escalated."
        )
    elif act == ReplyAction.OFFER_REMEDY:
        amount = rng.choice(REMEDY_AMOUNTS)
        step = (
            f"I've added a ${amount} credit to your account as an apology, and I'll "
            f"{guide.next_step}{timed}."
            if concrete
            else "We can offer you a voucher."
        )
    elif (act == ReplyAction.MOVE_TO_DM and public) or (needs_dm and concrete):
        step = (
            f"I've sent you a DM so I can {guide.next_step}{timed}."
            if concrete
            else "Please DM us."
        )
    else:
        step = f"I'll {guide.next_step}{timed}." if concrete else rng.choice(VAGUE_LINES)
    signature = f"^{rng.choice(REP_NAMES)}" if kind == ChannelKind.TWITTER else ""
    if personal and kind != ChannelKind.TWITTER:
        signature = f"– {rng.choice(REP_NAMES)}"

    if greeting:  # the next sentence continues the greeting's line
        if apology:
            apology = _after_greeting(apology)
        elif acknowledgement:
            acknowledgement = _after_greeting(acknowledgement)
        elif safe_first:
            safe_first = _after_greeting(safe_first)
        else:
            step = _after_greeting(step)
    parts = [
        (greeting, False),
        (apology, False),
        (acknowledgement, True),
        (safe_first, False),
        (step, False),
        (blame, False),
        (signature, True),
    ]
    return _compose(parts, CHANNEL_MAX_CHARS[kind])


__all__ = [
    "CANNED_REPLIES",
    "REACTIONS",
    "TOPICS",
    "Mood",
    "Persona",
    "bot_reply_text",
    "brand_handle",
    "complaint_text",
    "mood",
    "persona",
    "reaction_text",
]
