"""How customers react to the brand: pure functions from a reply (or silence) to probabilities.

Bot reps and trainees go through the same functions: a reply's rubric score (``sim.scoring``)
and a few traits (apology, DM, canned text, compensation) set the chance the customer is
satisfied and the multiplier on the thread's spread (DESIGN §6–§7). Figures and sources are in
:mod:`sim.calibration`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import calibration as cal


@dataclass(frozen=True, slots=True)
class ReplyTraits:
    """What about a reply matters to the customer and the crowd, beyond its score."""

    apologised: bool = False
    moved_to_dm: bool = False
    canned: bool = False
    compensated: bool = False


@dataclass(frozen=True, slots=True)
class EscalationChances:
    """Independent chances of each thing an unhappy customer may do (Maritz/Evolve24 2011)."""

    tell_friends: float
    switch_channel: float
    churn: float
    shame_publicly: float

    def scaled(self, factor: float) -> EscalationChances:
        return EscalationChances(
            self.tell_friends * factor,
            self.switch_channel * factor,
            self.churn * factor,
            self.shame_publicly * factor,
        )


WHEN_IGNORED = EscalationChances(
    cal.IGNORED_TELL_FRIENDS,
    cal.IGNORED_SWITCH_CHANNEL,
    cal.IGNORED_CHURN,
    cal.IGNORED_SHAME_PUBLICLY,
)
AFTER_POOR_REPLY = EscalationChances(
    cal.POOR_REPLY_TELL_FRIENDS,
    cal.POOR_REPLY_SWITCH_CHANNEL,
    cal.POOR_REPLY_CHURN,
    cal.POOR_REPLY_SHAME_PUBLICLY,
)
AFTER_UNSATISFYING_REPLY = WHEN_IGNORED.scaled(cal.UNSATISFIED_ESCALATION_SCALE)

_LOGIT_TYPICAL = math.log(cal.SATISFIED_AT_TYPICAL_REPLY / (1 - cal.SATISFIED_AT_TYPICAL_REPLY))


def p_satisfied(score: float, traits: ReplyTraits, wait_min: float, acknowledged: bool) -> float:
    """Chance the customer is satisfied by a reply with rubric ``score`` after ``wait_min``.

    A logistic in the score, 0.75 at a typical (pass-mark) reply (Maritz 2011), times the
    speed factor of the willingness-to-pay study (Twitter/AMS 2016); a remedy without an
    apology halves it (Customer Rage Study 2013: 37% vs 74%); an automatic acknowledgement
    that came first costs some satisfaction.
    """
    x = (score - cal.TYPICAL_REPLY_SCORE) / cal.SATISFACTION_SCORE_SCALE + _LOGIT_TYPICAL
    p = 1.0 / (1.0 + math.exp(-x))
    p *= cal.speed_factor(wait_min)
    if traits.compensated and not traits.apologised:
        p *= cal.REMEDY_WITHOUT_APOLOGY_FACTOR
    if acknowledged:
        p -= cal.AUTO_ACK_SATISFACTION_PENALTY
    return min(1.0, max(0.0, p))


def spread_multiplier(score: float, traits: ReplyTraits, wait_min: float, pile_ons: int) -> float:
    """Multiplier on a public thread's branching ratio from the brand's reply onwards.

    Herhausen et al. 2019: a fast, good, human reply calms; early apology and moving to DM
    damp the spread, DM is ineffective once the thread is viral; early compensation invites
    copycats; a canned or poor reply is worse than no reply (multiplier > 1).
    """
    if score >= cal.PASS_MARK:
        m = cal.SPREAD_AFTER_GOOD_REPLY
    elif score >= cal.POOR_REPLY_SCORE:
        m = cal.SPREAD_AFTER_FAIR_REPLY
    else:
        m = cal.SPREAD_AFTER_POOR_REPLY
    early = wait_min <= cal.EARLY_REPLY_MIN
    if traits.apologised and early:
        m *= cal.SPREAD_APOLOGY
    if traits.moved_to_dm and pile_ons < cal.VIRAL_THREAD_OFFSPRING:
        m *= cal.SPREAD_MOVE_TO_DM
    if traits.canned:
        m *= cal.SPREAD_CANNED
    if traits.compensated and early:
        m *= cal.SPREAD_EARLY_COMPENSATION
    return m


def escalation_chances(score: float | None) -> EscalationChances:
    """What an unhappy customer may do: after silence (``score`` None), a poor or a fair reply."""
    if score is None:
        return WHEN_IGNORED
    if score < cal.POOR_REPLY_SCORE:
        return AFTER_POOR_REPLY
    return AFTER_UNSATISFYING_REPLY


def bot_reply(
    quality: float, z: float, u_apology: float, u_canned: float
) -> tuple[float, bool, bool]:
    """A bot rep's reply: (rubric score, apologised, canned) from its quality and three draws.

    ``z`` is a standard normal, the ``u_*`` uniforms; the mapping is in :mod:`sim.calibration`.
    """
    score = cal.BOT_SCORE_AT_ZERO_QUALITY + cal.BOT_SCORE_PER_QUALITY * quality
    score = min(100.0, max(0.0, score + cal.BOT_SCORE_SD * z))
    apologised = u_apology < cal.BOT_APOLOGY_AT_ZERO_QUALITY + cal.BOT_APOLOGY_PER_QUALITY * quality
    canned = u_canned < cal.BOT_CANNED_AT_ZERO_QUALITY * (1.0 - quality)
    return score, apologised, canned
