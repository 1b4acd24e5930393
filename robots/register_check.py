"""Agreement is evidence: review fields the core system's register confirms need no person.

A scanned field goes to review when the OCR read a valid value with low confidence. If the record
the system holds for the declaration's vehicle shows exactly that value (after the field type's
folding: widths, spaces, dashes), the reading was right — a misread that lands exactly on the
register's value of the very vehicle the declaration names does not happen by chance. So before
keying, the robot looks such items' records up *read-only* (no 廃車登録 screen, no lock) and
accepts those fields as "confirmed by the register", with an audit row saying so. Fields that
locate the record (the plate, the reference) are never confirmed this way: the record was found
through them. Each item is looked up once; what is not confirmed stays for a person.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from daiko.i18n import tr
from daiko.ledger import ItemState, Ledger, WorkItem, utcnow
from daiko.log import logger
from daiko.robots import identity
from daiko.robots.errors import ApplicationError, BusinessError

CONFIRMED_REASON = "基幹システムの登録内容と一致したため確認済み（登録で確認）"


def confirmable(item: WorkItem, task: Any) -> list[str]:
    """Review fields of this item the register could confirm: those in review for low confidence
    alone; a field that locates the record only where a proving field was read surely."""
    names = []
    for name in item.review_fields or []:
        spec = item.fields.get(name) or {}
        if name not in task.register_keys or spec.get("cause") != "low_confidence":
            continue
        if name in task.locating_fields and not (spec.get("value") and _provable(item, task)):
            continue
        names.append(name)
    return names


def _sure(item: WorkItem, name: str) -> bool:
    spec = item.fields.get(name) or {}
    return spec.get("decision") == "accept" and name not in (item.review_fields or []) and bool(spec.get("value"))


def _provable(item: WorkItem, task: Any) -> bool:
    """A proving field (the 車台番号) read surely, that could vouch for the record an unsure locating
    field finds."""
    return any(name in task.register_keys and _sure(item, name) for name in task.proving_fields)


def _proven(item: WorkItem, task: Any, record: dict[str, str]) -> bool:
    """The record found holds exactly what a surely read proving field says: it is the page's record
    (a misread plate that lands on the vehicle with the page's 車台番号 does not happen by chance)."""
    return any(
        _sure(item, name)
        and identity.exact(str(item.fields[name].get("type") or "text"), str(item.fields[name].get("value") or ""),
                           record.get(task.register_keys[name], ""))
        for name in task.proving_fields if name in task.register_keys
    )  # fmt: skip


def _located(item: WorkItem, task: Any) -> bool:
    """The fields that find the record are accepted, or unsure but provable (else the lookup proves
    nothing)."""
    for name in task.locating_fields:
        spec = item.fields.get(name)
        if spec is None or (spec.get("decision") == "accept" and name not in (item.review_fields or [])):
            continue
        if name not in confirmable(item, task):  # a locating field is confirmable only where provable
            return False
    return True


def candidates(ledger: Ledger, robot_id: str, task: Any) -> list[WorkItem]:
    from sqlalchemy import select

    with ledger.session() as s:
        items = list(
            s.scalars(
                select(WorkItem)
                .where(WorkItem.robot_id == robot_id, WorkItem.state == ItemState.REVIEW)
                .order_by(WorkItem.id)
            )
        )
    return [i for i in items if not (i.identity or {}).get("review_check") and checkable(i, task)]


def checkable(item: WorkItem, task: Any) -> bool:
    """Worth a look-up: found by accepted (or provable) locating fields, with fields to confirm."""
    return bool(item.fields) and _located(item, task) and bool(confirmable(item, task))


def run(runner: Any, adapter: Any) -> tuple[int, int]:
    """Look up every candidate; returns (items released to ready, fields confirmed)."""
    ledger, task, rule = runner.ledger, runner.task, runner.rule
    released = confirmed_total = 0
    for item in candidates(ledger, runner.robot.id, task):
        if runner.stop.is_set():
            break
        try:
            record = adapter.register_record(task.locator(item.fields))
        except BusinessError as exc:  # no single record: nothing to confirm with; a person decides
            _note(ledger, item, {"looked_up": True, "confirmed": [], "note": exc.reason})
            continue
        except (ApplicationError, NotImplementedError) as exc:  # try again on a later run
            logger.info(
                tr("案件 {} の登録内容の照合は今は行えません: {}", "register check of item {} not done now: {}"),
                item.id,
                exc,
            )
            return released, confirmed_total
        confirmed, comparison = confirmed_fields(item, task, record, rule)
        if _confirm(ledger, item, confirmed, runner.robot.id, comparison):
            confirmed_total += len(confirmed)
            released += not (set(item.review_fields) - set(confirmed))
    return released, confirmed_total


def confirmed_fields(item: WorkItem, task: Any, record: dict[str, str], rule: Any) -> tuple[list[str], Any]:
    """The review fields ``record`` (the one the item's locator found) confirms, and the identity
    comparison behind it: nothing where the record is another's; a locating field only where the
    record is proven the page's own. Also what ``bench/ocr.py`` counts as released by the register."""
    comparison = identity.compare(item.fields, record, rule, task.register_keys)
    confirmed: list[str] = []
    if comparison.verdict != identity.MISMATCH:
        proven = comparison.verdict == identity.MATCH and _proven(item, task, record)
        for name in confirmable(item, task):
            if name in task.locating_fields and not proven:
                continue
            spec = item.fields.get(name) or {}
            value = record.get(task.register_keys[name], "")
            if identity.exact(str(spec.get("type") or "text"), str(spec.get("value") or ""), value):
                confirmed.append(name)
    return confirmed, comparison


def _note(ledger: Ledger, item: WorkItem, check: dict) -> None:
    with ledger.session() as s:
        s.execute(
            update(WorkItem)
            .where(WorkItem.id == item.id, WorkItem.state == ItemState.REVIEW)
            .values(identity={**(item.identity or {}), "review_check": {**check, "at": utcnow().isoformat()}})
            .execution_options(synchronize_session=False)
        )


def _confirm(ledger: Ledger, item: WorkItem, confirmed: list[str], robot_id: str, comparison: Any) -> bool:
    """Accept the confirmed fields (conditionally: a person deciding meanwhile wins)."""
    fields = {n: dict(spec) for n, spec in item.fields.items()}
    for name in confirmed:
        fields[name].update(decision="accept", reason=None, confirmed_by="register")
    left = [n for n in item.review_fields if n not in confirmed]
    check = {"looked_up": True, "confirmed": confirmed, "left": left, "at": utcnow().isoformat()}
    values: dict[str, Any] = {
        "fields": fields,
        "review_fields": left,
        "identity": {**comparison.as_dict(), "review_check": check},
        "updated_at": utcnow(),
    }
    if confirmed and not left:
        values.update(state=ItemState.READY, reason=CONFIRMED_REASON)
    with ledger.session() as s:
        result = s.execute(
            update(WorkItem)
            .where(WorkItem.id == item.id, WorkItem.state == ItemState.REVIEW)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1 or not confirmed:
            return False
        labels = "、".join(str(fields[n].get("label") or n) for n in confirmed)
        ledger.audit(
            f"robot:{robot_id}",
            "fields_confirmed_by_register",
            f"work_item:{item.id}",
            before={"state": ItemState.REVIEW, "review_fields": list(item.review_fields)},
            after={"state": values.get("state", ItemState.REVIEW), "review_fields": left},
            detail=f"{labels} を基幹システムの登録内容で確認（読取値と登録内容が一致）",
            session=s,
        )
        ledger.event(
            "item_confirmed_by_register",
            tr(
                f"No.{item.id}: {len(confirmed)} 項目を登録内容で確認しました"
                + ("。ロボットが入力します" if not left else f"。残り {len(left)} 項目は人の確認が必要です"),
                f"item {item.id}: {len(confirmed)} field(s) confirmed by the register"
                + ("; ready for the robot" if not left else f"; {len(left)} still for a person"),
            ),
            robot_id=robot_id,
            item_id=item.id,
            session=s,
        )
    return True
