"""The Excel workbook managers read (and print for the meeting): 概要, 業務別, 推移, 明細.

Values are written as numbers with number formats, never as pre-rounded text, so a manager
can re-add a column and get the total on the sheet; negative hours carry a ``[Red]`` format
so a robot that costs more checking than it saves stands out on screen (and keeps its minus
sign on a black-and-white printer). Each sheet is set up for A4 landscape, fitted to the
page width, with its header rows repeated on every printed page.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from daiko import labels
from daiko.reports.model import Report
from daiko.reports.savings import MARK_MEANING, MARK_PARTIAL
from daiko.reports.tables import GROUP_COLUMNS, total_row
from daiko.wareki import wareki_date

HOURS = "#,##0.0;[Red]-#,##0.0;0.0"
MINUTES = "#,##0.0;[Red]-#,##0.0;0.0"
COUNT = "#,##0"
SECONDS = "#,##0.0"
RATE = "0.0%"
SIGNED_RATE = "0.0%;[Red]-0.0%"
DATETIME = "yyyy/mm/dd hh:mm"
FORMATS = {"count": COUNT, "hours": HOURS, "minutes": MINUTES, "rate": RATE}

TITLE_FONT = Font(size=14, bold=True)
BOLD = Font(bold=True)
SMALL = Font(size=9, color="555555")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="1F4E78")
SECTION_FONT = Font(bold=True, color="FFFFFF")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
MARK_FILLS = {
    "○": PatternFill("solid", fgColor="C6EFCE"),
    "△": PatternFill("solid", fgColor="FFEB9C"),
    "×": PatternFill("solid", fgColor="FFC7CE"),
}
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
STATE_LABELS = {
    "done": "完了",
    "failed": "失敗",
    "rejected": labels.ITEM_STATE["rejected"],
}  # 差戻し, as in the console
NONE_TEXT = "－"

SHEET_SUMMARY, SHEET_GROUPS, SHEET_TREND, SHEET_ITEMS = "概要", "業務別", "推移", "明細"


def write_workbook(report: Report, path: Path) -> Path:
    """Write the four sheets to ``path`` (folders are created); returns the path."""
    wb = Workbook()
    _summary(wb.active, report)
    _groups(wb.create_sheet(SHEET_GROUPS), report)
    _trend(wb.create_sheet(SHEET_TREND), report)
    _items(wb.create_sheet(SHEET_ITEMS), report)
    wb.active = 0
    wb.properties.title = f"削減効果報告 {report.period.slug}"
    wb.properties.creator = "daiko"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# -- 概要 ---------------------------------------------------------------------------------------


def _summary(ws: Worksheet, report: Report) -> None:
    ws.title = SHEET_SUMMARY
    widths = {"A": 38, "B": 14, "C": 7, "D": 66}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    t, y, p, fy = report.totals, report.ytd, report.pace, report.fiscal_year
    week = f"（{report.period.week_text}）" if report.period.is_week else ""
    _banner(ws, 1, "RPA・AI-OCR 削減効果報告", TITLE_FONT)
    _banner(ws, 2, f"対象期間　{report.period.label}{week}", BOLD)
    _banner(ws, 3, f"{fy.label}（{fy.span_label}）　作成 {_stamp(report.generated_at)}", SMALL)

    row = _section(ws, 5, f"{report.period_word}の実績")
    rows: list[tuple[str, Any, str, str, str | None]] = [
        (
            "純削減時間",
            t.net_hours,
            "時間",
            "手作業換算 − 職員時間。マイナスは確認・手作業が削減を上回ったことを示します",
            HOURS,
        ),
        (
            "手作業換算時間",
            t.baseline_hours,
            "時間",
            "ロボット完了・失敗の件数 × 1件あたりの手作業時間（時間調査）",
            HOURS,
        ),
        (
            "職員時間（確認＋手作業）",
            t.staff_hours,
            "時間",
            "確認画面での確認時間と、失敗した件を手作業で処理した時間",
            HOURS,
        ),
        ("　うち確認時間", t.review_hours, "時間", "確認画面での実測。測れなかった件は推定（集計の決まり参照）", HOURS),
        (
            "　うち抜き取り確認時間",
            t.audit_hours,
            "時間",
            f"ロボットの入力を職員が抜き取りで照合した {t.sampled:,} 件 × 1件あたりの分数（robots.yaml の audit）",
            HOURS,
        ),
        ("処理件数", t.items, "件", "期間内に完了・失敗・差戻しとなった件数", COUNT),
        ("　ロボット完了", t.robot_done, "件", "ロボットが基幹システムへの入力を終えた件数", COUNT),
        ("　うち確認なしで完了", t.automated, "件", "職員の確認が一つも要らなかった件数", COUNT),
        ("　確認あり", t.reviewed, "件", "職員が確認画面で確認した（または確認が必要だった）件数", COUNT),
        ("　失敗（手作業で処理）", t.manual, "件", "ロボットが処理できず職員が手作業で処理する件数", COUNT),
        ("　差戻し", t.rejected, "件", "確認で職員が差し戻した件数", COUNT),
        ("自動化率", _or_none(t.automation_rate), "", "確認なしで完了 ÷ 処理件数", RATE),
        ("確認率", _or_none(t.review_rate), "", "確認あり ÷ 処理件数", RATE),
        (
            "ロボット処理時間（参考）",
            t.machine_hours,
            "時間",
            "OCR と入力の機械時間。職員の時間ではないため差し引きません",
            HOURS,
        ),
    ]
    row, _ = _metric_rows(ws, row, rows)

    row = _section(ws, row + 1, f"年度の進捗（{fy.label}）")
    mark_rule = f"○ 達成：ペース比 100% 以上／△ 一部達成：{MARK_PARTIAL:.0%} 以上／× 未達成：{MARK_PARTIAL:.0%} 未満"
    rows = [
        (
            "年度目標（削減時間数）",
            report.pace.target_hours,
            "時間",
            "robots.yaml の reports.annual_target_hours",
            HOURS,
        ),
        (
            "年度累計 純削減時間",
            y.net_hours,
            "時間",
            f"{wareki_date(fy.start, weekday=False)}〜{wareki_date(report.period.end, weekday=False)}",
            HOURS,
        ),
        ("年度累計 処理件数", y.items, "件", "", COUNT),
        (
            "ペース目標（期間末時点）",
            p.pace_hours,
            "時間",
            f"年度目標 × 経過した開庁日 {p.open_days_elapsed} 日 ÷ 年度の開庁日 {p.open_days_total} 日",
            HOURS,
        ),
        ("ペース比", _or_none(p.ratio), "", "年度累計 ÷ ペース目標", RATE),
        ("評価", p.mark, "", f"{MARK_MEANING[p.mark]}。{mark_rule}", None),
        ("年度目標に対する達成率", p.target_ratio, "", "年度累計 ÷ 年度目標", RATE),
        ("RPA活用業務数", report.robots_in_use, "業務", "年度内に1件以上処理したロボット（業務）の数", COUNT),
    ]
    row, where = _metric_rows(ws, row, rows)
    mark_cell = ws.cell(row=where["評価"], column=2)
    mark_cell.font = Font(size=16, bold=True)
    mark_cell.alignment = Alignment(horizontal="center", vertical="center")
    if p.mark in MARK_FILLS:
        mark_cell.fill = MARK_FILLS[p.mark]

    if report.accuracy:
        row = _section(ws, row + 1, "精度（抜き取り確認、期間末までの累計）")
        for line in report.accuracy:
            if line.field_type is None:
                row = _paragraph(ws, row, f"・{line.robot_name} — {line.text}（許容値 {line.budget * 100:.2f} %）")
            elif line.estimate.n:
                row = _paragraph(ws, row, f"　　{line.label}: {line.text.removeprefix('精度: ')}")

    row = _section(ws, row + 1, "集計の決まり")
    for text in [*RULES, *report.notes]:
        row = _paragraph(ws, row, f"・{text}")
    ws.freeze_panes = "A5"
    _print_setup(ws, report, title_rows=None)
    ws.page_setup.fitToHeight = 1  # the cover page: one sheet of paper


RULES = (
    "対象：期間内（日本時間の日付）に完了・失敗・差戻しとなった明細。処理中・確認待ちの明細は、終わった週に確認時間とあわせて数えます。",
    "純削減 ＝ 手作業換算 − 職員時間。ロボットが完了した件は「手作業時間 − 確認時間」、"
    "失敗して手作業で処理した件は「−確認時間」（削減なし、確認に使った時間は損失）、差し戻した件は「−確認時間」です。",
    "確認時間は確認画面で測った秒数（明細ごとの合計と項目ごとの合計の大きい方）。測れなかった件は"
    "「1項目あたりの確認時間 × 確認項目数」で推定します。",
    "ロボットの処理時間（OCR・入力）は職員の時間ではないため、参考として示し、差し引きません。試行（trial）で処理した明細は含みません。",
    "抜き取り確認（ロボットが確認なしで入力した値を職員が原本と照合）の時間も職員時間として差し引きます。",
    "ペース目標は、年度目標を開庁日（土日・祝日・年末年始・休庁日を除く日）で按分した、期間末日時点の目標です。",
)


def _metric_rows(
    ws: Worksheet, row: int, rows: list[tuple[str, Any, str, str, str | None]]
) -> tuple[int, dict[str, int]]:
    """項目 | 値 | 単位 | 説明 lines; returns the next free row and each label's row."""
    where: dict[str, int] = {}
    for column, header in enumerate(("項目", "値", "単位", "説明"), start=1):
        _header_cell(ws.cell(row=row, column=column, value=header))
    row += 1
    for label, value, unit, note, fmt in rows:
        cells = [
            ws.cell(row=row, column=1, value=label),
            ws.cell(row=row, column=2, value=value),
            ws.cell(row=row, column=3, value=unit),
            ws.cell(row=row, column=4, value=note),
        ]
        for cell in cells:
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=cell.column == 4)
        if fmt and not isinstance(value, str):
            cells[1].number_format = fmt
        if isinstance(value, str):
            cells[1].alignment = Alignment(horizontal="center", vertical="center")
        if not label.startswith("　"):
            cells[0].font = BOLD
            cells[1].font = BOLD
        where[label] = row
        row += 1
    return row, where


def _section(ws: Worksheet, row: int, text: str) -> int:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font, cell.fill = SECTION_FONT, SECTION_FILL
    return row + 1


def _paragraph(ws: Worksheet, row: int, text: str) -> int:
    """A wrapped note over A:D; merged cells do not grow by themselves, so the height is set."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    cell = ws.cell(row=row, column=1, value=text)
    cell.alignment = WRAP
    # Column width units are a little narrower than half a full-width character at this size.
    capacity = (sum(ws.column_dimensions[c].width for c in "ABCD") - 4) * 1.2
    lines = max(1, math.ceil(_display_width(text) / capacity))
    ws.row_dimensions[row].height = 15 * lines + 2
    return row + 1


# -- 業務別 -------------------------------------------------------------------------------------


def _groups(ws: Worksheet, report: Report) -> None:
    last_col = len(GROUP_COLUMNS)
    _banner(ws, 1, f"業務別の削減効果　{report.period.label}", TITLE_FONT, last_col)
    fy = report.fiscal_year
    _banner(
        ws,
        2,
        f"年度累計は{fy.label}の{wareki_date(fy.start, weekday=False)}〜{wareki_date(report.period.end, weekday=False)}。"
        "純削減のマイナス（赤）は、確認・手作業の時間が手作業換算を上回ったことを示します。",
        SMALL,
        last_col,
    )
    for index, column in enumerate(GROUP_COLUMNS, start=1):
        _header_cell(ws.cell(row=3, column=index, value=column.header))
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.row_dimensions[3].height = 45
    rows = [*report.groups, total_row(report)]
    for offset, group in enumerate(rows):
        row = 4 + offset
        is_total = group is rows[-1]
        for index, column in enumerate(GROUP_COLUMNS, start=1):
            value = column.value(group)
            cell = ws.cell(row=row, column=index, value=NONE_TEXT if value is None else value)
            cell.border = BOX
            if column.kind in FORMATS and value is not None:
                cell.number_format = FORMATS[column.kind]
            if value is None:
                cell.alignment = Alignment(horizontal="center")
            if is_total:
                cell.font, cell.fill = BOLD, TOTAL_FILL
    ws.freeze_panes = "D4"
    _print_setup(ws, report, title_rows="1:3")


# -- 推移 ---------------------------------------------------------------------------------------

TREND_HEADERS = (
    ("週の初日", 8),
    ("期間", 13),
    ("ISO週", 10),
    ("件数", 8),
    ("純削減\n（時間）", 10),
    ("年度累計\n（時間）", 10),
    ("目標ペース\n（時間）", 10),
    ("ペース比", 8),
)


def _trend(ws: Worksheet, report: Report) -> None:
    fy = report.fiscal_year
    _banner(ws, 1, f"週別の推移（{fy.label}）", TITLE_FONT, len(TREND_HEADERS))
    _banner(
        ws,
        2,
        f"目標ペース ＝ 年度目標 {report.pace.target_hours:,.0f} 時間 × 経過した開庁日 ÷ 年度の開庁日",
        SMALL,
        len(TREND_HEADERS),
    )
    for index, (header, width) in enumerate(TREND_HEADERS, start=1):
        _header_cell(ws.cell(row=3, column=index, value=header))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[3].height = 32
    for offset, week in enumerate(report.trend):
        row = 4 + offset
        ratio = (
            week.cumulative_hours / week.pace_hours if week.cumulative_hours is not None and week.pace_hours else None
        )
        values = (
            week.short_label,
            week.label,
            week.iso_week,
            week.items,
            week.net_hours,
            week.cumulative_hours,
            week.pace_hours,
            ratio,
        )
        formats = (None, None, None, COUNT, HOURS, HOURS, HOURS, SIGNED_RATE)
        for index, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            cell = ws.cell(row=row, column=index, value=value)
            cell.border = BOX
            if fmt:
                cell.number_format = fmt
            if week.start <= report.period.end <= week.end:
                cell.font = BOLD  # the report's own week
    last = 3 + len(report.trend)
    if report.trend:
        _trend_charts(ws, last)
    ws.freeze_panes = "A4"
    # The table beside its two charts, on ONE page: a 年度 of weeks (up to 53 rows) is as tall as
    # the charts are wide, so fitting the height costs almost no size. Split over two pages, the
    # table's last rows went to a page of their own, and the repeated header rows dragged a
    # sliver of the chart frame onto it (its title cut in half).
    ws.print_area = f"A1:{CHART_LAST_COLUMN}{max(last, CHART_LAST_ROW)}"
    _print_setup(ws, report, title_rows="1:3")
    ws.page_setup.fitToHeight = 1


# The charts stand right of the table, below the rows repeated on every printed page (a chart
# anchored in a repeated row is printed again, cut, on the next page): J4 and J22, 22 cm wide,
# which reaches column W at the default column width.
CHART_ANCHORS = ("J4", "J22")
CHART_LAST_COLUMN, CHART_LAST_ROW = "W", 40


def _trend_charts(ws: Worksheet, last: int) -> None:
    categories = Reference(ws, min_col=1, min_row=4, max_row=last)

    bar = BarChart()
    bar.type = "col"
    bar.title = "週別の純削減時間"
    bar.y_axis.title = "時間"
    bar.add_data(Reference(ws, min_col=5, min_row=4, max_row=last))
    _text_categories(bar, categories)
    series = bar.series[0]
    series.graphicalProperties.solidFill = "2E75B6"
    series.invertIfNegative = False  # a negative week stays blue, below the axis, not hollow
    bar.legend = None
    bar.gapWidth = 40
    _axes(bar, _column_values(ws, 5, last))
    bar.width, bar.height = 22, 8.5
    ws.add_chart(bar, CHART_ANCHORS[0])

    line = LineChart()
    line.title = "年度累計と目標ペース"
    line.y_axis.title = "時間"
    line.add_data(Reference(ws, min_col=6, max_col=7, min_row=4, max_row=last))
    _text_categories(line, categories)
    actual, target = line.series
    actual.tx = SeriesLabel(v="年度累計（時間）")  # literal names: the sheet's headers carry line breaks
    target.tx = SeriesLabel(v="目標ペース（時間）")
    actual.graphicalProperties.line.solidFill = "2E75B6"
    actual.graphicalProperties.line.width = 32000
    target.graphicalProperties.line.solidFill = "C55A11"
    target.graphicalProperties.line.width = 22000
    target.graphicalProperties.line.dashStyle = "dash"
    for series in line.series:
        series.marker.symbol = "none"
        series.smooth = False
    line.legend.position = "b"
    _axes(line, _column_values(ws, 6, last) + _column_values(ws, 7, last))
    line.width, line.height = 22, 8.5
    ws.add_chart(line, CHART_ANCHORS[1])


def _text_categories(chart: BarChart | LineChart, labels: Reference) -> None:
    """Week labels are text: a ``strRef`` (openpyxl's set_categories writes ``numRef``, which
    Excel may show as 1, 2, 3 … instead of the labels)."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))


def _axes(chart: BarChart | LineChart, values: list[float]) -> None:
    """Axes visible everywhere (openpyxl leaves ``delete`` unset; some Excel builds then hide them),
    with a scale whose labels are all different (see :func:`value_scale`)."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # week labels stay at the bottom when a bar goes negative
    chart.y_axis.majorUnit, chart.y_axis.numFmt = value_scale(values)
    chart.y_axis.majorTickMark = "out"


def value_scale(values: list[float]) -> tuple[float, str]:
    """(step between gridlines, number format) for hours up to ``max |value|``: about five steps of
    1, 2 or 5 × 10ⁿ, and as many decimals as the step has. Left to itself the chart chose 0.5-hour
    steps for a quiet week and the whole-hour format printed them 0, 1, 1, 2, 2."""
    top = max((abs(v) for v in values), default=0.0)
    if top <= 0:
        return 1.0, "#,##0"
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return float(step), "#,##0" + ("." + "0" * decimals if decimals else "")


def _column_values(ws: Worksheet, column: int, last: int) -> list[float]:
    cells = (ws.cell(row=r, column=column).value for r in range(4, last + 1))
    return [float(v) for v in cells if isinstance(v, int | float)]


# -- 明細 ---------------------------------------------------------------------------------------

ITEM_HEADERS = (
    ("明細ID", 9, "0"),
    ("ロボットID", 10, None),
    ("業務", 24, None),
    ("課", 11, None),
    ("様式", 16, None),
    ("状態", 7, None),
    ("区分", 13, None),
    ("受付日時", 16, DATETIME),
    ("完了日時", 16, DATETIME),
    ("OCR\n（秒）", 8, SECONDS),
    ("入力\n（秒）", 8, SECONDS),
    ("確認\n項目数", 8, COUNT),
    ("確認\n（秒）", 8, SECONDS),
    ("確認時間\nの根拠", 9, None),
    ("手作業換算\n（分）", 10, MINUTES),
    ("職員時間\n（分）", 9, MINUTES),
    ("純削減\n（分）", 9, MINUTES),
)


CENTERED_ITEM_COLUMNS = {6, 7, 14}  # 状態, 区分, 確認時間の根拠
CENTER = Alignment(horizontal="center")


def _items(ws: Worksheet, report: Report) -> None:
    last_col = len(ITEM_HEADERS)
    _banner(ws, 1, f"明細　{report.period.label}", TITLE_FONT, last_col)
    _banner(ws, 2, "個人情報（氏名・マイナンバー・読み取った値）は含みません。時刻は日本時間。", SMALL, last_col)
    for index, (header, width, _) in enumerate(ITEM_HEADERS, start=1):
        _header_cell(ws.cell(row=3, column=index, value=header))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[3].height = 32
    for offset, saving in enumerate(report.items):
        f = saving.facts
        values = (
            f.item_id,
            f.robot_id,
            saving.robot_name,
            saving.section,
            f.form or "",
            STATE_LABELS.get(f.state, f.state),
            saving.outcome.label,
            _naive(f.created_at),
            _naive(f.finished_at),
            f.ocr_seconds,
            f.keying_seconds,
            saving.checked_fields,
            saving.review_minutes * 60.0,
            saving.review_source.label,
            saving.baseline_minutes,
            saving.staff_minutes,
            saving.net_minutes,
        )
        for index, (value, (_, _, fmt)) in enumerate(zip(values, ITEM_HEADERS, strict=True), start=1):
            cell = ws.cell(row=4 + offset, column=index, value=value)
            if fmt:
                cell.number_format = fmt
            elif index in CENTERED_ITEM_COLUMNS:
                cell.alignment = CENTER
    last = 3 + max(len(report.items), 1)
    ws.auto_filter.ref = f"A3:{get_column_letter(last_col)}{last}"
    ws.freeze_panes = "A4"
    _print_setup(ws, report, title_rows="1:3")


# -- shared -------------------------------------------------------------------------------------


def _banner(ws: Worksheet, row: int, text: str, font: Font, last_col: int = 4) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = font
    cell.alignment = Alignment(vertical="center")
    ws.row_dimensions[row].height = 22 if font is TITLE_FONT else 16


def _header_cell(cell: Any) -> None:
    cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BOX, HEADER_ALIGN


def _print_setup(ws: Worksheet, report: Report, *, title_rows: str | None) -> None:
    """A4 landscape, one page wide, header rows on every page, page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.left.text = f"削減効果報告　{ws.title}"
    ws.oddHeader.right.text = report.period.label
    ws.oddFooter.center.text = "&P / &N"


def _or_none(value: float | None) -> float | str:
    return NONE_TEXT if value is None else value


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: local wall-clock time, as staff read it."""
    return None if moment is None else moment.replace(tzinfo=None)


def _stamp(moment: dt.datetime) -> str:
    return f"{wareki_date(moment.date(), weekday=False)} {moment:%H:%M}"


def _display_width(text: str) -> int:
    """Column units: full-width (Japanese) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
