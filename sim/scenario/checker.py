"""Turning pydantic's errors into problem lines: the checker of one document."""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Final, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .fields import ExponentialDuration, FixedDuration, LognormalDuration
from .forecast_csv import _read_forecast
from .limits import DURATION_KINDS, IDENTIFIER
from .paths import render_path
from .problems import NO_VALUE, Problem, _num, _suggest
from .tables import Channel, _with_public_default

# --- Validation ----------------------------------------------------------------------------
_TAG_TYPES: dict[str, Any] = {
    "<exponential>": ExponentialDuration,
    "<lognormal>": LognormalDuration,
    "<fixed>": FixedDuration,
    "<none>": None,
    "<name>": None,
    "<weights>": None,
    "<all>": None,
    "<days>": None,
}
ROOT_KEYS: Final = (
    "scenario",
    "population",
    "arrivals",
    "incidents",
    "contagion",
    "channels",
    "behaviour",
    "shifts",
    "policy",
)


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` down to what holds the next key."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _keys_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys a table at ``loc`` (below ``model``) may have — for "did you mean" hints."""
    tp: Any = model
    for part in loc:
        if isinstance(part, str) and part in _TAG_TYPES:
            tp = _TAG_TYPES[part]
            continue
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {(f.alias or name): f for name, f in tp.model_fields.items()}
            if part not in fields:
                return []
            tp = fields[part].annotation
        elif get_origin(tp) in (dict, tuple):
            tp = get_args(tp)[-1 if get_origin(tp) is dict else 0]
        else:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


_SIMPLE_MESSAGES: Final = {
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "string_too_short": "must not be empty",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "finite_number": "must be a finite number",
    "datetime_type": "must be a date and time, e.g. 2026-03-02T08:00:00",
    "date_type": "must be a date, e.g. 2026-12-25",
    "int_type": "must be a whole number",
    "invalid_key": "keys must be strings",
}


def _describe(error: Mapping[str, Any]) -> tuple[list[Any], Any, str]:
    """A pydantic error → (extra path parts, value to show or NO_VALUE, message)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input", NO_VALUE)
    if kind == "stormdesk":
        if ctx.get("at"):  # about one field of the table that was checked as a whole
            return [ctx["at"]], ctx.get("value", NO_VALUE), ctx["message"]
        return [], value if ctx.get("show", True) else NO_VALUE, ctx["message"]
    if kind == "missing":
        return [], NO_VALUE, "missing (required)"
    if kind in ("duration", "patience"):
        return _describe_duration(value, kind == "patience")
    if kind == "profile":
        return (
            [],
            value,
            'must be "flat", "retail", "office", "evening" or a list of 24 hourly weights',
        )
    if kind == "days":
        return [], value, 'must be "all" or a list of days such as ["mon", "tue"]'
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op, bound = {
            "greater_than": (">", "gt"),
            "greater_than_equal": (">=", "ge"),
            "less_than": ("<", "lt"),
            "less_than_equal": ("<=", "le"),
        }[kind]
        return [], value, f"must be {op} {_num(ctx[bound])}"
    if kind == "float_type":
        too_big = isinstance(value, int) and not isinstance(value, bool)
        return [], value, "is too large" if too_big else "must be a number"
    if kind == "literal_error":
        return [], value, f"must be one of {ctx['expected']}"
    if kind == "string_pattern_mismatch":
        return (
            [],
            value,
            "must be an identifier: a lowercase letter, then lowercase letters, digits or _",
        )
    if kind in _SIMPLE_MESSAGES:
        return [], value, _SIMPLE_MESSAGES[kind]
    message = str(error.get("msg", kind))
    return [], value, message[:1].lower() + message[1:]


def _describe_duration(value: Any, patience: bool) -> tuple[list[Any], Any, str]:
    known = ", ".join(DURATION_KINDS)
    if isinstance(value, Mapping):
        if "dist" not in value:
            return ["dist"], NO_VALUE, f"missing (required: one of {known})"
        return ["dist"], value["dist"], f"is not a known distribution (known: {known})"
    if value == "none" and not patience:
        return [], value, "is not allowed here: every complaint takes some work"
    example = '{ dist = "lognormal", median_min = 60, sigma = 1.0 }'
    return [], value, f"must be a duration such as {example}" + (' or "none"' if patience else "")


class _Checker:
    """Collects problems for one document: per-table validation, then the cross-table checks."""

    def __init__(self, file: str, base_dir: Path | None):
        self.file = file
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self._seen: set[str] = set()

    def add(self, parts: Sequence[str | int], value: Any, message: str) -> None:
        problem = Problem(self.file, render_path(parts), value, message)
        self.add_problem(problem)

    def add_problem(self, problem: Problem) -> None:
        key = str(problem)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(problem)

    def validate(self, model: type[BaseModel], raw: Any, prefix: Sequence[str | int]) -> Any:
        """``model`` from ``raw``, or None after recording every problem under ``prefix``."""
        try:
            return model.model_validate(raw)
        except ValidationError as e:
            for error in e.errors():
                loc = error["loc"]
                extra, value, message = _describe(error)
                if error["type"] == "extra_forbidden":
                    hint = _suggest(str(loc[-1]), _keys_at(model, loc[:-1]))
                    value, message = NO_VALUE, "unknown key" + (f" ({hint})" if hint else "")
                if len(loc) >= 2 and loc[-1] == "[key]":  # a bad key of a table: name the table
                    value, message, loc = loc[-2], f"is not a valid key: {message}", loc[:-2]
                parts = [p for p in loc if not (isinstance(p, str) and p in _TAG_TYPES)]
                self.add([*prefix, *parts, *extra], value, message)
            return None
        except RecursionError:
            self.add(prefix, NO_VALUE, "is nested too deeply")
            return None

    def section(
        self, doc: Mapping, key: str, model: type[BaseModel], *, required: bool = False
    ) -> Any:
        if key not in doc:
            if required:
                self.add([key], NO_VALUE, f"missing (required: a [{key}] table)")
                return None
            return model()
        return self.validate(model, doc[key], [key])

    def items(
        self, doc: Mapping, key: str, model: type[BaseModel], *, required: bool, what: str
    ) -> list[tuple[list[str | int], Any]]:
        """Validate an array of tables whose entries are addressed by name.

        Returns the valid entries with their path prefixes; problems with the others are recorded.
        """
        raw = doc.get(key)
        if raw is None:
            if required:
                self.add([key], NO_VALUE, f"missing (required: at least one [[{key}]] table)")
            return []
        if not isinstance(raw, list | tuple):
            self.add([key], raw, f"must be an array of tables ([[{key}]])")
            return []
        if required and not raw:
            self.add([key], NO_VALUE, f"must have at least one {what}")
            return []
        names = [item.get("name") if isinstance(item, dict) else None for item in raw]
        counts = Counter(n for n in names if isinstance(n, str))
        valid: list[tuple[list[str | int], Any]] = []
        for i, (item, name) in enumerate(zip(raw, names, strict=True)):
            prefix: list[str | int] = [key, name if self._addressable(key, name, counts) else i]
            if isinstance(name, str) and counts[name] > 1 and names.index(name) != i:
                message = f"is used by more than one {what}; names must be unique"
                self.add([key, i, "name"], name, message)
            if not isinstance(item, dict):
                self.add(prefix, item, f"must be a table ([[{key}]] entry)")
                continue
            value = self.validate(model, item, prefix)
            if value is not None:
                valid.append((prefix, value))
        return valid

    @staticmethod
    def _addressable(key: str, name: Any, counts: Counter) -> bool:
        """Whether a shift's or incident's name can stand for it in a field path."""
        if not isinstance(name, str) or counts[name] != 1:
            return False
        if key == "shifts":
            return IDENTIFIER.fullmatch(name) is not None
        return bool(name.strip())

    def channels(self, doc: Mapping) -> tuple[dict[str, Channel] | None, list[str]]:
        """Validated channels (None if any is broken) and every channel id written."""
        raw = doc.get("channels")
        if raw is None:
            self.add(
                ["channels"], NO_VALUE, "missing (required: at least one [channels.<id>] table)"
            )
            return None, []
        if not isinstance(raw, dict):
            self.add(["channels"], raw, "must be a table of channels ([channels.<id>])")
            return None, []
        if not raw:
            self.add(["channels"], NO_VALUE, "must have at least one channel")
            return None, []
        ids = [str(k) for k in raw]
        out: dict[str, Channel] | None = {}
        for key, value in raw.items():
            cid = str(key)
            if not isinstance(key, str) or IDENTIFIER.fullmatch(key) is None:
                self.add(
                    ["channels", cid],
                    NO_VALUE,
                    "is not a valid channel id: use a lowercase letter, then lowercase "
                    "letters, digits or _",
                )
                out = None
            if not isinstance(value, dict):
                self.add(["channels", cid], value, "must be a table ([channels.<id>])")
                out = None
                continue
            channel = self.validate(Channel, _with_public_default(cid, value), ["channels", cid])
            if channel is None or out is None:
                out = None
            else:
                out[cid] = channel
        return out, ids

    def forecast(self, raw_path: str) -> tuple[float, ...] | None:
        """Volumes from ``forecast_csv``; problems name the CSV file, its line and column."""
        base = self.base_dir if self.base_dir is not None else Path()
        try:
            shown = base / raw_path
            text = shown.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.add(["arrivals", "forecast_csv"], raw_path, f"file not found (looked for {shown})")
            return None
        except (OSError, ValueError) as e:
            reason = "not UTF-8 text" if isinstance(e, UnicodeDecodeError) else "cannot be read"
            self.add(["arrivals", "forecast_csv"], raw_path, f"{reason} ({type(e).__name__})")
            return None
        header = text.split("\n", 1)[0].lower()
        if "channel" in [h.strip() for h in header.split(",")]:  # a WFM export
            from ..forecasts import ForecastError, parse_wfm_forecast

            try:
                return parse_wfm_forecast(text, str(shown))
            except ForecastError as e:
                for message in e.problems:
                    self.add_problem(Problem(str(shown), "", NO_VALUE, message.split(": ", 1)[-1]
                                             if message.startswith(str(shown) + ": ") else
                                             message.removeprefix(str(shown) + ", ")))  # fmt: skip
                return None
        values, problems = _read_forecast(text, str(shown))
        for problem in problems:
            self.add_problem(problem)
        return values
