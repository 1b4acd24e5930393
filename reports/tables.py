"""The 業務別 table, defined once for the workbook sheet and the CSV.

Columns are (header, kind, value); ``kind`` tells a writer how to format the value, so the
sheet and the CSV carry the same columns in the same order and cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from daiko.reports.model import GroupRow, Report
from daiko.reports.savings import Totals

Kind = Literal["text", "count", "hours", "minutes", "rate"]


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    value: Callable[[GroupRow], Any]
    width: float = 11.0


def _p(get: Callable[[Totals], Any]) -> Callable[[GroupRow], Any]:
    return lambda row: get(row.period)


GROUP_COLUMNS: tuple[Column, ...] = (
    Column("ロボットID", "text", lambda r: r.robot_id, 11),
    Column("業務（ロボット）", "text", lambda r: r.robot_name, 28),
    Column("課", "text", lambda r: r.section, 12),
    Column("件数", "count", _p(lambda t: t.items), 8),
    Column("ロボット\n完了", "count", _p(lambda t: t.robot_done), 9),
    Column("うち\n確認あり", "count", _p(lambda t: t.reviewed), 9),
    Column("失敗\n（手作業）", "count", _p(lambda t: t.manual), 9),
    Column("差戻し", "count", _p(lambda t: t.rejected), 7),
    Column("自動化率", "rate", _p(lambda t: t.automation_rate), 9),
    Column("手作業換算\n（時間）", "hours", _p(lambda t: t.baseline_hours), 11),
    Column("職員時間\n（時間）", "hours", _p(lambda t: t.staff_hours), 11),
    Column("うち確認\n（時間）", "hours", _p(lambda t: t.review_hours), 11),
    Column("純削減\n（時間）", "hours", _p(lambda t: t.net_hours), 11),
    Column("1件あたり\n純削減（分）", "minutes", _p(lambda t: t.net_minutes_per_item), 11),
    Column("ロボット処理時間\n（時間・参考）", "hours", _p(lambda t: t.machine_hours), 13),
    Column("年度累計\n件数", "count", lambda r: r.ytd.items, 9),
    Column("年度累計\n純削減（時間）", "hours", lambda r: r.ytd.net_hours, 12),
)
NET_HEADERS = ("純削減（時間）", "1件あたり\n純削減（分）", "年度累計\n純削減（時間）")


def total_row(report: Report) -> GroupRow:
    """The 合計 line: the report's own totals, not a sum of rounded rows."""
    return GroupRow(robot_id="", robot_name="合計", section="", period=report.totals, ytd=report.ytd)
