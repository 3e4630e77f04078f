"""A real trainer server (waitress, SQLite) on a free port, and Debian's chromium via Playwright.

No browser is downloaded: Playwright drives ``/usr/bin/chromium`` (``make test`` installs it).
Screenshots of the main pages go to ``test-artifacts/e2e/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from trainer_web import create_app
from trainer_web.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "correct-horse-42"
DESK_TRAINEES = ("uma", "vic", "walt", "xena", "yuri", "zoe")
TEAM_TRAINEES = {"lena": "Lena Lead", "ravi": "Ravi Rep", "sami": "Sami Rep"}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """An instance folder with an instructor, a trainee and a short recall assignment."""
    from flask_migrate import upgrade

    from trainer_web.accounts import create_user
    from trainer_web.models import Assignment, Cohort

    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app({"SECRET_KEY": "e2e"}, instance_path=instance)
    with app.app_context():
        upgrade()
        coach, _ = create_user("coach", "instructor", display_name="Cora Coach", password=PASSWORD)
        cohort = Cohort(name="E2E class", instructor=coach)
        create_user(
            "tina", "trainee", display_name="Tina Trainee", password=PASSWORD, cohort=cohort
        )
        db.session.add(cohort)
        db.session.add(
            Assignment(
                cohort=cohort,
                title="Recall morning",
                scenario_id="product_recall",
                difficulty="hard",
                duration_min=30.0,
                start_min=370.0,  # the recall storm is ten minutes old
                speed=6.0,
                seed=3,
            )
        )
        # The desk tests (test_desk.py): their own class and trainees, so the flow above and the
        # desk checks never share an exercise; a fast clock so customers give up within a test.
        create_user("root", "admin", display_name="Ada Admin", password=PASSWORD)
        desk = Cohort(name="Desk class", instructor=coach)
        db.session.add(desk)
        for username in DESK_TRAINEES:
            create_user(username, "trainee", password=PASSWORD, cohort=desk)
        db.session.add(
            Assignment(
                cohort=desk,
                title="Recall desk",
                scenario_id="product_recall",
                difficulty="medium",
                duration_min=120.0,
                start_min=370.0,
                speed=60.0,  # one simulated minute a second
                seed=3,
            )
        )
        # The team tests (test_teams.py): a class of their own for one team exercise.
        teams = Cohort(name="Team class", instructor=coach)
        db.session.add(teams)
        for username, name in TEAM_TRAINEES.items():
            create_user(username, "trainee", display_name=name, password=PASSWORD, cohort=teams)
        db.session.commit()
        db.engine.dispose()
    return instance


@pytest.fixture(scope="session")
def server(seeded):
    port = _free_port()
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(seeded), "SECRET_KEY": "e2e"}
    env.pop("DATABASE_URL", None)
    log = seeded / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "trainer", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine takes a while to warm the scorer
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page_for(browser):
    contexts = []

    def make(width: int = 1440, height: int = 900):
        ctx = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "console",
            lambda m: errors.append(m.text) if m.type == "error" and "503" not in m.text else None,
        )
        page.js_errors = errors
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")


def open_desk(page, base: str, username: str) -> None:
    """Sign in as a desk trainee and start (or continue) the "Recall desk" exercise."""
    sign_in(page, base, username)
    page.wait_for_url("**/exercises/")
    page.click("text=Start: read the brief")  # the brief comes before the clock
    page.wait_for_selector("#start-clock")
    page.click("#start-clock")
    page.wait_for_selector("#inbox li.complaint", timeout=30_000)


def desk_state(page, base: str) -> dict:
    """The exercise's state.json, fetched with the page's own session."""
    url = page.locator("#exercise").get_attribute("data-state-url")
    return page.request.get(base + url).json()
