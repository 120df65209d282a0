"""authoring: index content revisions by SHA-256, for serving images at /media/<sha256>.<ext> (issue 12)

Revision ID: i12d_revision_sha256
Revises: i12_content_releases
"""

from alembic import op

revision = "i12d_revision_sha256"
down_revision = "i12_content_releases"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("content_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_revision_sha256"), ["sha256"], unique=False)


def downgrade():
    with op.batch_alter_table("content_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_revision_sha256"))
