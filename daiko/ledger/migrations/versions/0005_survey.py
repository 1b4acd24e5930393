"""survey responses (アンケート集計)

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01 09:00:00

One row per page of a survey response (a 電子申請 answer: one row, page 0), written by the
survey robot in the transaction that finishes its item (model: robots/survey/store.py). The
unique (survey, response_key, page) keeps a sheet scanned twice from being counted twice.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey", sa.String(length=64), nullable=False),
        sa.Column("robot_id", sa.String(length=32), nullable=False),
        sa.Column("response_key", sa.String(length=64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("invalid", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["work_items.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey", "response_key", "page", name="uq_survey_part"),
    )
    with op.batch_alter_table("survey_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_parts_survey"), ["survey"], unique=False)
        batch_op.create_index(batch_op.f("ix_survey_parts_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_parts_item_id"))
        batch_op.drop_index(batch_op.f("ix_survey_parts_survey"))
    op.drop_table("survey_parts")
