"""A 課 user opens the 集計 workbook in LibreOffice and sees the charts (fails where soffice is absent).

Like the weekly report's check: converting to PDF proves the file is sound outside openpyxl, and
the charts' titles are text in the PDF only if LibreOffice drew the charts (no cell holds them).
The responses come from the generator straight into the tally (no OCR needed for a render check).
"""

from __future__ import annotations

from pathlib import Path

from daiko.forms.survey import load_survey
from daiko.forms.synth.survey import make_respondent
from daiko.robots.survey.store import Response
from daiko.robots.survey.tally import build_tally
from daiko.robots.survey.workbook import CHART_SUFFIX, write_workbook
from tests.office import pdf_pages


def _responses(name: str, n: int) -> list[Response]:
    survey = load_survey(name)
    out = []
    for i in range(1, n + 1):
        r = make_respondent(survey, i, rule_breaking=0)
        answers = {k: (v.split(",") if v and survey.field(k)[1].type == "choice" else v) for k, v in r.written.items()}
        out.append(Response(r.sheet_no, "paper" if i % 3 else "web", answers=answers, pages={1, 2}))
    return out


def test_survey_workbook_converts_to_pdf_with_its_charts(tmp_path: Path):
    survey = load_survey("shimin_ict")
    book = write_workbook(build_tally(survey, _responses("shimin_ict", 120)), tmp_path / "shimin_ict_集計.xlsx")
    pages = pdf_pages(book, tmp_path, timeout=180)
    assert len(pages) >= 9  # 概要, a sheet per question, 自由記述
    text = "".join("".join(page.split()) for page in pages)
    assert "ICT活用に関する市民意識調査集計結果" in text and "令和3年3月10日〜3月24日" in text
    for title in (survey.question("q1").title, "問5 問い合わせ手段の優先順位　1位", survey.question("q7").title):
        assert "".join(f"{title}{CHART_SUFFIX}".split()) in text  # the chart was drawn
    assert "回答方法の種別" in text
