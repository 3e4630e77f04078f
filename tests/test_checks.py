"""Legal but probably wrong: warnings (exit 0) from `validate` and `run` (issue 12, item 3)."""

from __future__ import annotations

import json
import tomllib

import pytest

import sim
from sim.checks import scenario_warnings
from sim.scenario import ScenarioError
from tests.conftest import LIBRARY
from tests.test_cli import stormdesk


def _recall_doc() -> dict:
    return tomllib.loads((LIBRARY / "product_recall.toml").read_text())


def _load(doc):
    return sim.parse_scenario(doc, source="edited.toml", base_dir=LIBRARY)


def test_library_scenarios_raise_no_warning():
    for path in sorted(LIBRARY.glob("*.toml")):
        assert scenario_warnings(sim.load_scenario(path)) == [], path.name


def test_incident_after_the_end_of_the_run(tmp_path):
    doc = _recall_doc()
    doc["incidents"][0]["start_hour"] = 90  # a 72-hour run
    (w,) = scenario_warnings(_load(doc))
    assert w.path == "incidents[0].start_hour"
    assert "never happens" in str(w) and "edited.toml" in str(w)


def test_reversed_day_shift_read_as_long_overnight_shift(tmp_path):
    doc = _recall_doc()
    night = next(s for s in doc["shifts"] if s["name"] == "night")
    night["start"], night["end"] = "18:00", "10:00"
    (w,) = scenario_warnings(_load(doc))
    assert w.path == "shifts.night"
    assert "overnight shift of 16 hours" in str(w)


def test_an_ordinary_night_shift_is_not_flagged(tmp_path):
    doc = _recall_doc()
    night = next(s for s in doc["shifts"] if s["name"] == "night")
    night["start"], night["end"] = "20:00", "08:00"  # 12 hours: long but ordinary
    assert scenario_warnings(_load(doc)) == []


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("patience", {"dist": "exponential", "mean_min": 3600}, "channels.phone.patience"),
        ("handle_time", {"dist": "exponential", "mean_min": 360}, "channels.phone.handle_time"),
    ],
)
def test_seconds_typed_as_minutes(tmp_path, field, value, path):
    doc = _recall_doc()
    doc["channels"]["phone"][field] = value
    (w,) = scenario_warnings(_load(doc))
    assert w.path == path and "seconds" in str(w)


def test_a_day_of_email_patience_is_plausible_a_day_on_the_phone_is_not(tmp_path):
    doc = _recall_doc()
    doc["channels"]["email"]["patience"] = {"dist": "exponential", "mean_min": 1000}
    assert scenario_warnings(_load(doc)) == []
    doc["channels"]["phone"]["patience"] = {"dist": "exponential", "mean_min": 1000}
    assert [w.path for w in scenario_warnings(_load(doc))] == ["channels.phone.patience"]


def test_shares_as_percents_get_a_hint_and_come_with_the_other_errors(tmp_path):
    doc = _recall_doc()
    for ch in doc["channels"].values():
        ch["share"] = round(ch["share"] * 100)
    doc["channels"]["phone"]["sla_min"] = -1  # another error in a channel table
    with pytest.raises(ScenarioError) as e:
        _load(doc)
    lines = [str(p) for p in e.value.problems]
    assert any("channels.phone.sla_min" in line for line in lines), lines
    assert any("shares sum to 100" in line and "percents" in line for line in lines), lines


def test_validate_and_run_print_warnings_and_exit_0(tmp_path):
    text = (LIBRARY / "product_recall.toml").read_text()
    text = text.replace("start_hour = 6 ", "start_hour = 90 ", 1)
    text = text.replace("duration_hours = 72", "duration_hours = 6", 1)
    path = tmp_path / "late_incident.toml"
    path.write_text(text)
    checked = stormdesk("validate", str(path))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip().endswith(": ok")
    (line,) = checked.stderr.strip().splitlines()
    assert line.startswith("warning: ") and "incidents[0].start_hour" in line
    ran = stormdesk("run", str(path), "--json", "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert any("never happens" in w for w in json.loads(ran.stdout)["warnings"])
    assert "never happens" in ran.stderr


def test_answered_gave_up_and_waiting_add_up_to_arrived():
    """Issue 12, 3b: `open` also counts complaints in service (already answered), so the
    identity holds with `waiting`; `open` = `waiting` + `in_service`."""
    for name in ("product_recall", "holiday_rush", "weekend_outage"):
        scenario = sim.load_scenario(LIBRARY / f"{name}.toml").with_overrides(
            {"scenario.duration_hours": 20}
        )
        for seed in (1, 2):
            for channel, k in sim.run(scenario, seed=seed).kpis["channels"].items():
                assert k["arrived"] == k["answered"] + k["gave_up"] + k["waiting"], (
                    name,
                    seed,
                    channel,
                    k,
                )
                assert k["open"] == k["waiting"] + k["in_service"]
