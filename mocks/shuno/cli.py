"""Command line of the mock client: database, register size, seed, faults, ready file."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from daiko.mocks.shuno.faults import ENV_VAR, FaultConfig, FaultSyntaxError

PASSWORD_ENV = "SHUNO_PASSWORD"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m daiko.mocks.shuno", description="模擬 収納管理システム（デスクトップ）")
    p.add_argument("--db", type=Path, required=True, help="the client's own SQLite database (created if missing)")
    p.add_argument("--seed", type=int, default=42, help="register and fault draws are reproducible from it")
    p.add_argument("--records", type=int, default=2000, help="taxpayers in a new register")
    p.add_argument("--fault", action="append", default=[], help=f"fault injection, e.g. slow=0.2:2 (or {ENV_VAR})")
    p.add_argument("--ready-file", type=Path, help="written (pid, window ids) once the login window is up")
    p.add_argument("--export-dir", type=Path, help="default folder of the CSV extract")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        faults = FaultConfig.parse(args.fault) if args.fault else FaultConfig.from_env()
    except FaultSyntaxError as exc:
        print(f"shuno: {exc}", flush=True)
        return 2
    if not os.environ.get("DISPLAY"):
        print("shuno: 環境変数 DISPLAY が設定されていません（X または Xvfb の画面で起動してください）。", flush=True)
        return 2
    from daiko.mocks.shuno.app import run
    from daiko.mocks.shuno.store import Store, bank_master

    args.db.parent.mkdir(parents=True, exist_ok=True)
    store = Store(args.db)
    bank_master("0000")  # load the 全銀 master at start-up, as the client loads its masters
    password = os.environ.get(PASSWORD_ENV)
    generated = store.seed(args.seed, args.records, password)
    if generated:
        print(f"デモ利用者: rpa01 / {generated}（rpa02, shokuin01 も同じ）", flush=True)
    faults_text = ", ".join(faults.to_specs()) or "なし"
    print(f"収納管理システム（模擬） pid={os.getpid()}  DB={args.db}  障害注入={faults_text}", flush=True)
    run(store, faults, args.seed, ready_file=args.ready_file, export_dir=args.export_dir or args.db.parent)
    return 0
