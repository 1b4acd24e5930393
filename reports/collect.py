"""Reading finished items from the ledger for the report — and nothing personal.

The query names its columns one by one: ``fields`` (values read from the form), ``reference``
(受付番号), ``reason``, page images and reviewer names are never selected, so they cannot
leak into a workbook that gets printed and handed round a meeting, whatever a later edit
of the sheets does.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import distinct, func, or_, select

from daiko.ledger import AuditSample, FieldReview, IntakeFile, Ledger, Run, WorkItem
from daiko.reports.savings import COUNTED_STATES, ItemFacts


@dataclass(frozen=True)
class Collected:
    items: list[ItemFacts]
    trial_items: int  # finished in 試行 runs: left out


def collect_items(ledger: Ledger, start_utc: dt.datetime, end_utc: dt.datetime, tz: zoneinfo.ZoneInfo) -> Collected:
    """Items that reached a final state in [start_utc, end_utc), with their review sums."""
    reviews = (
        select(
            FieldReview.item_id.label("item_id"),
            func.coalesce(func.sum(FieldReview.seconds), 0.0).label("seconds"),
            func.count(distinct(FieldReview.field)).label("fields"),
        )
        .group_by(FieldReview.item_id)
        .subquery()
    )
    query = (
        select(
            WorkItem.id,
            WorkItem.robot_id,
            func.coalesce(WorkItem.section, IntakeFile.section).label("section"),
            WorkItem.form,
            WorkItem.state,
            WorkItem.handled_manually,
            WorkItem.review_fields,
            WorkItem.review_seconds,
            WorkItem.ocr_seconds,
            WorkItem.keying_seconds,
            WorkItem.created_at,
            WorkItem.finished_at,
            IntakeFile.kind,
            Run.mode,
            reviews.c.seconds,
            reviews.c.fields,
            AuditSample.state.label("sample_state"),
        )
        .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
        .outerjoin(AuditSample, AuditSample.item_id == WorkItem.id)
        .outerjoin(Run, Run.id == WorkItem.run_id)
        .outerjoin(reviews, reviews.c.item_id == WorkItem.id)
        .where(
            WorkItem.state.in_(COUNTED_STATES),
            WorkItem.finished_at >= start_utc,
            WorkItem.finished_at < end_utc,
        )
        .where(or_(Run.mode.is_(None), Run.mode != "trial"))
        .order_by(WorkItem.finished_at, WorkItem.id)
    )
    trial_query = (
        select(func.count(WorkItem.id))
        .join(Run, Run.id == WorkItem.run_id)
        .where(
            Run.mode == "trial",
            WorkItem.state.in_(COUNTED_STATES),
            WorkItem.finished_at >= start_utc,
            WorkItem.finished_at < end_utc,
        )
    )
    with ledger.session() as session:
        rows = session.execute(query).all()
        trial_items = session.scalar(trial_query) or 0
    items = [
        ItemFacts(
            item_id=row.id,
            robot_id=row.robot_id,
            section=row.section,
            form=row.form,
            state=row.state,
            handled_manually=bool(row.handled_manually),
            review_fields=len({str(name) for name in (row.review_fields or [])}),
            review_seconds=float(row.review_seconds or 0.0),
            field_review_seconds=float(row.seconds or 0.0),
            field_reviews=int(row.fields or 0),
            ocr_seconds=float(row.ocr_seconds or 0.0),
            keying_seconds=float(row.keying_seconds or 0.0),
            created_at=row.created_at.astimezone(tz) if row.created_at else None,
            finished_at=row.finished_at.astimezone(tz),
            from_csv=row.kind == "csv",
            sampled=row.sample_state == "checked",
        )
        for row in rows
    ]
    return Collected(items=items, trial_items=trial_items)
