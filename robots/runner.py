"""One run of one robot: take in the inbox, read new files, key ready items, place the files.

Every step starts from the ledger, so a run can be killed anywhere and the next run
continues: files left in processing/ are re-registered, items held by a dead process are
released, and before keying anything the target system is asked whether it already has it.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from daiko.config import DaikoConfig, RobotConfig, TargetSystem
from daiko.ledger import FileState, IntakeFile, ItemState, Ledger, Run, WorkItem, utcnow
from daiko.log import logger, register_personal
from daiko.robots import identity, intake, workitems
from daiko.robots.breaker import CircuitBreaker
from daiko.robots.errors import ApplicationError, BusinessError, LoginRejected
from daiko.robots.heartbeat import RunHeartbeat, mark_dead_runs
from daiko.robots.local import finish_local_items
from daiko.robots.secrets import MissingSecret, password_for
from daiko.robots.tasks import task_for

BACKOFF_SECONDS = (2, 10, 30)
# Codes of answers the system gave about the item itself (not about its own health).
BUSINESS_CODES = frozenset(
    {"not_found", "already_deregistered", "rejected", "chassis_mismatch", "ambiguous", "identity_mismatch",
     "identity_unproven", "reference_conflict", "duplicate_reference", "business"}
)  # fmt: skip


class _SystemicFailure(Exception):
    """The circuit breaker opened: stop the run (the breaker holds what to say)."""


# A page error that says the *file* is broken (cut off, not an image): for a young file, it may
# simply not have arrived yet (the reader's PageError kinds).
FILE_DAMAGE = frozenset({"damaged", "unreadable", "unsupported", "empty", "no_pages"})


@dataclass
class RunSummary:
    robot_id: str
    run_id: int
    mode: str
    files_taken: int = 0
    done: int = 0
    review: int = 0
    failed: int = 0
    retried: int = 0
    trial_ok: int = 0
    already_present: int = 0
    unknown: int = 0  # 結果不明: a person checks the system
    confirmed_by_register: int = 0  # review items released because the register confirmed them
    fields_confirmed_by_register: int = 0
    read_later: int = 0  # files that could not be read yet (still being written?): read again later
    skipped_reason: str | None = None
    seconds: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # original name → folder it is in now

    @property
    def ok(self) -> bool:
        return self.skipped_reason is None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}

    def describe(self) -> str:
        if self.skipped_reason:
            return f"[yellow]{self.robot_id}: 実行しませんでした — {self.skipped_reason}[/]"
        parts = [
            f"{self.robot_id} ({'試行' if self.mode == 'trial' else '本番'}): 受付 {self.files_taken} ファイル",
            f"入力完了 {self.done} 件",
            f"要確認 {self.review} 件",
            f"エラー {self.failed} 件",
        ]
        if self.trial_ok:
            parts.append(f"試行OK {self.trial_ok} 件")
        if self.already_present:
            parts.append(f"入力済みを確認 {self.already_present} 件")
        if self.unknown:
            parts.append(f"結果不明 {self.unknown} 件（システムで登録有無を確認してください）")
        if self.confirmed_by_register:
            parts.append(f"登録内容で確認済み {self.confirmed_by_register} 件")
        if self.read_later:
            parts.append(f"書き込み中のため後で読み直し {self.read_later} ファイル")
        return "、".join(parts) + f"（{self.seconds:.1f} 秒）"


class RobotRunner:
    """Runs one robot once. Construct, then :meth:`run`."""

    def __init__(
        self,
        cfg: DaikoConfig,
        robot: RobotConfig,
        *,
        trigger: str = "manual",
        trial: bool | None = None,
        stop: threading.Event | None = None,
        settle_seconds: float | None = None,
        progress: bool = False,
        keying: bool = True,
    ):
        self.cfg, self.robot = cfg, robot
        self.ledger = Ledger(cfg.ledger_url)
        self.trigger = trigger
        self.trial = robot.mode == "trial" if trial is None else trial
        self.stop = stop or threading.Event()
        # None: robots.yaml's intake.settle_seconds (a test or `daiko demo` may say 0)
        self.settle_seconds = robot.intake.settle_seconds if settle_seconds is None else settle_seconds
        self.cut_short = False  # the stop event left work undone (the run is then "interrupted")
        self.progress = progress
        self.keying = keying  # False: take in and read only (e.g. outside 開庁時間)
        self.task = task_for(robot)
        self.worker = workitems.worker_id()
        self.deadline = time.monotonic() + robot.run_timeout_minutes * 60

    # -- the run ------------------------------------------------------------------------------
    def run(self) -> RunSummary:
        started = time.monotonic()
        with self.ledger.session() as s:
            run = Run(
                robot_id=self.robot.id,
                trigger=self.trigger,
                mode="trial" if self.trial else "live",
                host=workitems.HOST,
                pid=os.getpid(),
            )
            s.add(run)
            s.flush()
            self.run_id = run.id
        # One holder per run, not per process: two runs in one service must not share a lease.
        self.worker = workitems.worker_id(run_id=self.run_id)
        summary = RunSummary(self.robot.id, self.run_id, "trial" if self.trial else "live")
        status = "finished"
        heartbeat = RunHeartbeat(self.ledger, self.run_id).__enter__()
        try:
            mark_dead_runs(self.ledger)
            intake.recover(self.ledger, self.cfg, self.robot)
            workitems.release_orphans(self.ledger, self.robot.id)
            summary.files_taken = len(
                intake.take_in(self.ledger, self.cfg, self.robot, settle_seconds=self.settle_seconds)
            )
            self.read_new_files(summary)
            if not self.task.needs_target:  # e.g. アンケート集計: finished inside daiko, no browser, any hour
                finish_local_items(self, summary)
            elif self.keying:
                self.key_ready_items(summary)
            elif ready := workitems.counts(self.ledger, self.robot.id).get(ItemState.READY, 0):
                self.ledger.event(
                    "keying_deferred",
                    f"{ready} item(s) ready; keying waits for office hours (開庁時間)",
                    robot_id=self.robot.id,
                    run_id=self.run_id,
                )
        except Exception as exc:
            status = "failed"
            logger.exception("run {} of {} failed: {}", self.run_id, self.robot.id, exc)
            raise
        finally:
            heartbeat.__exit__(None, None, None)
            self.place_files(summary)
            summary.seconds = time.monotonic() - started
            if self.cut_short and status == "finished":
                status = "interrupted"  # stopped with work left, not merely asked to stop after it was done
            with self.ledger.session() as s:
                run = s.get(Run, self.run_id)
                run.status, run.ended_at = status, utcnow()
                run.done, run.review, run.failed = summary.done, summary.review, summary.failed
            self.ledger.event(
                "run_finished",
                summary.describe().replace("[yellow]", "").replace("[/]", ""),
                robot_id=self.robot.id,
                run_id=self.run_id,
            )
        return summary

    # -- reading ----------------------------------------------------------------------------------
    def read_new_files(self, summary: RunSummary) -> None:
        """Files taken in whose items do not exist yet: OCR (or parse) them into items.

        What cannot be read counts in the run's エラー: a file refused whole as one, a bad row or
        page as one each — the summary staff see must agree with what lands in failed/.
        """
        with self.ledger.session() as s:
            pending = s.scalars(
                select(IntakeFile).where(
                    IntakeFile.robot_id == self.robot.id,
                    IntakeFile.state == FileState.PROCESSING,
                    IntakeFile.moving_from.is_(None),  # still on its way into processing/ (locked): not yet
                    ~IntakeFile.items.any(),
                )
            ).all()
        now = utcnow()
        for row in pending:
            if row.retry_at is not None and row.retry_at > now:
                summary.read_later += 1  # read too early once; its time to try again has not come
                continue
            if self.stop.is_set():
                self.cut_short = True
                return
            with intake.reading(self.ledger, row.id) as mine:  # another PC may be reading it
                if mine:
                    summary.failed += self.read_file(row, summary)

    def read_file(self, row: IntakeFile, summary: RunSummary | None = None) -> int:
        """Read one file into work items; returns how many of them (or the file itself) failed.

        A file that cannot be read while it is young — changed within ``intake.incomplete_wait_minutes``
        — may still be being written (a 複合機 pausing mid-copy): it is read again later, not failed.
        """
        path = Path(row.current_path)
        image_dir = self.cfg.data_dir / "pages" / self.robot.id
        try:
            if row.retry_at is not None and not intake.refresh_after_change(self.ledger, row.id):
                return 1  # grew into a copy of a file already taken in: failed as a duplicate
            drafts = (
                self.task.read_csv(path) if row.kind == "csv" else self.task.read_scan(path, self.robot.form, image_dir)
            )
        except ValueError as exc:  # the file's content is wrong in a way the reader can name
            return self._unreadable(row, f"ファイルの内容を読み取れません: {exc}", summary)
        except Exception as exc:  # a reader bug must cost one file, never the run
            logger.exception("reading {} failed", row.original_name)
            return self._unreadable(
                row,
                f"読み取り中に予期しないエラーが発生しました（{type(exc).__name__}）。システム管理者に連絡してください。",
                summary,
            )
        if not drafts:
            return self._unreadable(row, "ファイルに読み取れるページ・行がありません。", summary)
        if all(d.error_code in FILE_DAMAGE for d in drafts) and self._young(row):
            # Read as damaged as a whole while it was still changing: perhaps it is still arriving.
            return self._unreadable(row, drafts[0].error or "ファイルが壊れています", summary)
        with self.ledger.session() as s:
            self._refuse_duplicate_references(s, row, drafts)
            for d in drafts:
                for f in d.fields.values():
                    if f.get("personal"):
                        register_personal(f.get("value"), f.get("raw"))
                state = ItemState.FAILED if d.error else (ItemState.REVIEW if d.review_fields else ItemState.READY)
                s.add(
                    WorkItem(
                        robot_id=self.robot.id,
                        section=row.section,
                        file_id=row.id,
                        part=d.part,
                        form=d.form,
                        reference=d.reference,
                        state=state,
                        fields=d.fields,
                        review_fields=d.review_fields,
                        min_confidence=d.min_confidence,
                        page_image=d.page_image,
                        reason=d.error or (_review_reason(d) if d.review_fields else None),
                        error_code=(d.error_code or "unreadable") if d.error else None,
                        ocr_seconds=d.ocr_seconds,
                        run_id=self.run_id,
                        finished_at=utcnow() if d.error else None,
                    )
                )
            self.ledger.event(
                "file_read",
                f"read {row.original_name}: {len(drafts)} item(s), {sum(bool(d.review_fields) for d in drafts)} to review",
                robot_id=self.robot.id,
                run_id=self.run_id,
                session=s,
            )
        return sum(bool(d.error) for d in drafts)

    def _refuse_duplicate_references(self, s: Any, row: IntakeFile, drafts: list[Any]) -> None:
        """A 受付番号 already carried by an earlier row of this file or an earlier file (not rejected):
        the later one fails at once, naming the earlier. Unsure references are checked at keying."""
        if not self.task.unique_references:
            return
        seen: dict[str, Any] = {}
        for d in drafts:
            reference = d.reference
            spec = d.fields.get("reference") or {}
            if d.error or not reference or spec.get("decision", "accept") != "accept":
                continue
            if reference in seen:
                first = seen[reference]
                d.error = (
                    f"受付番号「{reference}」が同じファイルの{workitems.part_label(row.kind, first.part)}と重複しています。"
                    "同じ受付番号を二度入力しないため、入力していません。"
                )
                d.error_code = workitems.DUPLICATE
                continue
            earlier = workitems.earlier_with_reference(s, self.robot.id, reference)
            if earlier is not None:
                d.error = workitems.duplicate_reason(reference, *earlier, same_file=False)
                d.error_code = workitems.DUPLICATE
                continue
            seen[reference] = d

    def _young(self, row: IntakeFile) -> bool:
        """Changed within ``intake.incomplete_wait_minutes``: the writer may not be done with it."""
        try:
            age = time.time() - Path(row.current_path).stat().st_mtime
        except OSError:
            return False
        return age < self.robot.intake.incomplete_wait_minutes * 60

    def _unreadable(self, row: IntakeFile, reason: str, summary: RunSummary | None) -> int:
        """Fail the file with ``reason`` — unless it is young enough to be still arriving."""
        if self._young(row):
            intake.defer_read(self.ledger, row.id, reason, dt.timedelta(seconds=self.settle_seconds))
            if summary is not None:
                summary.read_later += 1
            return 0
        intake.reject_file(self.ledger, row.id, reason)
        return 1

    # -- keying -----------------------------------------------------------------------------------
    def key_ready_items(self, summary: RunSummary) -> None:
        if not self._has_claimable() and not self._review_to_confirm():
            return
        if self.stop.is_set():  # asked to stop while reading: no browser for nothing
            self.cut_short = True
            return
        from daiko.robots import locks
        from daiko.robots.adapters import adapter_class
        from daiko.robots.drivers.browser import BrowserUnavailable, browser_session, chromium_executable

        target = self.cfg.targets[self.robot.target]
        # One of the target's max_sessions slots, counted across every PC sharing the ledger. While
        # all are in use, wait as long as there is keying left and nothing else to do here; new files
        # in the inbox end the wait, so this PC reads them (its next run) while the others key.
        slots = f"target:{self.robot.target}"
        lock_name = locks.wait_for_slot(
            self.ledger, slots, target.max_sessions, self.worker, dt.timedelta(minutes=self.robot.run_timeout_minutes),
            wanted=lambda: self._has_claimable() and not intake.has_waiting_files(self.cfg, self.robot),
            stop=self.stop, deadline=self.deadline,
        )  # fmt: skip
        if lock_name is None:
            if time.monotonic() >= self.deadline and self._has_claimable():
                holders = "、".join(locks.slot_holders(self.ledger, slots, target.max_sessions)) or "?"
                summary.skipped_reason = (
                    f"{target.name} の同時接続数（max_sessions: {target.max_sessions}）を"
                    f"別のロボット（{holders}）が使用中です"
                )
                self.ledger.event("run_skipped", summary.skipped_reason, robot_id=self.robot.id, run_id=self.run_id)
            return
        tried: set[int] = set()
        evidence_root = self.cfg.data_dir / "evidence" / self.robot.id
        try:
            try:
                password = password_for(target)
                chromium_executable()
                self.rule = self.task.identity_rule(self.robot)
            except (MissingSecret, BrowserUnavailable, ValueError) as exc:
                # Set-up problems, not item problems: the items stay ready for the next run.
                summary.skipped_reason = str(exc)
                self.ledger.event("run_skipped", str(exc), level="ERROR", robot_id=self.robot.id, run_id=self.run_id)
                return
            self.breaker = CircuitBreaker(self.robot.stop_after_failures)
            with browser_session() as browser:
                adapter = adapter_class(target.adapter)(
                    browser.page, target.base_url or "", target.login, password, evidence_root,
                    timeout_s=target.timeout_seconds,
                )  # fmt: skip
                adapter.untraced = browser.untraced
                try:
                    self.confirm_from_register(adapter, summary)
                    with _progress(self.progress, self._count_claimable()) as advance:
                        while True:
                            if self.stop.is_set() or time.monotonic() >= self.deadline:
                                self.cut_short = self._has_claimable()
                                break
                            # While items fail the same way in a row, try *other* items first: a
                            # systemic failure shows on the next item, not on the same one's retry.
                            item = workitems.claim_next(
                                self.ledger, self.robot.id, self.worker, exclude=tried | set(self.breaker.streak)
                            ) or workitems.claim_next(self.ledger, self.robot.id, self.worker, exclude=tried)
                            if item is None:
                                if self._waiting_for_backoff(tried):
                                    time.sleep(0.5)
                                    continue
                                break
                            if self.trial:  # a trial hands items back as ready: once per run is enough
                                tried.add(item.id)
                            try:
                                self.key_one(item, adapter, browser, evidence_root, summary)
                            except LoginRejected as exc:
                                summary.skipped_reason = (
                                    f"{target.name} にログインできません（{exc.reason}）。"
                                    f"{self._secret_hint(target)} を確認してください。入力待ちの件はそのまま残ります"
                                )
                                self.ledger.event(
                                    "run_stopped_login", summary.skipped_reason, level="ERROR",
                                    robot_id=self.robot.id, run_id=self.run_id,
                                )  # fmt: skip
                                break
                            except _SystemicFailure:
                                summary.skipped_reason = self.breaker.message(target.name)
                                self.ledger.event(
                                    "run_stopped_systemic", summary.skipped_reason, level="ERROR",
                                    robot_id=self.robot.id, run_id=self.run_id, failure_kind=self.breaker.kind,
                                    items=list(self.breaker.streak),
                                )  # fmt: skip
                                break
                            advance()
                finally:
                    adapter.close()
        finally:
            locks.release(self.ledger, lock_name, self.worker)

    def key_one(self, item: WorkItem, adapter: Any, browser: Any, evidence_root: Path, summary: RunSummary) -> None:
        started = time.monotonic()
        reference = self.task.reference_of(item.fields)
        try:
            self._refuse_duplicate(item, reference)
        except BusinessError as exc:  # decided from the ledger alone: no screen to keep as evidence
            self._fail(item, adapter, exc.reason, exc.code, [], item.keying_seconds, summary)
            return
        browser.start_item()
        stem = f"item{item.id}_attempt{item.attempts}"
        adapter.verify = lambda record: self._verify(item, record)
        adapter.before_commit = lambda: workitems.mark_commit_pressed(self.ledger, item.id)

        def seconds() -> float:
            return item.keying_seconds + time.monotonic() - started

        try:
            adapter.ensure_logged_in()
            existing = self._already_keyed(adapter, item, reference) if reference else None
            if existing:
                browser.discard_evidence()
                self.breaker.success()
                self._done_already(item, adapter, reference or "", existing, summary, seconds())
                return
            result = self.task.key(adapter, item.fields, dry_run=self.trial)
            browser.discard_evidence()
            self.breaker.success()
            if self.trial:
                summary.trial_ok += 1
                workitems.finish(
                    self.ledger,
                    item.id,
                    ItemState.READY,
                    reason="試行: 登録ボタンの手前まで確認済み",
                    keying_seconds=seconds(),
                    attempts=max(item.attempts - 1, 0),
                )
                return
            if result.already_present:
                summary.already_present += 1
            summary.done += 1
            evidence = [str(result.receipt_pdf)] if result.receipt_pdf else []
            workitems.finish(
                self.ledger,
                item.id,
                ItemState.DONE,
                evidence=evidence,
                system_record_id=result.system_record_id,
                keying_seconds=seconds(),
            )
            self.ledger.event(
                "item_done",
                f"item {item.id} keyed as {result.system_record_id}",
                robot_id=self.robot.id,
                run_id=self.run_id,
                item_id=item.id,
            )
        except LoginRejected:
            # The item is not at fault: back to ready without using up an attempt.
            browser.keep_evidence(evidence_root, stem)
            workitems.finish(self.ledger, item.id, ItemState.READY, attempts=max(item.attempts - 1, 0))
            raise
        except identity.NeedsReview as exc:
            # The OCR was unsure of a field and it disagrees with the register: a person reads the paper.
            browser.discard_evidence()
            self.breaker.success()
            summary.review += 1
            workitems.finish(
                self.ledger,
                item.id,
                ItemState.REVIEW,
                reason=exc.reason,
                review_fields=exc.fields,
                attempts=max(item.attempts - 1, 0),
                keying_seconds=seconds(),
            )
            self.ledger.event(
                "item_back_to_review",
                f"item {item.id}: unsure fields disagree with the register; back to review",
                level="WARNING", robot_id=self.robot.id, run_id=self.run_id, item_id=item.id,
            )  # fmt: skip
        except BusinessError as exc:
            kept = browser.keep_evidence(evidence_root, stem)
            self.breaker.success()  # the system answered; this item is the problem
            self._fail(item, adapter, exc.reason, exc.code, kept, seconds(), summary)
        except (ApplicationError, Exception) as exc:  # anything unexpected is treated as retryable
            reason = exc.reason if isinstance(exc, ApplicationError) else f"想定外のエラー: {type(exc).__name__}: {exc}"
            code = exc.code if isinstance(exc, ApplicationError) else "unexpected"
            kept = browser.keep_evidence(evidence_root, stem)
            if self.breaker.failure(code, item.id, reason):
                self._hand_back(self.breaker.streak, kept, item.id, summary)
                raise _SystemicFailure() from None
            if item.attempts >= self.robot.max_attempts:
                self._fail(
                    item, adapter, f"{self.robot.max_attempts} 回試みましたが入力できませんでした（{reason}）",
                    code, kept, seconds(), summary,
                )  # fmt: skip
            else:
                summary.retried += 1
                backoff = self.robot.retry_backoff_seconds or BACKOFF_SECONDS
                wait = backoff[min(item.attempts - 1, len(backoff) - 1)]
                workitems.finish(
                    self.ledger,
                    item.id,
                    ItemState.READY,
                    reason=reason,
                    error_code=code,
                    evidence=kept,
                    keying_seconds=seconds(),
                    lease_until=utcnow() + dt.timedelta(seconds=wait),
                )
                self.ledger.event(
                    "item_retry",
                    f"item {item.id} attempt {item.attempts} failed ({reason}); retry in {wait}s",
                    level="WARNING",
                    robot_id=self.robot.id,
                    run_id=self.run_id,
                    item_id=item.id,
                )

    # -- proving and settling ---------------------------------------------------------------------
    def _verify(self, item: WorkItem, record: dict[str, str]) -> None:
        """Called by the adapter with what the system shows for the record, before any change."""
        comparison = identity.compare(item.fields, record, self.rule, self.task.register_keys)
        workitems.record_identity(self.ledger, item.id, comparison.as_dict())
        if comparison.verdict == identity.MISMATCH:
            raise identity.IdentityMismatch(
                comparison, f"{self.cfg.targets[self.robot.target].name}で見つかった登録内容"
            )
        if comparison.verdict == identity.UNSURE:
            raise identity.NeedsReview(comparison)
        if comparison.verdict == identity.UNPROVEN:
            labels = [str((item.fields.get(n) or {}).get("label") or n) for n in self.rule.must_match]
            raise identity.IdentityUnproven(comparison, labels)

    def _refuse_duplicate(self, item: WorkItem, reference: str | None) -> None:
        """An earlier item with the same 受付番号 (corrected in review, say): never keyed twice."""
        if not reference:
            return
        with self.ledger.session() as s:
            earlier = workitems.earlier_with_reference(s, self.robot.id, reference, before_id=item.id)
            if earlier is None:
                return
            reason = workitems.duplicate_reason(reference, *earlier, same_file=earlier[0].file_id == item.file_id)
        raise BusinessError(reason, code=workitems.DUPLICATE)

    def _already_keyed(self, adapter: Any, item: WorkItem, reference: str) -> Any:
        """The system's record under this reference, if any — and only if it is this item's subject."""
        record = adapter.find_record(reference)
        if record is None:
            return None
        subject = self.task.subject(item.fields)
        clash = {
            k: v for k, v in record.subject.items()
            if subject.get(k) and not identity.same_code(subject[k], v, partial_min_chars=self.rule.partial_min_chars)
        }  # fmt: skip
        if clash:
            theirs = "、".join(f"{k}: {v}" for k, v in record.subject.items())
            ours = "、".join(f"{k}: {v}" for k, v in subject.items())
            raise BusinessError(
                f"受付番号「{reference}」は基幹システムで別の対象（{theirs}、処理番号 {record.system_record_id}）に"
                f"登録済みです。この案件（{ours}）は入力していません。受付番号を確認してください。",
                code="reference_conflict",
            )
        return record

    def _done_already(
        self, item: WorkItem, adapter: Any, reference: str, record: Any, summary: RunSummary, seconds: float
    ) -> None:
        summary.done += 1
        summary.already_present += 1
        try:
            receipt = adapter.receipt_for(reference, record.system_record_id)
        except (ApplicationError, BusinessError):
            receipt = None  # the keying is certain; a missing re-print is not worth a retry
        workitems.finish(
            self.ledger,
            item.id,
            ItemState.DONE,
            evidence=[str(receipt)] if receipt else [],
            system_record_id=record.system_record_id,
            keying_seconds=seconds,
        )
        self.ledger.event(
            "item_already_keyed",
            f"item {item.id}: already in the system as {record.system_record_id}; not keyed again",
            robot_id=self.robot.id,
            run_id=self.run_id,
            item_id=item.id,
        )

    def _fail(
        self, item: WorkItem, adapter: Any, reason: str, code: str, kept: list[str], seconds: float, summary: RunSummary
    ) -> None:
        """Declare an item failed — unless the system may hold it: once 登録 was pressed, ask first.

        Found (this item's) → done; found for another item → a person's case; cannot ask →
        結果不明, which nothing re-keys and a person resolves. Never "not keyed" for what it holds.
        """
        reference = self.task.reference_of(item.fields)
        if reference and code != workitems.DUPLICATE and workitems.commit_pressed(self.ledger, item.id):
            try:
                record = self._already_keyed(adapter, item, reference)
            except BusinessError as conflict:
                reason, code = conflict.reason, conflict.code
            except Exception as exc:
                asked = exc.reason if isinstance(exc, ApplicationError) else f"{type(exc).__name__}: {exc}"
                summary.unknown += 1
                workitems.finish(
                    self.ledger, item.id, ItemState.UNKNOWN,
                    reason=f"{workitems.UNKNOWN_REASON}（登録ボタンを押した後に {reason}。登録されたかどうかを"
                    f"確認できませんでした: {asked}）",
                    error_code="outcome_unknown", evidence=kept, keying_seconds=seconds,
                )  # fmt: skip
                self.ledger.event(
                    "item_unknown",
                    f"No.{item.id}: 登録されたかどうか確認できません。システムで登録有無を確認してください",
                    level="ERROR", robot_id=self.robot.id, run_id=self.run_id, item_id=item.id,
                )  # fmt: skip
                return
            else:
                if record is not None:
                    self._done_already(item, adapter, reference, record, summary, seconds)
                    return
        summary.failed += 1
        workitems.finish(
            self.ledger, item.id, ItemState.FAILED, reason=reason, error_code=code, evidence=kept,
            keying_seconds=seconds,
        )  # fmt: skip
        self.ledger.event(
            "item_failed" if code not in BUSINESS_CODES else "item_business_error",
            f"item {item.id} failed after {item.attempts} attempt(s): {reason}",
            level="ERROR",
            robot_id=self.robot.id,
            run_id=self.run_id,
            item_id=item.id,
            code=code,
        )

    def _hand_back(self, streak: dict[int, int], kept: list[str], current: int, summary: RunSummary) -> None:
        """The breaker opened: the items of the streak back to ready, the attempts it cost restored."""
        with self.ledger.session() as s:
            for item_id, spent in streak.items():
                row = s.get(WorkItem, item_id)
                if row is None or row.state not in (ItemState.READY, ItemState.CLAIMED, ItemState.FAILED):
                    continue
                if row.state == ItemState.FAILED:
                    summary.failed -= 1  # its last attempt was part of the streak: not the item's fault
                row.state, row.reason, row.error_code = ItemState.READY, None, None
                row.attempts = max(row.attempts - spent, 0)
                row.claimed_by, row.lease_until, row.finished_at = None, None, None
                if item_id == current:
                    row.evidence = [*row.evidence, *kept]
                self.ledger.event(
                    "item_handed_back", f"item {item_id}: handed back untouched (the system failed, not the item)",
                    robot_id=self.robot.id, run_id=self.run_id, item_id=item_id, session=s,
                )  # fmt: skip

    def confirm_from_register(self, adapter: Any, summary: RunSummary) -> None:
        """Review items held back only by unsure fields the register can confirm (see register_check)."""
        if not getattr(self, "rule", None) or not self.rule.confirm_from_register:
            return
        from daiko.robots import register_check

        released, fields = register_check.run(self, adapter)
        summary.confirmed_by_register += released
        summary.fields_confirmed_by_register += fields

    def _review_to_confirm(self) -> bool:
        from daiko.robots import register_check

        return bool(register_check.candidates(self.ledger, self.robot.id, self.task))

    @staticmethod
    def _secret_hint(target: TargetSystem) -> str:
        """Where the password comes from, in the words of robots.yaml (never the password)."""
        # The schema guarantees exactly one of the two.
        where = (
            f"環境変数 {target.password_env}" if target.password_env else f"パスワードファイル {target.password_file}"
        )
        return f"robots.yaml の login ({target.login}) と{where}"

    def _has_claimable(self) -> bool:
        return self._count_claimable() > 0

    def _count_claimable(self) -> int:
        with self.ledger.session() as s:
            return len(
                s.scalars(
                    select(WorkItem.id).where(
                        WorkItem.robot_id == self.robot.id, WorkItem.state.in_([ItemState.READY, ItemState.CLAIMED])
                    )
                ).all()
            )

    def _waiting_for_backoff(self, tried: set[int]) -> bool:
        """Items handed back for a retry whose back-off has not passed yet."""
        with self.ledger.session() as s:
            return (
                s.scalars(
                    select(WorkItem.id).where(
                        WorkItem.robot_id == self.robot.id,
                        WorkItem.state == ItemState.READY,
                        WorkItem.id.not_in(tried) if tried else True,
                    )
                ).first()
                is not None
            )

    # -- files ------------------------------------------------------------------------------------
    def place_files(self, summary: RunSummary) -> None:
        """Each file to the folder its items call for — one at a time: a file that cannot be placed
        (locked, a share away) is recorded for the next run and never stops the others."""
        with self.ledger.session() as s:
            ids = s.scalars(
                select(IntakeFile.id).where(
                    IntakeFile.robot_id == self.robot.id, IntakeFile.state.in_([FileState.PROCESSING, FileState.REVIEW])
                )
            ).all()
        for file_id in ids:
            try:
                intake.sync_file(self.ledger, file_id)
            except Exception as exc:
                logger.opt(exception=exc).warning("file {} could not be placed", file_id)
                self.ledger.event(
                    "file_move_failed",
                    f"file {file_id} could not be placed ({type(exc).__name__}: {exc}); the next run tries again",
                    level="WARNING",
                    robot_id=self.robot.id,
                    run_id=self.run_id,
                )
        with self.ledger.session() as s:
            summary.review = len(
                s.scalars(
                    select(WorkItem.id).where(WorkItem.robot_id == self.robot.id, WorkItem.state == ItemState.REVIEW)
                ).all()
            )
            for row in s.scalars(select(IntakeFile).where(IntakeFile.robot_id == self.robot.id)).all():
                summary.files[row.original_name] = row.state


def _review_reason(draft: Any) -> str:
    labels = [draft.fields.get(n, {}).get("label", n) for n in draft.review_fields]
    return "確認が必要な項目: " + "、".join(labels)


class _progress:
    """A rich progress bar for `daiko run`, or nothing."""

    def __init__(self, enabled: bool, total: int):
        self.enabled, self.total = enabled, total

    def __enter__(self):
        if not self.enabled:
            return lambda: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("入力中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        self._bar.start()
        task = self._bar.add_task("keying", total=self.total)
        return lambda: self._bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._bar.stop()


def run_robot(
    cfg: DaikoConfig,
    robot_id: str,
    *,
    trigger: str = "manual",
    trial: bool = False,
    progress: bool = False,
    stop: threading.Event | None = None,
    settle_seconds: float | None = None,
    keying: bool = True,
) -> RunSummary:
    robot = cfg.robot(robot_id)
    runner = RobotRunner(
        cfg,
        robot,
        trigger=trigger,
        trial=trial or None,
        stop=stop,
        settle_seconds=settle_seconds,
        progress=progress,
        keying=keying,
    )
    return runner.run()
