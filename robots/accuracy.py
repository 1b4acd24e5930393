"""What the audited samples say, and what daiko does about it (issue 16, docs/accuracy.md).

- :func:`estimates`: per robot and field type, k wrong of n sampled values, with the Wilson 95 %
  interval (:mod:`daiko.stats`).
- :func:`evaluate` — feedback to the thresholds:
  * **breach**: at least one wrong value and the interval's upper bound above the robot's
    ``audit.budget`` → that field type's thresholds tighten at once (a ledger row the reader
    applies; files are never edited) and the admin is alerted. It tightens again only after a
    wrong value found *since* the last tightening: old errors do not ratchet it forever.
    With no error found, a high upper bound only says the sample is still small: no action.
  * **offer**: the upper bound under half the budget at the end of each of the last
    ``audit.offer_after_weeks`` weeks → a looser threshold is *offered* to the admin with the
    reviews it would save a week; it becomes active only through :func:`accept_offer` (an
    admin's 適用, audited). Nothing here ever loosens a threshold by itself.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, update

from daiko.config import DaikoConfig, RobotConfig
from daiko.labels import label
from daiko.ledger import AuditCheck, AuditSample, FieldReview, Ledger, ThresholdOverride, WorkItem, utcnow
from daiko.stats import Estimate, estimate

TIGHTEN_FACTOR = 0.5  # each tightening halves every threshold's distance to 1 (0.90 → 0.95)
LOOSEN_FACTOR = 2.0  # an offer doubles it (0.95 → 0.90), never below the form's own value × 2
OFFER_MARGIN = 0.5  # "well under budget": the upper bound below half of it
ACTIVE, OFFERED, DECLINED, SUPERSEDED = "active", "offered", "declined", "superseded"


def type_ja(field_type: str) -> str:
    """「和暦日付」 for ``wareki_date``: the field type's word in daiko.labels' one table."""
    return label("field_type", field_type, empty="")


def estimates(
    ledger: Ledger, *, robot_id: str | None = None, until: dt.datetime | None = None
) -> dict[tuple[str, str], Estimate]:
    """(robot, field type) → k wrong of n checked, with the 95 % interval (checks up to ``until``)."""
    query = (
        select(
            AuditCheck.robot_id,
            AuditCheck.field_type,
            func.count(),
            func.sum(case((AuditCheck.ok.is_(False), 1), else_=0)),
        )
        .where(AuditCheck.ok.is_not(None))
        .group_by(AuditCheck.robot_id, AuditCheck.field_type)
    )
    if robot_id is not None:
        query = query.where(AuditCheck.robot_id == robot_id)
    if until is not None:
        query = query.where(AuditCheck.at < until)
    with ledger.session() as s:
        rows = s.execute(query).all()
    return {(r, t): estimate(int(k or 0), int(n)) for r, t, n, k in rows}


def robot_estimate(ledger: Ledger, robot_id: str, *, until: dt.datetime | None = None) -> Estimate:
    """All field types of a robot together."""
    found = estimates(ledger, robot_id=robot_id, until=until)
    return estimate(sum(e.k for e in found.values()), sum(e.n for e in found.values()))


def active_factors(ledger: Ledger, robot_id: str) -> dict[str, float]:
    """field type → threshold factor the reader applies for this robot (absent: 1, the files' values)."""
    with ledger.session() as s:
        rows = s.execute(
            select(ThresholdOverride.field_type, ThresholdOverride.factor).where(
                ThresholdOverride.robot_id == robot_id, ThresholdOverride.state == ACTIVE
            )
        ).all()
    return {t: f for t, f in rows}


def reading_policy(ledger: Ledger, robot: RobotConfig) -> Any:
    """The :class:`daiko.forms.acceptance.ReadingPolicy` this robot reads its pages with."""
    from daiko.forms.acceptance import ReadingPolicy

    return ReadingPolicy(factors=active_factors(ledger, robot.id), review=dict(robot.review))


def _active(s: Any, robot_id: str, field_type: str) -> ThresholdOverride | None:
    return s.scalars(
        select(ThresholdOverride).where(
            ThresholdOverride.robot_id == robot_id,
            ThresholdOverride.field_type == field_type,
            ThresholdOverride.state == ACTIVE,
        )
    ).first()


def _pct(x: float) -> str:
    return f"{x * 100:.2f}"


@dataclass(frozen=True)
class Action:
    kind: str  # tighten / offer
    robot_id: str
    field_type: str
    override_id: int


def evaluate(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, *, now: dt.datetime | None = None) -> list[Action]:
    """Apply the rules of the module docstring to one robot's estimates; returns what was done."""
    now = now or utcnow()
    actions: list[Action] = []
    budget = robot.audit.budget
    for (_, field_type), est in sorted(estimates(ledger, robot_id=robot.id).items()):
        if est.k > 0 and est.high > budget:
            done = _tighten(ledger, robot, field_type, est, now)
            if done is not None:
                actions.append(Action("tighten", robot.id, field_type, done))
        elif est.k == 0 or est.high < budget * OFFER_MARGIN:
            done = _maybe_offer(ledger, cfg, robot, field_type, now)
            if done is not None:
                actions.append(Action("offer", robot.id, field_type, done))
    return actions


def _tighten(ledger: Ledger, robot: RobotConfig, field_type: str, est: Estimate, now: dt.datetime) -> int | None:
    with ledger.session() as s:
        newest_wrong = s.scalar(
            select(func.max(AuditCheck.at)).where(
                AuditCheck.robot_id == robot.id, AuditCheck.field_type == field_type, AuditCheck.ok.is_(False)
            )
        )
        current = _active(s, robot.id, field_type)
        tightened = current is not None and current.kind == "tighten"
        if tightened and newest_wrong is not None and newest_wrong <= current.created_at:
            return None  # already tightened for these errors; wait for new evidence
        factor = round((current.factor if current is not None else 1.0) * TIGHTEN_FACTOR, 6)
        s.execute(
            update(ThresholdOverride)
            .where(
                ThresholdOverride.robot_id == robot.id,
                ThresholdOverride.field_type == field_type,
                ThresholdOverride.state.in_([ACTIVE, OFFERED]),
            )
            .values(state=SUPERSEDED)
            .execution_options(synchronize_session=False)
        )
        note = (
            f"{robot.name}: {type_ja(field_type)} の推定誤り率の上限 {_pct(est.high)} % が許容値 {_pct(robot.audit.budget)} % "
            f"を超えました（抜き取り {est.n} 件中 誤り {est.k} 件）。受入基準を厳しくしました"
            f"（確信度の基準と 1 の差を {TIGHTEN_FACTOR:g} 倍）。確認に回る項目が増えます。"
        )
        row = ThresholdOverride(
            robot_id=robot.id, field_type=field_type, kind="tighten", state=ACTIVE, factor=factor, n=est.n, k=est.k,
            upper=est.high, budget=robot.audit.budget, note=note, created_at=now,
        )  # fmt: skip
        s.add(row)
        s.flush()
        ledger.audit(
            "system", "threshold_tightened", f"robot:{robot.id}:{field_type}",
            before={"factor": current.factor if current else 1.0}, after={"factor": factor}, detail=note, session=s,
        )  # fmt: skip
        ledger.event(
            "accuracy_breach", note, level="WARNING", robot_id=robot.id, field_type=field_type,
            n=est.n, k=est.k, upper=round(est.high, 6), budget=robot.audit.budget, session=s,
        )  # fmt: skip
        return row.id


def _week_ends(now: dt.datetime, tz: zoneinfo.ZoneInfo, weeks: int) -> list[dt.datetime]:
    """The ends (next Monday 00:00 local, in UTC) of the last ``weeks`` complete weeks."""
    local = now.astimezone(tz)
    monday = (local - dt.timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return [(monday - dt.timedelta(weeks=i)).astimezone(dt.UTC) for i in range(weeks)]


def _maybe_offer(ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, field_type: str, now: dt.datetime) -> int | None:
    tz = zoneinfo.ZoneInfo(cfg.defaults.timezone)
    weeks = robot.audit.offer_after_weeks
    ends = _week_ends(now, tz, weeks)
    with ledger.session() as s:
        first = s.scalar(
            select(func.min(AuditCheck.at)).where(
                AuditCheck.robot_id == robot.id, AuditCheck.field_type == field_type, AuditCheck.ok.is_not(None)
            )
        )
        recent = s.scalars(
            select(ThresholdOverride).where(
                ThresholdOverride.robot_id == robot.id,
                ThresholdOverride.field_type == field_type,
                ThresholdOverride.created_at >= now - dt.timedelta(weeks=weeks),
            )
        ).first()
        pending = s.scalars(
            select(ThresholdOverride).where(
                ThresholdOverride.robot_id == robot.id,
                ThresholdOverride.field_type == field_type,
                ThresholdOverride.state == OFFERED,
            )
        ).first()
        current = _active(s, robot.id, field_type)
    if first is None or first >= ends[-1] - dt.timedelta(weeks=1) or recent is not None or pending is not None:
        return None  # not measured for long enough, or something changed (or was declined) lately
    for end in ends:
        est = estimates(ledger, robot_id=robot.id, until=end).get((robot.id, field_type))
        if est is None or est.high >= robot.audit.budget * OFFER_MARGIN:
            return None
    est = estimates(ledger, robot_id=robot.id)[(robot.id, field_type)]
    factor_now = current.factor if current is not None else 1.0
    factor = round(factor_now * LOOSEN_FACTOR, 6)
    saving = expected_saving(ledger, cfg, robot, field_type, factor, now=now, weeks=weeks)
    minutes = saving * robot.review_minutes_per_field
    note = (
        f"{robot.name}: {type_ja(field_type)} は {weeks} 週続けて推定誤り率の上限が許容値 {_pct(robot.audit.budget)} % "
        f"の半分未満です（抜き取り {est.n} 件中 誤り {est.k} 件、上限 {_pct(est.high)} %）。受入基準を緩めると、"
        f"確認に回る項目が週あたり約 {saving:.1f} 項目（約 {minutes:.0f} 分）減る見込みです。"
        "適用するかどうかを管理者が決めてください（自動では緩めません）。"
    )
    with ledger.session() as s:
        row = ThresholdOverride(
            robot_id=robot.id, field_type=field_type, kind="offer", state=OFFERED, factor=factor, n=est.n, k=est.k,
            upper=est.high, budget=robot.audit.budget, saving_fields_per_week=round(saving, 2), note=note,
            created_at=now,
        )  # fmt: skip
        s.add(row)
        s.flush()
        ledger.event(
            "threshold_offer", note, robot_id=robot.id, field_type=field_type, factor=factor, session=s
        )  # fmt: skip
        return row.id


def expected_saving(
    ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, field_type: str, factor: float, *, now: dt.datetime,
    weeks: int,
) -> float:  # fmt: skip
    """Reviews of this field type a week that the looser thresholds would have let through: fields a
    person checked only because a score fell short (cause low_confidence) whose line score meets
    the looser line. An estimate — the character thresholds loosen too, so it errs low."""
    from daiko.forms.acceptance import ReadingPolicy, reading_policy, thresholds
    from daiko.forms.definition import load_definition

    since = now - dt.timedelta(weeks=weeks)
    with ledger.session() as s:
        rows = s.execute(
            select(WorkItem.form, WorkItem.fields, FieldReview.field)
            .join(FieldReview, FieldReview.item_id == WorkItem.id)
            .where(WorkItem.robot_id == robot.id, FieldReview.at >= since)
        ).all()
    saved = 0
    engine = cfg.defaults.ocr.engine
    for form_name, fields, name in rows:
        spec = (fields or {}).get(name) or {}
        if spec.get("type") != field_type or spec.get("cause") != "low_confidence" or spec.get("confidence") is None:
            continue
        try:
            form = load_definition(form_name)
            with reading_policy(ReadingPolicy(factors={field_type: factor})):
                need = thresholds(form, form.field(name), engine)
        except Exception:
            continue
        saved += float(spec["confidence"]) >= need.line
    return saved / weeks


def _decide(ledger: Ledger, offer_id: int, actor: str, accept: bool) -> ThresholdOverride:
    from daiko.robots.sampling import AuditRefused

    now = utcnow()
    with ledger.session() as s:
        offer = s.get(ThresholdOverride, offer_id)
        if offer is None or offer.kind != "offer":
            raise AuditRefused("その提案はありません", status=404)
        if offer.state != OFFERED:
            raise AuditRefused("この提案は既に処理されています", status=409)
        current = _active(s, offer.robot_id, offer.field_type)
        if accept and current is not None:
            current.state = SUPERSEDED
        offer.state = ACTIVE if accept else DECLINED
        offer.decided_by, offer.decided_at = actor, now
        before = current.factor if current is not None else 1.0
        ledger.audit(
            actor, "threshold_loosened" if accept else "threshold_offer_declined",
            f"robot:{offer.robot_id}:{offer.field_type}",
            before={"factor": before}, after={"factor": offer.factor if accept else before},
            detail=("受入基準の緩和を適用" if accept else "受入基準の緩和を見送り") + f"（{type_ja(offer.field_type)}）",
            session=s,
        )  # fmt: skip
        ledger.event(
            "threshold_loosened" if accept else "threshold_offer_declined",
            f"{type_ja(offer.field_type)} の受入基準の緩和を{actor}が{'適用' if accept else '見送り'}ました",
            robot_id=offer.robot_id, session=s,
        )  # fmt: skip
        return offer


def accept_offer(ledger: Ledger, offer_id: int, actor: str) -> ThresholdOverride:
    """An admin applies an offered looser threshold (the only way one becomes active)."""
    return _decide(ledger, offer_id, actor, True)


def decline_offer(ledger: Ledger, offer_id: int, actor: str) -> ThresholdOverride:
    return _decide(ledger, offer_id, actor, False)


def overrides(ledger: Ledger, *, states: tuple[str, ...] = (ACTIVE, OFFERED)) -> list[ThresholdOverride]:
    with ledger.session() as s:
        return list(
            s.scalars(
                select(ThresholdOverride)
                .where(ThresholdOverride.state.in_(states))
                .order_by(ThresholdOverride.robot_id, ThresholdOverride.field_type)
            )
        )


# ---- the 精度 page's table ----------------------------------------------------------------------


@dataclass
class TypeRow:
    """One field type of one robot: what was accepted, reviewed, sampled and found wrong."""

    robot_id: str
    field_type: str
    accepted: int = 0
    reviewed: int = 0
    sampled: int = 0
    wrong: int = 0
    pending: int = 0

    @property
    def label(self) -> str:
        return type_ja(self.field_type)

    @property
    def estimate(self) -> Estimate:
        return estimate(self.wrong, self.sampled)


def field_table(ledger: Ledger, cfg: DaikoConfig, *, since: dt.datetime) -> list[TypeRow]:
    """Per robot and field type since ``since``: values accepted without a person (keyed fields of
    done items), values a person reviewed, values sampled and checked, and found wrong."""
    rows: dict[tuple[str, str], TypeRow] = {}

    def row(robot_id: str, ftype: str) -> TypeRow:
        return rows.setdefault((robot_id, ftype), TypeRow(robot_id, ftype))

    from daiko.ledger import ItemState

    with ledger.session() as s:
        items = s.execute(
            select(WorkItem.id, WorkItem.robot_id, WorkItem.fields).where(
                WorkItem.state == ItemState.DONE, WorkItem.finished_at >= since
            )
        ).all()
        reviewed: dict[int, set[str]] = defaultdict(set)
        for item_id, name in s.execute(
            select(FieldReview.item_id, FieldReview.field)
            .join(WorkItem, WorkItem.id == FieldReview.item_id)
            .where(WorkItem.state == ItemState.DONE, WorkItem.finished_at >= since)
        ):
            reviewed[item_id].add(name)
        checks = s.execute(
            select(AuditCheck.robot_id, AuditCheck.field_type, AuditCheck.ok)
            .join(AuditSample, AuditSample.id == AuditCheck.sample_id)
            .where(AuditSample.created_at >= since)
        ).all()
    for item_id, robot_id, fields in items:
        for name, spec in (fields or {}).items():
            if not isinstance(spec, dict) or not spec.get("type") or spec.get("source"):
                continue
            if name in reviewed[item_id]:
                row(robot_id, spec["type"]).reviewed += 1
            elif spec.get("decision") == "accept":
                row(robot_id, spec["type"]).accepted += 1
    for robot_id, ftype, ok in checks:
        r = row(robot_id, ftype)
        if ok is None:
            r.pending += 1
        else:
            r.sampled += 1
            r.wrong += not ok
    return sorted(rows.values(), key=lambda r: (r.robot_id, r.field_type))


def weekly_trend(ledger: Ledger, cfg: DaikoConfig, *, weeks: int = 12) -> list[tuple[str, int, int]]:
    """(ISO week, checked values, wrong) for the last ``weeks`` weeks that had checks, oldest first."""
    with ledger.session() as s:
        rows = s.execute(
            select(AuditSample.week, AuditCheck.ok)
            .join(AuditSample, AuditSample.id == AuditCheck.sample_id)
            .where(AuditCheck.ok.is_not(None))
        ).all()
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for week, ok in rows:
        by[week][0] += 1
        by[week][1] += not ok
    return [(w, n, k) for w, (n, k) in sorted(by.items())][-weeks:]


def week_label(iso_week: str) -> str:
    """'2026-W49' → '11/30〜12/6' (Monday to Sunday), as people read a week."""
    try:
        year, week = iso_week.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return iso_week
    sunday = monday + dt.timedelta(days=6)
    return f"{monday.month}/{monday.day}〜{sunday.month}/{sunday.day}"


def wrong_items(ledger: Ledger, *, limit: int = 200) -> list[tuple[int, str, str, str, dt.datetime | None]]:
    """(item id, robot, field label, field type, when found) of every value found wrong, newest first."""
    with ledger.session() as s:
        rows = s.execute(
            select(
                AuditCheck.item_id,
                AuditCheck.robot_id,
                AuditCheck.field,
                AuditCheck.field_type,
                AuditCheck.at,
                WorkItem.fields,
            )
            .join(WorkItem, WorkItem.id == AuditCheck.item_id)
            .where(AuditCheck.ok.is_(False))
            .order_by(AuditCheck.at.desc())
            .limit(limit)
        ).all()
    # The field's label (氏名, 標識番号 …), never its value: 管理職 read this list too.
    return [
        (item_id, robot_id, str(((fields or {}).get(name) or {}).get("label") or name), ftype, at)
        for item_id, robot_id, name, ftype, at, fields in rows
    ]
