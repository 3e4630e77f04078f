"""sim.vocab: the domain's words, defined once, and every module that speaks them agrees."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sim import calibration as cal
from sim import text, vocab
from sim.agents import Outcome
from sim.scenario import DEFAULT_TOPICS, Incident, parse_scenario
from sim.scoring import phrases
from sim.vocab import (
    CHANNELS,
    PUBLIC_BY_DEFAULT,
    ChannelKind,
    Reaction,
    ReplyAction,
    Topic,
    channel_kind,
)
from tests.conftest import ROOT


def test_words_are_the_strings_files_and_results_always_held():
    assert ReplyAction.MOVE_TO_DM == "move_to_dm"
    assert json.dumps({Topic.BILLING: Reaction.TOLD_FRIENDS}) == '{"billing": "told_friends"}'
    assert "billing" in cal.TOPICS_NEEDING_PRIVATE_DETAILS
    assert {"billing": 1}[Topic.BILLING] == 1 and {Topic.BILLING: 1}["billing"] == 1


def test_public_defaults_are_unchanged():
    """A scenario file keeps its meaning: the same names are public by default as before."""
    assert {
        "twitter", "x", "facebook", "instagram", "reviews", "tiktok", "youtube", "forum",
    } == PUBLIC_BY_DEFAULT  # fmt: skip


def test_every_channel_name_has_a_kind_and_a_length_limit():
    for name, known in CHANNELS.items():
        assert channel_kind(name) is known.kind, name
        assert known.max_chars == vocab.CHANNEL_MAX_CHARS[known.kind] > 0
    # Public platforms without a reply style of their own are plain public posts.
    for name in ("tiktok", "youtube", "forum"):
        assert CHANNELS[name].public and CHANNELS[name].kind is ChannelKind.OTHER
    # Naming one of them does not hide a known platform further in the name.
    assert channel_kind("forum_twitter") is ChannelKind.TWITTER
    assert channel_kind("twitter_dm") is ChannelKind.TWITTER
    assert set(vocab.CHANNEL_MAX_CHARS) == set(ChannelKind)
    assert set(phrases.CHANNEL_TIMEFRAME) == set(ChannelKind)


@pytest.mark.parametrize("name", sorted(CHANNELS))
def test_a_scenario_channel_gets_its_public_default_from_vocab(name):
    sc = parse_scenario(
        {
            "scenario": {"name": "n", "duration_hours": 1},
            "arrivals": {"base_per_hour": 1},
            "channels": {name: {"share": 1.0}},
            "shifts": [{"name": "s", "reps": 1, "start": "00:00", "end": "24:00"}],
        }
    )
    assert sc.channels[name].public is CHANNELS[name].public


def test_topics_are_defined_once():
    topics = set(Topic)
    assert set(phrases.TOPIC_GUIDES) == topics
    assert set(text.TOPICS) == topics and tuple(Topic) == text.TOPICS
    for table in (text.COMPLAINT_LINES, text.TOPIC_DETAILS, text.TOPIC_HASHTAGS):
        assert set(table) == topics
    assert set(text.TOPIC_NOUNS) == topics and set(text.EMAIL_SUBJECTS) == topics
    assert set(DEFAULT_TOPICS) <= topics
    assert Incident.model_fields["topic"].default in topics
    assert topics >= cal.TOPICS_NEEDING_PRIVATE_DETAILS
    assert topics >= vocab.SAFETY_TOPICS and phrases.SAFETY_TOPICS is vocab.SAFETY_TOPICS
    from sim.scoring import feedback

    for language, table in feedback._LOCAL_TOPICS.items():  # the Spanish and French guides
        assert set(table) == topics, language
    # Defaults stay plain strings, so the scenario's dump and hash do not change.
    assert all(type(t) is str for t in DEFAULT_TOPICS)


def test_every_reaction_is_known_and_every_posted_one_has_words():
    assert set(text.REACTIONS) == {r for r in Reaction if r.posts}
    assert set(text.REACTION_LINES) == set(text.REACTIONS)
    assert Reaction.TOLD_FRIENDS not in text.REACTIONS
    who = text.persona(1, 2)
    with pytest.raises(ValueError, match="off the platform"):
        text.reaction_text(1, 2, reaction="told_friends", customer=who, topic="x", channel="x")
    with pytest.raises(ValueError, match="unknown reaction"):
        text.reaction_text(1, 2, reaction="waved", customer=who, topic="x", channel="x")


def test_the_reactions_the_model_emits_are_all_in_the_vocabulary():
    """``_reaction_of`` maps every outcome a reply can leave to a Reaction (told_friends too)."""
    from types import SimpleNamespace

    from sim.agents import ComplaintState
    from sim.model import _reaction_of

    seen = {_reaction_of(SimpleNamespace(satisfied=0, state=-1, outcome=o), False) for o in Outcome}
    seen |= {_reaction_of(SimpleNamespace(satisfied=1, state=-1, outcome=0), False)}
    seen |= {_reaction_of(SimpleNamespace(satisfied=0, state=ComplaintState.ANSWERED), False)}
    seen |= {_reaction_of(SimpleNamespace(), True)}
    assert "told_friends" in seen
    assert seen <= set(Reaction)


def test_the_trainer_actions_are_the_scorers():
    from trainer_web import engine

    assert tuple(ReplyAction) == engine.ACTIONS
    assert engine.ACTIONS == ("reply_public", "move_to_dm", "escalate", "offer_remedy")
    assert phrases.ReplyAction is ReplyAction and phrases.ChannelKind is ChannelKind


def test_vocab_imports_only_the_standard_library():
    code = "import sys, sim.vocab; print(' '.join(sorted(sys.modules)))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    loaded = set(r.stdout.split())
    assert not loaded & {"pydantic", "numpy", "pandas", "mesa", "sim.scenario", "sim.scoring"}


def test_the_scenario_reference_names_every_public_default():
    from sim.scenario import Channel

    description = Channel.model_fields["public"].description
    assert all(name in description.replace(",", " ").split() for name in PUBLIC_BY_DEFAULT)
