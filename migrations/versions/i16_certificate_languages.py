"""certificates: both languages and the course outline frozen at issue (issue 16)

Revision ID: i16_certificate_languages
Revises: i16_audit_target
"""

import sqlalchemy as sa
from alembic import op

revision = "i16_certificate_languages"
down_revision = "i16_audit_target"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outline", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pdf_alt", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("pdf_alt_sha256", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_column("pdf_alt_sha256")
        batch_op.drop_column("pdf_alt")
        batch_op.drop_column("outline")
