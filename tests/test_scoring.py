"""The reply scorer as a specification (DESIGN §7, issue 9): what passes, what can never pass,
what the feedback says, and how it agrees with the expert-judged corpus.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scoring import (
    DEFAULT_WEIGHTS,
    PASS_MARK,
    ReplyContext,
    UnsupportedLanguage,
    corpus,
    learned,
    rule_reading,
    score_reply,
    tone,
    validate_weights,
)
from sim.scoring import phrases as P
from sim.scoring.gates import SOFT_CAP, SOFT_GATE_SHARE, TONE_CAP
from sim.scoring.words import normalise

PRIYA = ReplyContext(
    channel="twitter",
    public=True,
    customer_name="Priya Shah",
    customer_handle="@priyashah",
    topic="delivery",
    complaint_text="@Parcelly four days and my daughter's birthday present hasn't moved from "
    "Leeds. Tracking says 'in transit' since Monday. Useless.",
    anger=0.7,
    wait_min=20.0,
    sla_min=60.0,
    brand="Parcelly",
)
EXCELLENT = (
    "Priya, four days with no movement on a birthday present is rotten timing. I've just phoned "
    "the depot: it was held in Leeds with a misprinted label. It goes out on tomorrow's first "
    "van and you'll get a text with the new time slot."
)


def ctx(**kw) -> ReplyContext:
    return ReplyContext(**{**PRIYA.__dict__, **kw})


# --- Excellent replies in unusual words pass ---------------------------------------------------
def test_excellent_reply_without_sorry_or_dm_passes():
    r = score_reply(EXCELLENT, PRIYA)
    assert r.passed and r.total >= 85, r.as_dict()
    assert r.gate is None


def test_recall_phone_call_with_safety_instruction_passes():
    recall = ctx(
        channel="phone",
        public=False,
        customer_name="Mr Okafor",
        customer_handle="",
        topic="product_safety",
        complaint_text="Caller: I got a letter saying my Brewmax kettle is being recalled. What do "
        "I do? I paid £39 for it.",
        wait_min=2,
        sla_min=5,
    )
    reply = (
        "Mr Okafor, thank you for calling. Please stop using the kettle today and unplug it. "
        "I'm booking a courier to collect it free of charge on Thursday between 8 and 12, and "
        "your £39 goes back to your card the day it's collected."
    )
    r = score_reply(reply, recall)
    assert r.passed, r.as_dict()


def test_i_will_look_into_it_myself_with_a_time_earns_ownership():
    r = score_reply(
        "Priya, that's not good enough for a birthday present. I'll look into the Leeds depot "
        "myself right now and DM you an update within the hour.",
        PRIYA,
    )
    own = next(c for c in r.criteria if c.key == "ownership")
    assert own.points == own.weight


# --- Gaming never passes --------------------------------------------------------------------
GAMED = {
    "keyword salad": "Priya delivery sorry I understand frustrating I will check today DM sorry "
    "I will refund today apologise delivery I will personally today",
    "bare promises": "I will look, I will check, I will sort, I will fix… today, tomorrow, within "
    "the hour. Please DM us. Sorry, sorry, sorry!",
    "repeated apology": "Priya, sorry, so sorry, we are really sorry, sorry again about the "
    "delivery.",
    "insult in an apology": "I'm sorry you can't read tracking, idiot. I will DM you today.",
    "rubric words": "Empathy! Ownership! I have escalated, actioned, prioritised, resolved and "
    "refunded your delivery today by 5pm, personally, with apology, next steps, DM.",
    "public credentials": "Hi Priya, so sorry! Reply here with your password and card number and "
    "I'll sort the delivery today.",
}


@pytest.mark.parametrize("name", GAMED)
def test_gamed_replies_never_pass(name):
    r = score_reply(GAMED[name], PRIYA)
    assert not r.passed and r.total < PASS_MARK, (name, r.as_dict())


def test_credentials_fail_even_in_private():
    private = ctx(channel="chat", public=False)
    r = score_reply(
        "Sorry about that, Priya. Please type your PIN here so I can verify you and chase the "
        "parcel today.",
        private,
    )
    assert r.gate is not None and r.gate.key == "credentials" and r.total <= 10


TEMPLATE = (
    "Hi {name}, I'm so sorry about this. I'll look into it personally and get back to you "
    "within the hour."
)
COMPLAINTS = [
    ("delivery", "My parcel has been stuck at your Bristol depot for nine days now."),
    ("billing", "You charged me £49.99 twice on my March bill, sort it out."),
    ("refund", "Returned the blender three weeks ago and still no refund of £80."),
    ("outage", "Broadband down in Salford since 7am, I work from home!"),
    ("account_access", "Locked out of my account, the reset link never arrives."),
    ("product_quality", "The zip on my new suitcase broke on the first trip."),
    ("product_safety", "My phone charger sparked and scorched the desk last night."),
    ("service", "Your Leeds store manager was rude to me in front of my kids."),
]


def test_one_template_across_twenty_complaints_never_passes():
    names = ["Ana Lima", "Ben Cole", "Chen Wei", "Dara Ode", "Eli Roth"]
    for i, ((topic, text), name) in enumerate(itertools.product(COMPLAINTS, names)):
        if i >= 20:
            break
        c = ctx(topic=topic, complaint_text=text, customer_name=name, customer_handle="")
        r = score_reply(TEMPLATE.format(name=name.split()[0]), c)
        assert not r.passed, (topic, name, r.as_dict())


def _literals(patterns) -> list[str]:
    """Plain phrases from the scorer's own phrase data (regex alternatives without syntax)."""
    out = []
    for p in patterns:
        for alt in p.split("|"):
            if re.fullmatch(r"[a-z' ]{2,30}", alt):
                out.append(alt)
    return out


STUFFING_POOL = sorted(
    set(
        _literals(P.EN.apology)
        + _literals(P.EN.acknowledgement)
        + _literals(P.EN.timeframe)
        + _literals(P.EN.dm)
        + _literals(P.EN.safety_instruction)
        + _literals(P.EN.compensation)
        + ["i will", "we will", "i have", "priya", "delivery", "parcel", "courier", "today"]
        + P.EN_ACTION_VERBS.split("|")[:40]
    )
)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from(STUFFING_POOL), min_size=6, max_size=40),
    st.sampled_from([" ", ", ", ". ", "! "]),
)
def test_stuffed_replies_built_from_the_phrase_data_never_pass(words, sep):
    text = sep.join(words)
    r = score_reply(text, PRIYA)
    assert not r.passed, (text, r.as_dict())


# --- What must never pass --------------------------------------------------------------------
def test_over_long_tweet_is_capped():
    more = (
        " I know the label problem has happened before at Leeds, so I've also asked the depot "
        "manager to check every parcel from that batch, and I'll call you on Friday to make "
        "sure it arrived in time for the party."
    )
    r = score_reply(EXCELLENT + more, PRIYA)
    assert r.gate.key == "over_length" and r.total <= 40


def test_customer_address_in_public_fails():
    r = score_reply(
        "Priya, sorry! Your parcel for 14 Elm Road, Leeds LS6 2AB is on the van tomorrow.",
        PRIYA,
    )
    assert r.gate.key == "personal_data_public" and not r.passed


def test_guarantee_is_an_over_promise():
    r = score_reply(
        "Priya, sorry about the Leeds delay. I've rebooked the parcel for tomorrow and I "
        "guarantee this will never happen again.",
        PRIYA,
    )
    assert r.gate.key == "over_promise" and r.total <= 40


def test_compensation_above_the_seats_limit_is_an_over_promise():
    c = ctx(action="offer_remedy", remedy_offered=200, remedy_limit=50)
    r = score_reply(
        "Priya, sorry about the Leeds delay. I've added a £200 voucher as an apology and the "
        "parcel goes out tomorrow.",
        c,
    )
    assert r.gate.key == "over_promise"


# --- Found on dev's fourth batch (z): read in general, not per case --------------------------
def test_card_details_asked_for_out_loud_on_the_phone_fail():
    call = ctx(channel="phone", public=False, customer_name="Mrs Okoro", customer_handle="",
               topic="refund", complaint_text="Customer: my refund for the cancelled room "
               "never came, it's been a month.", remedy_offered=80.0)  # fmt: skip
    reply = (
        "Rep: Of course, Mrs Okoro, I can sort that now. Read me out the long number on your "
        "card, the expiry and the three digits on the back and I'll put the £80 through."
    )
    r = score_reply(reply, call)
    assert r.gate is not None and r.gate.key == "credentials" and not r.passed, r.as_dict()


def test_mentioning_an_expiry_or_what_the_customer_said_is_no_credential_request():
    c = ctx(topic="billing", complaint_text="@Parcelly my gift voucher was refused at checkout "
            "and my card was charged £20 instead.")  # fmt: skip
    r = score_reply(
        "Priya, as you say, your card was charged £20. Please check the expiry date on the "
        "voucher: if it's still valid I'll refund the £20 today.",
        c,
    )
    assert r.gate is None or r.gate.key != "credentials", r.as_dict()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Priya, if the app says it's in Leeds, it's in Leeds. Refresh the page, genius.", "en"),
        ("Priya, si la app dice Leeds, está en Leeds. Actualiza la página, genio.", "es"),
    ],
)
def test_a_mocking_nickname_is_an_insult(text, language):
    c = ctx(language=language) if language != "en" else PRIYA
    r = score_reply(text, c)
    assert r.gate is not None and r.gate.key == "insult", r.as_dict()


def test_we_should_have_told_you_is_not_blame():
    """French "vous auriez dû être prévenue" (you should have been told) owns our failure."""
    c = ctx(
        language="fr",
        topic="product_safety",
        customer_name="Sophie Martin",
        complaint_text="Votre poussette Zeta est rappelée et je n'ai reçu aucun mail ?!",
    )
    reply = (
        "Sophie, vous auriez dû être prévenue par mail, et nous en sommes désolés. Arrêtez dès "
        "maintenant d'utiliser la poussette Zeta. Nous vous envoyons une pièce de remplacement "
        "gratuite sous 3 jours : écrivez-nous en message privé avec votre numéro de lot."
    )
    r = assert_passes(reply, c)
    res = next(x for x in r.criteria if x.key == "resolution")
    assert "Safety first" not in res.feedback


def test_pinning_the_error_on_the_customer_is_blame():
    c = ctx(channel="chat", public=False, topic="billing", complaint_text="My direct debit "
            "bounced and I was charged a fee. I didn't change anything!")  # fmt: skip
    reply = (
        "Hi Priya, I've checked: the account number was typed incorrectly when you set up the "
        "debit, and it's important to double-check these details. I've corrected it and waived "
        "the £15 fee today."
    )
    assert score_reply(reply, c).gate.key == "blame"


def test_spanish_we_forms_with_a_pronoun_are_actions():
    c = ctx(
        language="es",
        topic="refund",
        customer_name="Lucía Pérez",
        customer_handle="",
        complaint_text="Pagué 40€ por un asiento que no me dieron en el vuelo a Sevilla.",
    )
    text = (
        "Lucía, pagar 40€ por un asiento que no tuviste no es aceptable, lo sentimos. Ya te "
        "devolvimos los 40€ a la tarjeta; lo verás en 5 días."
    )
    rules = score_reply(text, c, calibrated=False)  # the reading: "ya te devolvimos" is an act
    own = next(x for x in rules.criteria if x.key == "ownership")
    res = next(x for x in rules.criteria if x.key == "resolution")
    assert own.points >= 0.8 * own.weight and res.points == res.weight, rules.as_dict()
    assert score_reply(text, c).passed


def test_a_fix_already_done_in_public_needs_no_dm():
    c = ctx(topic="billing", complaint_text="@Parcelly you charged me twice for one parcel, "
            "£12.50 both times!")  # fmt: skip
    r = score_reply(
        "Priya, that's a fair complaint: one parcel, one charge. I've just refunded the second "
        "£12.50 to your card and you'll see it within 3 working days.",
        c,
    )
    fit = next(x for x in r.criteria if x.key == "channel_fit")
    assert fit.points >= 0.9 * fit.weight, r.as_dict()


def test_selling_instead_of_answering_is_off_topic():
    r = score_reply(
        "Hi Priya! Did you know Parcelly now offers weekend delivery from just £2.99? Get a quote "
        "today on our app.",
        PRIYA,
    )
    assert r.gate is not None and r.gate.key == "off_topic", r.as_dict()


def test_taking_the_blame_for_an_injury_in_public_is_capped():
    c = ctx(topic="product_safety", complaint_text="@Parcelly your driver reversed into my "
            "mum at the gate, she's bruised her hip.")  # fmt: skip
    r = score_reply(
        "Priya, yes the driver should have looked, that's totally on us and we'll pay whatever "
        "it costs. Just send us the bills.",
        c,
    )
    assert r.gate is not None and r.gate.cap <= 40 and not r.passed, r.as_dict()


def test_a_safety_instruction_on_a_recall_is_on_topic():
    """ "Stop using it" answers a safety report even when the reply names no word of it and
    mentions a replacement (a product-quality word)."""
    c = ctx(topic="product_safety", complaint_text="@Parcelly is my heater in the recall? It "
            "smelt of burning last night.")  # fmt: skip
    assert_passes(
        "Hi Priya, I'm so sorry, I know how worrying this is. Please stop using it and keep it "
        "unplugged for now. I'm booking a free collection and a replacement for you today, and "
        "I'll DM you the time slot within the hour.",
        c,
    )


# --- Languages ---------------------------------------------------------------------------------
SPANISH = ctx(
    customer_name="Lucía Gómez",
    complaint_text="@Parcelly mi pedido lleva una semana parado en Madrid y es el regalo de "
    "cumpleaños de mi hija. Nadie me contesta.",
)


def test_spanish_reply_to_spanish_complaint_is_scored_in_spanish():
    reply = (
        "Lucía, una semana parado con un cumpleaños por medio es un fastidio, lo siento. He "
        "llamado al almacén de Madrid: el pedido sale hoy y te llega mañana antes de las 14:00."
    )
    r = score_reply(reply, SPANISH)
    assert r.passed, r.as_dict()
    assert r.language == "es"


def test_english_reply_to_spanish_complaint_fails_on_language():
    r = score_reply(EXCELLENT.replace("Priya", "Lucía"), SPANISH)
    assert r.gate.key == "wrong_language" and not r.passed


def test_unsupported_language_is_declined_not_scored_low():
    german = ctx(complaint_text="Mein Paket ist seit einer Woche nicht angekommen.")
    with pytest.raises(UnsupportedLanguage, match="German"):
        score_reply(
            "Hallo Priya, das tut mir leid. Ich habe mit dem Depot gesprochen, das Paket kommt "
            "morgen.",
            german,
        )


# --- Feedback ---------------------------------------------------------------------------------
def test_feedback_is_plain_and_rounded():
    for text in [*GAMED.values(), EXCELLENT, TEMPLATE.format(name="Priya")]:
        d = score_reply(text, PRIYA).as_dict()
        assert (d["total"] * 2) == int(d["total"] * 2)
        blob = json.dumps(d)
        assert "*" not in blob and "Auto-fail: Auto-fail" not in blob
        for c in d["criteria"]:
            assert (c["points"] * 2) == int(c["points"] * 2)
            assert not (c["example"] and c["points"] >= c["weight"])


def test_better_reply_passes_and_fits_the_channel():
    for (topic, text), channel in itertools.product(COMPLAINTS, ["twitter", "email", "chat"]):
        c = ctx(topic=topic, complaint_text=text, channel=channel, public=channel == "twitter")
        weak = score_reply("Sorry for any inconvenience, we are looking into it.", c)
        assert weak.better_reply, topic
        better = score_reply(weak.better_reply, c)
        assert better.passed and better.total > weak.total, (topic, channel, weak.better_reply)


def test_customer_at_fault_is_not_told_to_apologise():
    c = ctx(
        topic="product_safety",
        customer_at_fault=True,
        complaint_text="My ebike battery got hot, I used the charger from my old bike.",
    )
    r = score_reply(
        "Thanks for telling us, Priya. Please unplug it now and keep it outside. The old "
        "charger pushes 48V into a 36V pack, which made it overheat - an easy mix-up. I'm booking "
        "a free safety check tomorrow between 9 and 1.",
        c,
    )
    emp = next(x for x in r.criteria if x.key == "empathy")
    # Never coached to apologise for the customer's own mistake. The learned layer may take a
    # few points off (team leads give such replies 14-18 of 20 for empathy), never most of them.
    assert "sorry" not in emp.feedback.casefold() and "apolog" not in emp.feedback.casefold()
    assert emp.points >= 0.8 * emp.weight, emp
    assert "sorry" not in (r.better_reply or "").casefold(), r.better_reply


# --- Determinism and weights --------------------------------------------------------------------
def test_same_reply_same_score():
    assert score_reply(EXCELLENT, PRIYA) == score_reply(EXCELLENT, PRIYA)


def test_weights_renormalise_and_reject_nonsense():
    assert math.isclose(sum(validate_weights({"resolution": 60}).values()), 100.0)
    with pytest.raises(ValueError):
        validate_weights({"vibes": 3})
    with pytest.raises(ValueError):
        validate_weights(dict.fromkeys(DEFAULT_WEIGHTS, 0))


def test_empty_reply_is_rejected():
    with pytest.raises(ValueError):
        score_reply("   ", PRIYA)


# --- The corpus -------------------------------------------------------------------------------
def test_corpus_has_the_promised_shape():
    cases = [c for s in corpus.SPLITS for c in corpus.load(s)]
    assert len(cases) >= 300
    assert len({c["id"] for c in cases}) == len(cases)  # splits are disjoint
    langs = {c["language"] for c in cases} - {"en"}
    assert {"es", "fr"} <= langs
    bands = {b: sum(c["band"] == b for c in cases) for b in ("excellent", "middling", "poor")}
    assert min(bands.values()) >= 0.25 * len(cases), bands
    for c in cases:
        assert set(c["expert"]["criteria"]) == set(DEFAULT_WEIGHTS)


def test_train_and_dev_agree_with_the_experts():
    for split in ("train", "dev"):
        a = corpus.agreement(corpus.load(split))
        assert a.spearman >= 0.85 and a.pass_agreement >= 0.85, (split, a)
        assert a.poor_passed <= 0.02 and a.unsupported_declined == 1.0, (split, a)


def test_held_out_test_split_does_not_regress():
    """The test split is scored for reporting, never tuned on. Its four earlier batches (354
    scored cases), with the learned layer (the default, fitted on train and dev), after the
    fourth 2026-12-01 round (the learned tone check, soft gates at half the points): Spearman
    0.840, pass/fail 93%, 88% of excellent replies pass, 1.6% of poor ones pass (0.812 / 92% /
    89% / 4.9% before it). This guards the level."""
    earlier = [c for c in corpus.load("test") if not re.match(r"[wvutsr]\d-", c["id"])]
    a = corpus.agreement(earlier)
    assert a.spearman >= 0.80 and a.pass_agreement >= 0.90, a
    assert a.excellent_passed >= 0.85 and a.poor_passed <= 0.04, a
    assert a.unsupported_declined == 1.0, a


def test_whole_held_out_test_split():
    """All of test (1,026 scored cases, ten batches of writers, after the fifth 2026-12-01 round):
    Spearman 0.865, pass/fail 93.7%, 90.5% of excellent replies pass, 1.4% of poor ones pass;
    issue 9's targets are 0.85 / 90% / 90% / 2%. Without the tenth batch (the 834 of the fifth
    round): 0.854 / 93.4% / 90.1% / 1.8%; without the ninth's held-out half as well (the 738 of the
    fourth round): 0.845 / 92.8% / 89.6% / 2.0%. Guards the level, with one case of slack on the
    rates (two fitted-at-first-use models could flip a borderline reply on another machine's
    floating point); the README has the figures."""
    a = corpus.agreement(corpus.load("test"))
    assert a.n >= 1000, a
    assert a.spearman >= 0.855 and a.pass_agreement >= 0.925, a
    assert a.excellent_passed >= 0.9 and a.poor_passed <= 0.02, a
    assert a.unsupported_declined == 1.0, a


def test_tenth_batch_written_after_tuning_meets_the_target():
    """The tenth batch (r1-r4: four writers, plain brief, written after the last round of tuning
    and scored once, never read; all of it in test): 0.907 / 94.8% / 92.3% / 0% on 192 scored
    cases. The check that replies nobody here saw are read as well as the test split."""
    a = corpus.agreement([c for c in corpus.load("test") if re.match(r"r\d-", c["id"])])
    assert a.n >= 180, a
    assert a.spearman >= 0.88 and a.pass_agreement >= 0.92, a
    assert a.excellent_passed >= 0.90 and a.poor_passed <= 0.02, a
    assert a.unsupported_declined == 1.0, a


def test_fifth_batch_held_out_half_meets_the_target():
    """The fifth batch's two held-out writers (w3, w4: 96 scored cases, blind to the scorer,
    never read case by case): 0.938 / 96% / 100% / 0% before the 2026-12-01 round, 0.950 /
    96% / 100% / 0% after. Held to issue 9's targets."""
    a = corpus.agreement([c for c in corpus.load("test") if re.match(r"w\d-", c["id"])])
    assert a.n >= 90, a
    assert a.spearman >= 0.85 and a.pass_agreement >= 0.90, a
    assert a.excellent_passed >= 0.90 and a.poor_passed <= 0.02, a
    assert a.unsupported_declined == 1.0, a


# --- The learned per-criterion layer (sim/scoring/learned.py) -------------------------------
def test_shipped_learned_layer_is_a_refit_of_train_and_dev():
    """learned.json must be what scripts/fit_scoring_layer.py fits from train and dev today: a
    change to the reading, the criteria or those splits that leaves it stale fails here. The
    layer may never be fitted on the test split."""
    assert "test" not in learned.FIT_SPLITS
    with pytest.raises(ValueError):
        learned.training_set(("train", "test"))
    shipped = json.loads(
        (Path(learned.__file__).parent / learned.COEFFICIENTS_FILE).read_text("utf-8")
    )
    refit = learned.fit_from_train()
    assert shipped["features"] == refit["features"] == list(learned.feature_names())
    assert shipped["n_train"] == refit["n_train"]
    np.testing.assert_allclose(shipped["coef"], refit["coef"], atol=1e-6)
    np.testing.assert_allclose(shipped["intercept"], refit["intercept"], atol=1e-6)


def test_learned_layer_moves_each_criterion_a_bounded_step_and_gates_still_cap():
    cases = [c for c in corpus.load("dev") if c["expert"]["score"] is not None]
    moved = 0
    for case in cases:
        context = corpus.context_of(case)
        try:
            rules = score_reply(case["reply"], context, calibrated=False)
        except UnsupportedLanguage:
            continue
        layer = score_reply(case["reply"], context, calibrated=True)
        assert layer.gate == rules.gate
        if layer.gate is not None:
            assert layer.total <= layer.gate.cap and not layer.passed
        for a, b in zip(layer.criteria, rules.criteria, strict=True):
            assert abs(a.points - b.points) <= learned.MAX_CORRECTION * a.weight + 0.5, case["id"]
            moved += a.points != b.points
            if b.points == b.weight and a.points < a.weight:  # rules: complete; layer: not
                assert "team leads take a little off" in a.feedback, (case["id"], a)
    assert moved > 0


def test_learned_layer_agrees_with_the_experts_better_than_the_rules_on_dev():
    """Chosen by grouped cross-validation on train, confirmed on dev (README): the layer must not
    fall behind the rules it corrects. (Since 2026-12-01 dev holds the sixth batch's hard cases
    and the layer is fitted on train and dev: one poor dev reply of 124 passes.)"""
    cases = corpus.load("dev")
    rules = corpus.agreement(cases, functools.partial(score_reply, calibrated=False))
    layer = corpus.agreement(cases, functools.partial(score_reply, calibrated=True))
    assert layer.pass_agreement >= rules.pass_agreement + 0.03, (rules, layer)
    assert layer.spearman >= rules.spearman - 0.01 and layer.mean_abs_error < rules.mean_abs_error
    assert layer.poor_passed <= 0.02 and layer.excellent_passed >= 0.9


def test_reply_to_no_stated_complaint_is_judged_by_the_rules_alone():
    c = ctx(complaint_text="")
    rules = score_reply(EXCELLENT, c, calibrated=False).as_dict()
    assert score_reply(EXCELLENT, c, calibrated=True).as_dict() == rules


@pytest.mark.parametrize("name", GAMED)
def test_gamed_replies_never_pass_with_the_learned_layer(name):
    r = score_reply(GAMED[name], PRIYA, calibrated=True)
    assert not r.passed and r.total < PASS_MARK, (name, r.as_dict())


def test_one_template_never_passes_with_the_learned_layer():
    names = ["Ana Lima", "Ben Cole", "Chen Wei", "Dara Ode", "Eli Roth"]
    for i, ((topic, text), name) in enumerate(itertools.product(COMPLAINTS, names)):
        if i >= 20:
            break
        c = ctx(topic=topic, complaint_text=text, customer_name=name, customer_handle="")
        r = score_reply(TEMPLATE.format(name=name.split()[0]), c, calibrated=True)
        assert not r.passed, (topic, name, r.as_dict())


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from(STUFFING_POOL), min_size=6, max_size=40),
    st.sampled_from([" ", ", ", ". ", "! "]),
)
def test_stuffed_replies_never_pass_with_the_learned_layer(words, sep):
    text = sep.join(words)
    r = score_reply(text, PRIYA, calibrated=True)
    assert not r.passed, (text, r.as_dict())


def test_excellent_reply_in_unusual_words_passes_with_the_learned_layer():
    r = score_reply(EXCELLENT, PRIYA, calibrated=True)
    assert r.passed and r.gate is None, r.as_dict()


def test_same_score_in_a_fresh_process():
    code = (
        "import json, sys; sys.path.insert(0, 'tests'); from test_scoring import EXCELLENT, PRIYA;"
        "from sim.scoring import score_reply; print(json.dumps(score_reply(EXCELLENT, PRIYA, "
        "calibrated=True).as_dict(), sort_keys=True))"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    here = score_reply(EXCELLENT, PRIYA, calibrated=True).as_dict()
    here = json.loads(json.dumps(here, sort_keys=True))
    assert json.loads(out) == here


def assert_gated(key: str, text: str, c: ReplyContext) -> None:
    """``text`` as a reply in ``c`` hits gate ``key`` (and so cannot pass)."""
    r = score_reply(text, c)
    assert r.gate is not None and r.gate.key == key and not r.passed, r.as_dict()


def assert_ungated(text: str, c: ReplyContext):
    """``text`` as a reply in ``c`` hits no gate; the score, for further checks."""
    r = score_reply(text, c)
    assert r.gate is None, r.as_dict()
    return r


def assert_passes(text: str, c: ReplyContext):
    """``text`` as a reply in ``c`` hits no gate and passes; the score, for further checks."""
    r = score_reply(text, c)
    assert r.gate is None and r.passed, r.as_dict()
    return r


# --- 2026-12-01 round: what replies do, read more structurally -------------------------------
# Written for these tests (not corpus cases): each reading in new words, and its near miss.
def test_a_list_of_promises_with_objects_is_still_stuffing():
    c = ctx(channel="email", public=False, customer_handle="")
    assert_gated(
        "stuffing",
        "Dear Priya,\n\nI apologise. I will check your order. I will call the depot. I will chase "
        "the courier. I will find your parcel. I will update you. I will sort everything.\n\n"
        "Regards,\nCustomer Care",
        c,
    )
    # Two promises with a time in a real reply are not a list.
    assert_passes(
        "Priya, four days without movement on a birthday present is rotten timing. I will call "
        "the Leeds depot this morning. I will text you the new delivery slot by 2pm today.",
        c,
    )


def test_praise_macro_on_a_complaint_is_off_topic():
    c = ctx(channel="review", complaint_text="1/5. Found bedbugs in the mattress at your Leeds "
            "hotel and had to throw away our clothes.", topic="product_quality")  # fmt: skip
    assert_gated(
        "off_topic",
        "Thank you so much for your wonderful review, Priya! We're delighted you enjoyed your "
        "stay and can't wait to welcome you back soon.",
        c,
    )


def test_promotion_with_a_code_is_off_topic():
    assert_gated(
        "off_topic",
        "Hi Priya! Did you know we've just launched same-day delivery? Use code FAST10 for 10% "
        "off your next order!",
        PRIYA,
    )


def test_what_you_were_told_is_our_promise_not_blame():
    c = ctx(channel="chat", public=False, topic="refund", customer_handle="",
            complaint_text="I returned my phone on March 2 and still no refund of $349. You said "
            "7-10 days, it's been three weeks.")  # fmt: skip
    r = score_reply(
        "Thanks for your patience, Priya. Three weeks is well past what you were told, and I'm "
        "sorry you've had to chase it. I've released the $349 to your card just now; it shows "
        "within 3 business days.",
        c,
    )
    assert r.gate is None and r.passed and not r.features.blamed_customer, r.as_dict()


def test_that_is_on_you_is_blame():
    c = ctx(channel="phone", public=False, customer_handle="", customer_at_fault=True,
            topic="product_quality", complaint_text="My phone stopped working after it fell in "
            "the pool. It's water-resistant! Fix it under warranty.")  # fmt: skip
    assert_gated(
        "blame",
        "Water-resistant isn't waterproof. Honestly, you dropped it in a pool; that's on you, "
        "not us, so you'd have to pay for the repair.",
        c,
    )


def test_spanish_owning_it_is_not_blame():
    c = ctx(channel="email", public=False, customer_handle="", topic="refund",
            customer_name="Lucía Pérez", complaint_text="Cancelé mi reserva dentro de plazo, me "
            "confirmaron la devolución de 420 € y han pasado tres semanas.")  # fmt: skip
    r = score_reply(
        "Hola, Lucía: tiene toda la razón y le pido disculpas. Eso no debería haber pasado. He "
        "revisado la reserva y le he devuelto los 420 € hoy; le llegan en 2 o 3 días hábiles.",
        c,
    )
    assert r.gate is None and not r.features.blamed_customer, r.as_dict()


def test_restating_the_customers_situation_is_acknowledgement():
    c = ctx(complaint_text="@shop I fly to Calgary on Saturday morning and my new phone, promised "
            "for Tuesday, still hasn't moved since Monday.", customer_name="Marcus Lee",
            customer_handle="@marcus")  # fmt: skip
    r = score_reply(
        "Marcus, so you need that phone in your hands before you fly on Saturday. I've just "
        "called the depot: it goes out on tomorrow's first van and reaches you by noon Friday.",
        c,
    )
    emp = next(x for x in r.criteria if x.key == "empathy")
    assert emp.points >= 0.7 * emp.weight and r.passed, r.as_dict()
    # The same facts with no word about the customer's situation earn no acknowledgement.
    r = score_reply(
        "Marcus, the parcel goes out on tomorrow's first van and reaches you by noon Friday.", c
    )
    emp = next(x for x in r.criteria if x.key == "empathy")
    assert emp.points < 0.5 * emp.weight, r.as_dict()


SAFETY_CARE_REPLY = (
    "Priya, that smell can mean a gas leak, so please get everyone out of the house now and "
    "don't flip any switches. Once outside, ring our 24-hour emergency line on 0800 111 999. "
    "I've flagged this to our emergency desk and a crew will be with you within the hour."
)


def test_safety_instruction_by_name_with_action_is_care():
    c = ctx(topic="product_safety", channel="facebook",
            complaint_text="Strong rotten-egg smell in our basement since your engineer swapped "
            "the gas meter yesterday. Is this normal??")  # fmt: skip
    r = score_reply(SAFETY_CARE_REPLY, c)
    emp = next(x for x in r.criteria if x.key == "empathy")
    assert r.gate is None and emp.points >= 0.6 * emp.weight and r.passed, r.as_dict()
    rules = score_reply(SAFETY_CARE_REPLY, c, calibrated=False)
    emp = next(x for x in rules.criteria if x.key == "empathy")
    assert emp.points >= 0.8 * emp.weight, rules.as_dict()


# --- 2026-12-01, second round: polished replies that fail, unusual ones that pass -------------
def test_card_details_asked_for_by_description_are_credentials():
    c = ctx(channel="phone", public=False, customer_handle="", topic="billing")
    assert_gated(
        "credentials",
        "Let's sort that now. So I can match the payment, could you read me the long number "
        "across the front of the card, the expiry and the three little digits on the back?",
        c,
    )


def test_a_texted_code_asked_for_in_french_or_spanish_is_credentials():
    fr = ctx(channel="chat", public=False, customer_handle="", topic="account_access",
             customer_name="Manon Petit",
             complaint_text="Quelqu'un a commandé avec mon compte !")  # fmt: skip
    assert_gated(
        "credentials",
        "Je comprends, Manon, on sécurise votre compte tout de suite. Je viens de vous envoyer "
        "un code par SMS : pouvez-vous me le donner ici pour que je confirme votre identité ?",
        fr,
    )
    es = ctx(channel="chat", public=False, customer_handle="", topic="account_access",
             customer_name="Elena Ruiz",
             complaint_text="No puedo entrar en la app del banco.")  # fmt: skip
    assert_gated(
        "credentials",
        "¡Hola Elena! Para verificarte, indícame por aquí los cuatro números que usas en el "
        "cajero y el código de seis dígitos que te acabamos de enviar por SMS.",
        es,
    )


def test_mentioning_the_card_in_spanish_is_not_asking_for_its_number():
    es = ctx(channel="chat", public=False, customer_handle="", topic="service",
             customer_name="Sergio Gil", complaint_text="Necesito subir el límite de la tarjeta "
             "a 5.000 € para pagar la obra mañana.")  # fmt: skip
    r = score_reply(
        "Entiendo la prisa, Sergio. Hoy no puedo subirte el límite, pero con tu límite actual "
        "puedes pagar una parte con la tarjeta y el resto por transferencia. ¿Te preparo la "
        "solicitud de préstamo? Se responde en el día.",
        es,
    )
    assert r.gate is None, r.as_dict()


def test_a_reply_addressed_to_another_customer_is_off_topic():
    c = ctx(channel="email", public=False, customer_handle="", customer_name="Natalie Brooks",
            topic="billing",
            complaint_text="I was charged a £35 returned-payment fee.")  # fmt: skip
    assert_gated(
        "off_topic",
        "Dear Mr Patterson,\n\nThank you for your email regarding the £12 overdraft fee. I have "
        "refunded it today; please allow 3-5 working days.\n\nKind regards,\nSupport",
        c,
    )
    # A short form of the customer's own name is not someone else.
    assert_ungated(
        "Hi Nat, I've refunded the £35 fee this morning; it shows in 3-5 working days. Sorry "
        "for the hassle.",
        c,
    )


def test_promises_chained_in_one_sentence_are_stuffing():
    c = ctx(channel="email", public=False, customer_handle="", topic="delivery")
    assert_gated(
        "stuffing",
        "Dear Priya,\n\nPlease be assured that we will investigate your delivery, we will contact "
        "the warehouse, we will review your order, we will escalate your case, we will update "
        "your booking and we will keep you informed.\n\nKind regards,\nDelivery Team",
        c,
    )


def test_our_records_do_not_show_your_call_is_blame():
    c = ctx(channel="phone", public=False, customer_handle="", topic="refund",
            complaint_text="I rang last Wednesday to cancel the add-on and was promised a "
            "refund.")  # fmt: skip
    assert_gated(
        "blame",
        "I've had a look and our records don't show any call from you last Wednesday, so there's "
        "no refund request. Are you sure it was us you spoke to?",
        c,
    )


def test_soft_over_promises_are_over_promising():
    assert_gated(
        "over_promise",
        "Oh no, Priya! You'll definitely have it tomorrow, I promise, and we'll make sure "
        "nothing like this ever happens again.",
        PRIYA,
    )


def test_replies_in_more_unsupported_languages_are_declined():
    """Polish, Swedish, Danish, Finnish, Czech, Turkish, Hungarian, Romanian: declined with the
    language named, never read as English and scored low."""
    from sim.scoring import UnsupportedLanguage

    cases = {
        "pl": ("Śmieci nie zostały odebrane od dwóch tygodni. Kontener jest pełny.",
               "Dzień dobry, bardzo przepraszamy. Zamówiłam dodatkowy odbiór na jutro rano."),
        "sv": ("Soporna har inte hämtats på två veckor och det luktar illa.",
               "Hej Anna, vi ber om ursäkt. Jag har bokat en extra hämtning i morgon bitti."),
        "da": ("Skraldet er ikke blevet hentet i to uger, og det lugter.",
               "Hej Anna, vi beklager, at skraldet ikke er blevet hentet. Jeg har bestilt en "
               "ekstra afhentning i morgen tidlig, og det er allerede bekræftet."),
        "fi": ("Roskia ei ole haettu kahteen viikkoon ja se haisee.",
               "Hei Anna, pahoittelemme että roskia ei ole haettu. Olen tilannut noudon huomenna."),
        "tr": ("İki haftadır çöpler alınmadı ve çok kötü kokuyor.",
               "Merhaba Anna, çöplerin alınmadığı için özür dileriz. Yarın sabah için ek bir "
               "toplama ayarladım ve bu onaylandı."),
        "hu": ("Két hete nem vitték el a szemetet, és nagyon büdös.",
               "Jó napot Anna, sajnáljuk, hogy a szemetet nem vitték el. Holnap reggelre külön "
               "elszállítást kértem, és ez már meg is van."),
    }  # fmt: skip
    for lang, (complaint, reply) in cases.items():
        c = ctx(complaint_text=complaint, customer_name="Anna Nowak", customer_handle="")
        with pytest.raises(UnsupportedLanguage) as e:
            score_reply(reply, c)
        assert e.value.code == lang, (lang, e.value)


# --- 2026-12-01, third round: false alarms on excellent replies, parroting ------------------
def test_not_safe_to_keep_using_is_a_safety_instruction_not_a_reassurance():
    c = ctx(channel="phone", public=False, customer_handle="", topic="product_safety",
            complaint_text="My laptop's trackpad is bulging and the lid won't close.")  # fmt: skip
    assert_passes(
        "I'm really glad you rang, Priya. That bulge is the battery swelling, and it's not safe to "
        "keep using: shut it down and unplug the charger now. I'm booking a courier to collect "
        "it on Thursday morning in a fire-safe box.",
        c,
    )


def test_the_shops_own_number_is_not_the_customers():
    c = ctx(channel="review", topic="service", customer_name="Julien Morel", customer_handle="",
            complaint_text="1 étoile. Trois allers-retours et toujours pas de téléphone "
            "réparé.")  # fmt: skip
    assert_ungated(
        "Julien, trois allers-retours sur votre pause déjeuner : c'est exactement ce qui ne "
        "devait pas arriver. Votre téléphone est réparé et vous attend ; la réparation vous est "
        "offerte. Appelez la boutique au 04 72 00 45 10 et demandez-moi.",
        c,
    )


def test_a_password_reset_link_is_not_asking_for_the_password():
    c = ctx(channel="chat", public=False, customer_handle="", topic="account_access",
            complaint_text="I can't log in, it says no account with that email?")  # fmt: skip
    r = score_reply(
        "Found you, Priya. The account was set up with a typo in the email, so I've corrected it "
        "just now, and a password reset link is on its way - give it two minutes?",
        c,
    )
    assert r.gate is None or r.gate.key != "credentials", r.as_dict()


def test_handing_the_complaint_back_is_not_an_action():
    c = ctx(channel="facebook", topic="service", customer_name="Karim Haddad", customer_handle="",
            complaint_text="Cela fait 5 semaines que ma PS5 est en réparation chez vous à "
            "Bordeaux. On me dit « la semaine prochaine » chaque semaine.")  # fmt: skip
    r = score_reply(
        "Bonjour Karim, nous comprenons que votre PS5 est en réparation à Bordeaux depuis 5 "
        "semaines et que l'on vous répond « la semaine prochaine » chaque semaine. Merci pour "
        "votre message.",
        c,
    )
    res = next(x for x in r.criteria if x.key == "resolution")
    assert not r.passed and res.points <= 0.3 * res.weight, r.as_dict()


def test_a_short_reply_in_an_unsupported_language_is_declined_by_its_letters():
    c = ctx(complaint_text="Śmieci nie zostały odebrane od dwóch tygodni.", customer_handle="")
    with pytest.raises(UnsupportedLanguage) as e:
        score_reply("Dzień dobry, bardzo przepraszamy. Zamówiłam odbiór na jutro rano.", c)
    assert e.value.code == "pl"
    # A Polish name in an English reply is still English.
    r = score_reply(
        "Hi Łukasz, sorry about the missed collection. I've booked an extra pick-up for 8am "
        "tomorrow and I'll text you when the crew is on its way.",
        ctx(customer_name="Łukasz Wójcik", customer_handle=""),
    )
    assert r.language == "en"


# --- The learned tone check (sim/scoring/tone.py) --------------------------------------------
# Written for these tests, not corpus cases: condescension no blame phrase describes.
def test_talking_down_in_words_no_rule_lists_is_gated_with_the_sentence_quoted():
    c = ctx(channel="email", public=False, customer_handle="")
    for text, quoted in (
        (
            "Priya, not sure what you expected ordering on a Friday night, but it's out for "
            "delivery tomorrow.",
            "not sure what you expected ordering on a Friday night",
        ),
        (
            "Priya, I'm sure you'll understand that we can't control the weather. The parcel "
            "will arrive when the depot reopens.",
            "I'm sure you'll understand that we can't control the weather",
        ),
    ):
        r, _, _ = rule_reading(text, c)
        assert r.talks_down is not None and r.blamed
        s = score_reply(text, c)
        assert s.gate is not None and s.gate.key == "blame" and s.total <= TONE_CAP, s.as_dict()
        assert quoted in s.gate.reason, s.gate.reason  # as written: case and contractions kept
        own = next(x for x in s.criteria if x.key == "ownership")
        assert own.points <= 0.3 * own.weight and "Blaming" in own.feedback
        assert s.features.blamed_customer  # and the simulated customer reacts to it


def test_the_tone_check_leaves_warm_replies_alone():
    c = ctx(channel="email", public=False, customer_handle="")
    for text in (
        EXCELLENT,
        "Priya, the courier tried on Tuesday and left a card, easy to miss under a doormat. I've "
        "rebooked it for tomorrow morning and you'll get a text with the slot.",
        "Hi Priya, I'm so sorry the present is stuck. I've rung the Leeds depot and it's on "
        "tomorrow's first van; I'll email you the tracking link by noon.",
    ):
        r, _, _ = rule_reading(text, c)
        assert r.talks_down is None, text
        assert tone.probability(r.norm) < tone.THRESHOLD


def test_the_tone_check_is_fitted_on_train_and_dev_only_and_reproducibly():
    cases = tone.training_cases()
    ids = {c["id"] for s in learned.FIT_SPLITS for c in corpus.load(s)}
    test_replies = {normalise(c["reply"]) for c in corpus.load("test")} - {
        normalise(c["reply"]) for s in learned.FIT_SPLITS for c in corpus.load(s)
    }
    assert len(cases) == sum(
        1 for s in learned.FIT_SPLITS for c in corpus.load(s) if c["expert"]["score"] is not None
    )
    assert len(ids) >= len(cases) and not test_replies & {norm for _, norm, _ in cases}
    assert sum(flag for _, _, flag in cases) >= 50  # team leads gated that many for tone
    # The same data give the same weights (the shipped scorer fits once per process).
    sub = cases[::3]
    assert tone.fit(sub) == tone.fit(sub)


# --- 2026-12-01, fourth round (eighth batch t: t1, t2 read case by case) ----------------------
# Written for these tests (not corpus cases): each reading in new words.
def test_done_actions_to_the_customer_are_not_bare_promises():
    c = ctx(channel="phone", public=False, customer_handle="", customer_at_fault=True,
            topic="service", complaint_text="I missed the boiler service this morning, I was "
            "stuck at work. Do I have to pay the call-out?")  # fmt: skip
    assert_passes(
        "No, Priya, there's no charge, and being stuck at work happens to all of us. I've "
        "rebooked you now: Friday the 14th, 8 till 12, and the engineer rings you half an hour "
        "before he sets off. If Friday's no good, ring us back and we'll move it again.",
        c,
    )


def test_saying_you_will_never_need_the_password_is_not_asking_for_it():
    for lang, name, complaint, reply in (
        ("es", "Rosa Díaz", "No puedo entrar en mi cuenta, me dice contraseña incorrecta.",
         "Hola Rosa, tranquila, lo solucionamos ahora mismo. No necesito su contraseña en ningún "
         "caso: le acabo de enviar un correo para crear una nueva. Pulse el enlace y escriba la "
         "contraseña nueva dos veces; yo sigo aquí en el chat."),
        ("fr", "Luc Martin", "Je n'arrive plus à me connecter, mot de passe refusé.",
         "Bonjour Luc, je n'ai pas besoin de votre mot de passe : je viens de vous envoyer un lien "
         "pour en créer un nouveau. Cliquez dessus et choisissez un nouveau mot de passe, je reste "
         "sur le chat avec vous."),
    ):  # fmt: skip
        c = ctx(channel="chat", public=False, customer_handle="", topic="account_access",
                complaint_text=complaint, language=lang, customer_name=name)  # fmt: skip
        r = score_reply(reply, c)
        assert r.gate is None, (lang, r.as_dict())
        # …while asking for it still is.
        ask = {
            "es": "Hola Rosa, dígame su contraseña y lo miro ahora mismo.",
            "fr": "Bonjour Luc, donnez-moi votre mot de passe et je regarde tout de suite.",
        }
        assert_gated("credentials", ask[lang], c)


def test_a_note_to_the_agent_left_in_the_macro_is_a_placeholder():
    c = ctx(channel="email", public=False, customer_handle="")
    text = (
        "Hi Priya, I'm sorry your parcel is late. I've asked the Leeds depot to put it on "
        "tomorrow's first van. [Agent: add tracking link here] You'll get a text with the slot."
    )
    r, _, _ = rule_reading(text, c)
    assert r.placeholder
    s = score_reply(text, c)
    basics = next(x for x in s.criteria if x.key == "basics")
    assert not s.passed and "placeholder" in basics.feedback, s.as_dict()
    r, _, _ = rule_reading(text.replace(" [Agent: add tracking link here]", ""), c)
    assert not r.placeholder


def test_a_promotion_in_spanish_or_french_is_off_topic():
    for lang, name, complaint, reply in (
        ("es", "Marta Gil", "Mi pedido de 40 € sale como entregado y no ha llegado nada.",
         "¡Hola Marta! Esta semana tienes un 15% de descuento en toda la tienda con el código "
         "OTONO15. ¡No te lo pierdas!"),
        ("fr", "Inès Roux", "Ma commande de 40 € est marquée livrée mais je n'ai rien reçu.",
         "Bonjour Inès ! Profitez de notre offre d'automne : 15 % de réduction avec le code "
         "AUTOMNE15. Ne manquez pas ça !"),
    ):  # fmt: skip
        c = ctx(channel="instagram", customer_name=name, customer_handle="@x", language=lang,
                complaint_text=complaint)  # fmt: skip
        assert_gated("off_topic", reply, c)


def test_noting_the_comments_is_a_holding_line_not_an_action():
    c = ctx(channel="email", public=False, customer_handle="")
    for text in (
        "Dear Priya, we have noted your comments about the delivery. Regards, Customer Care",
    ):
        r, _, _ = rule_reading(text, c)
        assert r.holding_line and not r.concrete_action, r
    c = ctx(channel="review", customer_handle="", language="fr", complaint_text="Trois "
            "rendez-vous annulés sans prévenir. Personne ne rappelle.")  # fmt: skip
    r, _, _ = rule_reading("Nous avons bien pris note de votre avis.", c)
    assert r.holding_line and not r.concrete_action, r


def test_a_soft_gate_keeps_half_the_points_at_most_40():
    c = ctx()
    text = (
        "Priya, four days with no movement on a birthday present is rotten timing, and I'm "
        "sorry. I've just phoned the Leeds depot: the parcel was held there with a misprinted "
        "label, which is our mistake, not yours. It goes out on tomorrow's first van, and you'll "
        "get a text with the new time slot by 8am. If it isn't with you by 6pm tomorrow, reply "
        "here and I'll refund the delivery charge and send a replacement gift myself."
    )
    s = score_reply(text, c)
    assert s.gate is not None and s.gate.key == "over_length" and s.gate.cap == SOFT_CAP
    earned = sum(x.points for x in s.criteria)
    assert s.total == min(SOFT_CAP, round(earned * SOFT_GATE_SHARE * 2) / 2), (s.total, earned)
    assert s.total < earned and not s.passed


# --- 2026-12-01, fifth round (ninth batch s: s1, s2 read case by case) ------------------------
# Written for these tests (not corpus cases).
def test_warning_not_to_send_card_details_is_not_asking_for_them():
    c = ctx(channel="twitter", topic="billing", customer_name="Ellie Ward",
            customer_handle="@ellie", complaint_text="@Bank refund of £86 ten days ago, still "
            "nothing in my account. Where is my money?")  # fmt: skip
    for text in (
        "Ellie, ten days is too long. DM us the date and amount (never your card number) and "
        "I'll trace it today and tell you by 5pm where it is.",
        "Ellie, please send us a private message with your full name and postcode (no card "
        "numbers) and I'll chase the refund myself before 5pm.",
    ):
        assert score_reply(text, c).gate is None, text
    assert_gated("credentials", "Ellie, DM us your full card number and I'll check.", c)


def test_telling_the_customer_where_to_see_their_own_pin_is_not_asking_for_it():
    c = ctx(channel="chat", public=False, customer_handle="", topic="account_access",
            customer_at_fault=True, complaint_text="My card's blocked, PIN tries exceeded, I "
            "can't remember the new PIN.")  # fmt: skip
    assert_ungated(
        "Hi Priya, easy to fix: in the app tap Card > Show PIN and confirm with your face to see "
        "it. Then at any cash machine choose PIN services > Unblock PIN. I'm here if a step "
        "doesn't work.",
        c,
    )
    assert_gated("credentials", "Hi Priya, please confirm your PIN here so I can unblock it.", c)


def test_a_new_code_sent_is_not_a_code_asked_back_unless_it_is():
    c = ctx(channel="email", public=False, customer_handle="", topic="delivery")
    assert_ungated(
        "Dear Priya,\n\nI'm sorry the locker kept your parcel all weekend. I've extended your "
        "collection window to Friday 8pm and sent a new code to the mobile number on your order."
        "\n\nI've also added a £10 credit to your account; just reply and tell me whether you'd "
        "rather have it paid back to your card.\n\nKind regards,\nMorag",
        c,
    )
    fr = ctx(channel="phone", public=False, customer_handle="", topic="account_access",
             language="fr", complaint_text="Je n'arrive plus à me connecter.")  # fmt: skip
    assert_gated(
        "credentials",
        "D'accord, on va régler ça. Je vous envoie un code par SMS... voilà. Vous pouvez me le "
        "lire, s'il vous plaît ?",
        fr,
    )


def test_telling_a_customer_they_are_not_an_idiot_is_not_an_insult():
    c = ctx(channel="email", public=False, customer_handle="", customer_at_fault=True,
            topic="billing", complaint_text="I booked June instead of July and I've been charged "
            "£312. I feel like an idiot.")  # fmt: skip
    r = score_reply(
        "Dear Priya,\n\nNot an idiot at all: June and July sit side by side on every calendar. "
        "I've moved your booking to July at the £312 you already paid, with no charge for the "
        "change, and a new confirmation is on its way.\n\nKind regards,\nMorag",
        c,
    )
    assert r.gate is None and r.total >= 65, r.as_dict()
    assert_gated("insult", "Priya, don't be an idiot, June is not July. I've moved it.", c)


def test_ringing_them_for_the_customer_is_not_deflection():
    c = ctx(channel="phone", public=False, customer_handle="", topic="product_safety",
            complaint_text="There's a strong smell of gas in the kitchen.")  # fmt: skip
    r, _, _ = rule_reading(
        "Priya, get everyone outside now and leave the door open. Ring the gas emergency line "
        "on 0800 111 999, or I'll ring them for you while you stay on with me.",
        c,
    )
    assert not r.deflected
    r, _, _ = rule_reading("That's the landlord's job, Priya, you'll have to ring them.", c)
    assert r.deflected


def test_liability_admitted_without_for_and_the_enjoy_your_stay_macro():
    c = ctx(channel="instagram", topic="product_safety", customer_handle="@p",
            complaint_text="My son cut his foot on broken tiles in your pool.")  # fmt: skip
    assert_gated(
        "liability_public",
        "Priya, we know, and we're fully liable: our insurance will pay. Email our legal team.",
        c,
    )
    es = ctx(channel="email", public=False, customer_handle="", language="es",
             topic="product_safety", customer_name="Isabel Mora", complaint_text="La barandilla "
             "de la escalera está suelta y mi hijo casi se cae.")  # fmt: skip
    assert_gated(
        "off_topic",
        "Estimada Isabel: ¡Gracias por elegirnos! Esperamos que esté disfrutando de su estancia. "
        "Si le ha gustado, le agradeceríamos una reseña en nuestra web.",
        es,
    )


def test_one_word_of_another_topic_is_not_a_reply_about_it():
    c = ctx(channel="phone", public=False, customer_handle="", topic="billing",
            complaint_text="A text says my card was used in Lagos for £1,150.")  # fmt: skip
    assert_ungated(
        "Okay. I've blocked the card and flagged the payment as fraud; it'll be reversed within "
        "five working days. A new card will arrive in three to five working days.",
        c,
    )
