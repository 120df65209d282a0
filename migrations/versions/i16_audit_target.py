"""audit: one log for every admin action; the account an action was about (issue 16)

Revision ID: i16_audit_target
Revises: i14_cohorts
"""

import sqlalchemy as sa
from alembic import op

revision = "i16_audit_target"
down_revision = "i13_reports"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificate_audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_certificate_audit_target_user_id_user"), "user", ["target_user_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index(batch_op.f("ix_certificate_audit_target_user_id"), ["target_user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("certificate_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_audit_target_user_id"))
        batch_op.drop_constraint(batch_op.f("fk_certificate_audit_target_user_id_user"), type_="foreignkey")
        batch_op.drop_column("target_user_id")
