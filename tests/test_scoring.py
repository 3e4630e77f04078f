"""The reply rubric as a specification (DESIGN §7): what earns points, what loses them, what fails.

Each test states one behaviour of :func:`sim.scoring.score_reply`. The base case is a public
tweet from Dana about a late parcel, answered within the SLA.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scoring import (
    CHANNEL_MAX_CHARS,
    DEFAULT_WEIGHTS,
    LATE_ZERO_AT_SLA_MULTIPLE,
    PASS_MARK,
    TIMELINESS_SHARE,
    TONE_SHARE,
    ChannelKind,
    ReplyAction,
    ReplyContext,
    ScoreResult,
    channel_kind,
    score_reply,
    validate_weights,
)
from sim.text import TOPICS

DANA_TWEET = ReplyContext(
    channel="twitter",
    public=True,
    customer_name="Dana Whitfield",
    customer_handle="@danawhit",
    topic="delivery",
    complaint_text="@StormdeskAir my parcel is 5 days late and nobody answers. #wheresmyparcel",
    anger=0.7,
    wait_min=10.0,
    sla_min=60.0,
)
GOOD_REPLY = (
    "Hi Dana, I’m so sorry your parcel still hasn’t arrived — that’s really frustrating. "
    "I've chased the courier and I'll DM you the new delivery date within the hour. ^Sam"
)
MACRO = "We're sorry for any inconvenience. Please DM us your order number and we'll look into it."
MACRO_PERSONALISED = (
    "Hi Dana, we're so sorry your parcel is 5 days late. Please DM us your order number and "
    "I'll chase the courier today."
)
CREDENTIALS_ASK = "Please reply with your account number and password"


def context(**changes) -> ReplyContext:
    return dataclasses.replace(DANA_TWEET, **changes)


def points(result: ScoreResult, key: str) -> float:
    return next(c.points for c in result.criteria if c.key == key)


def weight(result: ScoreResult, key: str) -> float:
    return next(c.weight for c in result.criteria if c.key == key)


# --- The headline cases -------------------------------------------------------------------------
def test_personal_apology_with_next_step_on_twitter_scores_85_or_more_and_passes():
    result = score_reply(GOOD_REPLY, DANA_TWEET)
    assert result.total >= 85
    assert result.passed and result.auto_fail is None
    f = result.features
    assert f.apologised and f.named_customer and f.named_issue and f.next_step and f.ownership
    assert f.length_ok and not (f.shouting or f.canned_unedited or f.blamed_customer)


def test_holding_line_fails():
    result = score_reply("We are looking into it.", DANA_TWEET)
    assert result.total < PASS_MARK
    assert not result.passed
    assert not result.features.next_step


def test_unedited_macro_scores_less_than_the_same_macro_personalised():
    ctx = context(canned_texts=(MACRO,))
    canned = score_reply(MACRO, ctx)
    personalised = score_reply(MACRO_PERSONALISED, ctx)
    assert canned.features.canned_unedited
    assert not personalised.features.canned_unedited
    assert canned.total < personalised.total
    assert points(canned, "basics") < points(personalised, "basics")


def test_macro_with_trivial_edits_still_counts_as_unedited():
    ctx = context(canned_texts=(MACRO,))
    copied = (
        "we’re sorry for any inconvenience!  Please DM us your order number and we’ll look into it"
    )
    assert score_reply(copied, ctx).features.canned_unedited


def test_macro_placeholder_left_in_counts_as_unedited():
    result = score_reply(
        "Hi [NAME], sorry about your parcel. I'll chase the courier today.", DANA_TWEET
    )
    assert result.features.canned_unedited
    assert "placeholder" in next(c.feedback for c in result.criteria if c.key == "basics")


# --- Channel fit and the auto-fail ----------------------------------------------------------------
def test_asking_for_account_number_and_password_in_public_is_an_auto_fail():
    result = score_reply(CREDENTIALS_ASK, DANA_TWEET)
    assert result.total == 0
    assert not result.passed
    assert result.auto_fail is not None
    assert "account number" in result.auto_fail and "password" in result.auto_fail
    assert "public" in result.auto_fail
    assert result.features.asked_private_details_publicly
    assert points(result, "channel_fit") == 0


def test_same_request_on_a_private_channel_is_not_an_auto_fail():
    result = score_reply(CREDENTIALS_ASK, context(channel="email", public=False))
    assert result.auto_fail is None
    assert result.total > 0
    assert not result.features.asked_private_details_publicly


def test_asking_for_a_password_even_privately_loses_channel_fit():
    result = score_reply(CREDENTIALS_ASK, context(channel="email", public=False))
    assert points(result, "channel_fit") < weight(result, "channel_fit")


@pytest.mark.parametrize(
    "reply",
    [
        "What's your card number?",
        "Reply with your home address please",
        "Can you tell us your date of birth and phone number?",
        "Please send your account number so we can check.",
        "PLEASE REPLY WITH YOUR PIN",
    ],
)
def test_asking_for_private_details_in_public_auto_fails(reply):
    assert score_reply(reply, DANA_TWEET).auto_fail is not None


@pytest.mark.parametrize(
    "reply",
    [
        "Please DM us your account number.",
        "I've sent you a DM. Could you share your account number there?",
        "Please DM us. What's your account number?",
        "Never share your password here, Dana. I'll DM you.",
        "We will address this today, Dana, and I'll chase the courier.",
    ],
)
def test_private_details_asked_in_dm_or_warnings_are_not_an_auto_fail(reply):
    assert score_reply(reply, DANA_TWEET).auto_fail is None


def test_order_number_asked_in_public_loses_channel_fit_without_auto_fail():
    result = score_reply("Hi Dana, so sorry. Please reply here with your order number.", DANA_TWEET)
    assert result.auto_fail is None
    assert points(result, "channel_fit") < weight(result, "channel_fit") / 2


def test_account_topic_answered_in_public_without_dm_loses_channel_fit():
    ctx = context(topic="billing", complaint_text="@StormdeskAir you charged me twice!")
    public = score_reply("Hi Dana, sorry about the double charge. I'll refund it today.", ctx)
    via_dm = score_reply(
        "Hi Dana, sorry about the double charge. I've sent you a DM to fix it today.", ctx
    )
    assert (
        points(public, "channel_fit")
        < points(via_dm, "channel_fit")
        == weight(via_dm, "channel_fit")
    )
    assert via_dm.features.moved_to_dm and not public.features.moved_to_dm


def test_move_to_dm_with_an_invitation_gets_full_channel_fit():
    ctx = context(topic="billing", action=ReplyAction.MOVE_TO_DM)
    invited = score_reply(
        "Hi Dana, sorry about the charge. I've sent you a DM to sort it now.", ctx
    )
    silent = score_reply("Hi Dana, sorry about the charge. I'll sort it now.", ctx)
    assert points(invited, "channel_fit") == weight(invited, "channel_fit")
    assert points(silent, "channel_fit") < points(invited, "channel_fit")
    assert silent.features.moved_to_dm  # the action moved it, even though the text did not say


# --- Ownership, empathy, personalization ---------------------------------------------------------
def test_blaming_the_customer_loses_ownership():
    fair = "Hi Dana, sorry about the parcel. I'll chase the courier today."
    blaming = (
        "Hi Dana, sorry about the parcel. You should have read the instructions. "
        "I'll chase the courier today."
    )
    fair_result, blaming_result = score_reply(fair, DANA_TWEET), score_reply(blaming, DANA_TWEET)
    assert blaming_result.features.blamed_customer
    assert not blaming_result.features.ownership
    assert points(blaming_result, "ownership") == 0
    assert points(fair_result, "ownership") == weight(fair_result, "ownership")
    assert blaming_result.total < fair_result.total


def test_deflecting_blame_loses_most_ownership():
    result = score_reply("That's not our fault, it's the courier's problem.", DANA_TWEET)
    assert not result.features.blamed_customer
    assert points(result, "ownership") < weight(result, "ownership") / 2


def test_personal_commitment_beats_team_commitment():
    personal = score_reply("Dana, I'll chase the courier about your parcel today.", DANA_TWEET)
    team = score_reply("Dana, we'll chase the courier about your parcel today.", DANA_TWEET)
    assert points(personal, "ownership") > points(team, "ownership") > 0


@pytest.mark.parametrize(
    "apology",
    [
        "I'm sorry",
        "I’m sorry",
        "im sorry",
        "We’re sorry",
        "we are so sorry",
        "Apologies",
        "My apologies",
        "We apologize",
        "I apologise",
        "Sorry!!",
        "SORRY",
    ],
)
def test_apology_phrasings_are_recognised(apology):
    assert score_reply(f"{apology} about your parcel, Dana.", DANA_TWEET).features.apologised


def test_sorry_you_feel_that_way_is_not_an_apology():
    result = score_reply("We're sorry you feel that way, Dana.", DANA_TWEET)
    assert not result.features.apologised
    assert points(result, "empathy") == 0
    assert "non-apology" in next(c.feedback for c in result.criteria if c.key == "empathy")


def test_stock_apology_earns_less_empathy_than_a_specific_one():
    stock = score_reply("Sorry for any inconvenience, Dana. I'll chase the courier.", DANA_TWEET)
    real = score_reply("I'm so sorry about your parcel, Dana. I'll chase the courier.", DANA_TWEET)
    assert stock.features.apologised
    assert 0 < points(stock, "empathy") < points(real, "empathy")


def test_naming_customer_and_issue_earns_personalization():
    named = score_reply("Hi Dana, sorry your parcel is late.", DANA_TWEET)
    handle = score_reply("@danawhit sorry your parcel is late.", DANA_TWEET)
    anonymous = score_reply("Hi, sorry for the trouble.", DANA_TWEET)
    assert named.features.named_customer and named.features.named_issue
    assert handle.features.named_customer
    assert not anonymous.features.named_customer and not anonymous.features.named_issue
    assert points(named, "personalization") > points(handle, "personalization")
    assert points(handle, "personalization") > points(anonymous, "personalization")


def test_first_name_that_is_also_a_word_needs_its_capital():
    ctx = context(customer_name="Will Turner", customer_handle="@wturner")
    assert not score_reply("I will chase your parcel today.", ctx).features.named_customer
    assert score_reply("Hi Will, I will chase your parcel today.", ctx).features.named_customer


def test_a_word_shared_with_the_complaint_names_the_issue():
    ctx = context(topic="lost_luggage", complaint_text="My suitcase never made it to Denver!")
    assert score_reply(
        "Hi Dana, sorry your suitcase didn't reach Denver.", ctx
    ).features.named_issue
    assert not score_reply("Hi Dana, sorry for the trouble.", ctx).features.named_issue


def test_brand_name_does_not_count_as_naming_the_issue():
    ctx = context(topic="lost_luggage", complaint_text="Stormdesk Air lost my suitcase")
    assert not score_reply("Thanks for flying Stormdesk Air, Dana.", ctx).features.named_issue


# --- Resolution and actions -----------------------------------------------------------------------
def test_next_step_with_a_time_frame_earns_full_resolution():
    timed = score_reply("I'll chase the courier and DM you by 5pm.", DANA_TWEET)
    untimed = score_reply("I'll chase the courier and DM you.", DANA_TWEET)
    assert points(timed, "resolution") == weight(timed, "resolution")
    assert 0 < points(untimed, "resolution") < points(timed, "resolution")


def test_escalation_says_who_takes_over_and_what_happens_next():
    ctx = context(action=ReplyAction.ESCALATE)
    handed = score_reply(
        "Hi Dana, sorry about the parcel. I've passed this to our logistics team, who will call "
        "you by 5pm today.",
        ctx,
    )
    bare = score_reply("Hi Dana, sorry about the parcel. This has been escalated.", ctx)
    assert points(handed, "resolution") == weight(handed, "resolution")
    assert points(bare, "resolution") < points(handed, "resolution") / 2


def test_offer_remedy_sets_offered_compensation():
    reply = "Hi Dana, sorry about the parcel. I'll chase it today."
    assert score_reply(reply, context(action="offer_remedy")).features.offered_compensation
    assert score_reply(reply, context(remedy_offered=20.0)).features.offered_compensation
    assert not score_reply(reply, DANA_TWEET).features.offered_compensation
    voucher = "Hi Dana, I've added a $20 voucher to your account."
    assert score_reply(voucher, DANA_TWEET).features.offered_compensation


def test_refunding_what_is_owed_is_not_compensation():
    ctx = context(topic="refund")
    assert not score_reply("I'll trace your refund today, Dana.", ctx).features.offered_compensation


# --- Basics ---------------------------------------------------------------------------------------
def test_all_caps_loses_basics():
    calm = score_reply(GOOD_REPLY, DANA_TWEET)
    shouted = score_reply(GOOD_REPLY.upper(), DANA_TWEET)
    assert shouted.features.shouting and not calm.features.shouting
    assert points(shouted, "basics") == pytest.approx(
        points(calm, "basics") - TONE_SHARE * weight(calm, "basics")
    )


def test_acronyms_and_one_emphasised_word_are_not_shouting():
    reply = "Hi Dana, I'm REALLY sorry. Please DM us, see the FAQ or call the USA desk today."
    assert not score_reply(reply, DANA_TWEET).features.shouting


def test_600_char_reply_on_twitter_loses_basics_but_fits_facebook():
    long_reply = (GOOD_REPLY + " ") * 4
    assert len(long_reply) > CHANNEL_MAX_CHARS[ChannelKind.TWITTER]
    on_twitter = score_reply(long_reply, DANA_TWEET)
    on_facebook = score_reply(long_reply, context(channel="facebook"))
    assert not on_twitter.features.length_ok
    assert on_facebook.features.length_ok
    assert points(on_twitter, "basics") < points(on_facebook, "basics")
    assert "too long" in next(c.feedback for c in on_twitter.criteria if c.key == "basics")


def test_one_word_reply_is_too_short():
    assert not score_reply("Sorry.", DANA_TWEET).features.length_ok


def test_late_reply_loses_timeliness_points():
    basics_at = {
        w: points(score_reply(GOOD_REPLY, context(wait_min=w)), "basics")
        for w in (30, 60, 90, 120, 500)
    }
    full = basics_at[30]
    assert basics_at[60] == full  # on the SLA is on time
    assert basics_at[90] == pytest.approx(full - TIMELINESS_SHARE * 15 / 2)  # half-way to 2×SLA
    assert LATE_ZERO_AT_SLA_MULTIPLE * 60 == 120
    assert basics_at[120] == pytest.approx(full - TIMELINESS_SHARE * 15)
    assert basics_at[500] == basics_at[120]


def test_no_sla_means_never_late():
    assert points(score_reply(GOOD_REPLY, context(wait_min=1e6, sla_min=math.inf)), "basics") == 15


# --- Weights --------------------------------------------------------------------------------------
def test_default_weights_follow_design_and_sum_to_100():
    assert dict(DEFAULT_WEIGHTS) == {
        "resolution": 30,
        "empathy": 20,
        "personalization": 15,
        "ownership": 10,
        "channel_fit": 10,
        "basics": 15,
    }
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert PASS_MARK == 70


def test_custom_weights_are_renormalised_to_100():
    equal = validate_weights(dict.fromkeys(DEFAULT_WEIGHTS, 1))
    assert all(w == pytest.approx(100 / 6) for w in equal.values())
    result = score_reply(GOOD_REPLY, DANA_TWEET, dict.fromkeys(DEFAULT_WEIGHTS, 1))
    assert sum(c.weight for c in result.criteria) == pytest.approx(100)


def test_partial_weights_override_only_the_named_criteria():
    w = validate_weights({"channel_fit": 0})
    assert w["channel_fit"] == 0
    assert w["resolution"] == pytest.approx(30 * 100 / 90)


def test_zero_weight_criterion_earns_no_points_but_auto_fail_still_applies():
    result = score_reply(CREDENTIALS_ASK, DANA_TWEET, {"channel_fit": 0})
    assert points(result, "channel_fit") == 0
    assert result.auto_fail is not None and result.total == 0


@pytest.mark.parametrize(
    "weights, message",
    [
        ({"tone": 10}, "unknown criterion tone"),
        ({"empathy": -1}, "≥ 0"),
        ({"empathy": math.nan}, "finite"),
        ({"empathy": math.inf}, "finite"),
        ({"empathy": "20"}, "number"),
        ({"empathy": True}, "number"),
        (dict.fromkeys(DEFAULT_WEIGHTS, 0), "not all be 0"),
    ],
)
def test_invalid_weights_are_rejected(weights, message):
    with pytest.raises(ValueError, match=message):
        score_reply(GOOD_REPLY, DANA_TWEET, weights)


# --- Input handling -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\u2003"])
def test_empty_or_whitespace_reply_is_rejected(text):
    with pytest.raises(ValueError, match="empty"):
        score_reply(text, DANA_TWEET)


@pytest.mark.parametrize(
    "changes",
    [
        {"anger": 1.5},
        {"anger": math.nan},
        {"wait_min": -1},
        {"sla_min": 0},
        {"remedy_offered": -5},
        {"action": "shrug"},
    ],
)
def test_invalid_context_is_rejected(changes):
    with pytest.raises(ValueError):
        context(**changes)


def test_action_given_as_string_is_accepted():
    assert context(action="move_to_dm").action is ReplyAction.MOVE_TO_DM


def test_channel_names_map_to_kinds():
    assert channel_kind("Twitter") is ChannelKind.TWITTER
    assert channel_kind("twitter_dm") is ChannelKind.TWITTER
    assert channel_kind("reviews") is ChannelKind.REVIEW
    assert channel_kind("live-chat") is ChannelKind.CHAT
    assert channel_kind("carrier_pigeon") is ChannelKind.OTHER


def test_unknown_channel_and_topic_are_scored():
    result = score_reply(GOOD_REPLY, context(channel="carrier_pigeon", topic="lost_luggage"))
    assert 0 <= result.total <= 100


@pytest.mark.parametrize(
    "huge",
    [
        "sorry " * 1_700_000,
        "a" * 10_000_000,
        "!" * 10_000_000,
        "Dana " + "(" * 5_000_000 + "a" * 5_000_000,
        "please dm us your " * 600_000,
    ],
    ids=["words", "one-letter", "exclamations", "brackets", "phrases"],
)
def test_a_10_mb_reply_is_scored_quickly(huge):
    ctx = context(complaint_text="parcel " * 1_500_000, canned_texts=(huge[:20_000],))
    start = time.perf_counter()
    result = score_reply(huge, ctx)
    assert time.perf_counter() - start < 2.0  # measured ≈ 0.1 s; generous for slow CI machines
    assert not result.features.length_ok


def test_as_dict_is_json_ready():
    d = score_reply(GOOD_REPLY, DANA_TWEET).as_dict()
    assert json.loads(json.dumps(d)) == d
    assert {c["key"] for c in d["criteria"]} == set(DEFAULT_WEIGHTS)
    assert d["features"]["apologised"] is True


def test_every_criterion_has_feedback_and_a_context_specific_example():
    result = score_reply("We are looking into it.", DANA_TWEET)
    for c in result.criteria:
        assert c.feedback and c.example
    assert any("Dana" in c.example for c in result.criteria)
    assert len(next(c.example for c in result.criteria if c.key == "basics")) <= 280


def test_example_replies_score_well_themselves():
    for topic in [*TOPICS, "lost_luggage"]:
        for channel, public in [("twitter", True), ("email", False), ("chat", False)]:
            ctx = context(topic=topic, channel=channel, public=public)
            example = next(
                c.example for c in score_reply("Ok thanks.", ctx).criteria if c.key == "basics"
            )
            assert score_reply(example, ctx).passed, (topic, channel, example)


# --- Properties -----------------------------------------------------------------------------------
VOCABULARY = [
    "Hi",
    "Dana",
    "@danawhit",
    "sorry",
    "I'm",
    "we’re",
    "apologies",
    "parcel",
    "I'll",
    "we will",
    "chase",
    "today",
    "within the hour",
    "DM",
    "please",
    "reply",
    "with",
    "your",
    "account number",
    "password",
    "never",
    "share",
    "you should have",
    "read the instructions",
    "FAQ",
    "THANK YOU",
    "!!!",
    "[NAME]",
    "not our fault",
    "escalated",
    "specialist team",
    "$20 voucher",
    ".",
    ",",
    "\n",
    "’",
    "address",
    "here",
    "looking into it",
    "frustrating",
]
replies = st.one_of(
    st.text(min_size=1, max_size=400),
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=40).map(" ".join),
)
contexts = st.builds(
    ReplyContext,
    channel=st.one_of(
        st.sampled_from(["twitter", "facebook", "instagram", "reviews", "email", "chat", "phone"]),
        st.text(max_size=12),
    ),
    public=st.booleans(),
    customer_name=st.one_of(st.just("Dana Whitfield"), st.text(max_size=30)),
    customer_handle=st.one_of(st.just("@danawhit"), st.text(max_size=16)),
    topic=st.one_of(st.sampled_from([*TOPICS, "lost_luggage"]), st.text(max_size=16)),
    complaint_text=st.text(max_size=300),
    anger=st.floats(0, 1),
    wait_min=st.floats(0, 1e5),
    sla_min=st.one_of(st.floats(0.01, 1e4), st.just(math.inf)),
    action=st.sampled_from(list(ReplyAction)),
    canned_texts=st.lists(st.one_of(st.text(max_size=100), st.just(MACRO)), max_size=2).map(tuple),
    remedy_offered=st.floats(0, 500),
)
weightings = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(list(DEFAULT_WEIGHTS)), st.floats(0, 1e3), min_size=1).filter(
        lambda w: sum(w.values()) + sum(v for k, v in DEFAULT_WEIGHTS.items() if k not in w) > 0
    ),
)


@settings(max_examples=300, deadline=None)
@given(text=replies, ctx=contexts, weights=weightings)
def test_any_reply_scores_within_bounds_consistently_and_deterministically(text, ctx, weights):
    if not text.strip():
        with pytest.raises(ValueError):
            score_reply(text, ctx, weights)
        return
    result = score_reply(text, ctx, weights)
    assert 0 <= result.total <= 100
    assert sum(c.weight for c in result.criteria) == pytest.approx(100)
    for c in result.criteria:
        assert 0 <= c.points <= c.weight
    if result.auto_fail is None:
        assert sum(c.points for c in result.criteria) == pytest.approx(result.total)
        assert result.passed == (result.total >= PASS_MARK)
    else:
        assert result.total == 0 and not result.passed and ctx.public
    assert score_reply(text, ctx, weights) == result
