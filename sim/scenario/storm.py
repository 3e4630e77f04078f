"""The validated scenario, :class:`StormScenario`: a frozen object with an id, a hash, and
copies made by overrides or as a window of the storm."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
)

from .fields import _Strict
from .paths import _apply_override, parse_path, render_path
from .problems import NO_VALUE, Problem, ScenarioError
from .shifts import Policy, Shift
from .tables import Arrivals, Behaviour, Channel, Contagion, Incident, Population, ScenarioInfo


# --- The scenario --------------------------------------------------------------------------
class StormScenario(_Strict):
    """A validated scenario: everything a run needs, frozen.

    ``id`` is the file stem (``product_recall``), ``source`` the path as given and ``sha256`` a
    fingerprint of the validated content (same content → same hash, in any process).
    """

    # Built on first use: loading a file puts validated tables together (model_construct).
    model_config = ConfigDict(defer_build=True)

    info: ScenarioInfo = Field(alias="scenario", description="The [scenario] table.")
    population: Population = Field(
        default_factory=Population, description="The [population] table."
    )
    arrivals: Arrivals = Field(description="The [arrivals] table.")
    incidents: tuple[Incident, ...] = Field((), description="The [[incidents]] tables.")
    contagion: Contagion = Field(default_factory=Contagion, description="The [contagion] table.")
    channels: dict[str, Channel] = Field(description="The [channels.<id>] tables, in file order.")
    behaviour: Behaviour = Field(default_factory=Behaviour, description="The [behaviour] table.")
    shifts: tuple[Shift, ...] = Field(description="The [[shifts]] tables (at least one).")
    policy: Policy = Field(default_factory=Policy, description="The [policy] table.")

    _id: str = PrivateAttr("<string>")
    _source: str = PrivateAttr("<string>")
    _base_dir: Path | None = PrivateAttr(None)

    @property
    def id(self) -> str:
        """The file stem (``product_recall``), or ``"<string>"``."""
        return self._id

    @property
    def source(self) -> str:
        """Where the scenario came from: the path as given, or ``"<string>"``."""
        return self._source

    @property
    def sha256(self) -> str:
        """SHA-256 of a canonical JSON dump of the validated content.

        Defaults are included, so the hash pins what a run used; the forecast counts by its
        volumes, not by where its file lives. Channel and topic order matter to a run, so the
        dump keeps them.
        """
        data = self.model_dump(mode="json", by_alias=True)
        data["arrivals"]["forecast_csv"] = None
        forecast = self.arrivals.forecast
        data["arrivals"]["forecast"] = list(forecast) if forecast is not None else None
        by_channel = self.arrivals.forecast_by_channel
        if by_channel is not None:  # per channel and interval: the shares count too
            data["arrivals"]["forecast_by_channel"] = [
                by_channel[0].tolist(),
                by_channel[1].tolist(),
            ]
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __eq__(self, other: object) -> bool:
        """Same content (``id`` and ``source`` are where it came from, not what it is)."""
        if not isinstance(other, StormScenario):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.sha256)

    def to_toml_dict(self) -> dict[str, Any]:
        """Plain data (dicts, lists, str, numbers, dates) with every field written out.

        ``parse_scenario(s.to_toml_dict()) == s``. A forecast file is referred to by its
        absolute path.
        """
        return _plain(self.model_dump(mode="python", by_alias=True, exclude_none=True))

    def with_overrides(self, overrides: Mapping[str, Any]) -> StormScenario:
        """A copy with some fields changed, re-validated as a whole.

        Keys are dotted paths as in problem lines — ``"shifts.weekday_day.reps"``,
        ``"channels.twitter.patience.median_min"``, ``"incidents[0].multiplier"`` — values are
        what the TOML file would hold. Bad paths or values raise :class:`ScenarioError` with
        problems from ``"override"``.
        """
        doc = self.to_toml_dict()
        problems: list[Problem] = []
        for key, value in overrides.items():
            parts = parse_path(key) if isinstance(key, str) else None
            if parts and len(parts) == 3 and parts[0] == "shifts" and parts[2] == "shrinkage":
                key = render_path([*parts[:2], "absence_share"])  # the older name of it
            try:
                message = _apply_override(doc, key, _plain(value))
            except RecursionError:
                message = "is nested too deeply"
            if message:
                parts = parse_path(key) if isinstance(key, str) else None
                shown = render_path(parts) if parts else json.dumps(str(key), ensure_ascii=False)
                problems.append(Problem("override", shown, NO_VALUE, message))
        if problems:
            raise ScenarioError(problems)
        from .document import _validate_document  # which builds a StormScenario

        return _validate_document(
            doc, "override", self._base_dir, scenario_id=self._id, source=self._source
        )

    def window(self, start_min: float, duration_min: float) -> StormScenario:
        """The part of this storm from ``start_min`` on, ``duration_min`` long, as a scenario.

        The window starts later on the clock (so shifts and profiles follow the time of day);
        its incidents move earlier by the same amount, an incident already under way at the
        start is cut to what is left of it and one over before the window opens is switched off
        (multiplier 0). The window has no warm-up: it counts from its own minute 0. This is
        what a trainee plays in the trainer (``trainer_web.engine.exercise_scenario``).
        """
        offset_h = start_min / 60.0
        overrides: dict[str, Any] = {
            "scenario.duration_hours": duration_min / 60.0,
            "scenario.warmup_hours": 0,
            "scenario.start": self.info.start + timedelta(minutes=start_min),
        }
        for i, incident in enumerate(self.incidents):
            begins = incident.start_hour - offset_h
            ends = begins + incident.duration_hours
            if ends <= 0:  # over before the window opens
                overrides[f"incidents[{i}].multiplier"] = 0.0
            elif begins < 0:
                overrides[f"incidents[{i}].start_hour"] = 0.0
                overrides[f"incidents[{i}].duration_hours"] = ends
            else:
                overrides[f"incidents[{i}].start_hour"] = begins
        return self.with_overrides(overrides)


def _plain(value: Any) -> Any:
    """Tuples → lists, numpy scalars → Python numbers, recursively."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value
