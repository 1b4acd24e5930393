"""Finishing items of a task that keys into no target system (e.g. アンケート集計).

Same queue discipline as keying — each item is claimed with one conditional UPDATE and a lease,
so two runs (or two PCs) never finish the same item — but no browser, no login, no 開庁時間:
the task's :meth:`~daiko.robots.tasks.base.Task.complete` writes what the item produces and the
item's new state in ONE transaction, so a kill at any point leaves either both or neither.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from daiko.i18n import tr
from daiko.labels import label
from daiko.ledger import ItemState, WorkItem, utcnow
from daiko.log import logger
from daiko.robots import workitems

if TYPE_CHECKING:
    from daiko.robots.runner import RobotRunner, RunSummary


def finish_local_items(runner: RobotRunner, summary: RunSummary) -> None:
    """Complete every ready item of the runner's robot with its task, then let the task wrap up."""
    changed = 0
    while not runner.stop.is_set() and time.monotonic() < runner.deadline:
        item = workitems.claim_next(runner.ledger, runner.robot.id, runner.worker)
        if item is None:
            break
        changed += _finish_one(runner, item, summary)
    try:
        runner.task.after_items(runner.cfg, runner.robot, runner.ledger, changed=changed)
    except Exception as exc:  # the items are finished and recorded; a failed follow-up is that step's problem
        logger.exception(tr("{}: 案件の後の処理に失敗しました", "{}: after-items step failed"), runner.robot.id)
        runner.ledger.event(
            "after_items_failed",
            tr(
                f"{runner.robot.id}: 案件の後の処理に失敗しました（{type(exc).__name__}: {exc}）",
                f"{runner.robot.id}: after-items step failed ({type(exc).__name__}: {exc})",
            ),
            level="ERROR",
            robot_id=runner.robot.id,
            run_id=runner.run_id,
        )


def _finish_one(runner: RobotRunner, item: WorkItem, summary: RunSummary) -> int:
    started = time.monotonic()
    try:
        with runner.ledger.session() as s:
            row = s.get(WorkItem, item.id)
            assert row is not None
            if row.state != ItemState.CLAIMED or row.claimed_by != runner.worker:
                return 0  # lease lost to another process meanwhile: it is theirs now
            outcome = runner.task.complete(runner.ledger, row, s)
            now = utcnow()
            row.state = outcome.state
            row.reason = outcome.reason
            row.error_code = outcome.error_code
            row.claimed_by, row.lease_until = None, None
            row.keying_seconds = (row.keying_seconds or 0.0) + time.monotonic() - started
            row.run_id = runner.run_id
            if outcome.fields is not None:
                row.fields = outcome.fields
            row.review_fields = list(outcome.review_fields)
            if outcome.state in ItemState.FINAL:
                row.finished_at = now
            runner.ledger.event(
                f"item_{outcome.state}",
                tr(
                    f"No.{row.id}: {label('item_state', outcome.state)}"
                    + (f"（{label('error', outcome.error_code)}）" if outcome.error_code else ""),
                    f"item {row.id}: {outcome.state}" + (f" ({outcome.error_code})" if outcome.error_code else ""),
                ),
                robot_id=runner.robot.id,
                run_id=runner.run_id,
                item_id=row.id,
                session=s,
            )
    except Exception as exc:  # a task bug costs this item (failed, with a reason staff can pass on), not the run
        logger.exception(
            tr("{}: 案件 {} を完了できませんでした", "{}: item {} could not be finished"), runner.robot.id, item.id
        )
        summary.failed += 1
        workitems.finish(
            runner.ledger,
            item.id,
            ItemState.FAILED,
            reason=f"処理中に予期しないエラーが発生しました（{type(exc).__name__}）。システム管理者に連絡してください。",
            error_code="unexpected",
        )
        return 1
    if outcome.state == ItemState.DONE:
        summary.done += 1
    elif outcome.state in (ItemState.FAILED, ItemState.REJECTED):
        summary.failed += 1
    return 1
