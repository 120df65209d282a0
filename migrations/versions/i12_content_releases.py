"""authoring: content revisions and releases, the course served from the database (issue 12)

Revision ID: i12_content_releases
Revises: i11_cache_generation
"""

import sqlalchemy as sa
from alembic import op

revision = "i12_content_releases"
down_revision = "i11_cache_generation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_content_revision_author_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["content_revision.id"], name=op.f("fk_content_revision_parent_id_content_revision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_revision")),
    )
    op.create_index("uq_content_revision_path_number", "content_revision", ["path", "number"], unique=True)
    op.create_table(
        "content_release",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_content_release_author_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_release")),
    )
    op.create_table(
        "content_release_file",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["content_release.id"], name=op.f("fk_content_release_file_release_id_content_release")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["content_revision.id"], name=op.f("fk_content_release_file_revision_id_content_revision")
        ),
        sa.PrimaryKeyConstraint("release_id", "path", name=op.f("pk_content_release_file")),
    )
    op.create_index(op.f("ix_content_release_file_revision_id"), "content_release_file", ["revision_id"], unique=False)
    op.create_table(
        "content_release_hash",
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["content_release.id"], name=op.f("fk_content_release_hash_release_id_content_release")
        ),
        sa.PrimaryKeyConstraint("content_hash", "release_id", name=op.f("pk_content_release_hash")),
    )


def downgrade():
    op.drop_table("content_release_hash")
    op.drop_index(op.f("ix_content_release_file_revision_id"), table_name="content_release_file")
    op.drop_table("content_release_file")
    op.drop_table("content_release")
    op.drop_index("uq_content_revision_path_number", table_name="content_revision")
    op.drop_table("content_revision")
