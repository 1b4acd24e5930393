"""`daiko demo`: the main jobs end to end on embedded defaults, narrated — both robots.

廃車登録 (web): mock 軽自動車税システム up → sample 廃車申告書 scans and a J-LIS 廃車情報 CSV in the
robot's inbox → the robot reads, checks and keys them in Chromium → 突合 list from the extract.

口座振替登録 (desktop): sample 口座振替依頼書 scans and a bank's 口座振替受付データ CSV in the inbox →
the robot starts the 収納管理システム client itself (robots.yaml ``command``) on the display — an
Xvfb of its own when there is none — finds each taxpayer, proves it is them, keys the account with
read-back, registers → 突合 with the client's Shift_JIS extract; a screenshot of the client is kept.

Then the weekly savings report over both. Everything lives under one folder that is wiped at the
start, so the demo gives the same story every time. ``--robot`` shows one of them only.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import shutil
import sys
from contextlib import ExitStack
from pathlib import Path

from rich.console import Console
from rich.table import Table

from daiko.paths import DEFAULT_CONFIG

JST = dt.timezone(dt.timedelta(hours=9))
PASSWORD_ENV = "DAIKO_KEITAX_PASSWORD"
SHUNO_PASSWORD_ENV = "DAIKO_SHUNO_PASSWORD"
ROBOTS = ("haisha", "kouza")
FOLDER_JA = {
    "done": "done/（入力完了）",
    "review": "review/（要確認）",
    "failed": "failed/（エラー）",
    "processing": "processing/",
}


def _demo_config(workdir: Path, base_url: str | None, shuno_db: Path | None) -> Path:
    """The shipped robots.yaml, pointed at the demo's folder and mock systems."""
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["defaults"]["data_dir"] = str(workdir / "data")
    data["defaults"]["ledger_url"] = None
    if base_url:
        data["targets"]["keitax"]["base_url"] = base_url
    data["targets"]["keitax"]["password_env"] = PASSWORD_ENV
    if shuno_db is not None:
        # The robot starts the client itself when its window is not open (and closes it after).
        data["targets"]["shuno"]["command"] = [
            sys.executable, "-m", "daiko.mocks.shuno", "--db", str(shuno_db), "--export-dir", str(shuno_db.parent),
        ]  # fmt: skip
    data["targets"]["shuno"]["password_env"] = SHUNO_PASSWORD_ENV
    for robot in data["robots"]:
        robot.setdefault("intake", {})["settle_seconds"] = 0  # the demo writes its files whole
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


def run_demo(
    workdir: Path, *, n_scans: int = 6, console: Console | None = None, robots: tuple[str, ...] = ROBOTS
) -> int:
    from daiko.cli.report_pdf import record_demo
    from daiko.reports.output import write_report_files
    from daiko.reports.period import Period
    from daiko.robots.config import load_runtime_config

    console = console or Console()
    unknown = [r for r in robots if r not in ROBOTS]
    if unknown:
        console.print(f"[red]デモのロボットは {'、'.join(ROBOTS)} です（指定: {'、'.join(unknown)}）[/]")
        return 2
    today = dt.datetime.now(JST).date()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    shown: list[tuple[str, Path]] = []
    review_total = 0
    with ExitStack() as stack:
        keitax = None
        if "haisha" in robots:
            from daiko.mocks.keitax.process import start_keitax

            console.print("模擬 軽自動車税システム（Web）を起動しています…")
            keitax = stack.enter_context(start_keitax(workdir / "keitax", records=2000))
            os.environ[PASSWORD_ENV] = keitax.password  # the robots read passwords from the environment only
        shuno_db = None
        if "kouza" in robots:
            from daiko.robots.drivers.xdisplay import ensure_display, window_open

            # The demo's robot must meet the demo's client: when this screen already shows a
            # 収納管理システム (someone's own), the demo works on a virtual screen of its own.
            private = window_open("収納管理システム")
            had_display = bool(os.environ.get("DISPLAY")) and not private
            display = stack.enter_context(ensure_display(private=private))
            console.print(f"画面: {display}{'' if had_display else '（Xvfb を起動しました）'}")
            shuno_db = _seed_shuno(workdir / "shuno", console)
        config_path = _demo_config(workdir, keitax.url if keitax else None, shuno_db)
        cfg = load_runtime_config(config_path)
        if keitax is not None:
            review_total += _demo_haisha(cfg, keitax, n_scans, today, console, shown)
        if shuno_db is not None:
            review_total += _demo_kouza(cfg, shuno_db, n_scans, today, workdir, console, shown)

    console.rule("[bold]週次の削減効果レポート")
    period = Period.week_to_date(today)
    files = write_report_files(load_runtime_config(config_path), period)
    console.print(f"   {files.report.headline}（RPA活用業務数 {files.report.robots_in_use}）")
    record_demo(workdir, config_path, period.start, period.end, period.iso_week)  # for `make report-pdf`

    console.rule("[bold]できあがったもの")
    for label, path in shown:
        console.print(f"{label:<16} {path}")
    console.print(f"削減効果レポート {files.workbook}")
    console.print(f"                 {files.csv}")
    console.print(f"台帳データベース {cfg.ledger_url_display}")
    console.print("PDF で見るには   make report-pdf（このデモの週を LibreOffice で印刷します）")
    if review_total:
        console.print(
            f"[yellow]要確認 {review_total} 件[/]: 確認画面で確認してください → "
            f"daiko console --config {config_path}（ユーザー作成: daiko console user add）"
        )
    return 0


def _demo_haisha(cfg, keitax, n_scans: int, today: dt.date, console: Console, shown: list) -> int:
    from daiko.forms.synth.jlis import generate_jlis_csv
    from daiko.robots.reconcile import run_reconcile
    from daiko.robots.runner import run_robot

    console.rule("[bold]daiko demo — 軽自動車 廃車登録（Web: 軽自動車税システム）")
    robot = cfg.robot("haisha")
    inbox = cfg.inbox(robot)
    inbox.mkdir(parents=True, exist_ok=True)
    console.print(f"1. {keitax.url}（職員用ログイン: {keitax.user} / パスワードは環境変数 {PASSWORD_ENV}）")
    console.print(f"2. 受付フォルダ {inbox} に書類を置きます")
    vehicles = keitax.sample_vehicles(n_scans + 6, unique_plate=True, seed=today.toordinal())
    _scans(inbox, vehicles[:n_scans], vehicles[n_scans + 4 :], today, console)
    generate_jlis_csv(
        inbox / f"jlis_haisha_{today:%Y%m%d}.csv", vehicles[n_scans : n_scans + 4], seed=1, processed_on=today,
        bad_rows=1,
    )  # fmt: skip
    console.print("  J-LIS 廃車情報 CSV 1 件（4 行 + 不正な行 1）")
    shutil.copy(next(inbox.glob("scan_*.pdf")), inbox / "scan_duplicate.pdf")
    console.print("  同じスキャンをもう一度（重複は二重に処理されないことを確認）")

    console.print("3. ロボットを実行します（AI-OCR → 確認 → 入力 → 確認票PDF）")
    summary = run_robot(cfg, "haisha", trigger="demo", progress=True, settle_seconds=0)
    console.print("   " + summary.describe())
    _files_table(inbox, console)

    console.print("4. 基幹システムの EUC データと突合します")
    reconcile_path, lines = run_reconcile(cfg, "haisha", today, today)
    console.print("   " + _verdicts(lines))
    shown += [
        ("受付フォルダ", inbox),
        ("証跡（確認票PDF・失敗時のスクリーンショットとトレース）", cfg.data_dir / "evidence" / "haisha"),
        ("突合リスト", reconcile_path),
    ]
    return summary.review


def _seed_shuno(folder: Path, console: Console) -> Path:
    """The client's register (2,000 taxpayers), created before the robot first starts the client."""
    from daiko.mocks.shuno.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "shuno.sqlite3"
    password = secrets.token_urlsafe(12)
    store = Store(db)
    try:
        store.seed(42, 2000, password)
    finally:
        store.conn.close()
    os.environ[SHUNO_PASSWORD_ENV] = password
    console.print(f"模擬 収納管理システム（デスクトップ）の台帳を用意しました: {db}")
    return db


def _demo_kouza(cfg, shuno_db: Path, n_scans: int, today: dt.date, workdir: Path, console: Console, shown: list) -> int:
    from daiko.mocks.shuno import applications, truth
    from daiko.robots.reconcile import run_reconcile
    from daiko.robots.runner import run_robot

    console.rule("[bold]daiko demo — 市税等 口座振替登録（デスクトップ: 収納管理システム）")
    robot = cfg.robot("kouza")
    inbox = cfg.inbox(robot)
    inbox.mkdir(parents=True, exist_ok=True)
    people = truth.people(shuno_db, n_scans + 8, seed=today.toordinal())
    (has_account,) = truth.people(shuno_db, 1, has_account=True, seed=today.toordinal())
    console.print(f"1. 受付フォルダ {inbox} に書類を置きます")
    scans = max(1, n_scans // 3)
    _kouza_scans(inbox, people[:scans], today)
    console.print(f"  {scans} 件の口座振替依頼書をスキャン（手書き風を含む）")
    rows = [applications.application(p, f"R{today.year - 2018:02d}-{7000 + i:05d}", i, by_number=i % 2 == 1)
            for i, p in enumerate(people[scans : scans + 5])]  # fmt: skip
    other = people[scans + 6]
    rows.append(applications.application(people[scans + 5], f"R{today.year - 2018:02d}-07005", 5,
                                         住所=applications.written(other.address)))  # fmt: skip
    rows.append(applications.application(has_account, f"R{today.year - 2018:02d}-07006", 6))
    rows.append(
        applications.application(people[scans + 7], f"R{today.year - 2018:02d}-07007", 7, 金融機関コード="0999")
    )
    applications.write_csv(inbox / f"kouza_uketsuke_{today:%Y%m%d}.csv", rows)
    console.print(
        f"  金融機関の口座振替受付データ CSV 1 件（{len(rows)} 行: うち住所が宛名と異なる 1、口座登録済み 1、"
        "存在しない金融機関コード 1 — ロボットは入力せず、理由を付けて職員へ回します）"
    )

    console.print(
        "2. ロボットを実行します（収納管理システムを起動 → 宛名検索 → 本人確認 → 口座登録 → 読み返し → 登録）"
    )
    summary = run_robot(cfg, "kouza", trigger="demo", progress=True, settle_seconds=0)
    console.print("   " + summary.describe())
    _files_table(inbox, console)

    console.print("3. 収納管理システムの抽出データ（Shift_JIS CSV）と突合します")
    reconcile_path, lines = run_reconcile(cfg, "kouza", today, today)
    ours = [ln for ln in lines if ln.item_id is not None]
    console.print("   " + _verdicts(ours) + f"（システムのみ {len(lines) - len(ours)} 件は職員が手で登録した分）")

    evidence = cfg.data_dir / "evidence" / "kouza"
    screenshot = workdir / "収納管理システム_登録完了.png"
    done_shots = sorted(evidence.rglob("*_kanryo.png"))
    if done_shots:
        shutil.copy(done_shots[0], screenshot)
        console.print(f"   画面の記録: {screenshot}")
    shown += [
        ("受付フォルダ", inbox),
        ("証跡（登録完了画面・失敗時の画面）", evidence),
        ("画面（収納管理システム）", screenshot),
        ("突合リスト", reconcile_path),
    ]
    return summary.review


def _kouza_scans(inbox: Path, people: list, today: dt.date) -> None:
    """口座振替依頼書 filled in by register taxpayers (name, kana, address as they write them)."""
    from daiko.forms.synth import make_page, save_pages
    from daiko.forms.synth.fakes import Fake, kouza_furikae
    from daiko.mocks.shuno.applications import written

    rng = random.Random(11)
    for i, person in enumerate(people):
        values = kouza_furikae(rng, today, reference_serial=8000 + i)
        values.update(
            name=Fake(person.name, person.name), kana=Fake(person.kana, None),
            address=Fake(written(person.address), None), atena_no=Fake(None, None), holder_kana=Fake(person.kana, None),
        )  # fmt: skip
        kind = "handwriting" if i % 2 else "printed"
        page = make_page("kouza_furikae", seed=300 + i, kind=kind, today=today, values=values)
        save_pages([page.image], inbox / f"kouza_{today:%Y%m%d}_{i + 1:03d}.pdf", dpi=page.dpi)


def _verdicts(lines: list) -> str:
    verdicts: dict[str, int] = {}
    for line in lines:
        verdicts[line.verdict] = verdicts.get(line.verdict, 0) + 1
    return "、".join(f"{k} {v} 件" for k, v in verdicts.items()) or "対象なし"


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
