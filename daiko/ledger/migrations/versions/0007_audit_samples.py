"""audited samples of what robots keyed alone, 訂正 items, threshold overrides (issue 16)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 15:00:00

- ``audit_seeds``: one random seed per robot; an item's draw is a hash of it and the item id.
- ``audit_samples`` / ``audit_checks``: an item picked after keying (one row, unique per item, so
  two PCs deciding at once pick it once) and its accepted fields with a person's verdict.
- ``corrections``: 訂正 — a keyed value found wrong, waiting for a person to correct the system.
- ``threshold_overrides``: tightenings made on a breach of the budget, and looser thresholds
  offered to the admin (active only after an admin's 適用). The reader applies the active one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_seeds",
        sa.Column("robot_id", sa.String(length=32), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("robot_id"),
    )
    op.create_table(
        "audit_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("robot_id", sa.String(length=32), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("draw", sa.Float(), nullable=False),
        sa.Column("why", sa.String(length=16), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("checked_by", sa.String(length=64), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )
    op.create_index("ix_audit_samples_robot_state", "audit_samples", ["robot_id", "state"], unique=False)
    op.create_table(
        "audit_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("robot_id", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("field_type", sa.String(length=32), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"]),
        sa.ForeignKeyConstraint(["sample_id"], ["audit_samples.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_checks_robot_type", "audit_checks", ["robot_id", "field_type"], unique=False)
    op.create_index(op.f("ix_audit_checks_sample_id"), "audit_checks", ["sample_id"], unique=False)
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=True),
        sa.Column("robot_id", sa.String(length=32), nullable=False),
        sa.Column("section", sa.String(length=64), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("keyed_value", sa.Text(), nullable=True),
        sa.Column("correct_value", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"]),
        sa.ForeignKeyConstraint(["sample_id"], ["audit_samples.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_corrections_item_id"), "corrections", ["item_id"], unique=False)
    op.create_index(op.f("ix_corrections_state"), "corrections", ["state"], unique=False)
    op.create_table(
        "threshold_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("robot_id", sa.String(length=32), nullable=False),
        sa.Column("field_type", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("factor", sa.Float(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("upper", sa.Float(), nullable=False),
        sa.Column("budget", sa.Float(), nullable=False),
        sa.Column("saving_fields_per_week", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_threshold_overrides_robot_type", "threshold_overrides", ["robot_id", "field_type", "state"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_threshold_overrides_robot_type", table_name="threshold_overrides")
    op.drop_table("threshold_overrides")
    op.drop_index(op.f("ix_corrections_state"), table_name="corrections")
    op.drop_index(op.f("ix_corrections_item_id"), table_name="corrections")
    op.drop_table("corrections")
    op.drop_index(op.f("ix_audit_checks_sample_id"), table_name="audit_checks")
    op.drop_index("ix_audit_checks_robot_type", table_name="audit_checks")
    op.drop_table("audit_checks")
    op.drop_index("ix_audit_samples_robot_state", table_name="audit_samples")
    op.drop_table("audit_samples")
    op.drop_table("audit_seeds")
