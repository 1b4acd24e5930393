"""The 突合 list speaks the clerk's terms: 和暦 dates and the form's labels, never codes (issue 15)."""

from __future__ import annotations

from openpyxl import load_workbook

from daiko.robots.reconcile import MATCHED, MISMATCHED, reconcile, write_workbook
from daiko.robots.tasks.haisha import RECONCILE_LABELS


def test_the_list_shows_wareki_dates_and_japanese_reasons(tmp_path):
    keyed = {"plate": "飯能 あ 12-34", "deregistered_on": "2026-11-30", "reason": "scrap", "declared_on": "2026-12-01"}
    system = {**keyed, "reference": "R-1"}
    other = {
        "plate": "飯能 い 56-78",
        "deregistered_on": "2026-11-02",
        "reason": "transfer",
        "declared_on": "2026-11-04",
    }
    lines = reconcile(
        {"R-1": (1, keyed), "R-2": (2, other)},
        [system, {**other, "reference": "R-2", "reason": "theft"}],
    )
    assert [ln.verdict for ln in lines] == [MATCHED, MISMATCHED]  # compared on the stored codes
    book = write_workbook(lines, tmp_path / "突合.xlsx", title="突合", labels=RECONCILE_LABELS, form="keitax_haisha")
    ws = load_workbook(book).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert rows[0][4:] == ["飯能 あ 12-34", "飯能 あ 12-34", "令和8年11月30日", "令和8年11月30日", "解体", "解体",
                           "令和8年12月1日", "令和8年12月1日"]  # fmt: skip
    assert rows[1][2] == "廃車事由" and rows[1][8:10] == ["譲渡", "盗難"]
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    for code in ("scrap", "transfer", "theft", "2026-11"):
        assert code not in text
