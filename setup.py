"""Only what pyproject.toml cannot say: the top-level ``scenarios/`` folder ships inside the
wheel as ``sim/scenarios`` (package data, read through ``sim.library``). The folder stays where
it is in the source tree, and a source checkout or editable install reads it there."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["sim", "sim.*", "trainer_web", "trainer_web.*"]),
              "sim.scenarios"],  # fmt: skip
    package_dir={"sim.scenarios": "scenarios"},
)
