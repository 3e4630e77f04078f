"""Seeded complaint text, reactions and bot replies: deterministic, channel-shaped, scoreable."""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import calibration as cal
from sim.scoring import (
    CALIBRATED_BY_DEFAULT,
    CHANNEL_MAX_CHARS,
    PASS_MARK,
    ChannelKind,
    ReplyAction,
    ReplyContext,
    score_reply,
)
from sim.text import (
    CANNED_REPLIES,
    COMPLAINT_LINES,
    REACTIONS,
    TOPICS,
    Mood,
    Persona,
    bot_reply_text,
    complaint_text,
    mood,
    persona,
    reaction_text,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = 7
DANA = Persona("Dana Whitfield", "@danawhit")
CHANNELS = ("twitter", "facebook", "instagram", "reviews", "email", "chat", "phone")
PUBLIC_CHANNELS = frozenset({"twitter", "facebook", "instagram", "reviews"})
ANGERS = (0.1, 0.5, 0.9)


def tweet(complaint_id: int, **changes) -> str:
    kwargs = {
        "channel": "twitter",
        "topic": "delivery",
        "anger": 0.5,
        "public": True,
        "customer": DANA,
    } | changes
    return complaint_text(SEED, complaint_id, **kwargs)


# --- Personas ------------------------------------------------------------------------------------
def test_same_customer_always_has_the_same_persona():
    assert persona(SEED, 12) == persona(SEED, 12)
    persona.cache_clear()
    assert persona(SEED, 12) == persona(SEED, 12)


def test_different_customers_get_different_names():
    names = {persona(SEED, i).name for i in range(100)}
    assert len(names) >= 90  # en_US Faker has thousands of first × last combinations


def test_persona_depends_on_the_run_seed():
    assert [persona(1, i) for i in range(10)] != [persona(2, i) for i in range(10)]


def test_handles_look_like_twitter_handles():
    for i in range(200):
        p = persona(SEED, i)
        assert re.fullmatch(r"@[a-z0-9_]{1,15}", p.handle), p.handle
        assert len(p.name.split()) == 2


def test_persona_in_another_locale_and_unknown_locale():
    assert persona(SEED, 1, "de_DE").name
    assert persona(SEED, 1, "ja_JP").handle.startswith("@")  # non-Latin names still get a handle
    with pytest.raises(ValueError, match="locale"):
        persona(SEED, 1, "xx_XX")


# --- Determinism ---------------------------------------------------------------------------------
SAMPLE_CODE = """
import json
from sim.text import bot_reply_text, complaint_text, persona, reaction_text
out = []
for i in range(5):
    who = persona(3, i)
    out.append(who.name + who.handle)
    out.append(complaint_text(3, i, channel="twitter", topic="billing", anger=0.8, public=True,
                              customer=who))
    out.append(reaction_text(3, i, reaction="follow_up", customer=who, topic="billing",
                             channel="email"))
    out.append(bot_reply_text(3, i, quality=0.6, customer=who, topic="billing",
                              channel="facebook", public=True, action="reply_public"))
print(json.dumps(out))
"""


def sample_in_subprocess(hash_seed: str) -> list[str]:
    env = os.environ | {"PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", SAMPLE_CODE],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return json.loads(run.stdout)


def test_text_is_identical_in_any_process():
    namespace: dict = {}
    sample = SAMPLE_CODE.replace("print(json.dumps(out))", "")
    exec(sample, namespace)
    here = namespace["out"]
    assert sample_in_subprocess("1") == here
    assert sample_in_subprocess("4242") == here


def test_complaint_text_is_deterministic_and_varies_between_complaints():
    assert tweet(5) == tweet(5)
    assert len({tweet(i) for i in range(30)}) >= 10


# --- Complaints by mood, topic and channel --------------------------------------------------------
def test_mood_follows_anger():
    assert mood(0.0) is Mood.CALM
    assert mood(0.5) is Mood.ANNOYED
    assert mood(0.9) is Mood.FURIOUS
    assert mood(1.0) is Mood.FURIOUS


def test_required_topics_each_have_templates_for_every_mood():
    required = {
        "billing",
        "delivery",
        "product_quality",
        "account_access",
        "outage",
        "product_safety",
        "service",
        "refund",
    }
    assert required <= set(TOPICS)
    for topic in TOPICS:
        assert set(COMPLAINT_LINES[topic]) == set(Mood)
        assert all(len(lines) >= 2 for lines in COMPLAINT_LINES[topic].values())


def test_furious_and_calm_complaints_read_differently():
    for topic in TOPICS:
        calm = {tweet(i, topic=topic, anger=0.1) for i in range(20)}
        furious = {tweet(i, topic=topic, anger=0.95) for i in range(20)}
        assert not calm & furious


@pytest.mark.parametrize("topic", [*TOPICS, "lost_luggage"])
@pytest.mark.parametrize("anger", ANGERS)
def test_tweets_fit_280_characters_and_mention_the_brand(topic, anger):
    for i in range(30):
        text = tweet(i, topic=topic, anger=anger, repost=i % 2 == 0)
        assert len(text) <= CHANNEL_MAX_CHARS[ChannelKind.TWITTER]
        assert text.startswith("@StormdeskAir ")
        assert "{" not in text and "}" not in text  # every placeholder filled


def test_tweets_sometimes_carry_a_hashtag():
    with_tag = sum("#" in tweet(i, anger=0.9).split("@StormdeskAir", 1)[1] for i in range(100))
    assert 20 < with_tag < 100


def test_a_direct_message_does_not_mention_the_brand():
    assert "@StormdeskAir" not in tweet(3, public=False)


def test_facebook_posts_are_longer_than_tweets():
    fb = np.mean([len(tweet(i, channel="facebook")) for i in range(50)])
    tw = np.mean([len(tweet(i)) for i in range(50)])
    assert fb > tw


@pytest.mark.parametrize("anger, stars", [(0.1, 3), (0.5, 2), (0.9, 1)])
def test_reviews_carry_a_star_rating_that_matches_the_mood(anger, stars):
    text = tweet(1, channel="reviews", anger=anger)
    assert text.startswith("★" * stars + "☆" * (5 - stars) + f" ({stars}/5)")


def test_emails_have_a_subject_greeting_and_signature():
    text = tweet(1, channel="email", topic="refund", anger=0.9)
    assert text.startswith("Subject: URGENT: ")
    assert (
        "\n\nHello Stormdesk Air team,\n\n" in text
        or "\n\nDear Stormdesk Air,\n\n" in text
        or ("\n\nHi,\n\n" in text)
    )
    assert text.endswith("\nDana Whitfield")


@pytest.mark.parametrize(
    "channel, prefix", [("chat", "Dana Whitfield: "), ("phone", "Caller (Dana Whitfield): ")]
)
def test_chat_and_phone_are_transcript_lines(channel, prefix):
    text = tweet(1, channel=channel)
    assert text.startswith(prefix)
    assert "\n" not in text


def test_unknown_topic_falls_back_to_a_generic_template():
    text = tweet(1, topic="lost_luggage", anger=0.1, channel="facebook")
    assert "lost luggage" in text


def test_unknown_channel_gets_a_plain_message():
    assert tweet(1, channel="carrier_pigeon")


def test_brand_is_configurable():
    text = tweet(1, brand="Acme Rail", anger=0.9)
    assert text.startswith("@AcmeRail ")


def test_a_repost_says_it_is_asking_again():
    first, again = tweet(4, anger=0.9), tweet(4, anger=0.9, repost=True)
    assert first != again
    assert re.search(r"(?i)again|still no reply|nothing from", again)


# --- Reactions ------------------------------------------------------------------------------------
@pytest.mark.parametrize("reaction", REACTIONS)
@pytest.mark.parametrize("channel", CHANNELS)
def test_every_reaction_has_text_on_every_channel(reaction, channel):
    text = reaction_text(
        SEED, 3, reaction=reaction, customer=DANA, topic="billing", channel=channel
    )
    assert text.strip()
    assert "{" not in text
    if channel == "twitter":
        assert len(text) <= CHANNEL_MAX_CHARS[ChannelKind.TWITTER]
        assert "@StormdeskAir" in text


def test_model_reactions_are_all_known():
    # what sim.model.ActionOutcome.reaction reports
    model_reactions = {
        "thanks",
        "follow_up",
        "escalated",
        "repost_angrier",
        "switched_channel",
        "churn",
        "unsatisfied",
    }
    spec_reactions = {
        "thanks",
        "follow_up",
        "still_waiting",
        "repost_angrier",
        "pile_on",
        "churn",
        "satisfied",
        "unsatisfied",
    }
    assert model_reactions | spec_reactions <= set(REACTIONS)


def test_unknown_reaction_is_rejected():
    with pytest.raises(ValueError, match="unknown reaction"):
        reaction_text(SEED, 1, reaction="shrug", customer=DANA, topic="billing", channel="twitter")


def test_reactions_are_deterministic_and_turns_vary():
    def follow_up(turn: int) -> str:
        return reaction_text(
            SEED,
            9,
            reaction="follow_up",
            customer=DANA,
            topic="delivery",
            channel="chat",
            turn=turn,
        )

    assert follow_up(0) == follow_up(0)
    assert len({follow_up(t) for t in range(10)}) > 1


# --- Bot replies ----------------------------------------------------------------------------------
def bot_scores(quality: float, n: int, *, calibrated: bool = CALIBRATED_BY_DEFAULT) -> np.ndarray:
    """Rubric scores of ``n`` bot replies of ``quality`` over a mix of topics, channels, actions
    (``calibrated``: with the scorer's learned layer, the default, or by the rules alone)."""
    scores = []
    for cid in range(n):
        topic = TOPICS[cid % len(TOPICS)]
        channel = CHANNELS[cid % len(CHANNELS)]
        public = channel in PUBLIC_CHANNELS
        action = list(ReplyAction)[(cid // len(CHANNELS)) % len(ReplyAction)]
        who = persona(SEED, cid)
        text = bot_reply_text(
            SEED,
            cid,
            quality=quality,
            customer=who,
            topic=topic,
            channel=channel,
            public=public,
            action=action,
        )
        ctx = ReplyContext(
            channel=channel,
            public=public,
            customer_name=who.name,
            customer_handle=who.handle,
            topic=topic,
            anger=0.6,
            wait_min=5.0,
            sla_min=60.0,
            action=action,
            complaint_text=complaint_text(
                SEED, cid, channel=channel, topic=topic, anger=0.6, public=public, customer=who
            ),
            canned_texts=CANNED_REPLIES,
        )
        scores.append(score_reply(text, ctx, calibrated=calibrated).total)
    return np.array(scores)


def test_mean_bot_reply_score_rises_with_quality():
    n = 200
    qualities = (0.0, 0.25, 0.5, 0.75, 1.0)
    scores = [bot_scores(q, n) for q in qualities]
    means = [s.mean() for s in scores]
    # Each step must exceed 2 standard errors of the difference of two independent means
    # (conservative: the replies share their random draws across qualities).
    for lo, hi in itertools.pairwise(scores):
        se = math.sqrt(lo.var(ddof=1) / n + hi.var(ddof=1) / n)
        assert hi.mean() - lo.mean() > 2 * se, means
    assert means[0] < PASS_MARK - 20  # low-quality replies are poor (canned, vague)
    # High-quality replies are personal apologies with a next step: they all pass. The learned
    # layer (the default) scores this template text about 16 points under the rules alone (team
    # leads mark a template with details swapped in down): about 80 at quality 1 where the rules
    # give 96. The model's bots draw their scores from sim.calibration (90 at quality 1), not from
    # this text, so their calibrated quality does not move with the scorer's default.
    # Every quality-1 reply passes. (After the first 2026-12-01 refit the bots' product-safety
    # template, which then never told the customer to stop using the product, fell under the pass
    # mark in 2, then 8, of 200; team leads are right about that, and it now says so first.)
    assert means[-1] > 78 and (scores[-1] >= PASS_MARK).all(), means
    rules_top = bot_scores(1.0, n, calibrated=False)
    assert rules_top.mean() > 90 and rules_top.mean() - means[-1] < 20, (rules_top.mean(), means)


def test_top_quality_bot_replies_pass_and_fit_the_channel():
    for cid, topic in enumerate([*TOPICS, "lost_luggage"]):
        for channel in CHANNELS:
            public = channel in PUBLIC_CHANNELS
            who = persona(SEED, cid)
            text = bot_reply_text(
                SEED,
                cid,
                quality=1.0,
                customer=who,
                topic=topic,
                channel=channel,
                public=public,
                action="reply_public",
            )
            ctx = ReplyContext(
                channel=channel,
                public=public,
                customer_name=who.name,
                customer_handle=who.handle,
                topic=topic,
                complaint_text="",
                anger=0.5,
                wait_min=1.0,
                sla_min=60.0,
            )
            result = score_reply(text, ctx)
            assert result.passed, (topic, channel, text, result.as_dict())
            assert result.features.apologised and result.features.named_customer


def test_quality_zero_bots_paste_macros_at_the_calibrated_rate():
    n = 400
    pasted = sum(
        bot_reply_text(
            SEED,
            cid,
            quality=0.0,
            customer=DANA,
            topic="delivery",
            channel="twitter",
            public=True,
            action="reply_public",
        )
        in CANNED_REPLIES
        for cid in range(n)
    )
    p = cal.BOT_CANNED_AT_ZERO_QUALITY
    assert abs(pasted / n - p) < 4 * math.sqrt(p * (1 - p) / n)  # 4 binomial standard errors


@pytest.mark.parametrize(
    "action, phrase",
    [("escalate", "team"), ("offer_remedy", "credit"), ("move_to_dm", "DM")],
)
def test_top_quality_bot_reply_carries_out_the_action(action, phrase):
    text = bot_reply_text(
        SEED,
        1,
        quality=1.0,
        customer=DANA,
        topic="delivery",
        channel="facebook",
        public=True,
        action=action,
    )
    assert phrase in text


def test_bot_reply_rejects_an_unknown_action():
    with pytest.raises(ValueError):
        bot_reply_text(
            SEED,
            1,
            quality=0.5,
            customer=DANA,
            topic="delivery",
            channel="twitter",
            public=True,
            action="shrug",
        )
