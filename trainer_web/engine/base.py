"""The engine's settings and the refusal every route turns into a 4xx."""

from __future__ import annotations

from sim.library import LIBRARY
from sim.vocab import ReplyAction

SCENARIO_DIR = LIBRARY
ACK_EVERY_S = 2.0  # how often a poll stores the acknowledged simulation time
STALE_AFTER_S = 30.0  # a running exercise unpolled this long is paused at its acked time
MAX_REPLY_CHARS = 5_000  # longer than any channel allows; a 10 MB paste is refused outright
JOIN_BEFORE_INCIDENT_MIN = 10.0  # a trainee joins ten minutes before the storm breaks
OFFICE_OPENS_MIN = 9 * 60  # …or, in a scenario without incidents, at 09:00
TREND_WINDOW_MIN = 15.0  # the storm's trend compares arrivals in the last two such windows
GAUGE_WINDOW_MIN = 30.0  # the gauge's arrival rate: a rolling window, never reset at the hour
GAUGE_MIN_WINDOW_MIN = 5.0  # …shown once it spans this much (a rate of two minutes is noise)
SURGE_LEVELS = ((3.0, "surging"), (1.5, "elevated"), (0.0, "normal"))  # × the usual volume
URGENT_NOW_MIN = 5.0  # a complaint that breaches its SLA or loses its customer within this
URGENT_SOON_MIN = 15.0
SAMPLE_EVERY_MIN = 5.0  # storm size sampled on a fixed grid, so replays sample it identically
ACTIONS = tuple(ReplyAction)  # the rep's actions: sim.vocab.ReplyAction, in its order


class Rejected(Exception):
    """A request the exercise refuses, with an HTTP status and a message for the trainee."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message
