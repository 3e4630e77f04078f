"""A realistic demo cohort: Faker names and exercises played by bot trainees of varied skill."""

from __future__ import annotations

import random

from faker import Faker

from sim.text import bot_reply_text, persona

from . import accounts, engine
from .extensions import db
from .models import Assignment, Cohort, Role, User

DEMO_INSTRUCTOR = "coach"
DEMO_ADMIN = "admin"
STEP_MIN = 3.0  # bot trainees look at their inbox every three simulated minutes
ASSIGNMENTS = (
    # title, scenario, difficulty, simulated minutes, speed
    ("Recall morning", "product_recall", "medium", 60, 10.0),
    ("Hashtag hijack", "hashtag_hijack", "hard", 45, 10.0),
    ("A quiet Tuesday", "quiet_tuesday", "easy", 30, 15.0),
)


def _username(first: str, last: str, taken: set[str]) -> str:
    base = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")[:60]
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    taken.add(name)
    return name


def play_as_bot(ex, skill: float, rng: random.Random) -> None:
    """Play ``ex`` to its end as a trainee of ``skill`` 0..1: better replies, answered sooner."""
    t = 0.0
    while t < ex.duration_min:
        t = min(ex.duration_min, t + STEP_MIN)
        with engine.cache().lock(ex.id):
            items = engine.live(ex, t).model.inbox()
        for item in items:
            if rng.random() > 0.35 + 0.6 * skill:  # weaker trainees leave more waiting
                continue
            action = "move_to_dm" if item.public and rng.random() < skill * 0.5 else "reply_public"
            text = bot_reply_text(
                ex.seed,
                item.id,
                quality=skill,
                customer=persona(ex.seed, item.author),
                topic=item.topic,
                channel=item.channel,
                public=item.public,
                action=action,
            )
            try:
                engine.act(ex, item.id, action, text, at=t)
            except engine.Rejected:
                continue
    engine.finish(ex)
    db.session.commit()


def demo_cohort(n_trainees: int = 12, seed: int = 7) -> list[tuple[User, str]] | None:
    """Create the demo accounts and cohort; ``None`` if they exist (nothing is printed twice)."""
    if db.session.execute(db.select(User.id).filter_by(username=DEMO_INSTRUCTOR)).first():
        return None
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 — reproducible demo data, not a secret
    created = []
    if not db.session.execute(db.select(User.id).filter_by(username=DEMO_ADMIN)).first():
        created.append(accounts.create_user(DEMO_ADMIN, Role.ADMIN, display_name="Demo admin"))
    coach, pw = accounts.create_user(DEMO_INSTRUCTOR, Role.INSTRUCTOR, display_name=fake.name())
    created.append((coach, pw))
    cohort = Cohort(name="Demo cohort", instructor=coach)
    db.session.add(cohort)
    taken: set[str] = set()
    trainees = []
    for _ in range(n_trainees):
        first, last = fake.first_name(), fake.last_name()
        user, pw = accounts.create_user(
            _username(first, last, taken),
            Role.TRAINEE,
            display_name=f"{first} {last}",
            cohort=cohort,
        )
        created.append((user, pw))
        trainees.append(user)
    assignments = []
    for title, scenario_id, difficulty, minutes, speed in ASSIGNMENTS:
        a = Assignment(
            cohort=cohort,
            title=title,
            scenario_id=scenario_id,
            difficulty=difficulty,
            duration_min=float(minutes),
            start_min=engine.suggested_start_min(scenario_id),
            speed=speed,
            seed=seed,
        )
        db.session.add(a)
        assignments.append(a)
    db.session.commit()
    # Everyone has played the first assignment; the stronger half the second too.
    for i, user in enumerate(trainees):
        skill = rng.uniform(0.15, 0.95)
        for a in assignments[: 2 if i % 2 == 0 else 1]:
            ex = engine.start_exercise(a, user, running=False)
            db.session.commit()
            play_as_bot(ex, skill, rng)
    return created
