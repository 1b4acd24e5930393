"""The work-item queue in the ledger: claim → process → done / failed, with leases.

A claim succeeds for exactly one worker even when several robot PCs share a PostgreSQL ledger:
there it is ``SELECT … FOR UPDATE SKIP LOCKED`` (a worker never waits for a row another one is
taking, it takes the next), on SQLite one conditional UPDATE (SQLite serialises writers anyway).
A claimed item carries a lease; if its worker dies (SIGKILL, power cut) the item becomes
claimable again when the lease runs out, at once when the worker was a process on this same
host that no longer exists, or when its host falls silent (``daiko.schedules.hosts``). Whoever
takes it over must first ask the target system whether the item was already keyed.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from daiko.labels import ITEM_STATE
from daiko.ledger import FieldReview, FileState, IntakeFile, ItemState, Ledger, Run, WorkItem, utcnow

LEASE = dt.timedelta(minutes=10)
HOST_ENV = "DAIKO_HOST"


def _host_name() -> str:
    """This PC's name in the ledger: ``DAIKO_HOST`` when set (two PCs with one name, or several
    services on one test machine), else the host name. Never contains ':' (worker ids split on it)."""
    name = (os.environ.get(HOST_ENV) or socket.gethostname()).strip().replace(":", "-")
    return name[:48] or "host"


HOST = _host_name()


def worker_id(pid: int | None = None, run_id: int | None = None) -> str:
    """host:pid[:run] — the pid lets this host tell a dead holder at once; the run keeps two
    runs of one process apart."""
    base = f"{HOST}:{pid or os.getpid()}"
    return f"{base}:{run_id}" if run_id is not None else base


def _alive_on_this_host(worker: str | None) -> bool:
    if not worker or not worker.startswith(f"{HOST}:"):
        return True  # another PC: trust its lease
    try:
        pid = int(worker.split(":")[1])
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def release_orphans(ledger: Ledger, robot_id: str) -> int:
    """Items claimed by a process of this host that is gone: make them claimable now."""
    with ledger.session() as s:
        claimed = s.scalars(
            select(WorkItem).where(WorkItem.robot_id == robot_id, WorkItem.state == ItemState.CLAIMED)
        ).all()
        orphans = [i for i in claimed if not _alive_on_this_host(i.claimed_by)]
        for item in orphans:
            item.lease_until = utcnow() - dt.timedelta(seconds=1)
            ledger.event(
                "item_orphaned",
                f"item {item.id} was held by {item.claimed_by}, which is gone; it will be checked and resumed",
                robot_id=robot_id,
                item_id=item.id,
                session=s,
            )
        return len(orphans)


def claim_next(
    ledger: Ledger, robot_id: str, worker: str, *, lease: dt.timedelta = LEASE, exclude: Iterable[int] = ()
) -> WorkItem | None:
    """Atomically take the oldest ready (or abandoned) item of this robot, or None.

    A ready item's ``lease_until`` is its not-before time (retry back-off); a claimed item's
    is the end of its worker's lease.
    """
    now = utcnow()
    claimable = or_(
        and_(WorkItem.state == ItemState.READY, or_(WorkItem.lease_until.is_(None), WorkItem.lease_until < now)),
        and_(WorkItem.state == ItemState.CLAIMED, WorkItem.lease_until < now),
    )
    excluded = list(exclude)
    if excluded:
        claimable = and_(claimable, WorkItem.id.not_in(excluded))
    if ledger.engine.dialect.name == "postgresql":
        return _claim_skip_locked(ledger, robot_id, worker, claimable, now, lease)
    for _ in range(20):  # lost races: try the next candidate
        with ledger.session() as s:
            candidate = s.scalars(
                select(WorkItem.id).where(WorkItem.robot_id == robot_id, claimable).order_by(WorkItem.id).limit(1)
            ).first()
            if candidate is None:
                return None
            result = s.execute(
                update(WorkItem)
                .where(WorkItem.id == candidate, claimable)
                .values(
                    state=ItemState.CLAIMED,
                    claimed_by=worker,
                    lease_until=now + lease,
                    attempts=WorkItem.attempts + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                return s.get(WorkItem, candidate)
    return None


def _claim_skip_locked(
    ledger: Ledger, robot_id: str, worker: str, claimable: ColumnElement[bool], now: dt.datetime, lease: dt.timedelta
) -> WorkItem | None:
    """PostgreSQL: lock the oldest claimable row no one else is locking, and take it.

    Rows another host is claiming at this instant are skipped, not waited for, so N hosts
    claiming at once each get a different item without queueing behind one another.
    """
    with ledger.session() as s:
        item = s.scalars(
            select(WorkItem)
            .where(WorkItem.robot_id == robot_id, claimable)
            .order_by(WorkItem.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if item is None:
            return None
        item.state = ItemState.CLAIMED
        item.claimed_by = worker
        item.lease_until = now + lease
        item.attempts = item.attempts + 1
        item.updated_at = now
        return item


def release_held_by(ledger: Ledger, host: str) -> dict[str, int]:
    """Make every item claimed by a worker of ``host`` claimable now (the host fell silent).

    The items stay *claimed* with an expired lease, so whoever takes one over counts an attempt
    and, like any resumed item, asks the target system first whether it is already keyed.
    Returns how many per robot.
    """
    released: dict[str, int] = {}
    with ledger.session() as s:
        items = s.scalars(
            select(WorkItem).where(
                WorkItem.state == ItemState.CLAIMED, WorkItem.claimed_by.startswith(f"{host}:", autoescape=True)
            )
        ).all()
        for item in items:
            item.lease_until = utcnow() - dt.timedelta(seconds=1)
            released[item.robot_id] = released.get(item.robot_id, 0) + 1
            ledger.event(
                "item_orphaned",
                f"item {item.id} was held by {item.claimed_by} on silent host {host}; it will be checked and resumed",
                robot_id=item.robot_id,
                item_id=item.id,
                session=s,
            )
    return released


def renew(ledger: Ledger, item_id: int, worker: str, *, lease: dt.timedelta = LEASE) -> bool:
    with ledger.session() as s:
        result = s.execute(
            update(WorkItem)
            .where(WorkItem.id == item_id, WorkItem.claimed_by == worker, WorkItem.state == ItemState.CLAIMED)
            .values(lease_until=utcnow() + lease)
        )
        return result.rowcount == 1


def finish(
    ledger: Ledger,
    item_id: int,
    state: str,
    *,
    reason: str | None = None,
    error_code: str | None = None,
    evidence: Iterable[str] = (),
    **values: object,
) -> None:
    """Close an item (done / failed) or hand it back (ready) — the claim ends either way."""
    with ledger.session() as s:
        item = s.get(WorkItem, item_id)
        assert item is not None
        item.state = state
        item.reason = reason
        item.error_code = error_code
        item.evidence = [*item.evidence, *evidence]
        item.claimed_by = None
        item.lease_until = None
        for key, value in values.items():
            setattr(item, key, value)
        if state in ItemState.FINAL:
            item.finished_at = utcnow()


def counts(ledger: Ledger, robot_id: str) -> dict[str, int]:
    with ledger.session() as s:
        rows = s.execute(
            select(WorkItem.state, func.count()).where(WorkItem.robot_id == robot_id).group_by(WorkItem.state)
        ).all()
    return {state: n for state, n in rows}


def released_since_last_run(ledger: Ledger, robot_id: str) -> int:
    """Items staff checked in the console (now ready) since the robot's last run began.

    Keyed on the review, not on the item's state: an item a run handed back as ready (a refused
    login, say) must wait for the next trigger, not start a run every heartbeat.
    """
    with ledger.session() as s:
        last_start = s.scalar(select(func.max(Run.started_at)).where(Run.robot_id == robot_id))
        query = (
            select(func.count(func.distinct(WorkItem.id)))
            .join(FieldReview, FieldReview.item_id == WorkItem.id)
            .where(WorkItem.robot_id == robot_id, WorkItem.state == ItemState.READY)
        )
        if last_start is not None:
            query = query.where(FieldReview.at > last_start)
        return int(s.scalar(query) or 0)


def ready_since_last_run_here(ledger: Ledger, robot_id: str, host: str = HOST) -> int:
    """Items another PC made ready (it read their file) that no run of this PC may have seen.

    What lets every PC join in on a batch one PC read, instead of that PC keying it alone: ready
    items created since this PC's last run of the robot began, by another run. Items this PC's
    last run read itself and left ready on purpose (a refused login, a retry's back-off) do not
    start another run at every heartbeat; at most one more run looks at another PC's leftovers.
    """
    now = utcnow()
    with ledger.session() as s:
        last = s.execute(
            select(Run.id, Run.started_at)
            .where(Run.robot_id == robot_id, Run.host == host)
            .order_by(Run.started_at.desc())
            .limit(1)
        ).first()
        query = (
            select(func.count())
            .select_from(WorkItem)
            .where(
                WorkItem.robot_id == robot_id,
                WorkItem.state == ItemState.READY,
                or_(WorkItem.lease_until.is_(None), WorkItem.lease_until < now),
            )
        )
        if last is not None:
            query = query.where(
                WorkItem.created_at > last.started_at, or_(WorkItem.run_id.is_(None), WorkItem.run_id != last.id)
            )
        return int(s.scalar(query) or 0)


# -- proving and settling (issue 10) -----------------------------------------------------------

# Japanese for each state, for reasons and messages staff read: the one table in daiko.labels.
STATE_WORDS = ITEM_STATE
UNKNOWN_REASON = "システムで登録有無を確認してください"


def part_label(kind: str | None, part: int) -> str:
    return f"{part}行目" if kind == "csv" else f"{part}ページ目"


def mark_commit_pressed(ledger: Ledger, item_id: int) -> None:
    """Written *before* the final button is pressed: a crash after it leaves the mark behind."""
    with ledger.session() as s:
        s.execute(update(WorkItem).where(WorkItem.id == item_id).values(commit_pressed_at=utcnow()))


def commit_pressed(ledger: Ledger, item_id: int) -> bool:
    with ledger.session() as s:
        return s.scalar(select(WorkItem.commit_pressed_at).where(WorkItem.id == item_id)) is not None


def record_identity(ledger: Ledger, item_id: int, identity: dict) -> None:
    with ledger.session() as s:
        s.execute(update(WorkItem).where(WorkItem.id == item_id).values(identity=identity))


def earlier_with_reference(
    session: Session, robot_id: str, reference: str, *, before_id: int | None = None
) -> tuple[WorkItem, IntakeFile] | None:
    """The first item of this robot that carries ``reference`` and still counts: not rejected by a
    person, not itself refused as a duplicate. ``before_id``: only items created before that one."""
    query = (
        select(WorkItem, IntakeFile)
        .join(IntakeFile, IntakeFile.id == WorkItem.file_id)
        .where(
            WorkItem.robot_id == robot_id,
            WorkItem.reference == reference,
            WorkItem.state != ItemState.REJECTED,
            or_(WorkItem.error_code.is_(None), WorkItem.error_code != DUPLICATE),
        )
        .order_by(WorkItem.id)
        .limit(1)
    )
    if before_id is not None:
        query = query.where(WorkItem.id < before_id)
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


DUPLICATE = "duplicate_reference"


def duplicate_reason(reference: str, earlier: WorkItem, earlier_file: IntakeFile, *, same_file: bool) -> str:
    where = "同じファイルの" if same_file else f"ファイル「{earlier_file.original_name}」の"
    return (
        f"受付番号「{reference}」が{where}{part_label(earlier_file.kind, earlier.part)}"
        f"（No.{earlier.id}、{STATE_WORDS.get(earlier.state, earlier.state)}）と重複しています。"
        "同じ受付番号を二度入力しないため、入力していません。"
    )


class NotRetryable(Exception):
    """Why an item cannot be retried or resolved (Japanese, for the person who asked)."""


def _sync(ledger: Ledger, file_id: int) -> None:
    from daiko.robots.intake import sync_file

    with ledger.session() as s:
        row = s.get(IntakeFile, file_id)
        if row is not None and row.state in (FileState.FAILED, FileState.DONE):
            row.finished_at = None
    sync_file(ledger, file_id)


def retry(ledger: Ledger, item_ids: Iterable[int], actor: str) -> list[int]:
    """Failed items → ready again (attempts from zero), audited; their files leave failed/.

    Raises :class:`NotRetryable` naming the first item that cannot be retried, before any change.
    """
    ids = list(dict.fromkeys(item_ids))
    with ledger.session() as s:
        items = {i.id: i for i in s.scalars(select(WorkItem).where(WorkItem.id.in_(ids)))}
        for item_id in ids:
            item = items.get(item_id)
            if item is None:
                raise NotRetryable(f"No.{item_id} の案件はありません")
            if item.state != ItemState.FAILED:
                raise NotRetryable(
                    f"No.{item_id} は「{STATE_WORDS.get(item.state, item.state)}」のため再試行できません（失敗した案件だけが対象です）"
                )
            if not item.fields:
                raise NotRetryable(
                    f"No.{item_id} は読み取れなかったため入力する内容がありません。書類を確認してください"
                )
        for item_id in ids:
            item = items[item_id]
            before = {
                "state": item.state,
                "reason": item.reason,
                "error_code": item.error_code,
                "attempts": item.attempts,
            }
            result = s.execute(
                update(WorkItem)
                .where(WorkItem.id == item_id, WorkItem.state == ItemState.FAILED)
                .values(
                    state=ItemState.READY,
                    attempts=0,
                    reason=None,
                    error_code=None,
                    lease_until=None,
                    claimed_by=None,
                    finished_at=None,
                    updated_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise NotRetryable(f"No.{item_id} は他の方が先に処理しました")
            ledger.audit(actor, "item_retried", f"work_item:{item_id}", before=before,
                         after={"state": ItemState.READY}, detail="失敗した案件を再試行", session=s)  # fmt: skip
            ledger.event(
                "item_retried", f"item {item_id} handed back for another try by {actor}",
                robot_id=item.robot_id, item_id=item_id, session=s,
            )  # fmt: skip
    for file_id in {items[i].file_id for i in ids}:
        _sync(ledger, file_id)
    return ids


def failed_items(ledger: Ledger, robot_id: str) -> list[int]:
    with ledger.session() as s:
        return list(
            s.scalars(
                select(WorkItem.id).where(
                    WorkItem.robot_id == robot_id, WorkItem.state == ItemState.FAILED, WorkItem.fields != {}
                )
            )
        )


def resolve_unknown(ledger: Ledger, item_id: int, actor: str, *, keyed: bool, system_record_id: str = "") -> str:
    """A person checked the system for a 結果不明 item: it was keyed (→ done, with the system's
    record number) or it was not (→ ready, keyed by the robot's next run). Audited."""
    record = " ".join((system_record_id or "").split())
    if keyed and not record:
        raise NotRetryable("登録されていた場合は、システムの処理番号を入力してください")
    if len(record) > 64:
        raise NotRetryable("処理番号が長すぎます")
    now = utcnow()
    with ledger.session() as s:
        item = s.get(WorkItem, item_id)
        if item is None:
            raise NotRetryable(f"No.{item_id} の案件はありません")
        if item.state != ItemState.UNKNOWN:
            raise NotRetryable(
                f"No.{item_id} は「{STATE_WORDS.get(item.state, item.state)}」です（他の方が処理しました）"
            )
        values = (
            {"state": ItemState.DONE, "system_record_id": record, "reason": "職員がシステムで登録を確認しました",
             "error_code": None, "finished_at": now, "handled_manually": False}
            if keyed
            else {"state": ItemState.READY, "attempts": 0, "reason": None, "error_code": None, "lease_until": None,
                  "commit_pressed_at": None}
        )  # fmt: skip
        result = s.execute(
            update(WorkItem)
            .where(WorkItem.id == item_id, WorkItem.state == ItemState.UNKNOWN)
            .values(**values, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise NotRetryable(f"No.{item_id} は他の方が先に処理しました")
        verdict = f"登録されていた（処理番号 {record}）" if keyed else "登録されていなかった（再入力へ）"
        ledger.audit(
            actor, "item_unknown_resolved", f"work_item:{item_id}",
            before={"state": ItemState.UNKNOWN, "reason": item.reason},
            after={"state": values["state"], "system_record_id": record or None}, detail=verdict, session=s,
        )  # fmt: skip
        ledger.event("item_unknown_resolved", f"item {item_id}: {actor} checked the system: {verdict}",
                     robot_id=item.robot_id, item_id=item_id, session=s)  # fmt: skip
        file_id = item.file_id
    _sync(ledger, file_id)
    return values["state"]


def reopen_refusal(item: WorkItem) -> str | None:
    """Why this item cannot go back to review (Japanese), or None when it can.

    Only what is certainly not in the core system may be re-opened: once the robot has pressed
    登録 (or a person recorded a 処理番号) a correction is made in the system itself, not by keying
    the item a second time.
    """
    state = item.state
    if state in (ItemState.NEW, ItemState.REVIEW):
        return f"この案件は「{STATE_WORDS[state]}」です（再確認の必要はありません）"
    if state == ItemState.DONE:
        record = f"（処理番号 {item.system_record_id}）" if item.system_record_id else ""
        return f"基幹システムへ入力済み{record}のため、再確認できません。訂正は基幹システムで行ってください"
    if state == ItemState.CLAIMED:
        return "ロボットが入力中のため、再確認できません。入力が終わってから状態を確かめてください"
    if state == ItemState.UNKNOWN:
        return "結果不明のため、再確認できません。先に基幹システムで登録有無を確かめ、その結果を入力してください"
    if item.commit_pressed_at is not None or item.system_record_id:
        return "ロボットが登録ボタンを押した後の案件のため、再確認できません（基幹システムに登録されている可能性があります）"
    if item.error_code == DUPLICATE:
        return "同じ受付番号の案件が先にあるため入力しなかった案件です。二重入力を防ぐため、再確認できません"
    if not item.fields:
        return "読み取れた項目がないため、再確認できません。書類を確認してください"
    return None


REOPENABLE = (ItemState.READY, ItemState.REJECTED, ItemState.FAILED)


def reopen(ledger: Ledger, item_id: int, actor: str, *, review_fields: Iterable[str] = (), note: str = "") -> None:
    """A finished item (入力待ち, 差戻し, 失敗 — never one the system may hold) back to 確認待ち, audited.

    ``review_fields``: the fields to check again (the console passes those checked last time).
    The UPDATE is conditional, so a robot claiming the item at this instant wins and this refuses.
    """
    note = " ".join((note or "").split())[:200]
    with ledger.session() as s:
        item = s.get(WorkItem, item_id)
        if item is None:
            raise NotRetryable(f"No.{item_id} の案件はありません")
        refusal = reopen_refusal(item)
        if refusal:
            raise NotRetryable(refusal)
        names = [n for n in dict.fromkeys(review_fields) if n in item.fields]
        before = {"state": item.state, "reason": item.reason, "error_code": item.error_code}
        result = s.execute(
            update(WorkItem)
            .where(
                WorkItem.id == item_id,
                WorkItem.state.in_(REOPENABLE),
                WorkItem.commit_pressed_at.is_(None),
                WorkItem.system_record_id.is_(None),
            )
            .values(
                state=ItemState.REVIEW, review_fields=names, reason=None, error_code=None, attempts=0,
                lease_until=None, claimed_by=None, finished_at=None, updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if result.rowcount != 1:
            raise NotRetryable(f"No.{item_id} は他の方かロボットが先に処理しました。画面を開き直してください")
        ledger.audit(
            actor, "item_reopened", f"work_item:{item_id}", before=before,
            after={"state": ItemState.REVIEW, "review_fields": names},
            detail="処理済みの案件を確認待ちに戻した" + (f"（{note}）" if note else ""), session=s,
        )  # fmt: skip
        ledger.event(
            "item_reopened", f"item {item_id} back to review by {actor}",
            robot_id=item.robot_id, item_id=item_id, session=s,
        )  # fmt: skip
        file_id = item.file_id
    _sync(ledger, file_id)
