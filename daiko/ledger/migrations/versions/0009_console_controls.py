"""console controls: pause a robot's automatic starts, ask for a run now (issue 15)

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-30 15:00:00

- ``robot_controls``: per robot, whether an admin paused its automatic starts (schedule, inbox,
  after review …) from the console; every PC's ``daiko schedule`` honours it.
- ``run_requests``: 「今すぐ実行」 from the console; the first service heartbeat that serves the
  robot takes the request and starts the run.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "robot_controls",
        sa.Column("robot_id", sa.String(length=32), primary_key=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_table(
        "run_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("robot_id", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by", sa.String(length=96), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_run_requests_robot_id", "run_requests", ["robot_id"])


def downgrade() -> None:
    op.drop_index("ix_run_requests_robot_id", table_name="run_requests")
    op.drop_table("run_requests")
    op.drop_table("robot_controls")
