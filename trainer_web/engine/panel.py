"""The knowledge panel: the scenario's facts, remedies and safety rules for the trainee."""

from __future__ import annotations

from datetime import timedelta

from sim.scoring.phrases import (
    PLATFORM_HARD_LIMIT,
    SAFETY_TOPICS,
    channel_kind,
    max_chars,
    topic_guide,
)

from ..models import (
    Exercise,
)
from .scenarios import pinned_scenario, scenario_of

# --- The knowledge panel -----------------------------------------------------------------------
SAFETY_RULES = (
    "Show care and act now: ask them to stop using the product and arrange a safe collection.",
    "Never tell a customer it is safe unless someone has checked.",
    "Do not admit fault or liability in public: that is for the safety team, in private.",
    "Order numbers and batch codes go in DM, never in a public reply.",
)


def knowledge(ex: Exercise) -> dict:
    """The scenario's facts a rep should quote: what happened, what to say, the channels' rules.

    Built from the scenario file (its description, incidents and policy), the scorer's topic
    guides and channel limits, and the exercise's own seat (remedy limit), so what the panel
    says is what the scorer and the model use.
    """
    full = pinned_scenario(ex)
    window = scenario_of(ex)
    start = full.info.start
    incidents = []
    topics = []
    for inc in full.incidents:
        begins = start + timedelta(hours=inc.start_hour)
        ends = begins + timedelta(hours=inc.duration_hours)
        guide = topic_guide(inc.topic)
        if inc.topic not in topics:
            topics.append(inc.topic)
        incidents.append(
            {
                "name": inc.name.replace("_", " "),
                "topic": inc.topic.replace("_", " "),
                "when": f"{begins:%a %H:%M} to {ends:%a %H:%M}",
                "volume": f"{inc.multiplier:g}× the usual volume" if inc.multiplier > 1 else None,
                "issue": guide.issue,
            }
        )
    guides = []
    for topic in topics:
        g = topic_guide(topic)
        guides.append(
            {
                "topic": topic.replace("_", " "),
                "issue": g.issue,
                "next_step": g.next_step,
                "details": g.details,
                "team": g.team,
                "rules": SAFETY_RULES if topic in SAFETY_TOPICS else (),
            }
        )
    channels = []
    for name in ex.channels:
        spec = window.channels.get(name)
        kind = channel_kind(name)
        public = bool(spec and spec.public)
        channels.append(
            {
                "name": name,
                "public": public,
                "sla_min": None if spec is None else spec.sla_min,
                "max_chars": max_chars(kind, public),
                "hard": kind in PLATFORM_HARD_LIMIT and public,
            }
        )
    policy = full.policy
    return {
        "description": " ".join(full.info.description.split()),
        "incidents": incidents,
        "guides": guides,
        "channels": channels,
        "remedy_limit": ex.remedy_limit if ex.empowered else 0,
        "holding_statement": bool(policy.holding_statement and policy.crisis_threshold > 0),
        "crisis_threshold": policy.crisis_threshold,
    }
