"""Huge arrival rates are refused at validation, in one line naming the file, the field and the
cap, before a run allocates anything (issue 13, finding 10)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from tests.conftest import LIBRARY, ROOT


def _variant(tmp_path: Path, pattern: str, replacement: str, name="huge") -> Path:
    text = (LIBRARY / "product_recall.toml").read_text()
    new, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert n == 1, pattern
    path = tmp_path / f"{name}.toml"
    path.write_text(new)
    return path


def _stormdesk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "pattern, value, field, cap",
    [
        (r"^base_per_hour = .*$", "base_per_hour = 1e9", "arrivals.base_per_hour", "10000000"),
        (r"^base_per_hour = .*$", "base_per_hour = 1e308", "arrivals.base_per_hour", "10000000"),
        (
            r"^base_per_hour = .*$",
            "base_per_hour = 5e6",
            "arrivals.base_per_hour",
            "max_complaints",
        ),
        (r"^multiplier = .*$", "multiplier = 1e12", "multiplier", "10000"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_huge_rates_are_one_line_naming_file_field_and_cap(
    tmp_path, pattern, value, field, cap, command
):
    path = _variant(tmp_path, pattern, value)
    done = _stormdesk(command, str(path))
    assert done.returncode != 0
    output = (done.stdout + done.stderr).strip()
    assert "Traceback" not in output and "MemoryError" not in output
    lines = [line for line in output.splitlines() if field in line]
    assert len(lines) == 1, output
    assert str(path.name) in lines[0] and cap in lines[0], output


def test_a_forecast_volume_past_the_cap_names_the_csv_row(tmp_path):
    rows = ["hour,per_hour", *[f"{h},{1e12 if h == 3 else 50}" for h in range(80)]]
    (tmp_path / "volumes.csv").write_text("\n".join(rows) + "\n")
    path = _variant(
        tmp_path, r"^base_per_hour = .*$", 'base_per_hour = 40\nforecast_csv = "volumes.csv"'
    )
    with pytest.raises(sim.ScenarioError) as e:
        sim.load_scenario(path)
    text = str(e.value)
    assert "volumes.csv" in text and "per_hour" in text and "10000000" in text


def test_the_library_stays_within_the_caps():
    for path in sorted(LIBRARY.glob("*.toml")):
        sim.load_scenario(path)  # raises if a cap refused it
