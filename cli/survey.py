"""`daiko survey`: write a survey's 集計 now (the survey robot also rewrites it after every run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from daiko.i18n import tr
from daiko.paths import DEFAULT_CONFIG

survey_app = typer.Typer(
    help=tr(
        "アンケート集計: 調査の集計表（Excel + CSV）。", "アンケート集計: the tally workbook (Excel + CSV) of a survey."
    ),
    no_args_is_help=True,
)
out_console = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)

ConfigOpt = Annotated[
    Path,
    typer.Option(
        "--config", "-c", envvar="DAIKO_CONFIG", help=tr("使う robots.yaml。", "robots.yaml to use."), show_default=True
    ),
]


def _load(path: Path):
    from daiko.config import ConfigError
    from daiko.robots.config import load_runtime_config

    try:
        return load_runtime_config(path)
    except ConfigError as exc:
        err.print(
            f"[bold red]{exc.filename}: "
            + tr(f"問題が {len(exc.problems)} 件あります", f"{len(exc.problems)} problem(s)")
            + "[/]"
        )
        for problem in exc.problems:
            err.print(f"  {problem.render(exc.filename)}", markup=False)
        raise typer.Exit(1) from None


@survey_app.command(
    "tally",
    help=tr(
        "台帳の回答から、調査 NAME の集計表（Excel）と CSV を書き出します。",
        "Write the 集計 workbook and CSVs of survey NAME from the responses in the ledger.",
    ),
)
def tally(
    name: Annotated[
        str,
        typer.Argument(
            help=tr(
                "調査の名前（forms/surveys/NAME.yaml、例: shimin_ict）。",
                "The survey (forms/surveys/NAME.yaml), e.g. shimin_ict.",
            )
        ),
    ],
    config: ConfigOpt = DEFAULT_CONFIG,
    out: Annotated[
        Path | None,
        typer.Option(
            help=tr(
                "書き出すフォルダ（既定: <reports>/surveys/NAME）。",
                "Folder to write to (default: <reports>/surveys/NAME).",
            )
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help=tr("主な数値を JSON で出力します。", "Headline figures as JSON."))
    ] = False,
) -> None:
    from daiko.forms.errors import FormDefinitionError
    from daiko.forms.survey import load_survey
    from daiko.ledger import Ledger
    from daiko.robots.survey.export import write_outputs
    from daiko.robots.survey.tally import figures

    cfg = _load(config)
    try:
        survey = load_survey(name)
    except FormDefinitionError as exc:
        err.print(f"[red]daiko survey tally: {exc}[/]")
        raise typer.Exit(2) from None
    try:
        written = write_outputs(cfg, Ledger(cfg.ledger_url), survey, out)
    except PermissionError as exc:
        err.print(f"[red]daiko survey tally: {exc.filename} に書き込めません。Excel で開いていれば閉じてください[/]")
        raise typer.Exit(1) from None
    t = written.tally
    if as_json:
        print(json.dumps({**figures(t), "workbook": str(written.files.workbook)}, ensure_ascii=False, indent=2))
        return
    by = t.by_method()
    out_console.print(f"[green]✓[/] {survey.title_ja} の集計を書き出しました")
    for path in (written.files.workbook, written.files.tally_csv, written.files.data_csv):
        out_console.print(f"  {path}")
    out_console.print(
        f"配布数 {survey.distributed:,} 人、回収数 {t.returned:,} 人（回収率 {t.return_rate}%）"
        f" — 郵送 {by['paper']:,}、電子申請 {by['web']:,}"
    )
    if written.pending or written.duplicates or t.incomplete:
        out_console.print(
            f"  ※ 確認待ち {written.pending} 件（未集計）、重複として除外 {written.duplicates} 件、2枚目等が未着 {t.incomplete} 件",
            style="dim",
        )


@survey_app.command("list", help=tr("forms/surveys/ にある調査の一覧。", "The surveys defined in forms/surveys/."))
def list_surveys() -> None:
    from daiko.forms.survey import TYPE_JA, load_survey, survey_names

    table = Table("name", "調査", "ページ", "設問", "配布数")
    for name in survey_names():
        s = load_survey(name)
        kinds = "・".join(sorted({TYPE_JA[q.type] for q in s.questions}))
        table.add_row(name, s.title_ja, str(len(s.pages)), f"{len(s.questions)}（{kinds}）", f"{s.distributed:,}")
    out_console.print(table)
