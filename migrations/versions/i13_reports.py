"""reports: the language an attempt was taken in, and indexes for the report queries

Revision ID: i13_reports
Revises: 0004_password_reset
"""

import sqlalchemy as sa
from alembic import op

revision = "i13_reports"
down_revision = "i14_cohorts"
branch_labels = None
depends_on = None

# Every column the report queries read, so they never touch the wide attempt rows.
REPORT_COLUMNS = [
    "user_id",
    "quiz_id",
    "content_hash",
    "status",
    "is_practice",
    "started_at",
    "is_passed",
    "percent",
    "score",
    "finished_at",
    "lang",
]
# The item analysis ranks each learner's attempts at one quiz in this order.
ITEM_COLUMNS = ["quiz_id", "user_id", "started_at", "content_hash", "status", "is_practice", "score", "percent", "lang"]


def upgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lang", sa.String(length=8), nullable=True))
        batch_op.create_index("ix_quiz_attempt_report", REPORT_COLUMNS, unique=False)
        batch_op.create_index("ix_quiz_attempt_items", ITEM_COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_attempt_items")
        batch_op.drop_index("ix_quiz_attempt_report")
        batch_op.drop_column("lang")
