"""The 集計 workbook a 課 publishes: 概要, one sheet per question, 自由記述.

Per question: the 単純集計 table (n, 件数 and % for 全体, 郵送 and 電子申請, 無回答 as a row), a
native bar chart of the 全体 percentages (values under 2 % not labelled, the seed's convention),
and the クロス集計 by every group of the survey. Percentages are written as the rounded numbers
the tally computed (one decimal, 四捨五入), with a ``0.0`` format, so what is printed is what the
report states and a column re-added on the sheet gives the same total as the report's text.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from daiko.robots.survey.masking import KINDS, mask_personal
from daiko.robots.survey.rules import REASONS_JA
from daiko.robots.survey.store import PAPER, WEB
from daiko.robots.survey.tally import ALL, BY_METHOD, QuestionTally, Table, Tally
from daiko.wareki import wareki_date, wareki_range

LABEL_BELOW = Decimal(2)  # bar values under 2 % carry no label (seed 000: グラフの見やすさ)
PCT = "0.0"
COUNT = "#,##0"
TITLE = Font(size=14, bold=True)
BOLD = Font(bold=True)
SMALL = Font(size=9, color="555555")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SUB_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
SHEET_SUMMARY, SHEET_COMMENTS = "概要", "自由記述"
CHART_SUFFIX = "（全体・%）"  # chart titles say what the bars are


def write_workbook(tally: Tally, path: Path, *, tz: str = "Asia/Tokyo", pending: int = 0, duplicates: int = 0) -> Path:
    wb = Workbook()
    _summary(wb.active, tally, tz, pending, duplicates)
    names = _sheet_names(tally)
    for qt in tally.questions:
        if qt.question.type != "text":
            _question_sheet(wb.create_sheet(names[qt.question.id]), tally, qt)
    _comments(wb.create_sheet(SHEET_COMMENTS), tally)
    wb.properties.title = f"{tally.survey.title_ja} 集計結果"
    wb.properties.creator = "daiko"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _sheet_names(tally: Tally) -> dict[str, str]:
    """問1, F2 … from the titles (Excel: 31 characters, no []:*?/\\, unique)."""
    out: dict[str, str] = {}
    for qt in tally.questions:
        q = qt.question
        name = q.title.split()[0] if q.title.split() else q.id
        name = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or q.id
        while name in out.values() or name in (SHEET_SUMMARY, SHEET_COMMENTS):
            name = f"{name}_{q.id}"[:31]
        out[q.id] = name
    return out


def _cell(ws: Worksheet, row: int, col: int, value: Any, *, fmt: str | None = None, font=None, fill=None, box=True):
    c = ws.cell(row=row, column=col, value=float(value) if isinstance(value, Decimal) else value)
    if fmt:
        c.number_format = fmt
    if font:
        c.font = font
    if fill:
        c.fill = fill
    if box:
        c.border = BOX
    return c


def _page_setup(ws: Worksheet, landscape: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# -- 概要 --------------------------------------------------------------------------------------------


def _summary(ws: Worksheet, tally: Tally, tz: str, pending: int, duplicates: int) -> None:
    s = tally.survey
    ws.title = SHEET_SUMMARY
    for letter, width in {"A": 22, "B": 16, "C": 12, "D": 60}.items():
        ws.column_dimensions[letter].width = width
    ws.cell(row=1, column=1, value=f"{s.title_ja} 集計結果").font = TITLE
    made = tally.generated_at.astimezone(zoneinfo.ZoneInfo(tz))
    ws.cell(
        row=2, column=1, value=f"作成 {wareki_date(made.date(), weekday=False)} {made:%H:%M}（回答が届くたびに更新）"
    ).font = SMALL
    by = tally.by_method()
    rows: list[tuple[str, Any, str | None, str]] = [
        ("調査対象", s.population or "－", None, ""),
        ("調査期間", wareki_range(s.period.start, s.period.end, weekday=False), None, ""),
        ("調査方法", "郵送調査（回答方法は郵送、電子申請を選択）", None, ""),
        ("配布数", s.distributed, COUNT, "人"),
        ("回収数", tally.returned, COUNT, "人（有効回収数。重複を除く）"),
        ("回収率", tally.return_rate, PCT, "%（回収数 ÷ 配布数、小数点第二位を四捨五入）"),
    ]
    r = 4
    for label, value, fmt, note in rows:
        _cell(ws, r, 1, label, font=BOLD, fill=HEADER_FILL)
        _cell(ws, r, 2, value, fmt=fmt)
        if fmt is None:  # text: across the row
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
        else:
            _cell(ws, r, 4, note, font=SMALL)
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="回答方法の内訳").font = BOLD
    r += 1
    for col, head in enumerate(("回答方法", "回収数", "割合（%）"), start=1):
        _cell(ws, r, col, head, font=BOLD, fill=HEADER_FILL)
    first = r + 1
    from daiko.robots.survey.tally import percent

    for method in (PAPER, WEB):
        r += 1
        _cell(ws, r, 1, BY_METHOD[method])
        _cell(ws, r, 2, by[method], fmt=COUNT)
        _cell(ws, r, 3, percent(by[method], tally.returned), fmt=PCT)
    r += 1
    _cell(ws, r, 1, "合計", font=BOLD, fill=SUB_FILL)
    _cell(ws, r, 2, tally.returned, fmt=COUNT, font=BOLD, fill=SUB_FILL)
    _cell(ws, r, 3, percent(tally.returned, tally.returned), fmt=PCT, font=BOLD, fill=SUB_FILL)
    _bar_chart(ws, "回答方法の種別", ws.title, first, first + 1, 3, f"F{first - 1}", categories_col=1)
    r += 2
    ws.cell(row=r, column=1, value="集計の状況").font = BOLD
    for label, value, note in (
        ("2枚目等が未着の回答", tally.incomplete, "届いたページの設問だけ集計（未着ページの設問は無回答）"),
        ("確認待ち", pending, "確認画面で職員の確認を待っている回答（確認後に集計へ入ります）"),
        ("重複として除外", duplicates, "同じ整理番号の調査票を二度読み込んだもの等。二重には数えません"),
    ):
        r += 1
        _cell(ws, r, 1, label)
        _cell(ws, r, 2, value, fmt=COUNT)
        _cell(ws, r, 4, note, font=SMALL)
    r += 2
    ws.cell(row=r, column=1, value="集計の決まり").font = BOLD
    for line in (
        "※回答は有効回収数（条件付きの設問はその該当者数）を基準とした百分率で表し、小数点第二位を四捨五入しています。"
        "そのため、百分率の合計が100%にならない場合があります。",
        "※複数回答の設問は、回答者数（n）で割った割合です（合計は100%を超えます）。",
        "※無効な回答（選べる数を超えた等）は無回答に含めています。条件に当てはまらない方の回答は集計から除いています。",
        "※優先順位の設問で「わからない」と回答した場合、それより下の順位は集計していません。",
        "※グラフの見やすさに考慮し、棒グラフにおける2%未満の数値は表示していません。",
    ):
        r += 1
        ws.cell(row=r, column=1, value=line).alignment = WRAP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        ws.row_dimensions[r].height = 30
    _page_setup(ws)


# -- one question -------------------------------------------------------------------------------------


def _question_sheet(ws: Worksheet, tally: Tally, qt: QuestionTally) -> None:
    q = qt.question
    for letter, width in {"A": 30, "B": 9, "C": 9, "D": 9, "E": 9, "F": 9, "G": 9}.items():
        ws.column_dimensions[letter].width = width
    ws.cell(row=1, column=1, value=q.title).font = TITLE
    notes = [q.type_ja]
    if q.condition is not None:
        cond = tally.survey.question(q.condition.question)
        labels = dict(tally.survey.choices(cond))
        notes.append(
            f"{cond.title.split()[0]}で「{'・'.join(labels.get(c, c) for c in q.condition.choices)}」と答えた方"
        )
    if qt.invalid:
        notes.append(f"無効 {qt.invalid}件（無回答に含む）")
    if qt.excluded:
        notes.append(f"{REASONS_JA['condition_unmet']} {qt.excluded}件")
    ws.cell(row=2, column=1, value="　".join(notes)).font = SMALL
    r = 4
    chart_at = 4
    for i, table in enumerate(qt.tables):
        first, last = _simple_table(ws, r, table, [qt.by_method[PAPER][i], qt.by_method[WEB][i]])
        if q.type != "matrix":
            _bar_chart(ws, f"{table.title}{CHART_SUFFIX}", ws.title, first, last, 3, f"I{chart_at}")
            chart_at += max(16, last - r + 3)
        r = max(last + 3, chart_at if q.type != "matrix" else last + 3)
    if q.type == "matrix":
        r = _matrix_chart(ws, qt, r)
    for group in tally.survey.groups:
        if group.id not in qt.crosstabs:
            continue
        ws.cell(row=r, column=1, value=f"クロス集計（{group.title}）").font = BOLD
        r += 1
        for splits in qt.crosstabs[group.id]:
            r = _crosstab(ws, r, splits) + 2
    ws.freeze_panes = "A4"
    _page_setup(ws, landscape=True)


def _simple_table(ws: Worksheet, r: int, table: Table, methods: list[Table]) -> tuple[int, int]:
    """選択肢 | 全体 件数 % | 郵送 件数 % | 電子申請 件数 %; returns the first and last choice rows."""
    _cell(ws, r, 1, table.title, font=BOLD, fill=HEADER_FILL)
    for k, head in enumerate((ALL, BY_METHOD[PAPER], BY_METHOD[WEB])):
        _cell(ws, r, 2 + 2 * k, head, font=BOLD, fill=HEADER_FILL).alignment = CENTER
        ws.merge_cells(start_row=r, start_column=2 + 2 * k, end_row=r, end_column=3 + 2 * k)
    r += 1
    _cell(ws, r, 1, "選択肢", font=BOLD, fill=HEADER_FILL)
    for k in range(3):
        _cell(ws, r, 2 + 2 * k, "件数", font=BOLD, fill=HEADER_FILL).alignment = CENTER
        _cell(ws, r, 3 + 2 * k, "%", font=BOLD, fill=HEADER_FILL).alignment = CENTER
    r += 1
    _cell(ws, r, 1, "回答者数（n）", font=BOLD, fill=SUB_FILL)
    for k, t in enumerate([table, *methods]):
        _cell(ws, r, 2 + 2 * k, t.base, fmt=COUNT, font=BOLD, fill=SUB_FILL)
        _cell(ws, r, 3 + 2 * k, Decimal(100) if t.base else None, fmt=PCT, font=BOLD, fill=SUB_FILL)
    first = r + 1
    for i, row in enumerate(table.rows):
        r += 1
        _cell(ws, r, 1, row.label).alignment = WRAP
        for k, t in enumerate([table, *methods]):
            _cell(ws, r, 2 + 2 * k, t.rows[i].count, fmt=COUNT)
            _cell(ws, r, 3 + 2 * k, t.rows[i].percent, fmt=PCT)
    return first, r


def _crosstab(ws: Worksheet, r: int, splits: list) -> int:
    """区分 | n | per choice: 件数, % — one row for everyone, one per bucket, one for the group's 無回答."""
    table = splits[0].table
    _cell(ws, r, 1, table.title, font=BOLD, fill=HEADER_FILL)
    _cell(ws, r, 2, "n", font=BOLD, fill=HEADER_FILL).alignment = CENTER
    for j, row in enumerate(table.rows):
        c = 3 + 2 * j
        _cell(ws, r, c, row.label, font=BOLD, fill=HEADER_FILL).alignment = CENTER
        ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)
        ws.column_dimensions[get_column_letter(c)].width = max(ws.column_dimensions[get_column_letter(c)].width or 0, 8)
    ws.row_dimensions[r].height = 30
    for split in splits:
        r += 1
        _cell(
            ws,
            r,
            1,
            split.label,
            font=BOLD if split.label == ALL else None,
            fill=SUB_FILL if split.label == ALL else None,
        )
        _cell(ws, r, 2, split.table.base, fmt=COUNT)
        for j, row in enumerate(split.table.rows):
            _cell(ws, r, 3 + 2 * j, row.count, fmt=COUNT)
            _cell(ws, r, 4 + 2 * j, row.percent, fmt=PCT)
    return r


def _labels_without_small(values: list[Decimal | None]) -> DataLabelList:
    """Value labels, except on bars under 2 % (an explicit hidden label for each of those points)."""
    labels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False)
    labels.numFmt = PCT
    labels.dLbl = [
        DataLabel(idx=i, showVal=False, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False)
        for i, v in enumerate(values)
        if v is None or v < LABEL_BELOW
    ]
    return labels


def _bar_chart(
    ws: Worksheet,
    title: str,
    sheet: str,
    first: int,
    last: int,
    value_col: int,
    anchor: str,
    *,
    categories_col: int = 1,
) -> BarChart:
    chart = BarChart()
    chart.type = "bar"  # horizontal: long Japanese labels stay readable
    chart.title = title
    chart.legend = None
    chart.height = max(6.0, 1.0 * (last - first + 1) + 3)
    chart.width = 16
    chart.add_data(Reference(ws, min_col=value_col, min_row=first, max_row=last), titles_from_data=False)
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=f"{quote_sheetname(sheet)}!$A${first}:$A${last}"))
        values = [ws.cell(row=r, column=value_col).value for r in range(first, last + 1)]
        series.dLbls = _labels_without_small([Decimal(str(v)) if v is not None else None for v in values])
    chart.x_axis.scaling.orientation = "maxMin"  # first choice on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.title = "%"
    chart.y_axis.numFmt = "0"
    chart.y_axis.scaling.min = 0
    chart.gapWidth = 60
    ws.add_chart(chart, anchor)
    return chart


def _matrix_chart(ws: Worksheet, qt: QuestionTally, r: int) -> int:
    """The items as 100 % stacked bars of the scale (満足 … 不満, 無回答), from a small % table."""
    ws.cell(row=r, column=1, value="割合（%）一覧").font = BOLD
    r += 1
    scale = [row.label for row in qt.tables[0].rows]
    _cell(ws, r, 1, "項目", font=BOLD, fill=HEADER_FILL)
    for j, label in enumerate(scale):
        _cell(ws, r, 2 + j, label, font=BOLD, fill=HEADER_FILL).alignment = CENTER
    head = r
    for item, table in zip(qt.question.items, qt.tables, strict=True):
        r += 1
        _cell(ws, r, 1, item.label)
        for j, row in enumerate(table.rows):
            _cell(ws, r, 2 + j, row.percent, fmt=PCT)
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "percentStacked", 100
    chart.title = f"{qt.question.title}{CHART_SUFFIX}"
    chart.width, chart.height = 22, max(7.0, 1.4 * len(qt.tables) + 4)
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(scale), min_row=head, max_row=r), titles_from_data=True)
    for j, series in enumerate(chart.series):
        series.cat = AxDataSource(strRef=StrRef(f=f"{quote_sheetname(ws.title)}!$A${head + 1}:$A${r}"))
        values = [ws.cell(row=k, column=2 + j).value for k in range(head + 1, r + 1)]
        series.dLbls = _labels_without_small([Decimal(str(v)) if v is not None else None for v in values])
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    ws.add_chart(chart, f"A{r + 2}")
    return r + 2 + int(chart.height * 2) + 2


# -- 自由記述 -----------------------------------------------------------------------------------------


def _comments(ws: Worksheet, tally: Tally) -> None:
    ws.title = SHEET_COMMENTS
    for letter, width in {"A": 6, "B": 26, "C": 10, "D": 12, "E": 80}.items():
        ws.column_dimensions[letter].width = width
    ws.cell(row=1, column=1, value="自由記述（ご意見・その他の内容）").font = TITLE
    group = tally.survey.groups[0] if tally.survey.groups else None
    rows = []
    masked_total: Counter[str] = Counter()
    for qt in tally.questions:
        for response, text in qt.comments:
            masked = mask_personal(text)
            masked_total.update(masked.counts)
            bucket = _bucket_label(tally, group, response) if group else ""
            rows.append((qt.question.title, response.method, bucket, masked.text))
    summary = "、".join(f"{k} {masked_total[k]}件" for k in KINDS if masked_total[k]) or "なし"
    ws.cell(
        row=2, column=1, value=f"個人が特定される記述は伏せ字（〔氏名〕等）にしています。伏せ字にした箇所: {summary}"
    ).font = SMALL
    ws.cell(row=3, column=1, value=f"掲載 {len(rows)}件（原文のまま。誤字等も修正していません）").font = SMALL
    r = 5
    for col, head in enumerate(("No.", "設問", "回答方法", group.title if group else "", "記述"), start=1):
        _cell(ws, r, col, head, font=BOLD, fill=HEADER_FILL)
    for i, (title, method, bucket, text) in enumerate(rows, start=1):
        r += 1
        _cell(ws, r, 1, i)
        _cell(ws, r, 2, title).alignment = WRAP
        _cell(ws, r, 3, BY_METHOD[method])
        _cell(ws, r, 4, bucket)
        _cell(ws, r, 5, text).alignment = WRAP
    r += 2
    ws.cell(row=r, column=1, value="伏せ字の内訳").font = BOLD
    for kind in KINDS:
        r += 1
        _cell(ws, r, 2, kind)
        _cell(ws, r, 3, masked_total[kind], fmt=COUNT)
    ws.freeze_panes = "A6"
    _page_setup(ws, landscape=True)


def _bucket_label(tally: Tally, group, response) -> str:
    from daiko.robots.survey.tally import _bucket

    return _bucket(group, tally.survey, response) or "無回答"


def masked_counts(tally: Tally) -> Counter[str]:
    """What the 自由記述 sheet masks, by kind (for the command's summary and the tests)."""
    total: Counter[str] = Counter()
    for qt in tally.questions:
        for _, text in qt.comments:
            total.update(mask_personal(text).counts)
    return total
