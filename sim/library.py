"""Where the scenario library lives: one answer for the CLI, the report, the trainer and tests.

The library is the top-level ``scenarios/`` folder of the source tree (scenario files and
their ``forecasts/``). A wheel ships it inside the ``sim`` package as ``sim/scenarios`` (the
build maps the folder there, see ``pyproject.toml``); a source checkout or an editable install
reads the folder where it is. Both are found through :mod:`importlib.resources`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def library_dir() -> Path:
    """The folder of the scenario library (``*.toml`` files and ``forecasts/``)."""
    package = Path(str(resources.files("sim")))
    shipped = package / "scenarios"  # an installed wheel
    return shipped if shipped.is_dir() else package.parent / "scenarios"  # a source checkout


LIBRARY = library_dir()


def library_ids() -> list[str]:
    """Ids (file stems) of the library's scenarios, sorted."""
    return sorted(p.stem for p in LIBRARY.glob("*.toml"))
