"""robot safety: identity proof, the 登録-pressed mark, run heartbeats

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 03:00:00

- ``work_items.identity``: the declaration beside what the system showed for the vehicle
  (shown side by side in the console on a mismatch; kept as evidence on a match).
- ``work_items.commit_pressed_at``: set before the final 登録 press; such an item is never
  declared failed without asking the system (else it becomes 結果不明 ``unknown``).
- ``runs.heartbeat_at``: refreshed while a run lives, so killed runs are found and marked 中断.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("commit_pressed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("commit_pressed_at")
        batch_op.drop_column("identity")
