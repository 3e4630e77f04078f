"""pinned scenarios and cohort settings

An exercise keeps the scenario text it was played with (a content-addressed copy, sha256, and
the model version); a cohort may have its own settings, overriding the organisation's.

Existing exercises are pinned here to the library file as it is now (the closest record there
is); one whose file has left the library stays unpinned and is shown read-only.

Revision ID: a4d7e2c9b815
Revises: 7c2e5a9d41b3
Create Date: 2026-12-01 02:40:00

"""

import contextlib
import hashlib
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4d7e2c9b815"
down_revision = "7c2e5a9d41b3"
branch_labels = None
depends_on = None


def _library() -> Path:
    try:
        from flask import current_app

        folder = current_app.config.get("SCENARIO_DIR")
    except RuntimeError:  # no app (plain alembic): the repository's library
        folder = None
    return Path(folder or Path(__file__).resolve().parents[3] / "scenarios")


def _read(path: Path) -> tuple[str, dict[str, str]] | None:
    """The file's text and its forecast CSV (the same rule as trainer_web.engine, frozen here)."""
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return None
    files = {}
    try:
        arrivals = tomllib.loads(text).get("arrivals")
    except ValueError:
        arrivals = None
    ref = arrivals.get("forecast_csv") if isinstance(arrivals, dict) else None
    if isinstance(ref, str):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            files[ref] = (path.parent / ref).read_bytes().decode("utf-8")
    return text, files


def _digest(text: str, files: dict[str, str]) -> str:
    h = hashlib.sha256(text.encode("utf-8"))
    for name in sorted(files):
        h.update(b"\0" + name.encode("utf-8") + b"\0" + files[name].encode("utf-8"))
    return h.hexdigest()


def upgrade():
    copies = op.create_table(
        "scenario_copy",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("scenario_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "cohort_settings",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("canned_replies", sa.JSON(), nullable=False),
        sa.Column("remedy_limit", sa.Double(), nullable=False),
        sa.Column("empowered", sa.Boolean(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("cohort_id"),
    )
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scenario_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("model_version", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_exercise_scenario_sha256"), ["scenario_sha256"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_exercise_scenario_sha256", "scenario_copy", ["scenario_sha256"], ["sha256"]
        )

    # Pin the exercises recorded so far to their library file as it is now. Their model version
    # is unknown (None): they were played before it was recorded.
    conn = op.get_bind()
    ids = [r[0] for r in conn.execute(sa.text("SELECT DISTINCT scenario_id FROM exercise"))]
    folder = _library()
    now = datetime.now(UTC).replace(tzinfo=None)
    for scenario_id in ids:
        found = _read(folder / f"{scenario_id}.toml")
        if found is None:
            continue  # left the library: the exercise stays unpinned and is shown read-only
        text, files = found
        sha = _digest(text, files)
        known = conn.execute(
            sa.text("SELECT 1 FROM scenario_copy WHERE sha256 = :sha"), {"sha": sha}
        ).first()
        if known is None:
            op.bulk_insert(
                copies,
                [
                    {
                        "sha256": sha,
                        "scenario_id": scenario_id,
                        "text": text,
                        "files": files,
                        "created_at": now,
                    }
                ],
            )
        conn.execute(
            sa.text("UPDATE exercise SET scenario_sha256 = :sha WHERE scenario_id = :sid"),
            {"sha": sha, "sid": scenario_id},
        )


def downgrade():
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.drop_constraint("fk_exercise_scenario_sha256", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_exercise_scenario_sha256"))
        batch_op.drop_column("model_version")
        batch_op.drop_column("scenario_sha256")
    op.drop_table("cohort_settings")
    op.drop_table("scenario_copy")
