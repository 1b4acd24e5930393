"""The `daiko` command. Each sub-command is a thin shell over one layer, imported lazily so
`daiko --help` answers at once on a robot PC."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from daiko.cli.survey import survey_app
from daiko.i18n import language, tr
from daiko.paths import DEFAULT_CONFIG


def _japanese_help_frame() -> None:
    """Click's and Typer's own words around our help texts (panel titles, usage errors) in
    Japanese too, when the user reads Japanese."""
    if language() != "ja":
        return
    from daiko.cli import click_ja

    click_ja.install()


_japanese_help_frame()

app = typer.Typer(
    name="daiko",
    help=tr(
        "daiko（代行）: AI-OCR で読み取った申請書を、ロボットが基幹システムへ入力します。",
        "daiko (代行): forms read by AI-OCR, keyed into the core systems by robots. Set DAIKO_LANG=ja for Japanese.",
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
mock_app = typer.Typer(
    help=tr(
        "模擬の基幹システム（自動化の対象）: デモと試験用。",
        "Mock core systems (the systems under automation), for demos and tests.",
    )
)
app.add_typer(mock_app, name="mock")
app.add_typer(survey_app, name="survey")

console = Console()
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path,
    typer.Option(
        "--config", "-c", envvar="DAIKO_CONFIG", help=tr("使う robots.yaml。", "robots.yaml to use."), show_default=True
    ),
]


def config_path(path: Path | None) -> Path:
    return path or Path(os.environ.get("DAIKO_CONFIG", DEFAULT_CONFIG))


def load(path: Path):
    """Load robots.yaml or exit 1 with every problem listed (the same output as `validate`)."""
    from daiko.config import ConfigError
    from daiko.robots.config import load_runtime_config

    try:
        return load_runtime_config(path)
    except ConfigError as exc:
        _print_problems(exc)
        raise typer.Exit(1) from None


def robot_of(cfg, robot_id: str):
    """The robot by id, or exit 2 naming the ones robots.yaml has (never a traceback)."""
    try:
        return cfg.robot(robot_id)
    except KeyError as exc:
        err.print(str(exc).strip("'\""), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _print_problems(exc) -> None:
    err.print(
        f"[bold red]{exc.filename}: "
        + tr(f"問題が {len(exc.problems)} 件あります", f"{len(exc.problems)} problem(s)")
        + "[/]"
    )
    for problem in exc.problems:
        err.print(f"  {problem.render(exc.filename)}", markup=False, highlight=False, soft_wrap=True)


@app.command(
    help=tr(
        "robots.yaml を確認します: 誤りをすべて、行・列と直し方つきで表示します。",
        "Check robots.yaml: every mistake with its line, column and a plain fix.",
    )
)
def validate(
    file: Annotated[
        Path | None,
        typer.Argument(
            help=tr("確認する robots.yaml（既定: --config）。", "robots.yaml to check (default: --config).")
        ),
    ] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    as_json: Annotated[
        bool, typer.Option("--json", help=tr("問題を JSON で出力します。", "Problems as JSON."))
    ] = False,
) -> None:
    from daiko.config import ConfigError
    from daiko.robots.config import load_runtime_config

    path = file or config
    try:
        cfg = load_runtime_config(path, setup_logs=False)
    except ConfigError as exc:
        if as_json:
            print(json.dumps([p.__dict__ for p in exc.problems], ensure_ascii=False, indent=2))
        else:
            _print_problems(exc)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps([], ensure_ascii=False))
    else:
        console.print(
            f"[green]✓[/] {path}: "
            + tr(
                f"問題ありません — ロボット {len(cfg.robots)} 台、基幹システム {len(cfg.targets)} 件、"
                f"台帳 {cfg.ledger_url_display}（{cfg.ledger_source}）",
                f"OK — {len(cfg.robots)} robot(s), {len(cfg.targets)} target system(s), "
                f"ledger {cfg.ledger_url_display} ({cfg.ledger_source})",
            ),
            soft_wrap=True,
        )


@app.command(
    help=tr(
        "主な業務を最初から最後まで: サンプルのスキャンを置き、ロボットが入力し、突合リストとレポートを作ります。",
        "The main job end to end on embedded defaults: sample scans in, robot keys them, report out.",
    )
)
def demo(
    workdir: Annotated[
        Path, typer.Option(help=tr("デモのデータを置くフォルダ。", "Where the demo keeps its data."))
    ] = Path("demo-data"),
    items: Annotated[
        int, typer.Option(help=tr("作るサンプルスキャンの枚数。", "Number of sample scans to generate."))
    ] = 6,
    robot: Annotated[
        list[str] | None,
        typer.Option(
            help=tr(
                "見せるロボット: haisha（Web）か kouza（デスクトップ）。両方なら繰り返すか省略。",
                "Which robot to show: haisha (web) or kouza (desktop); repeat for both (default: both).",
            )
        ),
    ] = None,
) -> None:
    from daiko.cli.demo import ROBOTS, run_demo

    raise typer.Exit(run_demo(workdir.resolve(), n_scans=items, console=console, robots=tuple(robot or ROBOTS)))


@app.command(
    help=tr(
        "ロボットを今すぐ 1 回、前面で実行します: 受付フォルダの取り込み・読み取り・入力・結果表示。",
        "Run one robot once, now, in the foreground: take in its inbox, read, key, report.",
    )
)
def run(
    robot: Annotated[str, typer.Argument(help=tr("robots.yaml のロボット id。", "Robot id from robots.yaml."))],
    config: ConfigOpt = DEFAULT_CONFIG,
    trial: Annotated[
        bool,
        typer.Option(
            "--trial", help=tr("試行: 最後の登録ボタンの手前で止めます。", "試行: stop before the final 登録 button.")
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=tr("結果を JSON で出力します。", "Summary as JSON."))] = False,
) -> None:
    from daiko.robots.runner import run_robot

    cfg = load(config)
    robot_of(cfg, robot)
    summary = run_robot(cfg, robot, trigger="manual", trial=trial, progress=not as_json)
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        console.print(summary.describe())
    raise typer.Exit(0 if summary.ok else 1)


@app.command(
    help=tr(
        "エラーの案件をロボットに戻します（入力待ちに戻し、試行回数は 0 から。監査記録あり）。"
        "ファイルは failed/ から processing/ へ移り、次の実行で（いつもどおり基幹システムに確認してから）入力されます。",
        "Hand failed items back to their robot (入力待ち again, attempts from zero), audited. "
        "Their files leave failed/ for processing/; the robot keys them on its next run "
        "(asking the core system first, as always).",
    )
)
def retry(
    items: Annotated[
        list[int] | None, typer.Argument(help=tr("再試行する案件の番号（No.）。", "Item numbers (No.) to retry."))
    ] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    robot: Annotated[
        str | None, typer.Option("--robot", help=tr("ロボット id（--failed と一緒に）。", "Robot id, with --failed."))
    ] = None,
    failed: Annotated[
        bool, typer.Option("--failed", help=tr("--robot のエラーの案件すべて。", "Every failed item of --robot."))
    ] = False,
) -> None:
    import getpass

    from daiko.ledger import Ledger
    from daiko.robots import workitems

    cfg = load(config)
    ledger = Ledger(cfg.ledger_url)
    if failed:
        if not robot:
            err.print("--failed には --robot ROBOT を指定してください")
            raise typer.Exit(2)
        robot_of(cfg, robot)  # an unknown robot id is a mistake, not "nothing to do"
        ids = [*(items or []), *workitems.failed_items(ledger, robot)]
    else:
        ids = list(items or [])
    if not ids:
        console.print("再試行する案件はありません")
        return
    try:
        done = workitems.retry(ledger, ids, f"cli:{getpass.getuser()}")
    except workitems.NotRetryable as exc:
        err.print(f"[red]{exc}[/]（何も変更していません）")
        raise typer.Exit(1) from None
    console.print(f"{len(done)} 件を入力待ちに戻しました: " + "、".join(f"No.{i}" for i in done))


@app.command(
    help=tr(
        "無人運転のサービス: ロボットを予定どおりに動かし、受付フォルダを監視します。",
        "The unattended service: robots on their schedules, inbox folders watched.",
    )
)
def schedule(
    config: ConfigOpt = DEFAULT_CONFIG,
    list_: Annotated[
        bool,
        typer.Option(
            "--list",
            help=tr(
                "各ロボットの次の実行予定 5 回を表示して終わります。", "Show each robot's next 5 run times and exit."
            ),
        ),
    ] = False,
) -> None:
    from daiko.schedules.service import list_next_runs, serve

    path = config_path(config)
    cfg = load(path)
    if list_:
        list_next_runs(cfg, console=console)
        return
    raise typer.Exit(serve(path))


@app.command(
    help=tr(
        "突合: ロボットが入力した内容と基幹システムの EUC データを比べ、一覧（Excel）にします。",
        "突合: compare what the robot keyed with the core system's EUC extract (Excel list).",
    )
)
def reconcile(
    robot: Annotated[str, typer.Argument(help=tr("robots.yaml のロボット id。", "Robot id from robots.yaml."))],
    config: ConfigOpt = DEFAULT_CONFIG,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from", help=tr("最初の日 YYYY-MM-DD（既定: 今日）。", "First day, YYYY-MM-DD (default: today).")
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help=tr("最後の日 YYYY-MM-DD（既定: --from）。", "Last day, YYYY-MM-DD (default: --from).")
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help=tr("書き出す Excel ファイル。", "Workbook to write."))] = None,
) -> None:
    import datetime as dt
    import zoneinfo

    from daiko.robots.reconcile import run_reconcile

    cfg = load(config)
    robot_of(cfg, robot)
    try:
        today = dt.datetime.now(zoneinfo.ZoneInfo(cfg.defaults.timezone)).date()  # the configured zone's today
        first = dt.date.fromisoformat(from_) if from_ else today
        last = dt.date.fromisoformat(to) if to else first
    except ValueError as exc:
        err.print(f"日付は YYYY-MM-DD で指定してください: {exc}")
        raise typer.Exit(2) from None
    path, lines = run_reconcile(cfg, robot, first, last, out)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.verdict] = counts.get(line.verdict, 0) + 1
    console.print(f"{path}: " + ("、".join(f"{k} {v} 件" for k, v in counts.items()) or "対象なし"), soft_wrap=True)


@app.command(
    help=tr(
        "保存期間（robots.yaml の retention_days）を過ぎた原本スキャンとページ画像を削除します（監査記録あり）。",
        "Delete scans and page images past their robot's retention_days (audited).",
    )
)
def purge(
    robot: Annotated[
        str | None, typer.Argument(help=tr("ロボット id（既定: すべて）。", "Robot id (default: every robot)."))
    ] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=tr("削除せず、件数だけ数えます。", "Only count what would be deleted."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=tr("件数を JSON で出力します。", "Counts as JSON."))] = False,
) -> None:
    from daiko.ledger import Ledger
    from daiko.robots.retention import purge_all

    cfg = load(config)
    try:
        results = purge_all(Ledger(cfg.ledger_url), cfg, robot_id=robot, dry_run=dry_run)
    except KeyError as exc:
        err.print(str(exc).strip("'\""))
        raise typer.Exit(2) from None
    if as_json:
        from daiko.localtime import local_time

        zone = cfg.defaults.timezone  # the configured zone, as every time a person reads
        rows = [r.__dict__ | {"cutoff": local_time(r.cutoff, zone).isoformat() if r.cutoff else None} for r in results]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for result in results:
            console.print(result.describe(cfg.defaults.timezone), soft_wrap=True)


@app.command(
    help=tr(
        "スキャンを 1 枚読み取ります: 各項目の値・確からしさ・判定（受理 / 要確認）。",
        "Read a scan: each field's value, confidence and decision (accept / review).",
    )
)
def ocr(
    file: Annotated[
        Path,
        typer.Argument(help=tr("読み取るスキャン: PDF・TIFF・JPEG・PNG。", "Scan to read: PDF, TIFF, JPEG or PNG.")),
    ],
    form: Annotated[
        str | None,
        typer.Option(help=tr("様式定義の名前（既定: 自動で判別）。", "Form definition name; default: recognise it.")),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=tr("項目を JSON で出力します。", "Fields as JSON."))] = False,
    annotate: Annotated[
        Path | None,
        typer.Option(
            help=tr("読み取り枠と値を描いた画像を保存します。", "Save an annotated image of zones and values.")
        ),
    ] = None,
) -> None:
    from daiko.forms.cli_view import ocr_command

    raise typer.Exit(ocr_command(file, form, as_json, annotate))


@mock_app.command(
    "keitax",
    help=tr(
        "模擬 軽自動車税システム を起動します（日本語の Web アプリ）。",
        "Start the mock 軽自動車税システム (a real web app in Japanese).",
    ),
)
def mock_keitax(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8765,
    db: Annotated[
        Path, typer.Option(help=tr("模擬システム自身のデータベースファイル。", "The mock's own database file."))
    ] = Path("data/mock-keitax.sqlite3"),
    seed: Annotated[int, typer.Option()] = 42,
    records: Annotated[int, typer.Option()] = 3000,
    fault: Annotated[
        list[str] | None, typer.Option(help=tr("障害の注入（例: http500=0.2）。", "Fault injection, e.g. http500=0.2"))
    ] = None,
) -> None:
    from daiko.mocks.keitax.__main__ import main as keitax_main

    argv = ["--host", host, "--port", str(port), "--db", str(db), "--seed", str(seed), "--records", str(records)]
    for f in fault or []:
        argv += ["--fault", f]
    raise typer.Exit(keitax_main(argv) or 0)


@mock_app.command(
    "shuno",
    help=tr(
        "模擬 収納管理システム を起動します（デスクトップのクライアント。DISPLAY が必要、例: Xvfb）。",
        "Start the mock 収納管理システム (a desktop client; needs DISPLAY, e.g. under Xvfb).",
    ),
)
def mock_shuno(
    db: Annotated[
        Path, typer.Option(help=tr("クライアント自身のデータベースファイル。", "The client's own database file."))
    ] = Path("data/mock-shuno.sqlite3"),
    seed: Annotated[int, typer.Option()] = 42,
    records: Annotated[int, typer.Option(help=tr("新しい台帳の納税者数。", "Taxpayers in a new register."))] = 2000,
    fault: Annotated[
        list[str] | None,
        typer.Option(
            help=tr("障害の注入（例: slow=0.2:2、popup=0.1）。", "Fault injection, e.g. slow=0.2:2 or popup=0.1")
        ),
    ] = None,
) -> None:
    from daiko.mocks.shuno.cli import main as shuno_main

    argv = ["--db", str(db), "--seed", str(seed), "--records", str(records)]
    for f in fault or []:
        argv += ["--fault", f]
    raise typer.Exit(shuno_main(argv) or 0)


@app.command(
    help=tr(
        "週次の削減効果レポート（Excel + CSV）を書き出します: 確認時間を差し引いた削減時間と年度目標。",
        "Write the weekly savings report (Excel + CSV): net hours saved against the 年度 target.",
    )
)
def report(
    config: ConfigOpt = DEFAULT_CONFIG,
    week: Annotated[
        str | None,
        typer.Option(help=tr("ISO 週（例: 2026-W47。既定: 先週）。", "ISO week, e.g. 2026-W47 (default: last week).")),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help=tr("最初の日 YYYY-MM-DD。", "First day, YYYY-MM-DD."))
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help=tr("最後の日 YYYY-MM-DD。", "Last day, YYYY-MM-DD."))] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help=tr(
                "書き出す Excel ファイル（既定: reports フォルダ）。", "Workbook to write (default: reports folder)."
            )
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help=tr("主な数値を JSON で出力します。", "Headline figures as JSON."))
    ] = False,
) -> None:
    from daiko.reports.command import report_command

    cfg = load(config)
    raise typer.Exit(report_command(cfg, week=week, date_from=from_, date_to=to, out=out, as_json=as_json))


db_app = typer.Typer(
    help=tr(
        "台帳データベース（SQLite、または複数のロボット PC で共有する PostgreSQL）。",
        "The ledger database (SQLite, or PostgreSQL shared by several robot PCs).",
    )
)
app.add_typer(db_app, name="db")


@db_app.command(
    "upgrade",
    help=tr(
        "台帳のテーブルを作成、またはこの daiko の最新のスキーマに更新します（繰り返しても安全）。",
        "Create or upgrade the ledger's tables to this daiko's newest schema (safe to repeat).",
    ),
)
def db_upgrade(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    from daiko.ledger.db import upgrade_database

    cfg = load(config)
    before, after = upgrade_database(cfg.ledger_url)
    where = f"{cfg.ledger_url_display} ({cfg.ledger_source})"
    if before == after:
        console.print(f"[green]✓[/] 台帳 {where}: スキーマは最新です（リビジョン {after}）", soft_wrap=True)
    else:
        console.print(
            f"[green]✓[/] 台帳 {where}: リビジョン {before or '（空のデータベース）'} → {after} に更新しました",
            soft_wrap=True,
        )


@db_app.command(
    "current",
    help=tr(
        "台帳のスキーマのリビジョンを表示します（何も変更しません。最新でなければ終了コード 1）。",
        "Show the ledger's schema revision without changing anything; exit 1 when it is not the newest.",
    ),
)
def db_current(
    config: ConfigOpt = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json", help=tr("JSON で出力します。", "As JSON."))] = False,
) -> None:
    from daiko.ledger.db import current_revision, head_revision

    cfg = load(config)
    current, head = current_revision(cfg.ledger_url), head_revision()
    if as_json:
        print(json.dumps({"ledger": cfg.ledger_url_display, "current": current, "head": head}, ensure_ascii=False))
    elif current == head:
        console.print(f"台帳 {cfg.ledger_url_display}: リビジョン {current}（最新）", soft_wrap=True)
    else:
        console.print(
            f"台帳 {cfg.ledger_url_display}: リビジョン {current or '（テーブルなし）'}、最新は {head} — "
            "`daiko db upgrade` を実行してください",
            soft_wrap=True,
        )
    raise typer.Exit(0 if current == head else 1)


console_app = typer.Typer(
    help=tr(
        "職員の確認コンソール（ブラウザ）: AI-OCR が自信のない項目を確認します。サブコマンドで利用者を管理します。",
        "The review console for staff (browser): check what the OCR is unsure of; sub-commands manage its users.",
    )
)
app.add_typer(console_app, name="console")


@console_app.callback(invoke_without_command=True)
def console_serve(
    ctx: typer.Context,
    config: ConfigOpt = DEFAULT_CONFIG,
    host: Annotated[
        str,
        typer.Option(help=tr("待ち受けるアドレス（共有のネットワークでは TLS の後ろに）。", "Address to listen on.")),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=tr("待ち受けるポート。", "Port to listen on."))] = 8800,
) -> None:
    # Serves the review console, or hands the config to a `user` sub-command (help: console_app's).
    ctx.obj = config
    if ctx.invoked_subcommand is not None:
        return
    from daiko.console.server import serve_console

    cfg = load(config)
    raise typer.Exit(serve_console(cfg, host=host, port=port))


user_app = typer.Typer(help=tr("確認コンソールの利用者（アカウント）。", "Console accounts."), no_args_is_help=True)
console_app.add_typer(user_app, name="user")


@user_app.command(
    "add",
    help=tr(
        "利用者を作成します（パスワードは画面で 2 回尋ねます。引数には決して書かないでください。監査記録あり）。",
        "Create a console user (asks for the password; never pass it as an argument), audited.",
    ),
)
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=tr("ログイン名（半角英数字）。", "Login name."))],
    role: Annotated[
        str,
        typer.Option(
            help=tr(
                "職員 (staff) / 管理者 (admin) / 管理職 (manager)。",
                "staff (職員) / admin (管理者) / manager (管理職).",
            )
        ),
    ] = "staff",
    section: Annotated[
        str | None,
        typer.Option(
            help=tr(
                "職員の担当課（robots.yaml のロボットの section）。",
                "課, for staff: whose items they review (a robot's section in robots.yaml).",
            )
        ),
    ] = None,
    display_name: Annotated[str | None, typer.Option(help=tr("表示名。", "Display name (表示名)."))] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help=tr("パスワードを標準入力から読みます。", "Read the password from stdin.")
        ),
    ] = False,
) -> None:
    from daiko.console.users import add_user_command

    cfg = load(ctx.obj or DEFAULT_CONFIG)
    raise typer.Exit(add_user_command(cfg, name, role, section, display_name, password_stdin))


@user_app.command(
    "list",
    help=tr(
        "利用者の一覧（ログイン名・役割・課・状態・最終ログイン）。",
        "Every console user: role, 課, state, last sign-in.",
    ),
)
def user_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=tr("JSON で出力します。", "As JSON."))] = False,
) -> None:
    from daiko.console.users import list_users_command

    cfg = load(ctx.obj or DEFAULT_CONFIG)
    raise typer.Exit(list_users_command(cfg, as_json=as_json))


@user_app.command(
    "reset-password",
    help=tr(
        "パスワードを再設定します（ロック解除・サインイン中の画面を閉じる・監査記録あり）。",
        "Set a new password (lock-out lifted, signed out everywhere), audited.",
    ),
)
def user_reset_password(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=tr("ログイン名。", "Login name."))],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help=tr("パスワードを標準入力から読みます。", "Read it from stdin."))
    ] = False,
) -> None:
    from daiko.console.users import reset_password_command

    cfg = load(ctx.obj or DEFAULT_CONFIG)
    raise typer.Exit(reset_password_command(cfg, name, password_stdin))


@user_app.command(
    "disable",
    help=tr(
        "利用者を無効にします（サインイン中の画面も閉じられます。監査記録あり）。",
        "Disable a user (signed out at once), audited.",
    ),
)
def user_disable(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=tr("ログイン名。", "Login name."))]
) -> None:
    from daiko.console.users import set_active_command

    cfg = load(ctx.obj or DEFAULT_CONFIG)
    raise typer.Exit(set_active_command(cfg, name, False))


@user_app.command(
    "enable", help=tr("無効にした利用者を有効に戻します（監査記録あり）。", "Enable a disabled user again, audited.")
)
def user_enable(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=tr("ログイン名。", "Login name."))]
) -> None:
    from daiko.console.users import set_active_command

    cfg = load(ctx.obj or DEFAULT_CONFIG)
    raise typer.Exit(set_active_command(cfg, name, True))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print(tr("中断しました", "interrupted"))
        sys.exit(130)


if __name__ == "__main__":
    main()
