"""`daiko demo`: the main job end to end on embedded defaults, narrated.

Mock 軽自動車税システム up → sample 廃車申告書 scans and a J-LIS 廃車情報 CSV dropped into the
robot's inbox → the robot reads, checks and keys them → 突合 list from the system's extract →
the weekly savings report. Everything lives under one folder that is wiped at the start, so the
demo gives the same story every time.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path

from rich.console import Console
from rich.table import Table

from daiko.paths import DEFAULT_CONFIG

JST = dt.timezone(dt.timedelta(hours=9))
PASSWORD_ENV = "DAIKO_KEITAX_PASSWORD"
FOLDER_JA = {
    "done": "done/（入力完了）",
    "review": "review/（要確認）",
    "failed": "failed/（エラー）",
    "processing": "processing/",
}


def _demo_config(workdir: Path, base_url: str) -> Path:
    """The shipped robots.yaml, pointed at the demo's folder and mock system."""
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["defaults"]["data_dir"] = str(workdir / "data")
    data["defaults"]["ledger_url"] = None
    data["targets"]["keitax"]["base_url"] = base_url
    data["targets"]["keitax"]["password_env"] = PASSWORD_ENV
    path = workdir / "robots.yaml"
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return path


def _scans(inbox: Path, vehicles: list, strangers: list, today: dt.date, console: Console) -> int:
    """廃車申告書 for real register entries: printed and handwriting-style, scanned as PDF.

    Most are filled in by the vehicle's owner, as the register knows them (names in everyday
    characters, addresses as people write them). One in six names another owner than the
    register holds for that plate — the robot must notice and leave it to a person.
    """
    from daiko.forms.synth import make_page, save_pages
    from daiko.forms.synth.fakes import declaration_for

    rng = random.Random(7)
    wrong = 0
    for i, vehicle in enumerate(vehicles):
        kind = "handwriting" if i % 3 == 2 else "printed"
        deregistered = max(vehicle.registered_on, today - dt.timedelta(days=rng.randint(2, 20)))
        declared = min(today, deregistered + dt.timedelta(days=rng.randint(0, 5)))
        reference = f"R{today.year - 2018:02d}-{9000 + i:05d}"
        values = declaration_for(rng, vehicle, reference=reference, deregistered=deregistered, declared=declared)
        if i % 6 == 4 and strangers:  # someone else's name on this vehicle's plate
            other = strangers[i % len(strangers)]
            values.update(
                {k: v for k, v in declaration_for(rng, other, reference=reference, deregistered=deregistered,
                                                  declared=declared).items() if k.startswith("owner_")}
            )  # fmt: skip
            wrong += 1
        page = make_page("keitax_haisha", seed=100 + i, kind=kind, today=today, values=values)
        save_pages([page.image], inbox / f"scan_{today:%Y%m%d}_{i + 1:03d}.pdf", dpi=page.dpi)
    console.print(
        f"  {len(vehicles)} 件の廃車申告書をスキャン（印字 {len(vehicles) - len(vehicles) // 3}、手書き風 {len(vehicles) // 3}"
        f"、うち {wrong} 件は登録と異なる所有者 — ロボットは入力せず確認へ回します）"
    )
    return len(vehicles)


def run_demo(workdir: Path, *, n_scans: int = 6, console: Console | None = None) -> int:
    from daiko.mocks.keitax.process import start_keitax
    from daiko.reports.output import write_report_files
    from daiko.reports.period import Period
    from daiko.robots.config import load_runtime_config
    from daiko.robots.reconcile import run_reconcile
    from daiko.robots.runner import run_robot

    console = console or Console()
    today = dt.datetime.now(JST).date()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    console.rule("[bold]daiko demo — 軽自動車 廃車登録")
    console.print("1. 模擬 軽自動車税システム を起動しています…")
    with start_keitax(workdir / "keitax", records=2000) as keitax:
        os.environ[PASSWORD_ENV] = keitax.password  # the robot reads it from the environment only
        config_path = _demo_config(workdir, keitax.url)
        cfg = load_runtime_config(config_path)
        robot = cfg.robot("haisha")
        inbox = cfg.inbox(robot)
        inbox.mkdir(parents=True, exist_ok=True)
        console.print(f"   {keitax.url}（職員用ログイン: {keitax.user} / パスワードは環境変数 {PASSWORD_ENV}）")

        console.print(f"2. 受付フォルダ {inbox} に書類を置きます")
        vehicles = keitax.sample_vehicles(n_scans + 6, unique_plate=True, seed=today.toordinal())
        _scans(inbox, vehicles[:n_scans], vehicles[n_scans + 4 :], today, console)
        from daiko.forms.synth.jlis import generate_jlis_csv

        generate_jlis_csv(
            inbox / f"jlis_haisha_{today:%Y%m%d}.csv",
            vehicles[n_scans : n_scans + 4],
            seed=1,
            processed_on=today,
            bad_rows=1,
        )
        console.print("  J-LIS 廃車情報 CSV 1 件（4 行 + 不正な行 1）")
        shutil.copy(next(inbox.glob("scan_*.pdf")), inbox / "scan_duplicate.pdf")
        console.print("  同じスキャンをもう一度（重複は二重に処理されないことを確認）")

        console.print("3. ロボットを実行します（AI-OCR → 確認 → 入力 → 確認票PDF）")
        summary = run_robot(cfg, "haisha", trigger="demo", progress=True, settle_seconds=0)
        console.print("   " + summary.describe())
        _files_table(inbox, console)

        console.print("4. 基幹システムの EUC データと突合します")
        reconcile_path, lines = run_reconcile(cfg, "haisha", today, today)
        verdicts: dict[str, int] = {}
        for line in lines:
            verdicts[line.verdict] = verdicts.get(line.verdict, 0) + 1
        console.print("   " + "、".join(f"{k} {v} 件" for k, v in verdicts.items()))

    console.print("5. 週次の削減効果レポートを作成します")
    files = write_report_files(load_runtime_config(config_path), Period.week_to_date(today))
    console.print(f"   {files.report.headline}")

    console.rule("[bold]できあがったもの")
    console.print(f"受付フォルダ     {inbox}")
    console.print(f"証跡（確認票PDF・失敗時のスクリーンショットとトレース） {cfg.data_dir / 'evidence' / 'haisha'}")
    console.print(f"突合リスト       {reconcile_path}")
    console.print(f"削減効果レポート {files.workbook}")
    console.print(f"                 {files.csv}")
    console.print(f"台帳データベース {cfg.ledger_url_display}")
    if summary.review:
        console.print(
            f"[yellow]要確認 {summary.review} 件[/]: 確認画面で確認してください → "
            f"daiko console --config {config_path}（ユーザー作成: daiko console user add）"
        )
    return 0


def _files_table(inbox: Path, console: Console) -> None:
    """What staff see in Explorer: each dropped file in exactly one folder, reasons beside failures."""
    table = Table(title="ファイルの行き先（受付フォルダ）")
    table.add_column("ファイル")
    table.add_column("フォルダ")
    table.add_column("理由")
    for path in sorted(p for p in inbox.rglob("*") if p.is_file() and not p.name.endswith(".reason.txt")):
        folder = path.relative_to(inbox).parts[0]
        reason_file = path.with_name(path.name + ".reason.txt")
        reason = reason_file.read_text(encoding="utf-8").strip() if reason_file.exists() else ""
        table.add_row(path.name, FOLDER_JA.get(folder, folder), reason)
    console.print(table)
