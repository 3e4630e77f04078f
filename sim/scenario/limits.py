"""Limits and defaults of scenario files: the largest values a run can take, the defaults
that are not calibration figures."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from ..vocab import Topic

# --- Limits --------------------------------------------------------------------------------
SHARE_TOLERANCE = 1e-6  # shares must sum to 1 within this
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")  # channel ids and shift names
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")  # TOML keys that need no quotes
# Upper bounds keep every accepted scenario runnable: no datetime overflow, no absurd arrays.
MAX_DURATION_HOURS = 87_840.0  # ten years
MAX_POPULATION = 100_000_000  # 1M customers take < 1 GiB (DESIGN §10)
MAX_REPS_PER_SHIFT = 100_000
MAX_CONCURRENCY = 1_000
MAX_SIGMA = 5.0  # lognormal spread; e^5 ≈ 150× between median and one sigma up is already wild
MAX_CSV_PROBLEMS = 20  # a broken forecast file reports its first problems, not thousands
# Arrival rates: every complaint of a run is drawn up front, so the rates bound the memory a run
# needs. Ten million an hour is ~1000× the worst storm on record for one brand; the expected
# total over the run must also stay within ``scenario.max_complaints`` (checked across tables).
MAX_RATE_PER_HOUR = 10_000_000.0
MAX_MULTIPLIER = 10_000.0
FIRST_YEAR, LAST_YEAR = 1900, 2200

WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DURATION_KINDS: Final = ("exponential", "lognormal", "fixed")
# Topic mix of ordinary complaints (model assumption; the lead calibrates it per scenario).
DEFAULT_TOPICS: Final = {
    Topic.BILLING.value: 0.2,
    Topic.DELIVERY.value: 0.25,
    Topic.PRODUCT_QUALITY.value: 0.2,
    Topic.ACCOUNT_ACCESS.value: 0.15,
    Topic.SERVICE.value: 0.1,
    Topic.REFUND.value: 0.1,
}
DEFAULT_START: Final = datetime(2026, 3, 2, 8, 0)  # a Monday morning
