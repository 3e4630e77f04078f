"""The validation report: the model against theory and published figures, regenerated on demand.

``stormdesk report validation --out docs/validation.md`` writes a Markdown page and its plots
(in ``docs/validation/``) with four checks, each where theory or data can say what the model
must do:

1. **Pure queue** — with contagion off, one private channel, exponential handle time and
   patience and reps on 24/7 the model is M/M/c (Erlang C) or M/M/c+M (Erlang A); over a range
   of loads the replication means of P(wait), mean wait, service level and abandonment are set
   beside :mod:`sim.erlang`.
2. **Cascades** — with a constant branching ratio n < 1 and no reply effect a public complaint's
   cascade has mean size 1/(1−n), and (Poisson offspring) the Borel size distribution.
3. **A typical brand in 2011** — ``kearney_2011`` against A.T. Kearney's and Maritz's figures.
4. **Reply speed** — satisfaction by first-reply delay in a storm against the Twitter/AMS
   willingness-to-pay study and Maritz's ≈75%; the reply-trait functions against the Customer
   Rage Study.

Everything is deterministic: fixed seeds (replication ``r`` of every case runs with
``derive_seed(BASE_SEED, r)``), floats written rounded, no timestamps, so regenerating with the
same sizes gives the same file whatever the number of workers. Generation is pure (tables and
figures); the CLI in :mod:`sim.cli_report` only parses options.
"""

from __future__ import annotations

from .base import (  # noqa: F401
    BASE_SEED,
    CONFIDENCE,
    KEARNEY_SCENARIO,
    PNG_DPI,
    QUICK,
    SPEED_SCENARIO,
    ReportFiles,
    ReportSize,
    _run_all,
    library_scenario,
    mean_ci,
    wilson,
)
from .cascades import (  # noqa: F401
    BRANCHING_RATIOS,
    CASCADE_ARRIVALS_PER_HOUR,
    CASCADE_HORIZON_HOURS,
    CASCADE_SIZES_SHOWN,
    CASCADE_TAIL_HOURS,
    MAX_SIZE_BIN,
    borel_pmf,
    cascade_figure,
    cascade_replication,
    cascade_scenario,
    cascade_validation,
)
from .markdown import (  # noqa: F401
    CONTENTS,
    _cascade_section,
    _kearney_section,
    _queue_section,
    _save,
    _speed_section,
    md_table,
    num,
    pct,
    pm,
    render_markdown,
    write_validation_report,
)
from .published import (  # noqa: F401
    DELAY_EDGES_MIN,
    KEARNEY_ROWS,
    MARITZ_REPLY_CHANCE,
    SPEED_CHANNELS,
    WTP_RELATIVE,
    delay_label,
    kearney_replication,
    kearney_validation,
    speed_figure,
    speed_replication,
    speed_validation,
    trait_checks,
)
from .queue import (  # noqa: F401
    ERLANG_A_LOADS,
    ERLANG_C_LOADS,
    QUEUE_AGENTS,
    QUEUE_AHT_MIN,
    QUEUE_LABELS,
    QUEUE_METRICS,
    QUEUE_PATIENCE_MEAN_MIN,
    QUEUE_SLA_MIN,
    QUEUE_WARMUP_HOURS,
    queue_figure,
    queue_replication,
    queue_scenario,
    queue_validation,
)

__all__ = [
    "QUICK",
    "ReportFiles",
    "ReportSize",
    "cascade_validation",
    "kearney_validation",
    "queue_validation",
    "render_markdown",
    "speed_validation",
    "trait_checks",
    "write_validation_report",
]
