"""team exercises

A team exercise (one shared storm for 2-8 trainees with a lead and reps), its members, and its
one ordered event log (claims, assignments, replies, hand-offs, notes, the lead's decisions,
the instructor's injects).

Revision ID: b8e31f6c2d47
Revises: a4d7e2c9b815
Create Date: 2026-12-01 05:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8e31f6c2d47"
down_revision = "a4d7e2c9b815"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "team_exercise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("scenario_id", sa.String(length=64), nullable=False),
        sa.Column("scenario_sha256", sa.String(length=64), nullable=True),
        sa.Column("model_version", sa.String(length=32), nullable=True),
        sa.Column("difficulty", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("speed", sa.Double(), nullable=False),
        sa.Column("start_min", sa.Double(), nullable=False),
        sa.Column("duration_min", sa.Double(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("share", sa.Double(), nullable=False),
        sa.Column("max_open", sa.Integer(), nullable=False),
        sa.Column("empowered", sa.Boolean(), nullable=False),
        sa.Column("remedy_limit", sa.Double(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("canned_replies", sa.JSON(), nullable=False),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("clock_sim_min", sa.Double(), nullable=False),
        sa.Column("clock_wall_at", sa.DateTime(), nullable=False),
        sa.Column("acked_sim_min", sa.Double(), nullable=False),
        sa.Column("acked_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["scenario_sha256"],
            ["scenario_copy.sha256"],
            name="fk_team_exercise_scenario_sha256",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("team_exercise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_exercise_cohort_id"), ["cohort_id"])
        batch_op.create_index(batch_op.f("ix_team_exercise_scenario_sha256"), ["scenario_sha256"])

    op.create_table(
        "team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_exercise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["team_exercise_id"], ["team_exercise.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_exercise_id", "user_id"),
    )
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_member_team_exercise_id"), ["team_exercise_id"])
        batch_op.create_index(batch_op.f("ix_team_member_user_id"), ["user_id"])

    op.create_table(
        "team_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_exercise_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sim_min", sa.Double(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("target_member_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("remedy", sa.Double(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_exercise_id"], ["team_exercise.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["team_member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["target_member_id"], ["team_member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_exercise_id", "seq"),
    )
    with op.batch_alter_table("team_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_event_team_exercise_id"), ["team_exercise_id"])


def downgrade():
    op.drop_table("team_event")
    op.drop_table("team_member")
    op.drop_table("team_exercise")
