"""Scaling benchmark: records/hour with 1, 2 and 3 robot PCs sharing one ledger and one inbox.

    .venv/bin/python bench/scale.py [--records 60] [--workers 1,2,3] [--backends postgresql,sqlite] [--json out.json]

Starts the mock 軽自動車税システム and, for each ledger backend and each number of workers N,
N ``daiko schedule`` processes on this machine (each its own "robot PC": own robots.yaml, data
folder and ``DAIKO_HOST``) watching one inbox, with ``max_sessions: N``. PostgreSQL is a throw-away
server of Debian's binaries; SQLite is one ledger file the N processes share (possible on one
machine only — across PCs it has to be PostgreSQL). Each run drops ``--records`` fresh vehicles
as J-LIS 廃車情報 CSV files (20 lines each: reading is cheap, the time is keying) and times from
the drop until the ledger has every item done. The mock's audit is checked each time: every
record deregistered exactly once.

Reported: records/hour per (backend, N), and the speed-up over N = 1. Every worker runs its own
Chromium; on a two-core machine three of them and the mock compete for the same cores, so the
curve flattens here sooner than on real PCs, where each robot has a machine of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench.fleet` when run as a script

from bench.fleet import jlis_files, max_concurrent_sessions, start_fleet, usable_vehicles, wait_until

PER_FILE = 20


def one_run(workdir: Path, server, ledger_url: str, workers: int, records: int, seed: int) -> dict:
    from sqlalchemy import func, select

    from daiko.ledger import ItemState, Ledger, WorkItem
    from daiko.ledger.db import dispose
    from daiko.mocks.keitax.store import today_jst
    from daiko.schedules import hosts

    names = [f"pc-{n}" for n in range(1, workers + 1)]
    vehicles = usable_vehicles(server, records, seed=seed)
    ledger = Ledger(ledger_url)
    fleet = start_fleet(workdir, names, server=server, ledger_url=ledger_url, max_sessions=workers, heartbeat_seconds=5)

    def alive() -> None:
        for pc in fleet.pcs:
            if not pc.alive:
                raise RuntimeError(f"{pc.name} exited:\n{pc.log_tail()}")

    def done() -> int:
        with ledger.session() as s:
            return s.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.state.in_(ItemState.FINAL))) or 0

    try:
        wait_until(
            lambda: {h.name for h in hosts.overview(ledger) if h.state == "running"} == set(names),
            300, "robot PCs heartbeating", check=alive,
        )  # fmt: skip
        began = time.time()
        started = time.monotonic()
        files = jlis_files(fleet.inbox, vehicles, per_file=PER_FILE, prefix=f"S{seed % 100:02d}", today=today_jst())
        wait_until(lambda: done() >= records, 3600, "every record keyed", check=alive)
        seconds = time.monotonic() - started
    finally:
        fleet.stop()
    with ledger.session() as s:
        states = dict(s.execute(select(WorkItem.state, func.count()).group_by(WorkItem.state)).all())
    dispose(ledger_url)
    references = {r for _, refs in files for r in refs}
    audit = [a for a in server.audit_rows(action="deregister") if a["reference"] in references]
    sessions = [s for s in server.session_rows() if s["created_at"] >= began]
    return {
        "workers": workers,
        "records": records,
        "seconds": seconds,
        "records_per_hour": states.get(ItemState.DONE, 0) / seconds * 3600,
        "done": states.get(ItemState.DONE, 0),
        "other_states": {k: v for k, v in states.items() if k != ItemState.DONE},
        "deregistered": len(audit),
        "keyed_twice": len(audit) - len({a["reference"] for a in audit}),
        "max_concurrent_sessions": max_concurrent_sessions(sessions),
    }


def run(args: argparse.Namespace) -> dict:
    from daiko.ledger.pgcluster import temp_cluster
    from daiko.mocks.keitax.process import start_keitax

    root = Path(args.workdir or tempfile.mkdtemp(prefix="daiko-bench-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    workers = [int(n) for n in args.workers.split(",")]
    backends = [b.strip() for b in args.backends.split(",")]
    total = len(workers) * len(backends) * args.records
    results: dict[str, list[dict]] = {b: [] for b in backends}
    print(f"mock 軽自動車税システム ({max(3000, total * 3)} vehicles) …", flush=True)
    with (
        start_keitax(root / "keitax", records=max(3000, total * 3), sessions_per_user=0, lock_timeout=5) as server,
        temp_cluster() as cluster,
    ):
        seed = args.seed
        for backend in backends:
            for n in workers:
                seed += 1
                run_dir = root / f"{backend}-{n}"
                url = cluster.create_database(f"scale_{n}") if backend == "postgresql" else (
                    f"sqlite:///{run_dir / 'ledger.sqlite3'}"
                )  # fmt: skip
                print(f"{backend}: {n} worker(s), {args.records} records …", flush=True)
                result = one_run(run_dir, server, url, n, args.records, seed)
                results[backend].append(result)
                print(
                    f"  {result['records_per_hour']:7.0f} records/hour  ({result['done']} in {result['seconds']:.1f} s, "
                    f"at most {result['max_concurrent_sessions']} session(s) at once, "
                    f"keyed twice: {result['keyed_twice']})",
                    flush=True,
                )
    return {
        "records": args.records,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "results": results,
        "workdir": str(root),
    }


def report(r: dict) -> None:
    backends = list(r["results"])
    print()
    print(f"scaling benchmark — {r['records']} J-LIS records per run, {r['cores']} cores "
          f"(load {r['load_average'][0]:.2f}); records/hour from drop to all keyed")  # fmt: skip
    print("  workers  " + "".join(f"{b:>22}" for b in backends))
    rows = max(len(v) for v in r["results"].values())
    for i in range(rows):
        cells = []
        for b in backends:
            res = r["results"][b][i]
            base = r["results"][b][0]["records_per_hour"]
            cells.append(f"{res['records_per_hour']:9.0f} (×{res['records_per_hour'] / base:4.2f})")
        workers = r["results"][backends[0]][i]["workers"]
        print(f"  {workers:>7}  " + "".join(f"{c:>22}" for c in cells))
    for b in backends:
        for res in r["results"][b]:
            if res["keyed_twice"] or res["deregistered"] != res["records"] or res["other_states"]:
                print(f"  ✗ {b} × {res['workers']}: deregistered {res['deregistered']}/{res['records']}, "
                      f"twice {res['keyed_twice']}, other states {res['other_states']}")  # fmt: skip
    print(f"  files: {r['workdir']}")


def healthy(r: dict) -> bool:
    return all(
        not res["keyed_twice"] and res["deregistered"] == res["records"] and not res["other_states"]
        and res["max_concurrent_sessions"] <= res["workers"]
        for results in r["results"].values()
        for res in results
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=60, help="records per run (default 60)")
    parser.add_argument("--workers", default="1,2,3", help="worker counts to run (default 1,2,3)")
    parser.add_argument("--backends", default="postgresql,sqlite", help="ledger backends (default both)")
    parser.add_argument("--seed", type=int, default=1400, help="which vehicles are sampled")
    parser.add_argument("--workdir", help="keep everything here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    result = run(args)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if healthy(result) else 1


if __name__ == "__main__":
    sys.exit(main())
