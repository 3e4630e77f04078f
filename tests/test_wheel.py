"""The wheel carries everything a non-editable install needs (issue 11, package data): the
scenario library with its forecasts, the trainer's templates, static files and migrations, the
scorer's corpus and learned weights.

Built offline from a copy of the source tree, installed into a fresh venv that cannot see this
checkout (the dev venv's third-party packages are reused through a ``.pth`` line, which does
not run the dev venv's editable finder), then used from a temporary folder: ``stormdesk run
product_recall --json`` gives the dev install's numbers and the trainer serves ``/login``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Folders of the source tree a build never needs (and stale build/ output must not leak in).
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "instance", "results",
    ".pytest_cache", ".ruff_cache", ".hypothesis", "test-artifacts", "notebooks", "*.png",
)  # fmt: skip
SHIPPED = (  # one file of each kind the wheel must carry
    "sim/scenarios/product_recall.toml",
    "sim/scenarios/forecasts/holiday_rush.csv",
    "sim/scoring/learned.json",
    "trainer_web/templates/base.html",
    "trainer_web/auth/templates/auth/login.html",
    "trainer_web/static/style.css",
    "trainer_web/migrations/alembic.ini",
    "trainer_web/migrations/env.py",
    "trainer_web/migrations/script.py.mako",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    assert r.returncode == 0, f"{cmd}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> tuple[Path, Path]:
    """(the venv, the wheel) with stormdesk installed from the wheel only."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-q", "--wheel-dir", str(dist), str(src)], cwd=tmp)  # fmt: skip
    (wheel,) = dist.glob("stormdesk-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                .stdout.strip())  # fmt: skip
    # The dev venv's packages, as a plain path: its .pth files (the editable finder) do not run.
    (site / "dev-packages.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "-q", str(wheel)])  # fmt: skip
    return venv, wheel


def test_the_wheel_carries_the_data_files(wheel_venv):
    _, wheel = wheel_venv
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in SHIPPED if n not in names]
    assert not missing, missing
    library = {n for n in names if n.startswith("sim/scenarios/") and n.endswith(".toml")}
    assert {Path(n).name for n in library} == {p.name for p in (ROOT / "scenarios").glob("*.toml")}
    assert not [n for n in names if "__pycache__" in n]


def test_stormdesk_runs_from_the_wheel(wheel_venv, tmp_path):
    venv, _ = wheel_venv
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    where = _run([str(venv / "bin" / "python"), "-c",
                  "import sim, trainer_web, sim.library as l; "
                  "print(sim.__file__, trainer_web.__file__, l.LIBRARY)"],
                 cwd=tmp_path, env=env).stdout.split()  # fmt: skip
    assert all(Path(p).resolve().is_relative_to(venv.resolve()) for p in where), where
    stormdesk = str(venv / "bin" / "stormdesk")
    got = json.loads(_run([stormdesk, "run", "product_recall", "--json", "--quiet"],
                          cwd=tmp_path, env=env).stdout)  # fmt: skip
    want = json.loads(_run([sys.executable, "-m", "sim", "run", "product_recall", "--json",
                            "--quiet"], cwd=ROOT).stdout)  # fmt: skip
    assert got == want
    # a scenario whose arrivals come from a forecast file beside it in the library
    assert _run([stormdesk, "validate", "holiday_rush"], cwd=tmp_path, env=env).stdout.strip() == (
        "holiday_rush: ok"
    )

    # the trainer: migrations, templates and static files from the wheel, SQLite in tmp_path
    env["TRAINER_INSTANCE_PATH"] = str(tmp_path / "instance")
    _run([stormdesk, "trainer", "init-db"], cwd=tmp_path, env=env)
    port = _free_port()
    server = subprocess.Popen(
        [stormdesk, "trainer", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    status, page = r.status, r.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()[-3000:]
                assert time.monotonic() < deadline, "the trainer did not start"
                time.sleep(0.2)
        assert status == 200 and 'name="csrf-token"' in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/style.css") as r:
            assert r.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
