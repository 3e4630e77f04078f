"""Old home of ``stormdesk report``: now :mod:`sim.cli.cmd_report`. Kept so imports work."""

from .cli.cmd_report import COMMANDS, report, validation  # noqa: F401
from .cli.common import EXIT_BAD_INPUT  # noqa: F401
