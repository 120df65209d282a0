"""caches: one generation row, bumped when every worker must clear its caches (DATA-2)

Revision ID: i11_cache_generation
Revises: i13_reports
"""

import sqlalchemy as sa
from alembic import op

revision = "i11_cache_generation"
down_revision = "i16_certificate_languages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cache_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cache_generation")),
    )


def downgrade():
    op.drop_table("cache_generation")
