"""A sweep's grid: values parsed as in a scenario file, axes, configurations, seeded tasks."""

from __future__ import annotations

import functools
import itertools
import math
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

import numpy as np

from ..scenario import ScenarioError, StormScenario, parse_path
from .base import KEY_REPLICATION, ExperimentError, scenario_problems

# --- Grid ----------------------------------------------------------------------------------
_RANGE = re.compile(r"^\s*([-+]?[\d_.eE+-]+)\s*:\s*([-+]?[\d_.eE+-]+)\s*:\s*([-+]?[\d_.eE+-]+)\s*$")
MAX_RANGE_VALUES = 100_000


def parse_value(text: str) -> Any:
    """A grid value as TOML reads it (``6``, ``0.5``, ``true``, ``{…}``, ``"x"``), else the text."""
    text = text.strip()
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def split_values(text: str) -> list[str]:
    """Split ``a,b,{ x = 1, y = 2 }`` at the commas that are outside braces, brackets and quotes."""
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [v.strip() for v in out if v.strip()]


def expand_range(text: str) -> list[str] | None:
    """``6:14:2`` → ``["6", "8", …, "14"]`` (stop included when on the grid); None if not a range.

    Raises ValueError for a step ≤ 0 or more than ``MAX_RANGE_VALUES`` values.

    Integers stay integers; decimals are stepped exactly (``0.1:0.3:0.1`` → 0.1, 0.2, 0.3).
    """
    m = _RANGE.match(text)
    if not m:
        return None
    try:
        a, b, step = (Decimal(x.replace("_", "")) for x in m.groups())
    except InvalidOperation:
        return None
    if step <= 0:
        raise ValueError(f"range {text.strip()}: step must be > 0")
    n = int((b - a) / step) + 1 if b >= a else 0
    if n > MAX_RANGE_VALUES:
        raise ValueError(f"range {text.strip()}: {n:,} values is more than {MAX_RANGE_VALUES:,}")
    values = [a + k * step for k in range(max(n, 0))]
    integral = all(x == x.to_integral_value() for x in (a, b, step))
    return [str(int(v)) if integral else format(v.normalize(), "f") for v in values]


def value_at(document: Mapping, path: str) -> Any:
    """The value at a dotted path of a scenario's ``to_toml_dict()`` (shifts by name or index)."""
    node: Any = document
    for part in parse_path(path) or []:
        if isinstance(node, list):
            if isinstance(part, int) or str(part).isdigit():
                node = node[int(part)]
            else:
                node = next(item for item in node if item.get("name") == part)
        else:
            node = node[part]
    return node


def column_value(value: Any, text: str) -> bool | int | float | str:
    """What a grid value looks like in a results column: scalars as they are, else the text."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool | int | float | str):
        return value
    return text.strip()


@dataclass(frozen=True)
class GridAxis:
    """One dimension of a sweep: a scenario field (dotted path) and the values it takes.

    ``values`` are what the scenario file would hold (TOML values); ``columns`` what the results
    table shows for each (the validated value when it is a scalar, else the text as given).
    """

    path: str
    values: tuple[Any, ...]
    columns: tuple[bool | int | float | str, ...]

    @classmethod
    def parse(cls, spec: str, scenario: StormScenario) -> GridAxis:
        """``path=a:b:step`` or ``path=v1,v2,…``, each value checked against ``scenario``."""
        path, sep, rest = spec.partition("=")
        path = path.strip()
        if not sep or not path:
            raise ExperimentError(
                f"--grid {spec}: expected PATH=VALUES, e.g. shifts.weekday_day.reps=6:14:2"
            )
        if parse_path(path) is None:
            raise ExperimentError(
                f"--grid {spec}: {path!r} is not a dotted path such as shifts.weekday_day.reps"
            )
        try:
            texts = expand_range(rest)
        except ValueError as e:
            raise ExperimentError(f"--grid {spec}: {e}") from None
        if texts is None:
            texts = split_values(rest)
        if not texts:
            raise ExperimentError(
                f"--grid {spec}: no values (write {path}=a:b:step or {path}=v1,v2)"
            )
        if len(set(texts)) != len(texts):
            raise ExperimentError(f"--grid {spec}: a value is listed more than once")
        values, columns, problems, seen = [], [], [], set()
        for text in texts:
            value = parse_value(text)
            try:
                variant = scenario.with_overrides({path: value})
            except ScenarioError as e:
                for p in e.problems:  # one line per distinct problem, not one per value
                    if (p.path, p.message) not in seen:
                        seen.add((p.path, p.message))
                        problems += scenario_problems(
                            ScenarioError([p]), f"--grid {path}={text}", path
                        )
                continue
            values.append(value)
            columns.append(column_value(value_at(variant.to_toml_dict(), path), text))
        if problems:
            raise ExperimentError(problems)
        return cls(path, tuple(values), tuple(columns))


@dataclass(frozen=True)
class Configuration:
    """One point of the grid: its index (grid order, last axis fastest) and field values."""

    index: int
    overrides: dict[str, Any]
    columns: dict[str, bool | int | float | str]

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(str(v) for v in self.columns.values())


@dataclass(frozen=True)
class RunTask:
    """One simulation of a sweep: configuration × replication, with its derived seed."""

    config: Configuration
    replication: int
    seed: int

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.config.key, str(self.replication))


@functools.lru_cache(maxsize=1 << 16)
def derive_seed(base_seed: int, replication: int, config_index: int | None = None) -> int:
    """The seed of a run: ``SeedSequence([base_seed, (config,) replication])`` → one uint32."""
    entropy = (
        [base_seed, replication] if config_index is None else [base_seed, config_index, replication]
    )
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


@dataclass
class Sweep:
    """A grid of scenario variants × ``replications`` seeds (see the module docstring)."""

    scenario: StormScenario
    axes: tuple[GridAxis, ...]
    replications: int
    base_seed: int
    common_random_numbers: bool = True
    _sha: dict[int, str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        scenario: StormScenario,
        grid: Sequence[str],
        replications: int,
        base_seed: int | None = None,
        *,
        common_random_numbers: bool = True,
    ) -> Sweep:
        """Parse ``--grid`` specs, check every combination; raises :class:`ExperimentError`."""
        if replications < 1:
            raise ExperimentError(f"--seeds {replications}: must be at least 1")
        axes = tuple(GridAxis.parse(spec, scenario) for spec in grid)
        paths = [a.path for a in axes]
        repeated = sorted({p for p in paths if paths.count(p) > 1})
        if repeated:
            raise ExperimentError(
                f"--grid {repeated[0]}: given more than once; list its values in one --grid"
            )
        sweep = cls(
            scenario,
            axes,
            replications,
            scenario.info.seed if base_seed is None else base_seed,
            common_random_numbers,
        )
        sweep.validate()
        return sweep

    @property
    def paths(self) -> list[str]:
        return [a.path for a in self.axes]

    @property
    def key_columns(self) -> list[str]:
        return [*self.paths, KEY_REPLICATION]

    @property
    def n_configurations(self) -> int:
        return math.prod(len(a.values) for a in self.axes)

    @property
    def n_runs(self) -> int:
        return self.n_configurations * self.replications

    def configurations(self) -> Iterator[Configuration]:
        ranges = [range(len(a.values)) for a in self.axes]
        for index, picks in enumerate(itertools.product(*ranges)):
            yield Configuration(
                index,
                {a.path: a.values[i] for a, i in zip(self.axes, picks, strict=True)},
                {a.path: a.columns[i] for a, i in zip(self.axes, picks, strict=True)},
            )

    def scenario_for(self, config: Configuration) -> StormScenario:
        return self.scenario.with_overrides(config.overrides) if config.overrides else self.scenario

    def validate(self) -> None:
        """Build every combination once (values may clash jointly, e.g. shares); keep its hash."""
        problems: list[str] = []
        for config in self.configurations():
            try:
                self._sha[config.index] = self.scenario_for(config).sha256
            except ScenarioError as e:
                where = ", ".join(f"{p}={v}" for p, v in config.columns.items())
                problems += scenario_problems(e, f"--grid combination {where}")
                if len(problems) >= 10:
                    break
        if problems:
            raise ExperimentError(problems)

    def seed(self, config: Configuration, replication: int) -> int:
        return derive_seed(
            self.base_seed, replication, None if self.common_random_numbers else config.index
        )

    def tasks(self) -> Iterator[RunTask]:
        """Every run, configuration-major."""
        for config in self.configurations():
            for r in range(self.replications):
                yield RunTask(config, r, self.seed(config, r))

    def expected(self) -> dict[tuple[str, ...], tuple[int, str]]:
        """Key → (seed, scenario_sha256) of every run (to check rows found on resume)."""
        return {t.key: (t.seed, self._sha[t.config.index]) for t in self.tasks()}
