"""The six criteria of DESIGN §7: each turns a :class:`~sim.scoring.reading.Reading` into a share
of its weight and one line of feedback — what was good, then what to change.

Shares are model assumptions, anchored on the corpus's expert judgements (README): a concrete
action with a time is full resolution, an action without a time about two thirds, a holding
line a quarter; a specific acknowledgement alone is most of empathy (all of it when the customer
caused the problem), an apology alone less; a template that would fit any complaint earns
little personalization even with the name swapped in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..vocab import SAFETY_TOPICS, SOCIAL_KINDS, ReplyAction
from .context import ReplyContext
from .phrases import TOPICS_NEEDING_PRIVATE_DETAILS, topic_guide
from .reading import Reading, name_parts

# --- Resolution -------------------------------------------------------------------------------
ACTION_SHARE = 0.65  # a concrete action, outcome or hand-over
INSTRUCTION_SHARE = 0.55  # the customer is told exactly what to do
QUESTION_SHARE = 0.45  # asks for the one thing needed to act
HOLDING_SHARE = 0.25  # "we're looking into it"
BARE_PROMISE_SHARE = 0.15  # "I will check"
TIMEFRAME_SHARE = 0.35
HOLDING_TIMEFRAME_SHARE = 0.1
NO_SAFETY_INSTRUCTION_MAX = 0.55  # a safety reply that never says "stop using it"
ESCALATION_WITHOUT_HANDOVER_FACTOR = 0.6
DEFLECTED_FACTOR = 0.4  # "contact the courier yourself"
TEMPLATE_SCRIPTED_PHRASES = 2  # two stock lines or more: a form letter
TEMPLATE_FACTOR = 0.5
CURT_WORDS = 8  # fewer words than this reads as curt
# --- Empathy ----------------------------------------------------------------------------------
APOLOGY_AND_ACK = 1.0
APOLOGY_ONLY = 0.8
ACK_ONLY = 0.8  # "four days on a birthday present is rotten timing" with no "sorry"
GENERIC_APOLOGY = 0.35
GENERIC_WITH_ACK = 0.6
NON_APOLOGY = 0.15
BLAME_EMPATHY_FACTOR = 0.5
# --- Personalization --------------------------------------------------------------------------
NAME_SHARE = 0.4
HANDLE_ONLY_SHARE = 0.2
ISSUE_SHARE = 0.3
SPECIFICS_SHARE = 0.3  # picks up this complaint's details (two or more)
ONE_SPECIFIC_SHARE = 0.15
# --- Ownership --------------------------------------------------------------------------------
PERSONAL_OWNERSHIP = 1.0
TEAM_OWNERSHIP = 0.8
OUTCOME_OWNERSHIP = 0.6  # the result is arranged, nobody says who
BARE_OWNERSHIP = 0.4
NEUTRAL_OWNERSHIP = 0.3
DEFLECTION_SHARE = 0.1
# --- Channel fit ------------------------------------------------------------------------------
DM_NEEDED_BUT_PUBLIC = 0.5
# …unless the reply has already put it right without asking anything private: no DM needed
# (train: experts give such replies 8.3/10 on average, against 6.8 when nothing is done yet).
DONE_IN_PUBLIC = 0.9
PERSONAL_DETAILS_IN_PUBLIC = 0.3
MOVED_WITHOUT_TELLING = 0.5
DM_ON_PRIVATE_CHANNEL = 0.4
# --- Basics -----------------------------------------------------------------------------------
LENGTH_SHARE = 0.2
TONE_SHARE = 0.2
ORIGINALITY_SHARE = 0.3
SCRIPTED_FACTOR = 0.5
TIMELINESS_SHARE = 0.3
LATE_ZERO_AT_SLA_MULTIPLE = 3.0  # timeliness points fall linearly to 0 at three times the SLA
RUN_ON_PENALTY = 0.1


@dataclass(frozen=True)
class Judgement:
    """A criterion's share (0..1) and its feedback line."""

    share: float
    feedback: str


def _line(good: str, change: str) -> str:
    return " ".join(p for p in (good, change) if p)


def resolution(r: Reading, ctx: ReplyContext) -> Judgement:
    acted = r.concrete_action or r.outcome or r.handover
    if acted:
        share, good = ACTION_SHARE, "Says what is being done"
    elif r.instruction:
        share, good = INSTRUCTION_SHARE, "Tells the customer exactly what to do"
    elif r.question:
        share, good = QUESTION_SHARE, "Asks for what you need to act"
    elif r.holding_line:
        share, good = HOLDING_SHARE, ""
    elif r.bare_actions:
        share, good = BARE_PROMISE_SHARE, ""
    else:
        share, good = 0.0, ""
    change = ""
    if share >= QUESTION_SHARE:
        if r.timeframe:
            share += TIMEFRAME_SHARE
            good += " and when."
        else:
            good += "."
            change = "Add when the customer will see the result or hear back (a day, a time)."
    elif r.holding_line:
        if r.timeframe:
            share += HOLDING_TIMEFRAME_SHARE
        change = (
            "\u201cLooking into it\u201d tells the customer nothing: say what you will do "
            "(phone the depot, refund the charge) and when."
        )
    elif r.bare_actions:
        change = (
            "\u201cI will check\u201d promises nothing: name what you will check or fix, and when."
        )
    else:
        change = "No next step: tell the customer what happens now and when."
    if ctx.topic in SAFETY_TOPICS and not r.safety_instruction and share > 0:
        if share > NO_SAFETY_INSTRUCTION_MAX:
            share = NO_SAFETY_INSTRUCTION_MAX
        change = (change + " " if change else "") + (
            "Safety first: tell them to stop using it (unplug it, keep it away from children)."
        )
    if r.deflected or r.redirected:
        share *= DEFLECTED_FACTOR
        change += " Sending the customer elsewhere is not a next step: you take it on."
    if r.scripted_count >= TEMPLATE_SCRIPTED_PHRASES:
        share *= TEMPLATE_FACTOR
        change += " Stock macro lines hide whatever you are doing: say it plainly."
    if ctx.action == ReplyAction.ESCALATE and not r.handover:
        share *= ESCALATION_WITHOUT_HANDOVER_FACTOR
        change += " You escalated: say who takes it over and when they will be in touch."
    elif ctx.action == ReplyAction.OFFER_REMEDY and not r.compensation and ctx.remedy_offered:
        change += f" You offered {ctx.remedy_offered:g}: tell the customer what it is."
    return Judgement(min(1.0, share), _line(good.strip(), change.strip()))


def empathy(r: Reading, ctx: ReplyContext) -> Judgement:
    at_fault = ctx.customer_at_fault is True
    if r.apology == "sincere":
        share = APOLOGY_AND_ACK if r.acknowledged else APOLOGY_ONLY
        good = "Apologises" + (" and acknowledges how this lands." if r.acknowledged else ".")
        change = "" if r.acknowledged else "Say what this cost them, not just sorry."
    elif r.acknowledged:
        share = APOLOGY_AND_ACK if at_fault else ACK_ONLY
        good = "Acknowledges how this lands for the customer."
        change = "" if at_fault else "If we got it wrong, say sorry for it too."
    elif r.apology == "generic":
        share = GENERIC_APOLOGY
        good = ""
        change = (
            "\u201cSorry for any inconvenience\u201d is a stock line: name what went wrong "
            "and what it cost them."
        )
    elif r.apology == "non_apology":
        share = NON_APOLOGY
        good = ""
        change = (
            "\u201cSorry you feel that way\u201d blames their feelings: acknowledge what "
            "happened instead."
        )
    else:
        share = 0.0
        good = ""
        change = "No acknowledgement: say you see what this means for them" + (
            "." if at_fault else ", and apologise if we got it wrong."
        )
    if r.blamed and share > 0:
        share *= BLAME_EMPATHY_FACTOR
        change += " The blame undoes the kind words."
    if r.placeholder and share > 0:
        share *= BLAME_EMPATHY_FACTOR
        change += " A left-in placeholder tells them it is a macro."
    if r.shouting and share > 0:
        share *= BLAME_EMPATHY_FACTOR
        change += " Shouting undoes the kind words."
    return Judgement(min(1.0, share), _line(good, change.strip()))


def personalization(r: Reading, ctx: ReplyContext) -> Judgement:
    first, _ = name_parts(ctx.customer_name)
    has_name = bool(first or ctx.customer_handle.strip("@ "))
    if r.named_by_name or not has_name:
        name = NAME_SHARE
    elif r.named_by_handle:
        name = HANDLE_ONLY_SHARE
    else:
        name = 0.0
    issue = ISSUE_SHARE if r.named_issue else 0.0
    if r.scripted_count >= TEMPLATE_SCRIPTED_PHRASES or r.placeholder:
        name *= TEMPLATE_FACTOR
    if r.placeholder:
        name = 0.0
    if r.complaint_has_specifics:
        spec = SPECIFICS_SHARE if r.specifics >= 2 else ONE_SPECIFIC_SHARE * (r.specifics == 1)
    else:
        spec = SPECIFICS_SHARE if r.named_issue else 0.0
    goods, changes = [], []
    if name == NAME_SHARE and has_name:
        goods.append("uses their name")
    elif has_name:
        changes.append(f"use their name ({first or ctx.customer_handle})")
    if spec == SPECIFICS_SHARE:
        goods.append("picks up the details of this complaint")
    elif issue:
        goods.append("names the issue")
        changes.append("pick up their details (what, where, when) so it can't be a template")
    else:
        changes.append(f"mention their issue ({topic_guide(ctx.topic).issue})")
    good = ("Personal: " + " and ".join(goods) + ".") if goods else ""
    change = ("Make it personal: " + "; ".join(changes) + ".") if changes else ""
    return Judgement(name + issue + spec, _line(good, change))


def ownership(r: Reading, ctx: ReplyContext) -> Judgement:
    if r.blamed:
        return Judgement(0.0, "Blaming the customer is the opposite of ownership: own the fix.")
    if r.deflected or r.redirected:
        return Judgement(
            DEFLECTION_SHARE,
            "Deflects (\u201cnot our fault\u201d, \u201cthat's policy\u201d, \u201ccontact the "
            "courier\u201d): say what you can do.",
        )
    if r.personal_action:
        return Judgement(PERSONAL_OWNERSHIP, "Takes it on personally.")
    if r.team_action:
        return Judgement(
            TEAM_OWNERSHIP, "Owns it as a team; a personal \u201cI'll\u201d is stronger."
        )
    if r.outcome or r.handover:
        return Judgement(
            OUTCOME_OWNERSHIP, "Something is arranged, but say who is doing it: \u201cI've…\u201d."
        )
    if r.owned_mistake:
        return Judgement(OUTCOME_OWNERSHIP, "Owns the mistake; now own the fix: \u201cI'll…\u201d.")
    if r.bare_actions:
        return Judgement(BARE_OWNERSHIP, "\u201cI will…\u201d needs an object: own a specific fix.")
    return Judgement(NEUTRAL_OWNERSHIP, "Nobody owns the problem: say what you will do.")


def channel_fit(r: Reading, ctx: ReplyContext) -> Judgement:
    needs_dm = ctx.topic in TOPICS_NEEDING_PRIVATE_DETAILS or ctx.action == ReplyAction.MOVE_TO_DM
    if not ctx.public:
        if r.dm_invite and r.kind not in SOCIAL_KINDS and not r.concrete_action:
            return Judgement(
                DM_ON_PRIVATE_CHANNEL,
                f"The customer is already in a private {ctx.channel}: ask for what you need "
                "right here instead of sending them to DM.",
            )
        return Judgement(1.0, "Private channel: right to deal with the details here.")
    if r.personal_public:
        return Judgement(
            PERSONAL_DETAILS_IN_PUBLIC,
            f"Don't ask for the {', '.join(r.personal_public)} in public: invite them to DM.",
        )
    if r.dm_invite:
        return Judgement(1.0, "Takes the personal part to DM and keeps the public thread short.")
    if ctx.action == ReplyAction.MOVE_TO_DM:
        return Judgement(
            MOVED_WITHOUT_TELLING, "You moved this to DM: tell the customer to check their DMs."
        )
    if needs_dm and r.done_action:
        return Judgement(
            DONE_IN_PUBLIC,
            "Already put right in public without asking for anything private; for account "
            "details, though, move to DM.",
        )
    if needs_dm:
        return Judgement(
            DM_NEEDED_BUT_PUBLIC,
            "This needs account details: invite the customer to DM rather than sort it in public.",
        )
    return Judgement(1.0, "A public answer suits this complaint: everyone can see you care.")


def basics(r: Reading, ctx: ReplyContext) -> Judgement:
    share = 0.0
    notes = []
    if not r.length_ok:
        notes.append(f"too long for {ctx.channel} ({r.chars} characters)")
    elif r.words < CURT_WORDS:
        notes.append("curt: a few more words would sound human")
    else:
        share += LENGTH_SHARE
    if r.shouting:
        notes.append("capitals or \u201c!!!\u201d read as shouting")
        share -= ORIGINALITY_SHARE
    else:
        share += TONE_SHARE
    if r.placeholder:
        notes.append("a macro placeholder was left in")
    elif r.canned:
        notes.append("an unedited macro: write to this customer")
    elif r.scripted_count >= TEMPLATE_SCRIPTED_PHRASES:
        notes.append("a form letter of stock phrases: write to this customer")
    elif r.scripted:
        share += ORIGINALITY_SHARE * SCRIPTED_FACTOR
        notes.append(
            "stock phrases (\u201cwe value your feedback\u201d, \u201crest assured\u201d) "
            "sound scripted"
        )
    else:
        share += ORIGINALITY_SHARE
    late = max(0.0, ctx.wait_min - ctx.sla_min) if math.isfinite(ctx.sla_min) else 0.0
    if late > 0.0:
        share += TIMELINESS_SHARE * max(
            0.0, 1.0 - late / ((LATE_ZERO_AT_SLA_MULTIPLE - 1) * ctx.sla_min)
        )
        notes.append(f"late: {ctx.wait_min:.0f} min against a target of {ctx.sla_min:g} min")
    else:
        share += TIMELINESS_SHARE
    if r.run_on:
        share -= RUN_ON_PENALTY
        notes.append("one very long sentence: break it up")
    if not notes:
        return Judgement(min(1.0, share), "Right length, calm, in your own words and on time.")
    return Judgement(max(0.0, min(1.0, share)), "Change: " + "; ".join(notes) + ".")


CRITERIA: dict[str, Callable[[Reading, ReplyContext], Judgement]] = {
    "resolution": resolution,
    "empathy": empathy,
    "personalization": personalization,
    "ownership": ownership,
    "channel_fit": channel_fit,
    "basics": basics,
}
