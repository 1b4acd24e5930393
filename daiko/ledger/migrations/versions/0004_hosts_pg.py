"""hosts and the scheduler's job store

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-30 09:00:00

Several robot PCs share one (PostgreSQL) ledger:

- ``hosts``: each ``daiko schedule`` writes who it is and a heartbeat; a silent host's work is
  taken over by the others and the dashboard shows it;
- ``schedule_jobs``: APScheduler 3's job store, one table for every host (a ``host`` column in
  front of APScheduler's own three), so Alembic creates it like every other table. Until now each
  host let APScheduler create ``daiko_schedule_jobs_<host>`` itself; their rows are moved here
  (next run times included, so a run missed across the upgrade is still noticed) and the old
  tables dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LEGACY_PREFIX = "daiko_schedule_jobs_"


def upgrade() -> None:
    op.create_table(
        "hosts",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("robots", sa.JSON(), nullable=False),
        sa.Column("heartbeat_seconds", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    jobs = op.create_table(
        "schedule_jobs",
        sa.Column("host", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("host", "id"),
    )
    with op.batch_alter_table("schedule_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_jobs_next_run_time"), ["next_run_time"], unique=False)

    bind = op.get_bind()
    for table in sa.inspect(bind).get_table_names():
        if not table.startswith(LEGACY_PREFIX):
            continue
        legacy = sa.Table(table, sa.MetaData(), autoload_with=bind)
        rows = bind.execute(sa.select(legacy.c.id, legacy.c.next_run_time, legacy.c.job_state)).all()
        if rows:
            host = table.removeprefix(LEGACY_PREFIX)  # the slug the old store was named after
            op.bulk_insert(
                jobs,
                [{"host": host, "id": r.id, "next_run_time": r.next_run_time, "job_state": r.job_state} for r in rows],
            )
        op.drop_table(table)


def downgrade() -> None:
    with op.batch_alter_table("schedule_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_jobs_next_run_time"))
    op.drop_table("schedule_jobs")
    op.drop_table("hosts")
