"""Published figures the model is calibrated on, and the model assumptions built on them.

Every number that comes from research lives here with its source, so logic elsewhere never
carries a bare literal. Probabilities are per customer; times are minutes.

Sources (see ../shared/DESIGN.md §6):
- A.T. Kearney (2011) social-media customer-service audit of the top 50 brands.
- Maritz Research / Evolve24 (2011) "Twitter customer care" survey.
- Conversocial (2012) survey on poor social replies.
- Twitter / Applied Marketing Science (2016) willingness-to-pay study.
- Customer Rage Study (2013), Customer Care Measurement & Consulting / Arizona State.
- Herhausen, Ludwig, Grewal, Wulf & Schoegel (2019), "Detecting, preventing, and mitigating
  online firestorms in brand communities", Journal of Marketing 83(3).
- Zhao, Erdogdu, He, Rajaraman & Leskovec (2015), "SEISMIC: A self-exciting point process model
  for predicting tweet popularity", KDD.
- Twitter follower studies (DESIGN §6 "followers"): follower counts follow a power law.
- Einwiller & Steilen (2015), "Handling complaints on social network sites", Public Relations
  Review 41(2).
"""

from __future__ import annotations

import math

from .vocab import Topic

# --- What customers do when ignored (gave up waiting) -------------------------------------
# Maritz/Evolve24 2011: of customers whose complaint was ignored, 29% tell friends, 26% escalate
# on another channel, 24% buy less, 15% shame the brand publicly (multiple answers allowed).
IGNORED_TELL_FRIENDS = 0.29
IGNORED_SWITCH_CHANNEL = 0.26
IGNORED_CHURN = 0.24
IGNORED_SHAME_PUBLICLY = 0.15

# --- What customers do after a poor reply ---------------------------------------------------
# Conversocial 2012: after a poor social reply 50% would boycott the brand and 41% would share
# the experience. "A poor reply is worse than none" (DESIGN §6).
POOR_REPLY_SCORE = 40.0  # rubric total below which a reply counts as poor (rubric pass mark 70)
POOR_REPLY_CHURN = 0.50
POOR_REPLY_TELL_FRIENDS = 0.41
# Model assumption: a poor public answer is re-posted angrier twice as often as an ignored one.
POOR_REPLY_SHAME_PUBLICLY = 2 * IGNORED_SHAME_PUBLICLY
POOR_REPLY_SWITCH_CHANNEL = IGNORED_SWITCH_CHANNEL

# An adequate reply that still left the customer unsatisfied: the customer usually writes back
# (a follow-up); escalation is rarer than after being ignored. Model assumption, scaled from
# the ignored figures.
UNSATISFIED_FOLLOW_UP = 0.6
UNSATISFIED_ESCALATION_SCALE = 0.5
MAX_FOLLOW_UPS = 3
FOLLOW_UP_DELAY_MEAN_MIN = 20.0  # customer's time to write back
FOLLOW_UP_HANDLE_FACTOR = 0.6  # a follow-up takes less work than the first answer
REPOST_DELAY_MEAN_MIN = 15.0  # time from giving up to the angrier public post
SWITCH_DELAY_MEAN_MIN = 45.0  # time from giving up to trying another channel
ESCALATION_ANGER_STEP = 0.2  # a re-post is angrier than the post it follows

# --- Satisfaction with a reply ------------------------------------------------------------
# Maritz 2011: ≈75% of customers who got any reply were satisfied. A typical care reply scores
# around the rubric pass mark, so the logistic is centred to give 0.75 at a score of 70.
SATISFIED_AT_TYPICAL_REPLY = 0.75
TYPICAL_REPLY_SCORE = 70.0
SATISFACTION_SCORE_SCALE = 10.0  # rubric points per logit unit
# Customer Rage Study 2013: remedy with apology 74% satisfied vs 37% remedy alone.
REMEDY_WITHOUT_APOLOGY_FACTOR = 0.37 / 0.74
# Auto-acknowledgements are cheap but customers see through them (domain articles): lowers the
# chance of satisfaction by this many points.
AUTO_ACK_SATISFACTION_PENALTY = 0.10
AUTO_ACK_PATIENCE_FACTOR = 1.5  # an acknowledgement buys some patience

# Twitter/AMS 2016: willingness to pay rises $20 for a reply within 6 min, $8.98 on average for
# any reply, $2.33 after 60 min. We turn the ratios into a satisfaction factor: full within
# 6 min, falling log-linearly to 2.33/8.98 of the reply's uplift at 60 min, floored below.
FAST_REPLY_MIN = 6.0
SLOW_REPLY_MIN = 60.0
WTP_FAST = 20.0
WTP_ANY = 8.98
WTP_SLOW = 2.33
SPEED_FACTOR_FLOOR = 0.5


def speed_factor(wait_min: float) -> float:
    """Multiplier (≤ 1) on reply satisfaction for a first reply after ``wait_min`` minutes.

    1.0 within 6 minutes; at 60 minutes the uplift over "no reply" shrinks in the proportion
    of the published willingness-to-pay figures (Twitter/AMS 2016), floored at 0.5.
    """
    if wait_min <= FAST_REPLY_MIN:
        return 1.0
    slow = 0.5 + 0.5 * WTP_SLOW / WTP_FAST  # ≈ 0.56 at 60 min
    x = math.log(wait_min / FAST_REPLY_MIN) / math.log(SLOW_REPLY_MIN / FAST_REPLY_MIN)
    return max(SPEED_FACTOR_FLOOR, 1.0 - (1.0 - slow) * x)


# --- How a reply changes the spread of a public thread (Herhausen et al. 2019) -------------
# Multipliers on the thread's remaining branching ratio after the brand's reply. A good human
# reply calms; a canned or poor reply is worse than none; early apology and moving to DM help;
# early compensation invites copycats; DM is ineffective once the thread is viral.
SPREAD_AFTER_GOOD_REPLY = 0.35  # score ≥ rubric pass mark (70)
SPREAD_AFTER_FAIR_REPLY = 0.7  # POOR_REPLY_SCORE ≤ score < 70
SPREAD_AFTER_POOR_REPLY = 1.3  # score < POOR_REPLY_SCORE
SPREAD_APOLOGY = 0.8
SPREAD_MOVE_TO_DM = 0.8
SPREAD_CANNED = 1.2
SPREAD_EARLY_COMPENSATION = 1.4
EARLY_REPLY_MIN = 60.0  # "early": the first reply within an hour
VIRAL_THREAD_OFFSPRING = 10  # a thread with this many pile-ons is viral: DM no longer helps
PASS_MARK = 70.0

# Crisis mode: a public holding statement lowers everyone's urge to pile on (model assumption
# from Herhausen et al.'s finding that early, visible brand responses damp firestorms).
HOLDING_STATEMENT_SPREAD = 0.6
CRISIS_CHECK_EVERY_MIN = 10.0
CRISIS_WINDOW_MIN = 60.0
CRISIS_MIN_VOLUME = 20  # a handful of night-time complaints is no crisis, whatever the ratio

# --- Bot reps ----------------------------------------------------------------------------
# A bot rep's reply score is drawn around a mean that rises with its quality (0..1); its reply
# content in practice: information 60%, thanks 28%, regret 20%, corrective action 14%
# (Einwiller & Steilen 2015) — a quality-0.7 rep apologises about that often.
BOT_SCORE_AT_ZERO_QUALITY = 30.0
BOT_SCORE_PER_QUALITY = 60.0
BOT_SCORE_SD = 12.0
BOT_APOLOGY_AT_ZERO_QUALITY = 0.05
BOT_APOLOGY_PER_QUALITY = 0.25  # quality 0.6 → 20% apologise
BOT_CANNED_AT_ZERO_QUALITY = 0.6  # low-quality reps paste macros
# Topics whose fixes need account or order details: in public they belong in a DM (the domain
# articles' "take personal matters to DM"; model assumption on which topics are personal).
TOPICS_NEEDING_PRIVATE_DETAILS = frozenset({Topic.BILLING, Topic.ACCOUNT_ACCESS, Topic.REFUND})
BOT_REMEDY_SEVERITY = 0.5  # empowered reps offer a remedy for complaints at least this severe
ESCALATED_HANDLE_FACTOR = 1.5  # tier 2 takes longer per complaint

# --- Who complains: the followers of a customer (scenario defaults) ---------------------
# Twitter studies (DESIGN §6): follower counts follow a power law with density exponent ≈ 2 and
# a median active account of ≈ 61 followers. Defaults of [population] followers_median and
# followers_exponent; sim.population.draw_followers draws from them.
FOLLOWERS_MEDIAN = 61.0
FOLLOWERS_EXPONENT = 2.0

# --- How pile-ons follow a public post (scenario defaults) -------------------------------
# SEISMIC (Zhao et al. 2015): the reaction kernel of a post is flat for ≈ 5 minutes, then decays
# as s^−(1+θ) with θ ≈ 0.23. Defaults of [contagion] kernel_flat_min and kernel_theta.
KERNEL_FLAT_MIN = 5.0
KERNEL_THETA = 0.23

# --- Anger ------------------------------------------------------------------------------
# Anger is 0..1. A complaint's initial anger = severity-driven base + customer temperament.
ANGER_BASE = 0.3
ANGER_PER_SEVERITY = 0.4
ANGER_REFERENCE = 0.5  # the anger at which the anger factor of the branching ratio is 1
PILE_ON_ANGER_SD = 0.1

# --- Published figures the validation report checks the model against ------------------------
# A.T. Kearney 2011: of complaints on the top 50 brands' Twitter accounts, 71% were never
# answered; the 29% that were answered were answered the same day.
KEARNEY_NEVER_ANSWERED = 0.71
KEARNEY_ANSWERED_SAME_DAY = 0.29
# Maritz/Evolve24 2011: ignored customers who act (tell friends, switch channel, shame the brand,
# buy less); about 60% of them do one or more.
IGNORED_WHO_ACT = 0.60
# Maritz 2011: ordinary brands answered 10–30% of complaints on Twitter.
MARITZ_REPLY_CHANCE = (0.1, 0.3)
# Twitter/AMS 2016: willingness to pay relative to a reply within 6 min.
WTP_RELATIVE = {
    "within 6 min": 1.0,
    "any reply (average)": WTP_ANY / WTP_FAST,
    "after 60 min": WTP_SLOW / WTP_FAST,
}
