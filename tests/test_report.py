"""The validation report is generated, complete and reproducible: same sizes, same Markdown."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from sim.cli_report import report
from sim.report import BRANCHING_RATIOS, ERLANG_A_LOADS, ERLANG_C_LOADS, ReportSize
from sim.report import write_validation_report as write_report
from tests.conftest import LIBRARY

TINY = ReportSize(replications=2, queue_hours=2.0, cascade_hours=1.0, kearney_seeds=2,
                  speed_seeds=2)  # fmt: skip
SECTIONS = (
    "## 1. Pure queue: Erlang C and Erlang A",
    "## 2. Cascades: mean size 1/(1−n)",
    "## 3. A typical brand in 2011",
    "## 4. Reply speed and satisfaction",
)


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory):
    first = tmp_path_factory.mktemp("a") / "validation.md"
    second = tmp_path_factory.mktemp("b") / "validation.md"
    return write_report(first, TINY, library=LIBRARY), write_report(second, TINY, library=LIBRARY)


def table_rows(text: str, section: str) -> list[str]:
    """The data rows of the first Markdown table after the heading ``section``."""
    body = text.split(section, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in body.splitlines() if line.startswith("| ")]
    return rows[1:]  # drop the header; the |---| line does not start with "| "


def test_report_has_every_section_table_and_plot(two_reports):
    files, _ = two_reports
    text = files.markdown.read_text(encoding="utf-8")
    for heading in SECTIONS:
        assert heading in text
    queue_rows = table_rows(text, SECTIONS[0])
    # Erlang C: P(wait), mean wait, service level; Erlang A adds abandonment.
    assert len(queue_rows) == 3 * len(ERLANG_C_LOADS) + 4 * len(ERLANG_A_LOADS)
    assert len(table_rows(text, SECTIONS[1])) == len(BRANCHING_RATIOS)
    assert "| Twitter complaints never answered | 71% |" in text
    assert "| remedy alone: satisfied | 37% |" in text
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images == ["validation/queues.png", "validation/cascades.png",
                      "validation/reply_speed.png"]  # fmt: skip
    for image in images:
        png = files.markdown.parent / image
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sum(p.stat().st_size for p in files.plots) < 1_000_000
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)


def test_regenerating_gives_the_same_markdown(two_reports):
    first, second = two_reports
    assert first.markdown.read_text(encoding="utf-8") == second.markdown.read_text(encoding="utf-8")


def test_cli_writes_the_report_and_refuses_a_non_markdown_out(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(report, ["validation", "--out", str(tmp_path / "report.txt")])
    assert bad.exit_code == 2
    assert "ending in .md" in bad.output
    assert not list(tmp_path.iterdir())
    out = tmp_path / "docs" / "validation.md"
    ok = runner.invoke(report, ["validation", "--out", str(out), "--quick", "--workers", "1"])
    assert ok.exit_code == 0, ok.output
    assert out.exists()
    assert sorted(p.name for p in (tmp_path / "docs" / "validation").iterdir()) == [
        "cascades.png",
        "queues.png",
        "reply_speed.png",
    ]
