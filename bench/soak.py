"""Fault soak: the real 廃車 robot keys many items through a misbehaving mock while it is killed.

    .venv/bin/python bench/soak.py [--items 100] [--seed 7] [--keep] [--json out.json]

The mock 軽自動車税システム runs with every fault at once: 500s on any screen (on 登録 they strike
inside the transaction, so nothing is saved: "500 before commit"), 500 after a 登録 was saved,
pages slower than the robot's timeout (a slow 登録 is saved after the robot gave up), sessions
that expire mid-flow, records locked by another terminal, and a hook that SIGKILLs the robot right
after every Nth 登録 is saved (the worst moment: the system committed, the ledger does not know).
The driver also SIGKILLs the robot at random moments. The robot (`daiko run`, a subprocess) is
restarted until nothing is left to key. Then, as staff would: the mock is healthy again, 結果不明
items are resolved by looking at the system, failed items are retried (`daiko retry --failed`),
and the robot runs once more.

Checked against the mock's own audit table, and printed: every vehicle deregistered exactly
once; no item failed (or done) that disagrees with what the system holds; no item lost (each row
has one item, each file one folder); no password in any evidence file (trace zips read member by
member). Exit 1 if any check fails. ``tests/robots/test_soak.py`` runs a smaller count in CI.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench.…` when run as a script

from bench.robots_yaml import HAISHA, keitax_target, robots_yaml

PASSWORD_ENV = "DAIKO_SOAK_KEITAX_PASSWORD"
FILE_ROWS = 10
TIMEOUT_S = 1.5
FAULTS = "http500=0.02,commit500=0.12:after,slow=0.02:2.5,expire_every=29,lock=0.04"
KILL_EVERY = 9  # the mock kills the robot after every 9th 登録 saved


def _robot(config: Path, pidfile: Path, log: Path, password: str) -> subprocess.Popen:
    """`daiko run haisha` whose pid is in ``pidfile`` before it starts (the shell execs into it)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            ["sh", "-c", f'echo $$ > "{pidfile}"; exec "$0" "$@"', sys.executable, "-m", "daiko.cli", "run",
             "haisha", "--config", str(config), "--json"],
            env={**os.environ, PASSWORD_ENV: password}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _open_work(ledger) -> int:
    from sqlalchemy import func, select

    from daiko.ledger import FileState, IntakeFile, ItemState, WorkItem

    with ledger.session() as s:
        items = s.scalar(
            select(func.count())
            .select_from(WorkItem)
            .where(WorkItem.state.in_([ItemState.READY, ItemState.CLAIMED, ItemState.NEW]))
        )
        unread = s.scalar(
            select(func.count())
            .select_from(IntakeFile)
            .where(IntakeFile.state == FileState.PROCESSING, ~IntakeFile.items.any())
        )
    return int(items or 0) + int(unread or 0)


def secret_hits(root: Path, secret: bytes) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if secret in data:
            hits.append(str(path))
        if data[:2] == b"PK":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    hits += [f"{path}!{m}" for m in zf.namelist() if secret in zf.read(m)]
            except zipfile.BadZipFile:
                pass  # a trace cut short by a kill: its bytes were searched whole above
    return hits


def run_soak(workdir: Path, items: int = 100, seed: int = 7, *, max_rounds: int = 80, quiet: bool = True) -> dict:
    from sqlalchemy import select

    from daiko.config.loader import parse_config
    from daiko.forms.fieldtypes import get_type
    from daiko.forms.synth.jlis import generate_jlis_csv
    from daiko.ledger import IntakeFile, ItemState, Ledger, WorkItem
    from daiko.mocks.keitax.process import start_keitax
    from daiko.mocks.keitax.store import today_jst
    from daiko.robots import workitems

    rng = random.Random(seed)
    began = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    pidfile, log = workdir / "robot.pid", workdir / "robot.log"
    faults = f"{FAULTS},kill_after_commit={pidfile}:{KILL_EVERY}"
    out: dict = {"items": items, "seed": seed, "faults": faults}
    with start_keitax(workdir / "keitax", records=3000, faults=faults, seed=seed) as server:
        plate = get_type("plate")
        pool = server.sample_vehicles(items * 2 + 20, unique_plate=True, seed=seed)
        vehicles = [v for v in pool if plate.check(v.plate).ok][:items]
        text = robots_yaml(
            data=workdir / "data",
            target_id="keitax",
            target=keitax_target(server.url, "rpa01", password_env=PASSWORD_ENV, timeout_seconds=TIMEOUT_S),
            robot=HAISHA | {"accepts_csv": True, "max_attempts": 3, "retry_backoff_seconds": [0.5, 1, 2],
                            "stop_after_failures": 5},
        )  # fmt: skip
        config = workdir / "robots.yaml"
        config.write_text(text, encoding="utf-8")
        cfg = parse_config(text, base_dir=workdir)
        ledger = Ledger(cfg.ledger_url)
        inbox = cfg.inbox(cfg.robot("haisha"))
        inbox.mkdir(parents=True, exist_ok=True)
        old = time.time() - 60
        references: list[str] = []
        for n, start in enumerate(range(0, len(vehicles), FILE_ROWS)):
            path = generate_jlis_csv(
                inbox / f"jlis_soak_{n + 1:03d}.csv", vehicles[start : start + FILE_ROWS], seed=seed + n,
                processed_on=today_jst(), first_serial=start + 1, reference_prefix="SK",
            )  # fmt: skip
            os.utime(path, (old, old))
        from daiko.forms.jlis import read_jlis_csv

        for path in sorted(inbox.glob("jlis_soak_*.csv")):
            references += [r.reference for r in read_jlis_csv(path)]

        # -- phase 1: faults and kills until nothing is left to key --------------------------------
        rounds = driver_kills = 0
        exits: Counter = Counter()
        while rounds < max_rounds:
            rounds += 1
            proc = _robot(config, pidfile, log, server.password)
            kill_at = time.monotonic() + rng.uniform(2.0, 12.0) if rng.random() < 0.3 else None
            while proc.poll() is None:
                if kill_at is not None and time.monotonic() >= kill_at:
                    os.killpg(proc.pid, signal.SIGKILL)
                    driver_kills += 1
                    kill_at = None
                time.sleep(0.1)
            exits[proc.returncode] += 1
            pidfile.unlink(missing_ok=True)
            if proc.returncode in (0, 1) and _open_work(ledger) == 0:
                break
        hook_kills = sum(r["action"] == "fault_kill" for r in server.audit_rows())
        with ledger.session() as s:
            phase1 = {i.reference: (i.state, i.error_code) for i in s.scalars(select(WorkItem))}
        keyed_refs = Counter(r["reference"] for r in server.audit_rows("deregister"))
        out.update(
            rounds=rounds, driver_kills=driver_kills, hook_kills=hook_kills, exits=dict(exits),
            phase1_states=dict(Counter(state for state, _ in phase1.values())),
            failed_but_in_system=sorted(r for r, (st, _) in phase1.items() if st == ItemState.FAILED and keyed_refs[r]),
            done_but_not_in_system=sorted(r for r, (st, _) in phase1.items() if st == ItemState.DONE and not keyed_refs[r]),
            session_expiries=sum(r["action"] == "session_expired" for r in server.audit_rows()),
            left_open=_open_work(ledger),
        )  # fmt: skip
        with ledger.session() as s:
            from daiko.ledger import Event

            out["retries"] = len(s.scalars(select(Event.id).where(Event.kind == "item_retry")).all())
            out["already_present"] = len(s.scalars(select(Event.id).where(Event.kind == "item_already_keyed")).all())
            out["runs_interrupted"] = len(s.scalars(select(Event.id).where(Event.kind == "run_interrupted")).all())

        # -- phase 2: the system is healthy again; staff settle what waits for them -------------------
        server.restart(faults=None)
        keyed_now = {r["reference"]: r["after"]["shori_no"] for r in server.audit_rows("deregister")}
        with ledger.session() as s:
            unknown = [
                (i.id, i.reference) for i in s.scalars(select(WorkItem).where(WorkItem.state == ItemState.UNKNOWN))
            ]
        for item_id, reference in unknown:  # the clerk looks the 受付番号 up in the system
            workitems.resolve_unknown(
                ledger,
                item_id,
                "soak-clerk",
                keyed=reference in keyed_now,
                system_record_id=keyed_now.get(reference, ""),
            )
        retried = workitems.retry(ledger, workitems.failed_items(ledger, "haisha"), "soak-clerk")
        final = _robot(config, pidfile, log, server.password)
        final.wait(timeout=900)
        out.update(resolved_unknown=len(unknown), retried_failed=len(retried), final_exit=final.returncode)

        # -- the checks, against the mock's own audit --------------------------------------------------
        audit = server.audit_rows("deregister")
        per_vehicle = Counter(r["target"] for r in audit if r["reference"] in set(references))
        per_reference = Counter(r["reference"] for r in audit)
        with ledger.session() as s:
            rows = list(s.scalars(select(WorkItem)))
            files = list(s.scalars(select(IntakeFile)))
        by_ref = Counter(i.reference for i in rows)
        placed: dict[str, list[str]] = {}
        for path in inbox.rglob("*"):
            if path.is_file() and not path.name.endswith(".reason.txt"):
                placed.setdefault(path.name, []).append(path.relative_to(inbox).parts[0])
        out.update(
            references=len(references),
            vehicles_deregistered_once=sum(per_vehicle[f"vehicle:{v.id}"] == 1 for v in vehicles),
            vehicles_twice=sorted(t for t, n in per_vehicle.items() if n > 1),
            references_twice=sorted(r for r, n in per_reference.items() if n > 1),
            lost=sorted(set(references) - set(by_ref)),
            items_duplicated=sorted(r for r, n in by_ref.items() if n > 1),
            final_states=dict(Counter(i.state for i in rows)),
            files=len(files),
            files_not_in_one_folder=sorted(n for n, where in placed.items() if len(where) != 1),
            files_not_done=sorted(n for n, where in placed.items() if where != ["done"]),
            done_with_wrong_record=sorted(
                i.reference for i in rows if i.state == ItemState.DONE and keyed_now_final(audit, i.reference) != i.system_record_id
            ),
            evidence_files=sum(1 for p in (cfg.data_dir / "evidence").rglob("*") if p.is_file()),
            secret_hits=secret_hits(cfg.data_dir, server.password.encode()),
            seconds=round(time.monotonic() - began, 1),
        )  # fmt: skip
    return out


def keyed_now_final(audit: list[dict], reference: str) -> str | None:
    rows = [r for r in audit if r["reference"] == reference]
    return rows[0]["after"]["shori_no"] if len(rows) == 1 else None


def problems(r: dict) -> list[str]:
    found = []
    if r["vehicles_deregistered_once"] != r["items"]:
        found.append(f"{r['items'] - r['vehicles_deregistered_once']} vehicle(s) not deregistered exactly once")
    for key in ("vehicles_twice", "references_twice", "lost", "items_duplicated", "failed_but_in_system",
                "done_but_not_in_system", "files_not_in_one_folder", "files_not_done", "done_with_wrong_record",
                "secret_hits"):  # fmt: skip
        if r[key]:
            found.append(f"{key}: {r[key][:5]}")
    if r["left_open"]:
        found.append(f"{r['left_open']} item(s) still open after {r['rounds']} rounds")
    return found


def report(r: dict) -> None:
    print(f"fault soak — {r['items']} items, seed {r['seed']}, {r['seconds']} s")
    print(f"  faults                 {r['faults']}")
    print(f"  robot runs             {r['rounds']} (exit codes {r['exits']})")
    print(f"  SIGKILLs               {r['hook_kills']} right after a commit (mock hook), {r['driver_kills']} at random")
    print(f"  runs found dead (中断)  {r['runs_interrupted']}")
    print(
        f"  session expiries       {r['session_expiries']},  retries {r['retries']},  found already keyed {r['already_present']}"
    )
    print(f"  after the faults       {r['phase1_states']}")
    print(
        f"  failed yet in system   {len(r['failed_but_in_system'])}   done yet not in system {len(r['done_but_not_in_system'])}"
    )
    print(
        f"  staff: 結果不明 resolved {r['resolved_unknown']}, failed retried {r['retried_failed']}; final run exit {r['final_exit']}"
    )
    print(f"  final                  {r['final_states']}")
    print(
        f"  deregistered once      {r['vehicles_deregistered_once']} / {r['items']} vehicles; twice: {len(r['vehicles_twice'])}"
    )
    print(
        f"  lost items             {len(r['lost'])};  files {r['files']}, not in exactly one folder {len(r['files_not_in_one_folder'])}"
    )
    print(f"  evidence files         {r['evidence_files']}, holding the password: {len(r['secret_hits'])}")
    found = problems(r)
    print("  ✓ all checks passed" if not found else "  ✗ " + "; ".join(found))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="daiko-soak-"))
    result = run_soak(workdir, args.items, args.seed)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if not args.workdir and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems(result) else 0


if __name__ == "__main__":
    sys.exit(main())
