"""certificates: issued certificates with their frozen PDF, the audit log, verification counters

Revision ID: 0003_certificates
Revises: 0002_quizzes
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_certificates"
down_revision = "0002_quizzes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "verify_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_verify_throttle")),
    )
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("issue_number", sa.Integer(), nullable=False),
        sa.Column("holder_name", sa.String(length=400), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("course_title", sa.String(length=300), nullable=False),
        sa.Column("course_title_en", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("module_hashes", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_size", sa.Integer(), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("render_error_id", sa.String(length=16), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=500), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["user.id"],
                                name=op.f("fk_certificate_revoked_by_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["superseded_by_id"], ["certificate.id"],
                                name=op.f("fk_certificate_superseded_by_id_certificate"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_certificate_user_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("code", name=op.f("uq_certificate_code")),
        # CERT-5: two simultaneous issues for one learner and course version give one row.
        sa.UniqueConstraint("user_id", "course_id", "content_hash", "issue_number",
                            name=op.f("uq_certificate_user_id_course_id_content_hash_issue_number")),
    )  # fmt: skip
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index("ix_certificate_user_issued", ["user_id", "issued_at"], unique=False)

    op.create_table(
        "certificate_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"],
                                name=op.f("fk_certificate_audit_actor_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"],
                                name=op.f("fk_certificate_audit_certificate_id_certificate"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_audit")),
    )  # fmt: skip
    with op.batch_alter_table("certificate_audit", schema=None) as batch_op:
        batch_op.create_index("ix_certificate_audit_at", ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificate_audit_certificate_id"), ["certificate_id"],
                              unique=False)  # fmt: skip


def downgrade():
    with op.batch_alter_table("certificate_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_audit_certificate_id"))
        batch_op.drop_index("ix_certificate_audit_at")
    op.drop_table("certificate_audit")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index("ix_certificate_user_issued")
    op.drop_table("certificate")
    op.drop_table("verify_throttle")
