"""quiz_attempt.report_rows_pending: the reports' rows are written after grading (issue 11)

Grading wrote ten `quiz_answer` rows and a `quiz_learner` upsert in the hottest write, which
cost a fifth of the submit rate; it now only marks the attempt, and the rows are written in
batches (course/quizzes/answer_store.py). Attempts graded before this already have their rows
(i13_answer_rows, then grading), so none starts pending.

Revision ID: i11_report_rows_pending
Revises: i11_attempt_number
"""

import sqlalchemy as sa
from alembic import op

revision = "i11_report_rows_pending"
down_revision = "i11_attempt_number"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, never batch mode's copy of the table: on SQLite, dropping the old
    # copy would cascade to every `quiz_answer` row (foreign keys are on).
    op.add_column(
        "quiz_attempt", sa.Column("report_rows_pending", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_index(
        "ix_quiz_attempt_report_rows_pending",
        "quiz_attempt",
        ["id"],
        unique=False,
        sqlite_where=sa.text("report_rows_pending"),
        postgresql_where=sa.text("report_rows_pending"),
    )


def downgrade():
    """Back to rows written at grading: write the pending ones first (`flask reports refresh`),
    or they are missing from the reports."""
    op.drop_index("ix_quiz_attempt_report_rows_pending", table_name="quiz_attempt")
    op.drop_column("quiz_attempt", "report_rows_pending")
