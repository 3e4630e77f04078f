"""The ``stormdesk`` command: run scenarios, list and validate the library, plan staffing,
score replies, write reports.

One module per command family (``cmd_run``, ``cmd_sweep``, ``cmd_staff``, ``cmd_erlang``,
``cmd_report``, ``cmd_score``), all built on :mod:`sim.cli.common` (exit codes, consoles, the
scenario library); this module only assembles the group, so nothing imports it back. Other
packages add command groups through the ``stormdesk.commands`` entry point (the trainer adds
``stormdesk trainer``), so ``sim`` never imports them.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click

from .. import __version__
from . import cmd_erlang, cmd_report, cmd_run, cmd_score, cmd_staff, cmd_sweep
from .cmd_run import (
    CHANNEL_ROWS,
    KPI_NOTES,
    interval_tables,
    kpi_tables,
    run_cmd,
    scenarios_cmd,
    validate_cmd,
)
from .common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    LIBRARY,
    DelayedProgress,
    apply_settings,
    err,
    fail_bad_input,
    load_or_exit,
    out,
    resolve_scenario_path,
)

__all__ = [
    "CHANNEL_ROWS", "EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_INTERRUPTED", "KPI_NOTES", "LIBRARY",
    "DelayedProgress", "apply_settings", "err", "fail_bad_input", "interval_tables",
    "kpi_tables", "load_or_exit", "main", "out", "resolve_scenario_path", "run_cmd",
    "scenarios_cmd", "validate_cmd",
]  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stormdesk")
def main() -> None:
    """Stormdesk: simulate social-media complaint storms, train reps, plan staffing.

    \b
    Quick start:
      stormdesk scenarios                                  # the scenario library
      stormdesk run product_recall --seed 3                # KPIs per channel
      stormdesk run scenarios/product_recall.toml --json   # one JSON object on stdout
      stormdesk run product_recall --plot recall.png       # volume, queue and mood over time
      stormdesk validate scenarios/*.toml                  # check scenario files

    A SCENARIO is a path to a .toml file or the id of a library scenario (its file stem).
    Bad input exits with status 2 and one line per problem: file, field, value, problem.
    """


def _load_plugins() -> None:
    """Add command groups that other packages register under ``stormdesk.commands``."""
    for ep in entry_points(group="stormdesk.commands"):
        try:
            command = ep.load()
        except Exception as e:  # a broken plugin must not take the core CLI down
            err.print(f"[yellow]warning:[/] could not load command {ep.name!r}: {e}")
            continue
        main.add_command(command, ep.name)


_load_plugins()
# The built-in commands, added after the plugins so a plugin cannot replace one.
for _module in (cmd_run, cmd_sweep, cmd_staff, cmd_erlang, cmd_report, cmd_score):
    for _command in _module.COMMANDS:
        main.add_command(_command)
