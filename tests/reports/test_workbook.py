"""Every figure in the workbook and the CSV, read back from the files, against hand-made sums.

The ledger is the one in conftest.py: 2026-W47 nets 22 minutes (haisha +26, survey −4), the
年度 to date 28 minutes (one more item on 1 April).
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from daiko.config import DaikoConfig
from daiko.ledger import Ledger
from daiko.reports import Period, build_report, write_csv, write_workbook

pytestmark = pytest.mark.both_ledgers

H = 1 / 60  # hours per minute
PACE_SHARE = 157 / 241  # 開庁日 from 2026-04-01 to 2026-11-22 / in 令和8年度


def summary_values(ws: Worksheet) -> dict[str, object]:
    return {row[0]: row[1] for row in ws.iter_rows(min_row=5, max_col=2, values_only=True) if row[0]}


def table(ws: Worksheet, header_row: int = 3) -> list[dict[str, object]]:
    headers = [c.value for c in ws[header_row]]
    return [dict(zip(headers, row, strict=True)) for row in ws.iter_rows(min_row=header_row + 1, values_only=True)]


def cell_of(ws: Worksheet, row: int, header: str):
    headers = [c.value for c in ws[3]]
    return ws.cell(row=row, column=headers.index(header) + 1)


@pytest.fixture()
def written(cfg: DaikoConfig, ledger: Ledger, week_items: dict[str, int], tmp_path: Path):
    report = build_report(cfg, ledger, Period.week("2026-W47"), now=dt.datetime(2026, 11, 23, 8, 0))
    book = write_workbook(report, tmp_path / "out" / "report.xlsx")
    sheet = write_csv(report, tmp_path / "out" / "report.csv")
    return report, book, sheet


def test_summary_sheet_figures(written):
    _, book, _ = written
    wb = load_workbook(book)
    assert wb.sheetnames == ["概要", "業務別", "推移", "明細"]
    ws = wb["概要"]
    assert ws["A2"].value == "対象期間　令和8年11月16日（月）〜11月22日（日）（2026-W47）"
    assert ws["A3"].value.startswith("令和8年度（令和8年4月1日〜令和9年3月31日）　作成 令和8年11月23日 08:00")
    v = summary_values(ws)
    assert v["純削減時間"] == pytest.approx(22 * H)
    assert v["手作業換算時間"] == pytest.approx(40 * H)
    assert v["職員時間（確認＋手作業）"] == pytest.approx(18 * H)
    assert v["　うち確認時間"] == pytest.approx(12 * H)
    assert (v["処理件数"], v["　ロボット完了"], v["　うち確認なしで完了"], v["　確認あり"]) == (9, 7, 3, 6)
    assert (v["　失敗（手作業で処理）"], v["　差戻し"]) == (1, 1)
    # One word for the reject action, the console's (issue 15): 却下 nowhere in the workbook.
    cells = [str(c.value) for sheet in wb.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert not [c for c in cells if "却下" in c] and any("差戻し" in c for c in cells)
    assert v["自動化率"] == pytest.approx(3 / 9)
    assert v["確認率"] == pytest.approx(6 / 9)
    assert v["ロボット処理時間（参考）"] == pytest.approx(9 * 23 / 3600)
    assert v["年度目標（削減時間数）"] == 1000
    assert v["年度累計 純削減時間"] == pytest.approx(28 * H)
    assert v["年度累計 処理件数"] == 10
    assert v["ペース目標（期間末時点）"] == pytest.approx(1000 * PACE_SHARE)
    assert v["ペース比"] == pytest.approx(28 * H / (1000 * PACE_SHARE))
    assert v["評価"] == "×"
    assert v["年度目標に対する達成率"] == pytest.approx(28 * H / 1000)
    assert v["RPA活用業務数"] == 2
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "経過した開庁日 157 日 ÷ 年度の開庁日 241 日" in text
    assert "○ 達成：ペース比 100% 以上／△ 一部達成：80% 以上／× 未達成：80% 未満" in text
    assert "試行（trial）で処理した 1 件" in text and "「oldbot」の 1 件" in text and "推定" in text


@pytest.mark.parametrize("target, mark", [(1000, "×"), (0.75, "△"), (0.5, "○")])
def test_mark_follows_the_pace(make_week, tmp_path: Path, target: float, mark: str):
    cfg, ledger = make_week(target)
    report = build_report(cfg, ledger, Period.week("2026-W47"))
    wb = load_workbook(write_workbook(report, tmp_path / "r.xlsx"))
    assert summary_values(wb["概要"])["評価"] == mark
    assert report.headline.endswith(f"{mark}）")


def test_by_task_sheet_shows_the_negative_robot_in_red(written):
    _, book, _ = written
    ws = load_workbook(book)["業務別"]
    rows = table(ws)
    keys = [(r["ロボットID"], r["課"]) for r in rows]
    assert keys == [("haisha", "市民課"), ("haisha", "税務課"), ("survey", "企画課"), ("jumin", "市民課"), (None, None)]
    haisha_tax, survey, idle, total = rows[1], rows[2], rows[3], rows[4]
    assert (haisha_tax["件数"], haisha_tax["ロボット\n完了"], haisha_tax["うち\n確認あり"]) == (5, 4, 2)
    assert haisha_tax["失敗\n（手作業）"] == 1
    assert haisha_tax["自動化率"] == pytest.approx(3 / 5)
    assert haisha_tax["手作業換算\n（時間）"] == pytest.approx(30 * H)
    assert haisha_tax["職員時間\n（時間）"] == pytest.approx(9 * H)
    assert haisha_tax["純削減\n（時間）"] == pytest.approx(21 * H)
    assert haisha_tax["年度累計\n件数"] == 6
    assert haisha_tax["年度累計\n純削減（時間）"] == pytest.approx(27 * H)

    assert (survey["件数"], survey["ロボット\n完了"], survey["差戻し"]) == (3, 2, 1)
    assert survey["手作業換算\n（時間）"] == pytest.approx(4 * H)
    assert survey["職員時間\n（時間）"] == pytest.approx(8 * H)
    assert survey["純削減\n（時間）"] == pytest.approx(-4 * H)
    assert survey["1件あたり\n純削減（分）"] == pytest.approx(-4 / 3)
    net = cell_of(ws, 6, "純削減\n（時間）")
    assert net.value < 0 and "[Red]-" in net.number_format

    assert idle["件数"] == 0 and idle["自動化率"] == "－"
    assert total["業務（ロボット）"] == "合計"
    assert total["件数"] == 9 and total["純削減\n（時間）"] == pytest.approx(22 * H)
    assert total["年度累計\n純削減（時間）"] == pytest.approx(28 * H)


def test_trend_sheet_and_native_charts(written):
    _, book, _ = written
    wb = load_workbook(book)
    ws = wb["推移"]
    rows = table(ws)
    assert len(rows) == 53  # ISO weeks touching 令和8年度, clipped at 4/1 and 3/31
    first, w47, last = rows[0], next(r for r in rows if r["ISO週"] == "2026-W47"), rows[-1]
    assert (first["期間"], first["件数"]) == ("4/1〜4/5", 1)
    assert first["純削減\n（時間）"] == pytest.approx(6 * H)
    assert first["目標ペース\n（時間）"] == pytest.approx(1000 * 3 / 241)
    assert (w47["期間"], w47["件数"]) == ("11/16〜11/22", 9)
    assert w47["純削減\n（時間）"] == pytest.approx(22 * H)
    assert w47["年度累計\n（時間）"] == pytest.approx(28 * H)
    assert w47["目標ペース\n（時間）"] == pytest.approx(1000 * PACE_SHARE)
    assert last["期間"] == "3/29〜3/31" and last["件数"] is None and last["年度累計\n（時間）"] is None
    assert last["目標ペース\n（時間）"] == pytest.approx(1000)

    with zipfile.ZipFile(book) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = "".join(z.read(n).decode() for n in charts)
    assert len(charts) == 2
    assert "<barChart>" in xml and "<lineChart>" in xml
    assert '<invertIfNegative val="0" />' in xml  # a negative week is drawn as a bar below zero
    assert "<strRef><f>'推移'!$A$4:$A$56</f>" in xml  # week labels as text categories
    assert "'推移'!$E$4:$E$56" in xml  # weekly net hours
    assert "'推移'!$F$4:$F$56" in xml and "'推移'!$G$4:$G$56" in xml  # cumulative and the pace line


def test_items_sheet_has_times_and_net_minutes_but_nothing_personal(written, week_items):
    _, book, _ = written
    rows = table(load_workbook(book)["明細"])
    by_id = {r["明細ID"]: r for r in rows}
    expected_ids = {
        week_items[k]
        for k in (
            "plain",
            "measured_fields",
            "estimated",
            "failed",
            "sunday_late",
            "monday_early",
            "survey_measured",
            "survey_rejected",
            "survey_estimated",
        )
    }
    assert set(by_id) == expected_ids
    early = by_id[week_items["monday_early"]]
    assert early["完了日時"] == dt.datetime(2026, 11, 16, 0, 30)  # Japan time, not UTC
    failed = by_id[week_items["failed"]]
    assert (failed["状態"], failed["区分"], failed["確認時間\nの根拠"]) == ("失敗", "手作業（失敗）", "実測")
    assert failed["確認\n（秒）"] == pytest.approx(90)
    assert failed["職員時間\n（分）"] == pytest.approx(7.5)
    assert failed["純削減\n（分）"] == pytest.approx(-1.5)
    assert by_id[week_items["estimated"]]["確認時間\nの根拠"] == "推定"
    assert by_id[week_items["measured_fields"]]["課"] == "市民課"
    assert by_id[week_items["survey_measured"]]["確認\n（秒）"] == pytest.approx(180)
    assert sum(r["純削減\n（分）"] for r in rows) == pytest.approx(22)


def test_no_personal_data_anywhere(written, personal_values):
    _, book, sheet = written
    forbidden = [*personal_values, "受付-"]
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            text = z.read(name).decode("utf-8", errors="replace")
            for value in forbidden:
                assert value not in text, f"{value!r} found in {name}"
    csv_text = sheet.read_text(encoding="utf-8-sig")
    for value in forbidden:
        assert value not in csv_text


def test_csv_is_the_by_task_table_with_a_bom(written):
    _, _, sheet = written
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["ロボットID"], r["課"]) for r in rows] == [
        ("haisha", "市民課"),
        ("haisha", "税務課"),
        ("survey", "企画課"),
        ("jumin", "市民課"),
        ("", ""),
    ]
    survey, total = rows[2], rows[4]
    assert (survey["年度"], survey["期間開始"], survey["期間終了"], survey["ISO週"]) == (
        "令和8年度",
        "2026-11-16",
        "2026-11-22",
        "2026-W47",
    )
    assert survey["純削減（時間）"] == "-0.07"
    assert survey["1件あたり純削減（分）"] == "-1.33"
    assert total["業務（ロボット）"] == "合計" and total["件数"] == "9"
    assert total["自動化率（%）"] == "33.3"
    assert total["純削減（時間）"] == "0.37" and total["年度累計純削減（時間）"] == "0.47"


def test_print_setup_for_meetings(written):
    _, book, _ = written
    wb = load_workbook(book)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.freeze_panes
    for name in ("業務別", "推移", "明細"):
        assert wb[name].print_title_rows == "$1:$3"
    assert wb["業務別"].column_dimensions["B"].width >= 20


def test_fiscal_year_boundary_31_march_vs_1_april(cfg: DaikoConfig, ledger: Ledger, week_items, tmp_path: Path):
    # 2026-W14 runs Monday 30 March to Sunday 5 April: two 年度 in one week
    report = build_report(cfg, ledger, Period.week("2026-W14"))
    assert report.fiscal_year.label == "令和8年度"
    assert report.totals.items == 2  # 31 March 23:50 and 1 April 00:10, Japan time
    assert report.ytd.items == 1 and report.ytd.net_minutes == pytest.approx(6)
    assert any("年度をまたぐ" in note for note in report.notes)
    assert report.pace.open_days_elapsed == 3

    march = build_report(cfg, ledger, Period.between("2026-03-01", "2026-03-31"))
    assert march.fiscal_year.label == "令和7年度"
    assert (march.fiscal_year.start, march.fiscal_year.end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert march.ytd.items == 1 and march.totals.items == 1
    assert march.pace.open_days_elapsed == march.pace.open_days_total  # the whole 年度 has passed
    ws = load_workbook(write_workbook(march, tmp_path / "march.xlsx"))["概要"]
    assert ws["A2"].value == "対象期間　令和8年3月1日（日）〜3月31日（火）"
    assert ws["A3"].value.startswith("令和7年度（令和7年4月1日〜令和8年3月31日）")
    assert march.headline.startswith("期間の削減時間 0.1 時間（年度累計 0.1 / 1,000 時間")


def test_a_quiet_weeks_chart_has_an_hour_scale_whose_labels_differ(written):
    """A quiet week (22 minutes saved) made Excel step the bar chart by 0.5 h under a whole-hour
    format: the axis read 0, 1, 1, 2, 2. Each chart now has a step and as many decimals as it needs."""
    _, book, _ = written
    with zipfile.ZipFile(book) as z:
        bar, line = (z.read(n).decode() for n in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")))
    assert '<majorUnit val="0.1" />' in bar and 'formatCode="#,##0.0"' in bar  # weeks of under 0.4 h
    assert '<majorUnit val="200" />' in line and 'formatCode="#,##0"' in line  # the pace line to 1,000 h
