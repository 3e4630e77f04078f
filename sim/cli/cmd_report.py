"""``stormdesk report``: generated documents (the validation report).

``sim.cli`` adds :data:`COMMANDS` to the ``stormdesk`` group; the report module is imported
only when a report is made.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_BAD_INPUT, LIBRARY
from .common import notes as err


@click.group("report")
def report() -> None:
    """Generated reports: the evidence that the model is right where theory or data can say."""


@report.command("validation")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default="docs/validation.md",
    show_default=True,
    help="Markdown file to write; its plots go to the folder of the same name beside it.",
)
@click.option(
    "--replications",
    type=click.IntRange(min=2),
    default=None,
    help="Replications per queue load and branching ratio, and seeds per scenario "
    "(default: the committed report's sizes).",
)
@click.option("--quick", is_flag=True, help="Small sizes: a smoke run in seconds (noisy numbers).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local processes (default: one per CPU). The numbers do not depend on it.",
)
def validation(out: str, replications: int | None, quick: bool, workers: int | None) -> None:
    """Regenerate the validation report: Erlang C/A over a range of loads, cascade sizes vs
    1/(1−n), kearney_2011 vs A.T. Kearney and Maritz, reply speed vs Twitter/AMS 2016.

    Fixed seeds: the same options give the same file.
    """
    import dataclasses

    from ..experiments import ExperimentError, check_writable
    from ..report import QUICK, ReportSize, write_validation_report

    path = Path(out)
    if path.suffix.lower() != ".md":
        click.echo(f"--out {path}: use a file name ending in .md", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        check_writable(path)
        check_writable(path.with_suffix("") / "queues.png", "--out")
    except ExperimentError as e:
        for problem in e.problems:
            click.echo(problem, err=True)
        sys.exit(EXIT_BAD_INPUT)
    size = QUICK if quick else ReportSize()
    command = "stormdesk report validation --out " + path.as_posix()
    if quick:
        command += " --quick"
    if replications is not None:
        size = dataclasses.replace(
            size,
            replications=replications,
            kearney_seeds=replications,
            speed_seeds=replications,
        )
        command += f" --replications {replications}"
    files = write_validation_report(
        path,
        size,
        library=LIBRARY,
        workers=workers,
        command=command,
        progress=lambda text: err.print(f"[dim]simulating:[/] {text}"),
    )
    err.print(f"report written to {files.markdown}")
    for plot in files.plots:
        err.print(f"plot written to {plot}")


COMMANDS = [report]
