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
from daiko.paths import DEFAULT_CONFIG

app = typer.Typer(
    name="daiko",
    help="daiko (代行): AI-OCR で読み取った申請書を、ロボットが基幹システムへ入力します。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
mock_app = typer.Typer(help="Mock core systems (the systems under automation), for demos and tests.")
app.add_typer(mock_app, name="mock")
app.add_typer(survey_app, name="survey")

console = Console()
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path,
    typer.Option("--config", "-c", envvar="DAIKO_CONFIG", help="robots.yaml to use.", show_default=True),
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


def _print_problems(exc) -> None:
    err.print(f"[bold red]{exc.filename}: {len(exc.problems)} problem(s)[/]")
    for problem in exc.problems:
        err.print(f"  {problem.render(exc.filename)}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def validate(
    file: Annotated[Path | None, typer.Argument(help="robots.yaml to check (default: --config).")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json", help="Problems as JSON.")] = False,
) -> None:
    """Check robots.yaml: every mistake with its line, column and a plain fix."""
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
            f"[green]✓[/] {path}: OK — {len(cfg.robots)} robot(s), {len(cfg.targets)} target system(s), "
            f"ledger {cfg.ledger_url_display} ({cfg.ledger_source})",
            soft_wrap=True,
        )


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Where the demo keeps its data.")] = Path("demo-data"),
    items: Annotated[int, typer.Option(help="Number of sample scans to generate.")] = 6,
) -> None:
    """The main job end to end on embedded defaults: sample scans in, robot keys them, report out."""
    from daiko.cli.demo import run_demo

    raise typer.Exit(run_demo(workdir.resolve(), n_scans=items, console=console))


@app.command()
def run(
    robot: Annotated[str, typer.Argument(help="Robot id from robots.yaml.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    trial: Annotated[bool, typer.Option("--trial", help="試行: stop before the final 登録 button.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Summary as JSON.")] = False,
) -> None:
    """Run one robot once, now, in the foreground: take in its inbox, read, key, report."""
    from daiko.robots.runner import run_robot

    cfg = load(config)
    summary = run_robot(cfg, robot, trigger="manual", trial=trial, progress=not as_json)
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        console.print(summary.describe())
    raise typer.Exit(0 if summary.ok else 1)


@app.command()
def retry(
    items: Annotated[list[int] | None, typer.Argument(help="Item numbers (No.) to retry.")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    robot: Annotated[str | None, typer.Option("--robot", help="Robot id, with --failed.")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Every failed item of --robot.")] = False,
) -> None:
    """Hand failed items back to their robot (入力待ち again, attempts from zero), audited.

    Their files leave failed/ for processing/; the robot keys them on its next run (asking the
    core system first, as always)."""
    import getpass

    from daiko.ledger import Ledger
    from daiko.robots import workitems

    cfg = load(config)
    ledger = Ledger(cfg.ledger_url)
    if failed:
        if not robot:
            err.print("--failed には --robot ROBOT を指定してください")
            raise typer.Exit(2)
        cfg.robot(robot)  # an unknown robot id is a mistake, not "nothing to do"
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


@app.command()
def schedule(
    config: ConfigOpt = DEFAULT_CONFIG,
    list_: Annotated[bool, typer.Option("--list", help="Show each robot's next 5 run times and exit.")] = False,
) -> None:
    """The unattended service: robots on their schedules, inbox folders watched."""
    from daiko.schedules.service import list_next_runs, serve

    path = config_path(config)
    cfg = load(path)
    if list_:
        list_next_runs(cfg, console=console)
        return
    raise typer.Exit(serve(path))


@app.command()
def reconcile(
    robot: Annotated[str, typer.Argument(help="Robot id from robots.yaml.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    from_: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: today).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: --from).")] = None,
    out: Annotated[Path | None, typer.Option(help="Workbook to write.")] = None,
) -> None:
    """突合: compare what the robot keyed with the core system's EUC extract (Excel list)."""
    import datetime as dt
    import zoneinfo

    from daiko.robots.reconcile import run_reconcile

    cfg = load(config)
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


@app.command()
def purge(
    robot: Annotated[str | None, typer.Argument(help="Robot id (default: every robot).")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be deleted.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Counts as JSON.")] = False,
) -> None:
    """保存期間（robots.yaml の retention_days）を過ぎた原本スキャンとページ画像を削除します（監査記録あり）。"""
    from daiko.ledger import Ledger
    from daiko.robots.retention import purge_all

    cfg = load(config)
    try:
        results = purge_all(Ledger(cfg.ledger_url), cfg, robot_id=robot, dry_run=dry_run)
    except KeyError as exc:
        err.print(str(exc).strip("'\""))
        raise typer.Exit(2) from None
    if as_json:
        rows = [r.__dict__ | {"cutoff": r.cutoff.isoformat() if r.cutoff else None} for r in results]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for result in results:
            console.print(result.describe(cfg.defaults.timezone), soft_wrap=True)


@app.command()
def ocr(
    file: Annotated[Path, typer.Argument(help="Scan to read: PDF, TIFF, JPEG or PNG.")],
    form: Annotated[str | None, typer.Option(help="Form definition name; default: recognise it.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Fields as JSON.")] = False,
    annotate: Annotated[Path | None, typer.Option(help="Save an annotated image of zones and values.")] = None,
) -> None:
    """Read a scan: each field's value, confidence and decision (accept / review)."""
    from daiko.forms.cli_view import ocr_command

    raise typer.Exit(ocr_command(file, form, as_json, annotate))


@mock_app.command("keitax")
def mock_keitax(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8765,
    db: Annotated[Path, typer.Option(help="The mock's own database file.")] = Path("data/mock-keitax.sqlite3"),
    seed: Annotated[int, typer.Option()] = 42,
    records: Annotated[int, typer.Option()] = 3000,
    fault: Annotated[list[str] | None, typer.Option(help="Fault injection, e.g. http500=0.2")] = None,
) -> None:
    """Start the mock 軽自動車税システム (a real web app in Japanese)."""
    from daiko.mocks.keitax.__main__ import main as keitax_main

    argv = ["--host", host, "--port", str(port), "--db", str(db), "--seed", str(seed), "--records", str(records)]
    for f in fault or []:
        argv += ["--fault", f]
    raise typer.Exit(keitax_main(argv) or 0)


@mock_app.command("shuno")
def mock_shuno(
    db: Annotated[Path, typer.Option(help="The client's own database file.")] = Path("data/mock-shuno.sqlite3"),
    seed: Annotated[int, typer.Option()] = 42,
    records: Annotated[int, typer.Option(help="Taxpayers in a new register.")] = 2000,
    fault: Annotated[list[str] | None, typer.Option(help="Fault injection, e.g. slow=0.2:2 or popup=0.1")] = None,
) -> None:
    """Start the mock 収納管理システム (a desktop client; needs DISPLAY, e.g. under Xvfb)."""
    from daiko.mocks.shuno.cli import main as shuno_main

    argv = ["--db", str(db), "--seed", str(seed), "--records", str(records)]
    for f in fault or []:
        argv += ["--fault", f]
    raise typer.Exit(shuno_main(argv) or 0)


@app.command()
def report(
    config: ConfigOpt = DEFAULT_CONFIG,
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W47 (default: last week).")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    out: Annotated[Path | None, typer.Option(help="Workbook to write (default: reports folder).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Headline figures as JSON.")] = False,
) -> None:
    """Write the weekly savings report (Excel + CSV): net hours saved against the 年度 target."""
    from daiko.reports.command import report_command

    cfg = load(config)
    raise typer.Exit(report_command(cfg, week=week, date_from=from_, date_to=to, out=out, as_json=as_json))


db_app = typer.Typer(help="The ledger database (SQLite, or PostgreSQL shared by several robot PCs).")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Create or upgrade the ledger's tables to this daiko's newest schema (safe to repeat)."""
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


@db_app.command("current")
def db_current(
    config: ConfigOpt = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json", help="As JSON.")] = False,
) -> None:
    """Show the ledger's schema revision without changing anything; exit 1 when it is not the newest."""
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


console_app = typer.Typer(help="The review console for staff (browser): check what the OCR is unsure of.")
app.add_typer(console_app, name="console")


@console_app.callback(invoke_without_command=True)
def console_serve(
    ctx: typer.Context,
    config: ConfigOpt = DEFAULT_CONFIG,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8800,
) -> None:
    """Serve the review console (sub-commands manage its users)."""
    ctx.obj = config
    if ctx.invoked_subcommand is not None:
        return
    from daiko.console.server import serve_console

    cfg = load(config)
    raise typer.Exit(serve_console(cfg, host=host, port=port))


user_app = typer.Typer(help="Console accounts.")
console_app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="staff (職員) / admin (管理者) / manager (管理職).")] = "staff",
    section: Annotated[str | None, typer.Option(help="課, for staff: whose items they review.")] = None,
    display_name: Annotated[str | None, typer.Option(help="表示名.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Create a console user (asks for the password; never pass it as an argument)."""
    from daiko.console.users import add_user_command

    cfg = load(ctx.obj or DEFAULT_CONFIG)
    raise typer.Exit(add_user_command(cfg, name, role, section, display_name, password_stdin))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
