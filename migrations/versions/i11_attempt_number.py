"""quiz_attempt.attempt_no: which graded attempt it is, fixed at start (issue 11)

Grading read it with a count of the learner's earlier attempts, one more round trip in the
hottest write; the attempt now carries it. Rows already there get the number that count
gave: the finished graded attempts of the same learner and quiz up to and including it.

Revision ID: i11_attempt_number
Revises: i13_answer_rows
"""

import sqlalchemy as sa
from alembic import op

revision = "i11_attempt_number"
down_revision = "i13_answer_rows"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempt_no", sa.Integer(), nullable=True))
    attempt = sa.table(
        "quiz_attempt",
        *(sa.column(name) for name in ("id", "user_id", "quiz_id", "status", "is_practice", "attempt_no")),
    )
    earlier = attempt.alias("earlier")
    finished_before = (
        sa.select(sa.func.count())
        .where(
            earlier.c.user_id == attempt.c.user_id,
            earlier.c.quiz_id == attempt.c.quiz_id,
            earlier.c.status == "finished",
            earlier.c.is_practice.is_(False),
            earlier.c.id < attempt.c.id,
        )
        .scalar_subquery()
    )
    op.get_bind().execute(
        attempt.update().where(attempt.c.is_practice.is_(False)).values(attempt_no=finished_before + 1)
    )


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_column("attempt_no")
