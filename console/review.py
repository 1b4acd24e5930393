"""The review itself: what waits for whom, what a screen shows, and what accepting or rejecting does.

Kept apart from the web layer so the rules — only the 課's staff, only REVIEW items, the
validator on every typed value, each change audited, time per field measured — are one set of
functions the tests can call directly and the routes only wrap.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from daiko.config import DaikoConfig
from daiko.console import validation
from daiko.console.images import clamp_box, image_size, safe_path
from daiko.console.roles import Principal
from daiko.i18n import tr
from daiko.labels import CHOICE, ITEM_STATE, choice_label, label
from daiko.ledger import Audit, FieldReview, IntakeFile, ItemState, Ledger, WorkItem, utcnow
from daiko.log import logger, mask
from daiko.wareki import wareki_text

MAX_ITEM_SECONDS = 15 * 60  # a screen left open over lunch must not tell the report review costs an hour
REASON_MAX = 500

STATE_JA = ITEM_STATE  # one table for every screen: daiko.labels
# Offered in the reject dialog; staff may type their own.
REJECT_REASONS = [
    "記入漏れがあります",
    "判読できない箇所があります",
    "この業務の書類ではありません",
    "申請内容に不備があります",
]
CONFIRMED, BAD_CHECK_DIGIT, UNREADABLE, BLANK = "確認済", "チェックデジット不正", "読取不可", "空欄"


class ReviewError(Exception):
    """The decision cannot be recorded; ``message`` is Japanese, ``fields`` maps a field to its problem."""

    def __init__(self, message: str, fields: dict[str, str] | None = None, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.status = status


# ---- which 課 an item belongs to ----------------------------------------------------------------


def robot_section(cfg: DaikoConfig, robot_id: str) -> str | None:
    for robot in cfg.robots:
        if robot.id == robot_id:
            return robot.section
    return None


def item_section(cfg: DaikoConfig, item: WorkItem) -> str | None:
    """The item's own 課 (from the inbox sub-folder), else its robot's."""
    return item.section or robot_section(cfg, item.robot_id)


def _section_clause(cfg: DaikoConfig, section: str) -> Any:
    robots = [r.id for r in cfg.robots if r.section == section]
    return or_(WorkItem.section == section, and_(WorkItem.section.is_(None), WorkItem.robot_id.in_(robots)))


def scope(cfg: DaikoConfig, principal: Principal, section: str | None = None) -> Any:
    """The items this person may see: a 職員 only their own 課's, an admin every 課's or the one asked for."""
    if principal.role != "admin":
        return _section_clause(cfg, principal.section or "\0")
    return _section_clause(cfg, section) if section else WorkItem.id.is_not(None)


def sections(cfg: DaikoConfig, ledger: Ledger) -> list[str]:
    with ledger.session() as s:
        found = {x for x in s.scalars(select(WorkItem.section).distinct()) if x}
    return sorted(found | {r.section for r in cfg.robots})


# ---- the queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    """What every list of items shows of one: No., 受付番号, file, page, 様式, robot, 課."""

    id: int
    reference: str | None
    file_name: str
    part: int
    form_title: str
    robot_name: str
    section: str | None

    @staticmethod
    def columns(cfg: DaikoConfig, item: WorkItem, file_name: str) -> dict[str, Any]:
        return {
            "id": item.id,
            "reference": item.reference,
            "file_name": file_name,
            "part": item.part,
            "form_title": form_title(item.form),
            "robot_name": robot_name(cfg, item.robot_id),
            "section": item_section(cfg, item),
        }


@dataclass(frozen=True)
class QueueRow(ItemRow):
    n_fields: int
    labels: list[str]
    reason: str
    created_at: dt.datetime


def form_title(form: str | None) -> str:
    if not form:
        return "（様式なし）"
    try:
        from daiko.forms.definition import load_definition

        return load_definition(form).title_ja
    except Exception:  # definition missing or broken: the name still tells staff which form
        return form


def robot_name(cfg: DaikoConfig, robot_id: str) -> str:
    for robot in cfg.robots:
        if robot.id == robot_id:
            return robot.name
    return robot_id


def _waiting(cfg: DaikoConfig, principal: Principal, section: str | None) -> Any:
    return and_(WorkItem.state == ItemState.REVIEW, scope(cfg, principal, section))


def queue(ledger: Ledger, cfg: DaikoConfig, principal: Principal, section: str | None = None) -> list[QueueRow]:
    """Items waiting for this person, oldest first (first in, first out, like the paper tray)."""
    if not principal.can_review:
        return []
    with ledger.session() as s:
        rows = s.execute(
            select(WorkItem, IntakeFile.original_name)
            .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
            .where(_waiting(cfg, principal, section))
            .order_by(WorkItem.created_at, WorkItem.id)
            .limit(500)
        ).all()
    out = []
    for item, file_name in rows:
        names = [n for n in item.review_fields if n in item.fields] or list(item.review_fields)
        labels = [_label(n, item.fields.get(n, {})) for n in names]
        reasons = [reason_words(item.fields.get(n, {}).get("reason")) or "" for n in names]
        reason = item.reason or "・".join(dict.fromkeys(r for r in reasons if r)) or "読取の確信度が低い項目があります"
        out.append(
            QueueRow(
                **ItemRow.columns(cfg, item, file_name),
                n_fields=len(names),
                labels=labels,
                reason=reason,
                created_at=item.created_at,
            )
        )
    return out


def backlog_by_section(ledger: Ledger, cfg: DaikoConfig) -> list[tuple[str, int, dt.datetime | None]]:
    """(課, items waiting, oldest) for the dashboard: no personal data, only counts."""
    with ledger.session() as s:
        rows = s.execute(
            select(WorkItem.section, WorkItem.robot_id, func.count(), func.min(WorkItem.created_at))
            .where(WorkItem.state == ItemState.REVIEW)
            .group_by(WorkItem.section, WorkItem.robot_id)
        ).all()
    merged: dict[str, list[Any]] = {}
    for sec, robot_id, n, oldest in rows:
        key = sec or robot_section(cfg, robot_id) or "（課なし）"
        entry = merged.setdefault(key, [0, None])
        entry[0] += n
        if oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=dt.UTC)
            entry[1] = oldest if entry[1] is None else min(entry[1], oldest)
    return sorted((k, v[0], v[1]) for k, v in merged.items())


def next_waiting(ledger: Ledger, cfg: DaikoConfig, principal: Principal, section: str | None = None) -> int | None:
    """The next item for this person after a decision, so the flow goes on without the list."""
    with ledger.session() as s:
        return s.scalars(
            select(WorkItem.id)
            .where(_waiting(cfg, principal, section))
            .order_by(WorkItem.created_at, WorkItem.id)
            .limit(1)
        ).first()


# ---- one item on screen ----------------------------------------------------------------------------


@dataclass
class FieldView:
    name: str
    label: str
    type: str
    display: str  # what is shown as the value (masked for 個人番号)
    input_value: str  # what the input starts with (never 個人番号 digits)
    confidence: float | None
    reason: str | None
    decision: str
    box: tuple[int, int, int, int] | None
    needs_review: bool
    sensitive: bool
    hint: str | None = None
    # Mark fields: edited as radio buttons ("one", "check") or check boxes ("many") with the form's labels.
    select: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)


@dataclass
class ItemView:
    id: int
    robot_id: str
    robot_name: str
    section: str | None
    form: str | None
    form_title: str
    reference: str | None
    file_name: str
    part: int
    state: str
    state_ja: str
    reason: str | None
    created_at: dt.datetime
    page_size: tuple[int, int] | None
    review: list[FieldView] = field(default_factory=list)
    others: list[FieldView] = field(default_factory=list)
    identity: list[IdentityRow] = field(default_factory=list)  # the declaration beside the register
    identity_verdict: str | None = None
    error_code: str | None = None
    system_record_id: str | None = None
    evidence: list[tuple[int, str, str]] = field(default_factory=list)  # (index, file name, kind)
    reopen_refusal: str | None = None  # why it cannot go back to 確認待ち (None: it can)
    error_label: str | None = None
    finished_at: dt.datetime | None = None

    @property
    def open(self) -> bool:
        return self.state == ItemState.REVIEW

    @property
    def unknown(self) -> bool:
        return self.state == ItemState.UNKNOWN

    @property
    def retryable(self) -> bool:
        return self.state == ItemState.FAILED and bool(self.fields)

    @property
    def fields(self) -> list[FieldView]:
        return self.review + self.others


@dataclass(frozen=True)
class IdentityRow:
    """One compared field: 申告書 beside 登録 (what the core system showed for the record)."""

    label: str
    declared: str
    register: str
    agree: bool
    note: str  # 一致 / 不一致 / 登録で確認 (an unsure reading the register confirmed)


def identity_rows(item: WorkItem) -> list[IdentityRow]:
    rows = []
    for check in (item.identity or {}).get("fields") or []:
        agree = bool(check.get("agree"))
        note = "不一致" if not agree else ("登録で確認" if check.get("unsure") else "一致")
        rows.append(
            IdentityRow(str(check.get("label") or check.get("name")), str(check.get("declared") or ""),
                        str(check.get("register") or ""), agree, note)
        )  # fmt: skip
    return rows


def sensitive_display(spec: dict[str, Any]) -> str:
    """「確認済」/「空欄」/「チェックデジット不正」: all a screen may say about a 個人番号.

    A blank 個人番号 (all 12 cells empty, an optional field) was accepted as blank, not checked:
    it says 空欄, as ``daiko ocr`` does."""
    if spec.get("value") in (None, "") and spec.get("raw") in (None, "") and spec.get("decision") == "accept":
        return BLANK
    if spec.get("decision") == "accept":
        return CONFIRMED
    return UNREADABLE if "読め" in str(spec.get("reason") or "") else BAD_CHECK_DIGIT


def _value_text(spec: dict[str, Any]) -> str:
    """The value as text for the input (the raw reading when nothing could be made of it)."""
    value = spec.get("value")
    if value is None:
        value = spec.get("raw")
    return validation.as_text(value)


DATE_TYPES = ("wareki_date", "wareki_month")
# Reasons written before the reader said which characters (issue 15): two scores that print alike.
_OLD_SCORE_REASON = re.compile(r"（\d\.\d+ < \d\.\d+）")


def reason_words(reason: Any) -> str | None:
    """A field's reason as a clerk reads it: no "（0.90 < 0.90）" left from older readings."""
    if not reason:
        return None
    text = str(reason)
    if _OLD_SCORE_REASON.search(text):
        text = _OLD_SCORE_REASON.sub("", text) + "。原本と見比べてください"
    return text


def input_text(spec: dict[str, Any]) -> str:
    """What the input starts with: a date as the paper writes it (令和6年4月1日), else the stored text."""
    text = _value_text(spec)
    if spec.get("type") in DATE_TYPES and spec.get("value") is not None:
        return wareki_text(text)
    return text


def display_text(form: str | None, name: str, spec: dict[str, Any]) -> str:
    """The value as staff read it: option labels for marks, 和暦 with the 西暦 year beside it for dates."""
    text = _value_text(spec)
    if not text:
        return ""
    marks = validation.choice_options(form, name, spec)
    if marks is not None:
        labels = dict(marks[1])
        return "・".join(labels.get(k, choice_label(form, name, k)) for k in text.split(",") if k) or "（印なし）"
    kind = spec.get("type")
    # A J-LIS CSV row's fields carry no type: its ISO dates and 事由 keys are shown the same way.
    if kind in (*DATE_TYPES, None) and spec.get("value") is not None:
        shown = wareki_text(text)
        if shown != text:
            return f"{shown}（{text[:4]}年）"
    if kind in ("choice", None) and all(k in CHOICE for k in text.split(",")):
        return choice_label(form, name, text)
    return text


def _label(name: str, spec: dict[str, Any]) -> str:
    return str(spec.get("label") or spec.get("label_ja") or name)


def load_item(ledger: Ledger, item_id: int) -> tuple[WorkItem, str] | None:
    with ledger.session() as s:
        row = s.execute(
            select(WorkItem, IntakeFile.original_name)
            .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
            .where(WorkItem.id == item_id)
        ).first()
    return (row[0], row[1]) if row else None


def authorise(cfg: DaikoConfig, principal: Principal, item: WorkItem) -> None:
    """ReviewError(403) unless this person may open this item (their 課, or an admin)."""
    if not principal.can_review_section(item_section(cfg, item)):
        raise ReviewError("この案件を表示する権限がありません（担当の課の案件だけを確認できます）", status=403)


def item_view(cfg: DaikoConfig, item: WorkItem, file_name: str) -> ItemView:
    page = safe_path(cfg.data_dir, item.page_image)
    size = image_size(page) if page else None
    review_names = [n for n in item.review_fields if n in item.fields]
    view = ItemView(
        id=item.id,
        robot_id=item.robot_id,
        robot_name=robot_name(cfg, item.robot_id),
        section=item_section(cfg, item),
        form=item.form,
        form_title=form_title(item.form),
        reference=item.reference,
        file_name=file_name,
        part=item.part,
        state=item.state,
        state_ja=STATE_JA.get(item.state, item.state),
        reason=item.reason,
        created_at=item.created_at,
        page_size=size,
        identity=identity_rows(item),
        identity_verdict=(item.identity or {}).get("verdict"),
        error_code=item.error_code,
        system_record_id=item.system_record_id,
        evidence=[(i, Path(str(p)).name, _evidence_kind(str(p))) for i, p in enumerate(item.evidence or [])],
        reopen_refusal=_reopen_refusal(item),
        error_label=label("error", item.error_code) if item.error_code else None,
        finished_at=item.finished_at or item.updated_at,
    )
    for name, spec in item.fields.items():
        if not isinstance(spec, dict):
            continue
        sensitive = validation.is_sensitive(item.form, name, spec)
        marks = None if sensitive else validation.choice_options(item.form, name, spec)
        fv = FieldView(
            name=name,
            label=_label(name, spec),
            type=str(spec.get("type") or "text"),
            display=sensitive_display(spec) if sensitive else display_text(item.form, name, spec),
            input_value="" if sensitive else input_text(spec),
            confidence=spec.get("confidence"),
            reason=reason_words(spec.get("reason")),
            decision=str(spec.get("decision") or ""),
            box=clamp_box(spec.get("box"), size) if size else None,
            needs_review=name in review_names and item.state == ItemState.REVIEW,
            sensitive=sensitive,
            hint=None if marks else validation.input_hint(item.form, name, spec),
        )
        if marks:
            fv.select, fv.options = marks
            fv.selected = [k for k in _value_text(spec).split(",") if k]
        (view.review if fv.needs_review else view.others).append(fv)
    order = {n: i for i, n in enumerate(review_names)}
    view.review.sort(key=lambda f: order[f.name])
    return view


def hidden_boxes(cfg: DaikoConfig, item: WorkItem, principal: Principal) -> list[tuple[int, int, int, int]]:
    """Zones to black out on the page for this person: 個人番号 unless their role may see it."""
    if principal.can_see_mynumber_image:
        return []
    page = safe_path(cfg.data_dir, item.page_image)
    if page is None:
        return []
    size = image_size(page)
    boxes = []
    for name, spec in item.fields.items():
        if isinstance(spec, dict) and validation.is_sensitive(item.form, name, spec):
            box = clamp_box(spec.get("box"), size)
            if box:
                boxes.append(box)
    return boxes


# ---- decisions -----------------------------------------------------------------------------------


def attribute_seconds(names: list[str], measured: dict[str, float], elapsed: float | None) -> dict[str, float]:
    """Seconds per checked field: the browser's focus times, bounded by the time the server saw pass.

    Without the browser's numbers (JavaScript off) the time since the screen was served is split
    evenly. Either way an item counts at most :data:`MAX_ITEM_SECONDS`.
    """
    if not names:
        return {}
    limit = min(elapsed, MAX_ITEM_SECONDS) if elapsed is not None else MAX_ITEM_SECONDS
    clean = {n: max(0.0, float(measured.get(n, 0.0))) for n in names}
    total = sum(clean.values())
    if total <= 0:
        share = (limit if elapsed is not None else 0.0) / len(names)
        return {n: round(share, 2) for n in names}
    if total > limit + 2:
        clean = {n: v * limit / total for n, v in clean.items()}
    return {n: round(v, 2) for n, v in clean.items()}


@dataclass(frozen=True)
class Decision:
    item_id: int
    state: str
    changed: list[str]
    seconds: float


def _audit_value(spec: dict[str, Any], sensitive: bool) -> str | None:
    """The value as the audit shows it: 個人番号 only as 確認済/不正; an unparsable reading as its raw text."""
    if sensitive:
        return sensitive_display(spec)
    return _value_text(spec) or None


def _item_under_review(ledger: Ledger, cfg: DaikoConfig, principal: Principal, item_id: int) -> WorkItem:
    """The item, if this person may decide on it and nobody has yet; ReviewError (404/403/409) otherwise."""
    found = load_item(ledger, item_id)
    if found is None:
        raise ReviewError("その案件はありません", status=404)
    item, _ = found
    authorise(cfg, principal, item)
    if item.state != ItemState.REVIEW:
        raise ReviewError(
            f"この案件は既に「{STATE_JA.get(item.state, item.state)}」です（他の方が処理しました）", status=409
        )
    return item


def _leave_review(s: Any, item_id: int, **values: Any) -> None:
    """Move the item out of review in one conditional UPDATE: of two people deciding at once,
    exactly one wins; the other gets 409."""
    result = s.execute(
        update(WorkItem)
        .where(WorkItem.id == item_id, WorkItem.state == ItemState.REVIEW)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ReviewError("この案件は他の方が先に処理しました", status=409)


def accept(
    ledger: Ledger,
    cfg: DaikoConfig,
    principal: Principal,
    item_id: int,
    typed: dict[str, str],
    *,
    measured: dict[str, float] | None = None,
    elapsed: float | None = None,
) -> Decision:
    """Validate what was typed for every field under review (and any other field corrected), then
    release the item to its robot (READY). ReviewError lists the fields that do not pass."""
    item = _item_under_review(ledger, cfg, principal, item_id)
    review_names = [n for n in item.review_fields if n in item.fields]
    missing = [n for n in review_names if n not in typed]
    if missing:
        raise ReviewError("確認していない項目があります", {n: "入力してください" for n in missing})
    fields = {n: dict(spec) for n, spec in item.fields.items()}
    errors: dict[str, str] = {}
    touched: list[str] = []
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, text in typed.items():
        spec = fields.get(name)
        if spec is None:
            continue  # a field the form does not have: ignore rather than invent one
        sensitive = validation.is_sensitive(item.form, name, spec)
        if name not in review_names and (sensitive or text in (_value_text(spec), input_text(spec))):
            continue  # an already-accepted field left as it was
        check = validation.check_value(item.form, name, spec, text)
        if not check.ok:
            errors[name] = check.reason or "値が正しくありません"
            continue
        before[name] = _audit_value(spec, sensitive)
        # ``raw`` keeps the OCR's reading: the accuracy figures compare it with what people typed.
        stored = validation.stored_value(item.form, name, spec, check.value)
        spec.update(value=stored, decision="accept", reason=None)
        after[name] = _audit_value(spec, sensitive)
        touched.append(name)
    if errors:
        raise ReviewError("正しくない値があります。赤枠の項目を直してください", errors)
    checked = list(dict.fromkeys([*review_names, *touched]))
    per_field = attribute_seconds(checked, measured or {}, elapsed)
    seconds = round(sum(per_field.values()), 2)
    changed = [n for n in touched if before.get(n) != after.get(n)]
    now = utcnow()
    with ledger.session() as s:
        _leave_review(
            s,
            item_id,
            state=ItemState.READY,
            fields=fields,
            review_fields=[],
            review_seconds=WorkItem.review_seconds + seconds,
            updated_at=now,
        )
        for name in checked:
            s.add(
                FieldReview(
                    item_id=item_id,
                    field=name,
                    reviewer=principal.name,
                    before=before.get(name),
                    after=after.get(name),
                    seconds=per_field.get(name, 0.0),
                    at=now,
                )
            )
        ledger.audit(
            principal.name,
            "item_accepted",
            f"work_item:{item_id}",
            before={"state": ItemState.REVIEW, "fields": before},
            after={"state": ItemState.READY, "fields": after},
            detail=f"{len(checked)}項目を確認、うち{len(changed)}項目を修正（{seconds:.0f}秒）",
            session=s,
        )
        ledger.event(
            "item_reviewed",
            f"item {item_id} checked in the console ({len(checked)} fields, {len(changed)} corrected); ready for the robot",
            robot_id=item.robot_id,
            item_id=item_id,
            session=s,
        )
    _sync_file(ledger, cfg, item.file_id)
    return Decision(item_id, ItemState.READY, changed, seconds)


def reject(
    ledger: Ledger,
    cfg: DaikoConfig,
    principal: Principal,
    item_id: int,
    reason: str,
    *,
    elapsed: float | None = None,
) -> Decision:
    """Send the item back (REJECTED): its file goes to failed/ with the reason written beside it."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReviewError("差戻しの理由を入力してください", {"_reason": "理由を入力してください"})
    if len(reason) > REASON_MAX:
        raise ReviewError(f"理由は{REASON_MAX}文字以内にしてください", {"_reason": "長すぎます"})
    item = _item_under_review(ledger, cfg, principal, item_id)
    seconds = round(min(elapsed, MAX_ITEM_SECONDS), 2) if elapsed is not None else 0.0
    stored = f"確認画面で差戻し: {reason}"
    now = utcnow()
    with ledger.session() as s:
        _leave_review(
            s,
            item_id,
            state=ItemState.REJECTED,
            reason=stored,
            error_code="rejected",
            review_seconds=WorkItem.review_seconds + seconds,
            updated_at=now,
            finished_at=now,
        )
        ledger.audit(
            principal.name,
            "item_rejected",
            f"work_item:{item_id}",
            before={"state": ItemState.REVIEW, "reason": item.reason},
            after={"state": ItemState.REJECTED, "reason": stored},
            detail=f"{seconds:.0f}秒",
            session=s,
        )
        ledger.event(
            "item_rejected",
            f"item {item_id} rejected in the console",
            level="WARNING",
            robot_id=item.robot_id,
            item_id=item_id,
            session=s,
        )
    _sync_file(ledger, cfg, item.file_id)
    return Decision(item_id, ItemState.REJECTED, [], seconds)


def _sync_file(ledger: Ledger, cfg: DaikoConfig, file_id: int) -> None:
    """Let intake move the scan to the folder its items now call for (failed/ with the reason).

    Never undoes the decision: it is committed first, and a file that cannot be moved now is
    put right by intake's next sync, so a locked share does not lose a person's work.
    """
    try:
        from daiko.robots.intake import sync_file
    except ImportError:
        logger.warning(
            tr(
                "robots.intake がありません。ファイル {} は移しません",
                "robots.intake is not installed; file {} stays where it is",
            ),
            file_id,
        )
        return
    try:
        sync_file(ledger, file_id)
    except Exception as exc:  # the decision stands; the folder catches up on the next sync
        logger.opt(exception=exc).warning(
            tr("確認後にファイル {} を移せませんでした", "could not move file {} after review"), file_id
        )
        ledger.event("file_sync_failed", f"file {file_id} could not be moved after review: {exc}", level="WARNING")


# ---- items that wait for a person outside review: 結果不明 and failures --------------------------------


def _evidence_kind(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return {".png": "screenshot", ".jpg": "screenshot", ".zip": "trace", ".pdf": "receipt"}.get(suffix, "file")


def needing_attention(
    ledger: Ledger, cfg: DaikoConfig, principal: Principal, section: str | None = None, *, days: int = 30
) -> tuple[list[QueueRow], list[QueueRow]]:
    """(結果不明, 失敗) items of this person's 課 — what they resolve or retry, newest failures first."""
    if not principal.can_review:
        return [], []
    since = utcnow() - dt.timedelta(days=days)
    visible = scope(cfg, principal, section)
    out: list[list[QueueRow]] = []
    for state, order in ((ItemState.UNKNOWN, WorkItem.updated_at), (ItemState.FAILED, WorkItem.updated_at.desc())):
        clause = and_(WorkItem.state == state, visible)
        if state == ItemState.FAILED:
            clause = and_(clause, WorkItem.updated_at >= since)
        with ledger.session() as s:
            rows = s.execute(
                select(WorkItem, IntakeFile.original_name)
                .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
                .where(clause)
                .order_by(order)
                .limit(200)
            ).all()
        out.append(
            [
                QueueRow(
                    **ItemRow.columns(cfg, item, file_name),
                    n_fields=0,
                    labels=[],
                    reason=mask(item.reason or ""),
                    created_at=item.updated_at,
                )
                for item, file_name in rows
            ]
        )
    return out[0], out[1]


def _decidable(ledger: Ledger, cfg: DaikoConfig, principal: Principal, item_id: int) -> WorkItem:
    found = load_item(ledger, item_id)
    if found is None:
        raise ReviewError("その案件はありません", status=404)
    item, _ = found
    if not principal.can_review:
        raise ReviewError("この操作は職員と管理者だけができます", status=403)
    authorise(cfg, principal, item)
    return item


def retry(ledger: Ledger, cfg: DaikoConfig, principal: Principal, item_id: int) -> None:
    """A failed item back to its robot (管理者, or 職員 of its 課); audited by the robots layer."""
    from daiko.robots import workitems

    _decidable(ledger, cfg, principal, item_id)
    try:
        workitems.retry(ledger, [item_id], principal.name)
    except workitems.NotRetryable as exc:
        raise ReviewError(str(exc), status=409) from None


def resolve_unknown(
    ledger: Ledger, cfg: DaikoConfig, principal: Principal, item_id: int, *, keyed: bool, system_record_id: str
) -> str:
    """A person checked the core system for a 結果不明 item; see robots.workitems.resolve_unknown."""
    from daiko.robots import workitems

    _decidable(ledger, cfg, principal, item_id)
    try:
        return workitems.resolve_unknown(
            ledger, item_id, principal.name, keyed=keyed, system_record_id=system_record_id
        )
    except workitems.NotRetryable as exc:
        raise ReviewError(str(exc), {"system_record_id": str(exc)} if keyed else {}, status=400) from None


# ---- finished items: the list, its search, and re-opening one -------------------------------------------

FINISHED_STATES = (
    ItemState.READY, ItemState.CLAIMED, ItemState.DONE, ItemState.FAILED, ItemState.REJECTED, ItemState.UNKNOWN,
)  # fmt: skip


def _reopen_refusal(item: WorkItem) -> str | None:
    from daiko.robots import workitems

    return workitems.reopen_refusal(item)


@dataclass(frozen=True)
class FinishedRow(ItemRow):
    state: str
    state_ja: str
    reason: str
    received_at: dt.datetime
    finished_at: dt.datetime
    reviewers: list[str]
    reopen_refusal: str | None


@dataclass
class FinishedSearch:
    """What staff search finished items by: 受付番号 / file name / No., 受付日 from–to, state, only mine."""

    q: str = ""
    state: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    mine: bool = False
    section: str | None = None


def _day_start(cfg: DaikoConfig, day: dt.date) -> dt.datetime:
    import zoneinfo

    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zoneinfo.ZoneInfo(cfg.defaults.timezone))


def finished(
    ledger: Ledger, cfg: DaikoConfig, principal: Principal, search: FinishedSearch, *, limit: int = 200
) -> list[FinishedRow]:
    """Items of this person's 課 that have left review (newest first), as searched.

    The 受付日 is the city hall's day (the configured zone), like the paper's 受付印.
    """
    if not principal.can_review:
        return []
    states = [search.state] if search.state in FINISHED_STATES else list(FINISHED_STATES)
    clause = and_(scope(cfg, principal, search.section), WorkItem.state.in_(states))
    q = search.q.strip()
    if q:
        like = f"%{q}%"
        number = q.removeprefix("No.").removeprefix("no.").strip()
        matches = [WorkItem.reference.like(like), IntakeFile.original_name.like(like)]
        if number.isdigit():
            matches.append(WorkItem.id == int(number))
        clause = and_(clause, or_(*matches))
    if search.date_from:
        clause = and_(clause, WorkItem.created_at >= _day_start(cfg, search.date_from))
    if search.date_to:
        clause = and_(clause, WorkItem.created_at < _day_start(cfg, search.date_to + dt.timedelta(days=1)))
    with ledger.session() as s:
        if search.mine:
            mine = select(Audit.target).where(
                Audit.actor == principal.name,
                Audit.action.in_(["item_accepted", "item_rejected", "item_reopened", "item_retried",
                                  "item_unknown_resolved"]),
            )  # fmt: skip
            ids = {int(t.split(":")[1]) for t in s.scalars(mine) if t and t.startswith("work_item:")}
            clause = and_(clause, WorkItem.id.in_(ids or [-1]))
        rows = s.execute(
            select(WorkItem, IntakeFile.original_name)
            .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
            .where(clause)
            .order_by(WorkItem.updated_at.desc(), WorkItem.id.desc())
            .limit(limit)
        ).all()
        ids = [item.id for item, _ in rows]
        reviewers: dict[int, list[str]] = {}
        for item_id, who in s.execute(
            select(FieldReview.item_id, FieldReview.reviewer).where(FieldReview.item_id.in_(ids or [-1])).distinct()
        ):
            reviewers.setdefault(item_id, []).append(who)
    return [
        FinishedRow(
            **ItemRow.columns(cfg, item, file_name),
            state=item.state,
            state_ja=ITEM_STATE.get(item.state, item.state),
            reason=mask(item.reason or "") if item.state != ItemState.DONE else "",
            received_at=item.created_at,
            finished_at=item.finished_at or item.updated_at,
            reviewers=sorted(reviewers.get(item.id, [])),
            reopen_refusal=_reopen_refusal(item),
        )
        for item, file_name in rows
    ]


def reviewed_fields(ledger: Ledger, item: WorkItem) -> list[str]:
    """The fields a person checked last time (to check again on re-opening), 個人番号 left out: it was
    never stored, so there is nothing to show for it again."""
    with ledger.session() as s:
        names = list(
            dict.fromkeys(
                s.scalars(select(FieldReview.field).where(FieldReview.item_id == item.id).order_by(FieldReview.id))
            )
        )
    names = names or [
        n for n, spec in item.fields.items() if isinstance(spec, dict) and spec.get("decision") == "review"
    ]
    return [
        n for n in names
        if isinstance(item.fields.get(n), dict) and not validation.is_sensitive(item.form, n, item.fields[n])
    ]  # fmt: skip


def reopen(ledger: Ledger, cfg: DaikoConfig, principal: Principal, item_id: int, note: str = "") -> None:
    """A finished item back to 確認待ち (職員 of its 課, 管理者); audited by the robots layer."""
    from daiko.robots import workitems

    item = _decidable(ledger, cfg, principal, item_id)
    try:
        workitems.reopen(ledger, item_id, principal.name, review_fields=reviewed_fields(ledger, item), note=note)
    except workitems.NotRetryable as exc:
        raise ReviewError(str(exc), status=409) from None
