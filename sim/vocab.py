"""The domain's words, defined once: channels, topics, customer reactions and the rep's actions.

Every word is a :class:`~enum.StrEnum`, so a member *is* the string scenario files, results,
the trainer's database and the JSON output have always used (``Topic.BILLING == "billing"``,
``json.dumps(Topic.BILLING) == '"billing"'``): nothing serialised changes. Modules that used
their own lists read them from here:

- channels — :class:`ChannelKind` (the reply style the scorer and the text generator know),
  :data:`CHANNELS` (the channel names with a meaning: their kind and whether a scenario channel
  of that name is public by default), the length limit of a reply per kind
  (:data:`CHANNEL_MAX_CHARS`, :func:`max_chars`) and :func:`channel_kind`;
- topics — :class:`Topic` (what the scorer and the text generator can talk about);
- reactions — :class:`Reaction` (what a customer visibly does after the brand acts, as
  :attr:`sim.model.ActionOutcome.reaction` reports it);
- actions — :class:`ReplyAction` (what a rep does with a complaint besides writing).

Import cost: the standard library only (``import sim.vocab`` loads neither pydantic nor numpy).

Kind and visibility are two things. The *kind* picks a reply style, a length limit and the
learned scorer's channel feature; *public* says whether anyone can see a complaint and pile on.
TikTok, YouTube and forums are public by default but of kind ``OTHER``: the scorer has no house
style for them (a new kind would change the learned scorer's features and so every score on
those channels), so they are scored as plain public posts of up to 1000 characters. Names of a
public platform that were never public by default (``tweet``, ``fb``, ``ig``, ``review``,
``trustpilot``…) stay private by default: a scenario file keeps the meaning it had.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple


# --- Actions ------------------------------------------------------------------------------
class ReplyAction(StrEnum):
    """What the rep does with the complaint besides writing the text."""

    REPLY_PUBLIC = "reply_public"
    MOVE_TO_DM = "move_to_dm"
    ESCALATE = "escalate"
    OFFER_REMEDY = "offer_remedy"


# --- Channels -----------------------------------------------------------------------------
class ChannelKind(StrEnum):
    """The kinds of channel the scorer knows; a scenario's channel names map onto them."""

    TWITTER = "twitter"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    REVIEW = "review"
    EMAIL = "email"
    CHAT = "chat"
    PHONE = "phone"
    OTHER = "other"


class KnownChannel(NamedTuple):  # a NamedTuple: a frozen dataclass costs ~3 ms of import
    """A channel name with a meaning: its kind and whether it is public by default."""

    kind: ChannelKind
    public: bool = False

    @property
    def max_chars(self) -> int:
        """Longest public reply on a channel of this name (:data:`CHANNEL_MAX_CHARS`)."""
        return CHANNEL_MAX_CHARS[self.kind]


_K = ChannelKind
# Scenario files name channels freely. These names (and, for the kind, names made of them such as
# "twitter_dm") have a meaning; anything else is a private channel of kind OTHER. ``public`` is
# the default of ``[channels.<id>] public`` for a channel called exactly this.
CHANNELS: Mapping[str, KnownChannel] = MappingProxyType(
    {
        "twitter": KnownChannel(_K.TWITTER, public=True),
        "x": KnownChannel(_K.TWITTER, public=True),
        "tweet": KnownChannel(_K.TWITTER),
        "facebook": KnownChannel(_K.FACEBOOK, public=True),
        "fb": KnownChannel(_K.FACEBOOK),
        "instagram": KnownChannel(_K.INSTAGRAM, public=True),
        "ig": KnownChannel(_K.INSTAGRAM),
        "review": KnownChannel(_K.REVIEW),
        "reviews": KnownChannel(_K.REVIEW, public=True),
        "trustpilot": KnownChannel(_K.REVIEW),
        "yelp": KnownChannel(_K.REVIEW),
        "tripadvisor": KnownChannel(_K.REVIEW),
        "email": KnownChannel(_K.EMAIL),
        "e_mail": KnownChannel(_K.EMAIL),
        "mail": KnownChannel(_K.EMAIL),
        "chat": KnownChannel(_K.CHAT),
        "webchat": KnownChannel(_K.CHAT),
        "livechat": KnownChannel(_K.CHAT),
        "live_chat": KnownChannel(_K.CHAT),
        "messenger": KnownChannel(_K.CHAT),
        "whatsapp": KnownChannel(_K.CHAT),
        "sms": KnownChannel(_K.CHAT),
        "phone": KnownChannel(_K.PHONE),
        "voice": KnownChannel(_K.PHONE),
        "call": KnownChannel(_K.PHONE),
        "telephone": KnownChannel(_K.PHONE),
        # Public platforms without a reply style of their own (see the module's docstring).
        "tiktok": KnownChannel(_K.OTHER, public=True),
        "youtube": KnownChannel(_K.OTHER, public=True),
        "forum": KnownChannel(_K.OTHER, public=True),
    }
)
# The names that give a kind (OTHER is what no name gives, so a part of a name that is
# "tiktok" does not stop the search: "forum_twitter" is a Twitter channel).
CHANNEL_ALIASES: Mapping[str, ChannelKind] = MappingProxyType(
    {name: c.kind for name, c in CHANNELS.items() if c.kind is not ChannelKind.OTHER}
)
# Channels that are public by default (anyone can see the complaint and pile on).
PUBLIC_BY_DEFAULT: frozenset[str] = frozenset(name for name, c in CHANNELS.items() if c.public)

# Longest reply that can go out on each channel, in characters. Twitter's 280 is the platform's
# hard limit; the others are house limits (model assumptions): readable without "see more" on
# Facebook/Instagram, one chat bubble, one spoken turn on the phone, a readable e-mail.
CHANNEL_MAX_CHARS: Mapping[ChannelKind, int] = MappingProxyType(
    {
        ChannelKind.TWITTER: 280,
        ChannelKind.FACEBOOK: 1000,
        ChannelKind.INSTAGRAM: 600,
        ChannelKind.REVIEW: 1000,
        ChannelKind.EMAIL: 5000,
        ChannelKind.CHAT: 500,
        ChannelKind.PHONE: 600,
        ChannelKind.OTHER: 1000,
    }
)
# Limits the platform itself enforces: a post over them cannot be sent at all.
PLATFORM_HARD_LIMIT = frozenset({ChannelKind.TWITTER})
SOCIAL_KINDS = frozenset({ChannelKind.TWITTER, ChannelKind.FACEBOOK, ChannelKind.INSTAGRAM})
PRIVATE_SOCIAL_MAX_CHARS = 1000  # a DM on a social platform: one screen, not the public limit


def channel_kind(channel: str) -> ChannelKind:
    """The :class:`ChannelKind` of a scenario channel name (``"twitter_dm"`` → TWITTER)."""
    key = re.sub(r"[\s\-]+", "_", channel.strip().casefold())
    if key in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[key]
    for part in key.split("_"):
        if part in CHANNEL_ALIASES:
            return CHANNEL_ALIASES[part]
    return ChannelKind.OTHER


def public_by_default(channel: str) -> bool:
    """Whether a scenario channel called ``channel`` is public unless its table says otherwise."""
    return channel in PUBLIC_BY_DEFAULT


def max_chars(kind: ChannelKind, public: bool) -> int:
    """Longest reply that fits: the public limit on a post, a screen in a social DM."""
    if not public and kind in SOCIAL_KINDS:
        return PRIVATE_SOCIAL_MAX_CHARS
    return CHANNEL_MAX_CHARS[kind]


# --- Topics -------------------------------------------------------------------------------
class Topic(StrEnum):
    """What complaints are about: the topics the scorer and the text generator know.

    A scenario may name any other topic (``[arrivals] topics``, ``[[incidents]] topic``); the
    scorer and the text generator then fall back to a generic guide built from its name.
    """

    BILLING = "billing"
    DELIVERY = "delivery"
    PRODUCT_QUALITY = "product_quality"
    ACCOUNT_ACCESS = "account_access"
    OUTAGE = "outage"
    PRODUCT_SAFETY = "product_safety"
    SERVICE = "service"
    REFUND = "refund"


# A reply about a safety topic in public must tell people what to do (and admit no liability).
SAFETY_TOPICS: frozenset[Topic] = frozenset({Topic.PRODUCT_SAFETY})


# --- Reactions ----------------------------------------------------------------------------
class Reaction(StrEnum):
    """What a customer visibly does after the brand acts (``ActionOutcome.reaction``).

    All but :attr:`TOLD_FRIENDS` are posts on the complaint's channel, written by
    :func:`sim.text.reaction_text`; telling friends happens off the platform, so the trainer
    shows it as a note instead (:attr:`posts` is False).
    """

    THANKS = "thanks"
    FOLLOW_UP = "follow_up"
    STILL_WAITING = "still_waiting"
    REPOST_ANGRIER = "repost_angrier"
    PILE_ON = "pile_on"
    CHURN = "churn"
    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"
    ESCALATED = "escalated"
    SWITCHED_CHANNEL = "switched_channel"
    TOLD_FRIENDS = "told_friends"

    @property
    def posts(self) -> bool:
        """Whether the reaction is a post on the channel (it has words to show)."""
        return self is not Reaction.TOLD_FRIENDS


__all__ = [
    "CHANNELS",
    "CHANNEL_ALIASES",
    "CHANNEL_MAX_CHARS",
    "PLATFORM_HARD_LIMIT",
    "PRIVATE_SOCIAL_MAX_CHARS",
    "PUBLIC_BY_DEFAULT",
    "SAFETY_TOPICS",
    "SOCIAL_KINDS",
    "ChannelKind",
    "KnownChannel",
    "Reaction",
    "ReplyAction",
    "Topic",
    "channel_kind",
    "max_chars",
    "public_by_default",
]
