"""Survey responses in the ledger: one row per page of a response (a web answer is one row, page 0).

Why rows per page: a booklet's pages may arrive in different files on different days; the
response is whatever pages share its 整理番号. The unique key (survey, 整理番号, page) is what
makes "the same sheet scanned twice is counted once" hold even for two robot PCs at once; a
paper 整理番号 also answered on the web (page 0) is caught by :func:`save_parts` before writing.
Rows are written in the same transaction that marks the item done (see robots/local.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from daiko.ledger import IntakeFile, Ledger, WorkItem
from daiko.ledger.models import Base, UTCDateTime, utcnow

PAPER, WEB = "paper", "web"
METHOD_JA = {PAPER: "郵送", WEB: "電子申請"}


class SurveyPart(Base):
    """One page of one survey response (or a whole 電子申請 answer), as the tally counts it."""

    __tablename__ = "survey_parts"
    __table_args__ = (UniqueConstraint("survey", "response_key", "page", name="uq_survey_part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey: Mapped[str] = mapped_column(String(64), index=True)
    robot_id: Mapped[str] = mapped_column(String(32))
    response_key: Mapped[str] = mapped_column(String(64))  # 整理番号, or web:<申込番号>
    page: Mapped[int] = mapped_column(Integer)  # 1, 2 … of the paper; 0 = a whole web answer
    method: Mapped[str] = mapped_column(String(8))  # paper / web
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # field → value (None: 無回答/無効)
    invalid: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # question id → rule code
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


@dataclass
class Duplicate:
    key: str
    item_id: int
    file_name: str
    method: str


def save_parts(
    session: Session,
    *,
    survey: str,
    robot_id: str,
    item_id: int,
    key: str,
    method: str,
    pages: dict[int, dict[str, Any]],
    invalid: dict[str, str],
    received_at: dt.datetime,
) -> Duplicate | None:
    """Record an item's pages of response ``key``; the earlier response when any page is already
    counted under that key (the same sheet scanned twice, or answered on paper and on the web)."""
    clash = or_(SurveyPart.page.in_(list(pages)), SurveyPart.page == 0)
    if 0 in pages:
        clash = SurveyPart.page.is_not(None)
    earlier = session.execute(
        select(SurveyPart, IntakeFile.original_name)
        .join(WorkItem, WorkItem.id == SurveyPart.item_id)
        .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
        .where(SurveyPart.survey == survey, SurveyPart.response_key == key, SurveyPart.item_id != item_id, clash)
        .limit(1)
    ).first()
    if earlier is not None:
        part, name = earlier
        return Duplicate(key, part.item_id, name, part.method)
    mine = {p.page: p for p in session.scalars(select(SurveyPart).where(SurveyPart.item_id == item_id))}
    for page, answers in pages.items():
        row = mine.pop(page, None) or SurveyPart(
            survey=survey, robot_id=robot_id, response_key=key, page=page, method=method, item_id=item_id
        )
        row.response_key, row.answers, row.received_at = key, answers, received_at
        row.invalid = {q: c for q, c in invalid.items()}
        session.add(row)
    for stale in mine.values():
        session.delete(stale)
    session.flush()
    return None


@dataclass
class Response:
    """One respondent: the pages found so far, joined by 整理番号."""

    key: str
    method: str
    answers: dict[str, Any] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)
    pages: set[int] = field(default_factory=set)
    received_at: dt.datetime | None = None


def load_responses(ledger: Ledger, survey: str) -> list[Response]:
    with ledger.session() as s:
        rows = s.scalars(
            select(SurveyPart).where(SurveyPart.survey == survey).order_by(SurveyPart.response_key, SurveyPart.page)
        ).all()
    out: dict[str, Response] = {}
    for row in rows:
        r = out.setdefault(row.response_key, Response(row.response_key, row.method))
        r.answers.update(row.answers or {})
        for q, code in (row.invalid or {}).items():
            r.invalid.setdefault(q, code)
        r.pages.add(row.page)
        r.received_at = min(filter(None, [r.received_at, row.received_at]))
    return list(out.values())
