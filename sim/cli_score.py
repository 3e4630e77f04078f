"""Old home of ``stormdesk score``: now :mod:`sim.cli.cmd_score`. Kept so imports work."""

from .cli.cmd_score import *  # noqa: F403
from .cli.cmd_score import (  # noqa: F401
    _FALSE,
    _TRUE,
    COMMANDS,
    EXIT_BAD_INPUT,
    OPTIONAL,
    REQUIRED,
    RowError,
    _bool,
    _context,
    _flat,
    _num,
    _rows,
    score_cmd,
    score_rows,
)
