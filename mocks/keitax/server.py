"""Start the mock: ``serve(...)`` for code, ``main(argv)`` for ``python -m daiko.mocks.keitax``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from daiko.mocks.keitax.faults import ENV_VAR, FaultConfig, FaultSyntaxError

# One name for the password on both sides: the mock sets its accounts from it, and the shipped
# robots.yaml's robot reads the same variable (password_env: DAIKO_KEITAX_PASSWORD).
PASSWORD_ENV = "DAIKO_KEITAX_PASSWORD"
OLD_PASSWORD_ENV = "KEITAX_PASSWORD"  # the name used before; no longer read (said so at start)
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
    ``DAIKO_KEITAX_PASSWORD``, the variable the robot reads too) becomes the demo accounts'
    password; without either, a generated one is kept in the mock's database (table
    ``demo_credentials``). Every start says which password is in force.
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
    from_env = os.environ.get(PASSWORD_ENV) or None
    app = create_app(settings, password=password if password is not None else from_env)
    faults_text = ", ".join(settings.faults.to_specs()) or "なし"
    print(
        f"軽自動車税システム（模擬） http://{host}:{port}/  DB={settings.db_path}  障害注入={faults_text}", flush=True
    )
    print(password_notice(app.state.demo_password, given=password is not None, from_env=from_env), flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def password_notice(in_force: str, *, given: bool, from_env: str | None) -> str:
    """What the operator needs to log in (and to give the robot), on every start — a restart on
    existing data included. Never the value of the environment variable: it is the operator's."""
    users = "rpa01（rpa02, shokuin01, shokuin02 も同じ）"
    old = ""
    if os.environ.get(OLD_PASSWORD_ENV) and not from_env:
        old = f"\n注意: 環境変数 {OLD_PASSWORD_ENV} は使われなくなりました。{PASSWORD_ENV} に設定してください。"
    if given:
        return f"デモ利用者: {users} のパスワードは起動時に指定された値です。" + old
    if from_env:
        return (
            f"デモ利用者: {users} のパスワードは環境変数 {PASSWORD_ENV} の値です"
            "（ロボットも robots.yaml の password_env で同じ変数を読みます）。"
        )
    if in_force:
        return (
            f"デモ利用者: {users} / パスワード {in_force}\n"
            f"ロボットには同じ値を環境変数 {PASSWORD_ENV} で渡してください"
            f"（例: export {PASSWORD_ENV}='{in_force}'）。" + old
        )
    return (
        f"デモ利用者: {users} のパスワードは、このデータベースを以前 {PASSWORD_ENV} を設定して起動したときの値です"
        f"（データベースには保存していません）。その値を {PASSWORD_ENV} に設定して起動し直すか、"
        "新しい --db で起動してください。" + old
    )


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
