"""Retention: scans and page images are personal data, kept only as long as robots.yaml says.

``robots[].retention_days`` (none = kept) counts from when an item was finished. After it:

- the original scan in ``done/`` is deleted once every item of it was keyed (state done);
- each finished item's page image (``data/pages/<robot>/…``, shown in the review console) is
  deleted — items done or rejected, and failed items staff marked as handled by hand.

Scans in ``failed/`` and ``review/``, and pages of failed items nobody has handled yet, are never
deleted: they are work still waiting for a person ("nothing lost"). What was deleted is recorded
in the ledger (``purged_at``, the item's page image cleared) and in the audit trail
(``retention_purged``). ``daiko purge`` runs it by hand; ``daiko schedule`` runs it daily.
Only files under the robot's own ``done/`` and ``data/pages/<robot>/`` are ever touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, or_, select

from daiko.config import DaikoConfig, RobotConfig
from daiko.i18n import tr
from daiko.ledger import FileState, IntakeFile, ItemState, Ledger, WorkItem, utcnow
from daiko.log import logger
from daiko.wareki import wareki_datetime


@dataclass
class PurgeResult:
    robot_id: str
    retention_days: int | None
    cutoff: dt.datetime | None = None
    scans: int = 0
    pages: int = 0
    dry_run: bool = False

    def describe(self, zone: str) -> str:
        if self.retention_days is None:
            return f"{self.robot_id}: 保存期間（retention_days）の設定がないため、削除しません"
        verb = "削除します（確認のみ・まだ削除していません）" if self.dry_run else "削除しました"
        before = wareki_datetime(self.cutoff, zone) if self.cutoff else "—"
        return (
            f"{self.robot_id}: 保存期間 {self.retention_days} 日 — {before} より前に完了した"
            f"原本 {self.scans} 件、ページ画像 {self.pages} 件を{verb}"
        )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def purge(
    ledger: Ledger, cfg: DaikoConfig, robot: RobotConfig, *, now: dt.datetime | None = None, dry_run: bool = False
) -> PurgeResult:
    """Delete what ``robot``'s retention period has passed for; record it (unless ``dry_run``)."""
    result = PurgeResult(robot.id, robot.retention_days, dry_run=dry_run)
    if robot.retention_days is None:
        return result
    now = now or utcnow()
    result.cutoff = cutoff = now - dt.timedelta(days=robot.retention_days)
    done_dir = cfg.inbox(robot) / FileState.DONE
    pages_dir = cfg.data_dir / "pages" / robot.id
    with ledger.session() as s:
        scans = s.scalars(
            select(IntakeFile).where(
                IntakeFile.robot_id == robot.id,
                IntakeFile.state == FileState.DONE,
                IntakeFile.finished_at < cutoff,
                IntakeFile.purged_at.is_(None),
            )
        ).all()
        for row in scans:
            path = Path(row.current_path)
            if not _inside(path, done_dir):
                logger.warning(
                    tr("受付 {}: {} が done/ にありません。削除しません", "intake {}: {} is not in done/; not deleted"),
                    row.id,
                    path,
                )
                continue
            result.scans += 1
            if not dry_run:
                path.unlink(missing_ok=True)
                row.purged_at = now
        items = s.scalars(
            select(WorkItem).where(
                WorkItem.robot_id == robot.id,
                WorkItem.page_image.is_not(None),
                WorkItem.finished_at < cutoff,
                or_(
                    WorkItem.state.in_([ItemState.DONE, ItemState.REJECTED]),
                    and_(WorkItem.state == ItemState.FAILED, WorkItem.handled_manually.is_(True)),
                ),
            )
        ).all()
        for item in items:
            path = Path(item.page_image or "")
            if not _inside(path, pages_dir):
                logger.warning(
                    tr(
                        "案件 {}: ページ画像 {} が {} の下にありません。削除しません",
                        "item {}: page image {} is not under {}; not deleted",
                    ),
                    item.id,
                    path,
                    pages_dir,
                )
                continue
            result.pages += 1
            if not dry_run:
                path.unlink(missing_ok=True)
                item.page_image = None
        if not dry_run and (result.scans or result.pages):
            detail = result.describe(cfg.defaults.timezone)
            ledger.audit(
                "system",
                "retention_purged",
                f"robot:{robot.id}",
                after={"scans": result.scans, "pages": result.pages, "retention_days": robot.retention_days},
                detail=detail,
                session=s,
            )
            ledger.event(
                "retention_purged",
                tr(
                    f"{robot.id}: 保存期間 {robot.retention_days} 日を過ぎたスキャン {result.scans} 件とページ画像 {result.pages} 件を"
                    "削除しました",
                    f"{robot.id}: {result.scans} scan(s) and {result.pages} page image(s) past "
                    f"{robot.retention_days} day(s) deleted",
                ),
                robot_id=robot.id,
                session=s,
                scans=result.scans,
                pages=result.pages,
            )
    return result


def purge_all(
    ledger: Ledger, cfg: DaikoConfig, *, robot_id: str | None = None, dry_run: bool = False
) -> list[PurgeResult]:
    robots = [cfg.robot(robot_id)] if robot_id else list(cfg.robots)
    results = []
    for robot in robots:
        try:
            results.append(purge(ledger, cfg, robot, dry_run=dry_run))
        except Exception as exc:  # one robot's folder (a share away) must not stop the others' purge
            logger.opt(exception=exc).error(
                tr("保存期間を過ぎたファイルの削除に失敗しました: {}", "retention purge of {} failed"), robot.id
            )
            ledger.event(
                "retention_failed",
                tr(
                    f"{robot.id}: 保存期間を過ぎたファイルの削除に失敗しました: {type(exc).__name__}: {exc}",
                    f"{robot.id}: retention purge failed: {type(exc).__name__}: {exc}",
                ),
                level="ERROR",
            )
    return results
