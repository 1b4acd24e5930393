"""intake hardening: moves recorded before they happen, unreadable files retried, purges

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00

- ``intake_files.moving_from``: a move between the inbox folders is written to the ledger
  (state, new path, and where the file still is) before the file moves, so a person never sees
  a file in review/ or failed/ whose row or reason is not written yet; a crash in between is
  finished by the next run.
- ``intake_files.retry_at``: a file that could not be read while it was still young (a 複合機
  still writing over the network) is read again after this time instead of being failed.
- ``intake_files.purged_at``: when the retention job deleted the scan (and its page images).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intake_files") as batch:
        batch.add_column(sa.Column("moving_from", sa.Text(), nullable=True))
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intake_files") as batch:
        batch.drop_column("purged_at")
        batch.drop_column("retry_at")
        batch.drop_column("moving_from")
