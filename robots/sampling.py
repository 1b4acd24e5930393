"""抜き取り確認: after keying, a random share of what the robot keyed with no person looking is
picked for a person to check against the page (issue 16, docs/accuracy.md).

Why after keying: the question is how often a value accepted *without review* is wrong, so the
sample must be drawn from exactly those values, as keyed. Why in the ledger: every decision is a
row (one per sampled item, unique), so a restart or a second robot PC never samples an item twice
nor forgets one; and the draw is a hash of the robot's seed (written once, in the ledger) and the
item's id, so deciding again gives the same answer and an auditor can recompute every draw.

Rules (robots.yaml ``audit:``):
- an item is sampled when its draw is below ``share`` (2 % by default), by the first run after
  it was keyed;
- a week (local time, ISO week of the keying) that ended with fewer than ``min_per_week``
  samples is topped up, by the first run after it ended, from that week's other eligible items,
  lowest draws first — still random over the whole week (topping up while the week is under way
  would always pick its first items: Monday's batch is not the whole week);
- eligible: items done by a live run, not handled by hand, with at least one field that was
  accepted by the reader, not checked by a person in review, keyed by the task, read from a page
  (a J-LIS row is data, not a reading) and not the 個人番号 (never shown, never typed back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from daiko.config import DaikoConfig, RobotConfig
from daiko.ledger import (
    AuditCheck,
    AuditSample,
    AuditSeed,
    Correction,
    FieldReview,
    ItemState,
    Ledger,
    Run,
    WorkItem,
    utcnow,
)

LOOKBACK = dt.timedelta(days=14)  # items keyed this long ago are still considered (a PC was off)
SENSITIVE_TYPES = frozenset({"mynumber"})
PENDING, CHECKED = "pending", "checked"


def seed_for(ledger: Ledger, robot_id: str) -> str:
    """The robot's sampling seed: made once by whichever PC asks first, then read by all."""
    with ledger.session() as s:
        row = s.get(AuditSeed, robot_id)
        if row is not None:
            return row.seed
    try:
        with ledger.session() as s:
            s.add(AuditSeed(robot_id=robot_id, seed=secrets.token_hex(16)))
    except IntegrityError:  # another PC wrote it first: use theirs
        pass
    with ledger.session() as s:
        row = s.get(AuditSeed, robot_id)
        assert row is not None
        return row.seed


def draw(seed: str, item_id: int) -> float:
    """The item's uniform draw in [0, 1): the first 8 bytes of sha256(seed:item_id)."""
    digest = hashlib.sha256(f"{seed}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def iso_week(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def field_policy(robot: RobotConfig, form: str | None, name: str, spec: dict[str, Any]) -> str:
    """always / never / auto: robots.yaml first, then what the reader recorded, then the form YAML."""
    if name in robot.review:
        return robot.review[name]
    if spec.get("policy"):
        return str(spec["policy"])
    if form:
        try:
            from daiko.forms.definition import load_definition

            return load_definition(form).field(name).review
        except Exception:  # a J-LIS row's "form", a form since removed: no policy of its own
            return "auto"
    return "auto"


def eligible_fields(
    item: WorkItem, reviewed: set[str], robot: RobotConfig, keyed: frozenset[str] | None
) -> list[tuple[str, str]]:
    """(name, field type) of the item's values the reader accepted and no person checked."""
    out = []
    for name, spec in (item.fields or {}).items():
        if not isinstance(spec, dict) or name in reviewed:
            continue
        ftype = str(spec.get("type") or "")
        if spec.get("decision") != "accept" or spec.get("source") or "box" not in spec:
            continue
        if not ftype or ftype in SENSITIVE_TYPES or spec.get("sensitive"):
            continue
        if keyed is not None and name not in keyed:
            continue
        if field_policy(robot, item.form, name, spec) == "never":
            continue
        out.append((name, ftype))
    return out


@dataclass(frozen=True)
class Candidate:
    item_id: int
    week: str
    draw: float
    fields: list[tuple[str, str]]


def _candidates(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, seed: str, now: dt.datetime) -> list[Candidate]:
    from daiko.robots.tasks import task_for

    keyed = task_for(robot).keyed_fields
    tz = zoneinfo.ZoneInfo(cfg.defaults.timezone)
    with ledger.session() as s:
        items = s.scalars(
            select(WorkItem)
            .outerjoin(Run, Run.id == WorkItem.run_id)
            .outerjoin(AuditSample, AuditSample.item_id == WorkItem.id)
            .where(
                WorkItem.robot_id == robot.id,
                WorkItem.state == ItemState.DONE,
                WorkItem.handled_manually.is_(False),
                WorkItem.finished_at >= now - LOOKBACK,
                AuditSample.id.is_(None),
                (Run.mode.is_(None)) | (Run.mode != "trial"),
            )
            .order_by(WorkItem.id)
        ).all()
        reviewed: dict[int, set[str]] = defaultdict(set)
        if items:
            for item_id, name in s.execute(
                select(FieldReview.item_id, FieldReview.field).where(FieldReview.item_id.in_([i.id for i in items]))
            ):
                reviewed[item_id].add(name)
    out = []
    for item in items:
        fields = eligible_fields(item, reviewed[item.id], robot, keyed)
        if fields and item.finished_at is not None:
            out.append(Candidate(item.id, iso_week(item.finished_at, tz), draw(seed, item.id), fields))
    return out


def _week_counts(ledger: Ledger, robot_id: str, weeks: set[str]) -> dict[str, int]:
    with ledger.session() as s:
        rows = s.execute(
            select(AuditSample.week, func.count())
            .where(AuditSample.robot_id == robot_id, AuditSample.week.in_(weeks))
            .group_by(AuditSample.week)
        ).all()
    return {week: n for week, n in rows}


def _insert(ledger: Ledger, robot: RobotConfig, seed: str, c: Candidate, why: str) -> bool:
    """One sample and its fields in one transaction; False when another PC sampled the item first."""
    try:
        with ledger.session() as s:
            sample = AuditSample(
                item_id=c.item_id, robot_id=robot.id, week=c.week, draw=c.draw, why=why,
                share=robot.audit.share, seed=seed, state=PENDING,
            )  # fmt: skip
            s.add(sample)
            s.flush()
            for name, ftype in c.fields:
                s.add(
                    AuditCheck(sample_id=sample.id, item_id=c.item_id, robot_id=robot.id, field=name, field_type=ftype)
                )
        return True
    except IntegrityError:
        return False


def sample_keyed(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, *, now: dt.datetime | None = None) -> list[int]:
    """Decide for the robot's recently keyed items; returns the ids of the items newly sampled."""
    if not robot.audit.enabled:
        return []
    now = now or utcnow()
    seed = seed_for(ledger, robot.id)
    candidates = _candidates(ledger, cfg, robot, seed, now)
    if not candidates:
        return []
    picked: list[int] = []
    rest: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.draw < robot.audit.share:
            if _insert(ledger, robot, seed, c, "share"):
                picked.append(c.item_id)
        else:
            rest[c.week].append(c)
    this_week = iso_week(now, zoneinfo.ZoneInfo(cfg.defaults.timezone))
    counts = _week_counts(ledger, robot.id, set(rest))
    for week, group in rest.items():
        if week >= this_week:
            continue  # under way: topped up once it has ended, from all of its items
        missing = robot.audit.min_per_week - counts.get(week, 0)
        for c in sorted(group, key=lambda c: c.draw)[: max(0, missing)]:
            if _insert(ledger, robot, seed, c, "minimum"):
                picked.append(c.item_id)
    if picked:
        ledger.event(
            "audit_sampled",
            f"抜き取り確認に {len(picked)} 件を追加しました（入力済みの値を職員が原本と照合します）",
            robot_id=robot.id,
            items=sorted(picked),
        )
    return sorted(picked)


# ---- a person's verdict ---------------------------------------------------------------------------


class AuditRefused(Exception):
    """Why a verdict cannot be recorded (Japanese); ``status`` as HTTP would say it."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Verdict:
    sample_id: int
    checked: int
    wrong: list[str]  # field names found wrong
    corrections: list[int]  # 訂正 ids created


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def record_verdict(
    ledger: Ledger,
    cfg: DaikoConfig,
    sample_id: int,
    actor: str,
    corrected: dict[str, str],
    *,
    section: str | None = None,
    seconds: float = 0.0,
) -> Verdict:
    """A person compared each sampled value with the page: the fields in ``corrected`` were wrong
    (name → what the page says, already validated), every other one right.

    One conditional UPDATE takes the sample from pending to checked, so of two people checking
    at once exactly one is recorded. Each wrong value becomes a 訂正 for a person (the system holds
    the wrong value: it is never re-keyed silently). Audited; the event carries no values.
    """
    from sqlalchemy import update

    now = utcnow()
    with ledger.session() as s:
        sample = s.get(AuditSample, sample_id)
        if sample is None:
            raise AuditRefused("その抜き取り確認はありません", status=404)
        item = s.get(WorkItem, sample.item_id)
        checks = s.scalars(select(AuditCheck).where(AuditCheck.sample_id == sample_id).order_by(AuditCheck.id)).all()
        names = {c.field for c in checks}
        unknown = sorted(set(corrected) - names)
        if unknown:
            raise AuditRefused("抜き取り確認の対象でない項目があります: " + "、".join(unknown))
        result = s.execute(
            update(AuditSample)
            .where(AuditSample.id == sample_id, AuditSample.state == PENDING)
            .values(state=CHECKED, checked_by=actor, checked_at=now, seconds=round(max(0.0, seconds), 2))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise AuditRefused("この抜き取り確認は他の方が先に記録しました", status=409)
        created: list[Correction] = []
        for check in checks:
            check.ok, check.at = check.field not in corrected, now
            if check.ok:
                continue
            spec = (item.fields or {}).get(check.field) or {}
            correction = Correction(
                item_id=sample.item_id, sample_id=sample_id, robot_id=sample.robot_id, section=section,
                field=check.field, label=str(spec.get("label") or check.field), keyed_value=_text(spec.get("value")),
                correct_value=corrected[check.field], state="open", created_by=actor, created_at=now,
            )  # fmt: skip
            s.add(correction)
            created.append(correction)
        s.flush()
        wrong = [c.field for c in checks if not c.ok]
        ledger.audit(
            actor, "audit_sample_checked", f"audit_sample:{sample_id}",
            before={"item_id": sample.item_id, "fields": {f: _text(((item.fields or {}).get(f) or {}).get("value"))
                                                          for f in wrong}},
            after={"wrong": wrong, "corrected": {f: corrected[f] for f in wrong},
                   "corrections": [c.id for c in created]},
            detail=f"{len(checks)}項目を照合、誤り{len(wrong)}項目" + (f"（訂正 {len(created)} 件を作成）" if created else ""),
            session=s,
        )  # fmt: skip
        ledger.event(
            "audit_wrong" if wrong else "audit_checked",
            f"抜き取り確認 No.{sample.item_id}: {len(checks)} 項目中 誤り {len(wrong)} 項目"
            + ("。訂正が必要です" if wrong else ""),
            level="WARNING" if wrong else "INFO", robot_id=sample.robot_id, item_id=sample.item_id,
            fields=wrong, session=s,
        )  # fmt: skip
        return Verdict(sample_id, len(checks), wrong, [c.id for c in created])


def resolve_correction(ledger: Ledger, correction_id: int, actor: str) -> None:
    """A person corrected the value in the target system: the 訂正 is closed (audited)."""
    from sqlalchemy import update

    with ledger.session() as s:
        row = s.get(Correction, correction_id)
        if row is None:
            raise AuditRefused("その訂正はありません", status=404)
        result = s.execute(
            update(Correction)
            .where(Correction.id == correction_id, Correction.state == "open")
            .values(state="done", resolved_by=actor, resolved_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise AuditRefused("この訂正は既に完了しています", status=409)
        ledger.audit(
            actor, "correction_done", f"correction:{correction_id}",
            before={"state": "open"}, after={"state": "done"},
            detail=f"No.{row.item_id} の「{row.label}」をシステムで訂正済み", session=s,
        )  # fmt: skip
        ledger.event(
            "correction_done", f"No.{row.item_id}: 訂正を完了しました（{actor}）",
            robot_id=row.robot_id, item_id=row.item_id, session=s,
        )  # fmt: skip
