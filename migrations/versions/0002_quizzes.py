"""quizzes: attempts (snapshot, answers, result) and quiz versions by content hash

Revision ID: 0002_quizzes
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_quizzes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'in_progress'")


def upgrade():
    op.create_table(
        "quiz_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("is_practice", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("max_score", sa.Integer(), nullable=True),
        sa.Column("percent", sa.Double(), nullable=True),
        sa.Column("is_passed", sa.Boolean(), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("practice_of_id", sa.Integer(), nullable=True),
        sa.Column("pending", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["practice_of_id"],
            ["quiz_attempt.id"],
            name=op.f("fk_quiz_attempt_practice_of_id_quiz_attempt"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_quiz_attempt_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempt")),
        sa.UniqueConstraint("public_id", name=op.f("uq_quiz_attempt_public_id")),
    )
    op.create_table(
        "quiz_content",
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("content_hash", name=op.f("pk_quiz_content")),
    )
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_attempt_user_quiz", ["user_id", "quiz_id"], unique=False)
        batch_op.create_index(
            "uq_quiz_attempt_open",
            ["user_id", "quiz_id", "is_practice"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_index("uq_quiz_attempt_open")
        batch_op.drop_index("ix_quiz_attempt_user_quiz")
    op.drop_table("quiz_attempt")
    op.drop_table("quiz_content")
