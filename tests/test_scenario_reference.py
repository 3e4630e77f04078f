"""The committed scenario reference is the one the loader generates (it cannot drift)."""

from sim.reference import markdown
from tests.conftest import ROOT


def test_docs_scenario_format_is_up_to_date():
    committed = (ROOT / "docs" / "scenario-format.md").read_text()
    assert committed == markdown(), "regenerate: python -m sim.reference > docs/scenario-format.md"
