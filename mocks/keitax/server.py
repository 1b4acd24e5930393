"""Start the mock: ``serve(...)`` for code, ``main(argv)`` for ``python -m daiko.mocks.keitax``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from daiko.mocks.keitax.faults import ENV_VAR, FaultConfig, FaultSyntaxError

PASSWORD_ENV = "KEITAX_PASSWORD"
IDLE_ENV = "KEITAX_IDLE_TIMEOUT"


def serve(
    host: str,
    port: int,
    db_path: Path | str,
    seed: int = 42,
    records: int = 3000,
    faults: FaultConfig | None = None,
    *,
    idle_timeout: float = 900.0,
    lock_timeout: float | None = None,
    password: str | None = None,
    sessions_per_user: int = 1,
) -> None:
    """Run the 軽自動車税システム until interrupted (blocks).

    ``faults`` defaults to ``KEITAX_FAULTS`` (none when unset). ``password`` (else
    ``KEITAX_PASSWORD``) becomes the demo accounts' password; without either, a generated one is
    kept in the mock's database (table ``demo_credentials``) and printed.
    """
    import uvicorn

    from daiko.mocks.keitax.app import Settings, create_app

    settings = Settings(
        db_path=Path(db_path),
        seed=seed,
        records=records,
        faults=faults if faults is not None else FaultConfig.from_env(),
        idle_timeout=idle_timeout,
        lock_timeout=lock_timeout,
        sessions_per_user=sessions_per_user,
    )
    app = create_app(settings, password=password if password is not None else os.environ.get(PASSWORD_ENV))
    faults_text = ", ".join(settings.faults.to_specs()) or "なし"
    print(
        f"軽自動車税システム（模擬） http://{host}:{port}/  DB={settings.db_path}  障害注入={faults_text}", flush=True
    )
    if app.state.demo_password and password is None and PASSWORD_ENV not in os.environ:
        print(f"デモ利用者: rpa01 / {app.state.demo_password}（rpa02, shokuin01, shokuin02 も同じ）", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m daiko.mocks.keitax",
        description="模擬 軽自動車税システム (mock light-vehicle tax system) for RPA tests and demos.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--db", required=True, type=Path, help="the mock's own SQLite file (created and seeded if new)")
    parser.add_argument("--seed", type=int, default=42, help="seed for the fake register and the fault draws")
    parser.add_argument("--records", type=int, default=3000, help="vehicles to seed into a new database")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="http500=P, commit500=P[:after|before], slow=P:SECONDS, expire_every=N, lock=P, layout=v2, "
        "down_after_commit=N, slow_after_commit=SECONDS[:N], kill_after_commit=PIDFILE[:EVERY] "
        f"(repeatable; also read from {ENV_VAR}, comma-separated)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=float(os.environ.get(IDLE_ENV, "900")),
        help="seconds of inactivity before a session expires",
    )
    parser.add_argument("--lock-timeout", type=float, default=None, help="seconds before a 更新ロック is stale")
    parser.add_argument(
        "--sessions-per-user",
        type=int,
        default=1,
        help="sessions one user may hold at once; a login beyond that ends the oldest (0: any number)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        faults = FaultConfig.parse([os.environ.get(ENV_VAR, ""), *args.fault])
    except FaultSyntaxError as exc:
        parser.error(str(exc))
    serve(
        args.host,
        args.port,
        args.db,
        seed=args.seed,
        records=args.records,
        faults=faults,
        idle_timeout=args.idle_timeout,
        lock_timeout=args.lock_timeout,
        sessions_per_user=args.sessions_per_user,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
