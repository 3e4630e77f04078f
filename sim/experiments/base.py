"""What every experiment module shares: the error type and the constants of the results contract."""

from __future__ import annotations

from collections.abc import Sequence

from ..scenario import ScenarioError

KEY_REPLICATION = "replication"
ALL_CHANNELS = "all_channels"  # prefix of the arrival-weighted figures over every channel
DEFAULT_WINDOW_PER_WORKER = 16  # runs in flight per worker (ordered output, bounded memory)
CONFIDENCE = 0.95


class ExperimentError(Exception):
    """Bad experiment input, or an output or backend that cannot be used.

    ``problems`` holds one line per problem; nothing has been run or written when it is raised
    before a sweep starts.
    """

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


def scenario_problems(error: ScenarioError, context: str, path: str = "") -> list[str]:
    """A scenario's problems as lines prefixed with where they came from (``--grid …``).

    The field path is left out when it is ``path`` itself (the context already names it).
    """
    return [
        f"{context}: {p.message}" if p.path in ("", path) else f"{context}: {p.path}: {p.message}"
        for p in error.problems
    ]
