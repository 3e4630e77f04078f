"""exercise grade cache and retries: an exercise may be a retry of another (same seed)

Revision ID: 7c2e5a9d41b3
Revises: 1f098934a799
Create Date: 2026-11-30 20:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c2e5a9d41b3"
down_revision = "1f098934a799"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        # The first attempt this one retries (its assignment stays on the first attempt only).
        batch_op.add_column(sa.Column("retry_of", sa.Integer(), nullable=True))
        # The finished exercise's grade (trainer_web.grading), kept so tables need no replay.
        batch_op.add_column(sa.Column("grade", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_exercise_retry_of"), ["retry_of"], unique=False)
        batch_op.create_foreign_key(
            "fk_exercise_retry_of", "exercise", ["retry_of"], ["id"], ondelete="CASCADE"
        )


def downgrade():
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.drop_constraint("fk_exercise_retry_of", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_exercise_retry_of"))
        batch_op.drop_column("grade")
        batch_op.drop_column("retry_of")
