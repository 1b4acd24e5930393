"""抜き取り確認 in the console: what waits for whom, one sample on screen, the verdict, and 訂正.

Like :mod:`daiko.console.review`, no web code: the rules (only the 課's staff, each corrected
value through the field type's validator, every verdict audited) are functions the routes wrap.
The sampling, the verdict's bookkeeping and the 訂正 rows live in :mod:`daiko.robots.sampling`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, select

from daiko.config import DaikoConfig
from daiko.console import validation
from daiko.console.images import clamp_box, image_size, safe_path
from daiko.console.review import (
    MAX_ITEM_SECONDS,
    ReviewError,
    _value_text,
    authorise,
    form_title,
    item_section,
    robot_name,
    scope,
)
from daiko.console.roles import Principal
from daiko.ledger import AuditCheck, AuditSample, Correction, IntakeFile, Ledger, WorkItem
from daiko.log import logger
from daiko.robots import accuracy, sampling


@dataclass(frozen=True)
class SampleRow:
    id: int
    item_id: int
    robot_name: str
    form_title: str
    file_name: str
    part: int
    section: str | None
    n_fields: int
    keyed_at: dt.datetime | None


def pending(ledger: Ledger, cfg: DaikoConfig, principal: Principal, section: str | None = None) -> list[SampleRow]:
    """Samples waiting for this person's 課, oldest first."""
    if not principal.can_review:
        return []
    with ledger.session() as s:
        rows = s.execute(
            select(AuditSample, WorkItem, IntakeFile.original_name)
            .join(WorkItem, WorkItem.id == AuditSample.item_id)
            .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
            .where(AuditSample.state == sampling.PENDING, scope(cfg, principal, section))
            .order_by(AuditSample.id)
            .limit(500)
        ).all()
        n_fields: dict[int, int] = {}
        for sid in s.scalars(
            select(AuditCheck.sample_id).where(AuditCheck.sample_id.in_([r[0].id for r in rows] or [0]))
        ):
            n_fields[sid] = n_fields.get(sid, 0) + 1
    return [
        SampleRow(
            id=sample.id,
            item_id=item.id,
            robot_name=robot_name(cfg, item.robot_id),
            form_title=form_title(item.form),
            file_name=file_name,
            part=item.part,
            section=item_section(cfg, item),
            n_fields=n_fields.get(sample.id, 0),
            keyed_at=item.finished_at,
        )
        for sample, item, file_name in rows
    ]


def next_pending(ledger: Ledger, cfg: DaikoConfig, principal: Principal) -> int | None:
    with ledger.session() as s:
        return s.scalars(
            select(AuditSample.id)
            .join(WorkItem, WorkItem.id == AuditSample.item_id)
            .where(AuditSample.state == sampling.PENDING, scope(cfg, principal))
            .order_by(AuditSample.id)
            .limit(1)
        ).first()


@dataclass
class CheckView:
    name: str
    label: str
    type: str
    value: str  # what the robot keyed
    confidence: float | None
    box: tuple[int, int, int, int] | None
    hint: str | None
    ok: bool | None


@dataclass
class SampleView:
    id: int
    item_id: int
    robot_name: str
    form_title: str
    file_name: str
    part: int
    reference: str | None
    system_record_id: str | None
    section: str | None
    state: str
    checked_by: str | None
    keyed_at: dt.datetime | None
    page_size: tuple[int, int] | None
    fields: list[CheckView] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.state == sampling.PENDING


def load(ledger: Ledger, cfg: DaikoConfig, principal: Principal, sample_id: int) -> tuple[SampleView, WorkItem]:
    """The sample for this person (their 課, or an admin): ReviewError 404 / 403 otherwise."""
    with ledger.session() as s:
        found = s.execute(
            select(AuditSample, WorkItem, IntakeFile.original_name)
            .join(WorkItem, WorkItem.id == AuditSample.item_id)
            .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
            .where(AuditSample.id == sample_id)
        ).first()
        if found is None:
            raise ReviewError("その抜き取り確認はありません", status=404)
        sample, item, file_name = found
        checks = s.scalars(select(AuditCheck).where(AuditCheck.sample_id == sample_id).order_by(AuditCheck.id)).all()
    if not principal.can_review:
        raise ReviewError("抜き取り確認は職員と管理者だけが行えます", status=403)
    authorise(cfg, principal, item)
    page = safe_path(cfg.data_dir, item.page_image)
    size = image_size(page) if page else None
    view = SampleView(
        id=sample.id, item_id=item.id, robot_name=robot_name(cfg, item.robot_id), form_title=form_title(item.form),
        file_name=file_name, part=item.part, reference=item.reference, system_record_id=item.system_record_id,
        section=item_section(cfg, item), state=sample.state, checked_by=sample.checked_by, keyed_at=item.finished_at,
        page_size=size,
    )  # fmt: skip
    for check in checks:
        spec = (item.fields or {}).get(check.field) or {}
        view.fields.append(
            CheckView(
                name=check.field, label=str(spec.get("label") or check.field), type=check.field_type,
                value=_value_text(spec), confidence=spec.get("confidence"),
                box=clamp_box(spec.get("box"), size) if size else None,
                hint=validation.input_hint(item.form, check.field, spec), ok=check.ok,
            )
        )  # fmt: skip
    return view, item


def record(
    ledger: Ledger,
    cfg: DaikoConfig,
    principal: Principal,
    sample_id: int,
    wrong: dict[str, str],
    *,
    elapsed: float | None = None,
) -> sampling.Verdict:
    """Record the verdict: the fields in ``wrong`` (name → what the page says) were keyed wrong.

    Each corrected value must pass its field type's validator, and must differ from what was
    keyed (otherwise it was right after all). Then the estimate is re-evaluated at once: a breach
    tightens the thresholds before the robot's next page.
    """
    view, item = load(ledger, cfg, principal, sample_id)
    if not view.open:
        raise ReviewError(f"この抜き取り確認は既に記録されています（{view.checked_by}）", status=409)
    errors: dict[str, str] = {}
    corrected: dict[str, str] = {}
    by_name = {f.name: f for f in view.fields}
    for name, text in wrong.items():
        if name not in by_name:
            continue
        spec = (item.fields or {}).get(name) or {}
        check = validation.check_value(item.form, name, spec, text)
        if not check.ok:
            errors[name] = check.reason or "値が正しくありません"
            continue
        stored = validation.as_text(validation.stored_value(item.form, name, spec, check.value))
        if stored == by_name[name].value:
            errors[name] = "入力済みの値と同じです。正しい場合は「正しい」を選んでください"
            continue
        corrected[name] = stored
    if errors:
        raise ReviewError("正しい値を入力してください。赤枠の項目を直してください", errors)
    seconds = min(elapsed, MAX_ITEM_SECONDS) if elapsed is not None else 0.0
    try:
        verdict = sampling.record_verdict(
            ledger, cfg, sample_id, principal.name, corrected, section=item_section(cfg, item), seconds=seconds
        )
    except sampling.AuditRefused as exc:
        raise ReviewError(exc.message, status=exc.status) from None
    robot = next((r for r in cfg.robots if r.id == item.robot_id), None)
    if robot is not None:
        try:
            accuracy.evaluate(ledger, cfg, robot)
        except Exception as exc:  # the verdict stands; the robot's next run evaluates again
            logger.opt(exception=exc).warning("could not re-evaluate the thresholds of {}", robot.id)
    return verdict


# ---- 訂正 ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionRow:
    id: int
    item_id: int
    robot_name: str
    target_name: str
    reference: str | None
    system_record_id: str | None
    label: str
    keyed_value: str
    correct_value: str
    created_by: str
    created_at: dt.datetime

    @property
    def instruction(self) -> str:
        """What the person must do, in one sentence."""
        where = (
            f"（受付番号 {self.reference}"
            + (f"、処理番号 {self.system_record_id}" if self.system_record_id else "")
            + "）"
        )
        return (
            f"{self.target_name}{where if self.reference else ''}の「{self.label}」は「{self.keyed_value or '（空欄）'}」"
            f"と登録されています。「{self.correct_value}」に訂正してください。"
        )


def open_corrections(
    ledger: Ledger, cfg: DaikoConfig, principal: Principal, section: str | None = None
) -> list[CorrectionRow]:
    if not principal.can_review:
        return []
    with ledger.session() as s:
        rows = s.execute(
            select(Correction, WorkItem)
            .join(WorkItem, WorkItem.id == Correction.item_id)
            .where(and_(Correction.state == "open", scope(cfg, principal, section)))
            .order_by(Correction.id)
        ).all()
    targets = {r.id: (cfg.targets[r.target].name if r.target in cfg.targets else r.name) for r in cfg.robots}
    return [
        CorrectionRow(
            id=c.id,
            item_id=c.item_id,
            robot_name=robot_name(cfg, c.robot_id),
            target_name=targets.get(c.robot_id, "基幹システム"),
            reference=item.reference,
            system_record_id=item.system_record_id,
            label=c.label,
            keyed_value=c.keyed_value or "",
            correct_value=c.correct_value or "",
            created_by=c.created_by,
            created_at=c.created_at,
        )
        for c, item in rows
    ]


def resolve(ledger: Ledger, cfg: DaikoConfig, principal: Principal, correction_id: int) -> None:
    with ledger.session() as s:
        row = s.get(Correction, correction_id)
        item = s.get(WorkItem, row.item_id) if row is not None else None
    if row is None or item is None:
        raise ReviewError("その訂正はありません", status=404)
    if not principal.can_review:
        raise ReviewError("訂正の完了は職員と管理者だけが記録できます", status=403)
    authorise(cfg, principal, item)
    try:
        sampling.resolve_correction(ledger, correction_id, principal.name)
    except sampling.AuditRefused as exc:
        raise ReviewError(exc.message, status=exc.status) from None
