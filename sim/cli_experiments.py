"""Old home of ``stormdesk sweep``, ``staff`` and ``erlang``: now :mod:`sim.cli.cmd_sweep`,
:mod:`sim.cli.cmd_staff` and :mod:`sim.cli.cmd_erlang`. Kept so existing imports work."""

from .cli.cmd_erlang import (  # noqa: F401
    _erlang_intervals,
    _erlang_problem,
    _parse_concurrency,
    erlang_cmd,
    erlang_table,
    interval_erlang_table,
)
from .cli.cmd_staff import (  # noqa: F401
    WHY_INLINE_WIDTH,
    _finite,
    _interval_label,
    _records,
    _short_stamp,
    shift_tables,
    staff,
    staffing_json,
    staffing_tables,
    staffing_verdict,
)
from .cli.cmd_sweep import _print_differences, summary_tables, sweep  # noqa: F401
from .cli.common import (  # noqa: F401
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    PLOT_SUFFIXES,
    TABLE_SUFFIXES,
    RunProgress,
    _fmt_estimate,
    _open_backend,
    check_output,
    fail,
    load,
    out,
    write_table,
)
from .cli.common import notes as err  # noqa: F401

COMMANDS = [sweep, staff, erlang_cmd]
