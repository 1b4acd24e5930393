"""The survey pieces on their own: definitions, the task registry and robots.yaml, rules, rounding,
ranking and conditional denominators, masking, the 電子申請 CSV. Fast: no OCR."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from daiko.config import ConfigError
from daiko.config.loader import parse_config
from daiko.forms.errors import FormDefinitionError
from daiko.forms.survey import load_survey, survey_names
from daiko.forms.synth.survey import make_respondent, write_web_csv
from daiko.robots.config import task_catalog
from daiko.robots.survey.masking import mask_personal
from daiko.robots.survey.rules import check_response
from daiko.robots.survey.store import Response
from daiko.robots.survey.tally import build_tally, percent
from daiko.robots.survey.webcsv import read_web_csv
from daiko.robots.tasks import known_tasks, task_for

# -- definitions and the registry -------------------------------------------------------------------


def test_both_surveys_load_and_the_long_one_has_every_kind_of_question():
    assert {"shimin_anketo", "shimin_ict"} <= set(survey_names())
    ict = load_survey("shimin_ict")
    assert ict.pages == ["shimin_ict_p1", "shimin_ict_p2"]
    assert {q.type for q in ict.questions} == {"single", "multi", "ranking", "matrix", "text"}
    assert ict.question("q4").condition is not None
    assert [label for _, label in ict.choices(ict.question("q7"))] == [
        "満足",
        "やや満足",
        "どちらともいえない",
        "やや不満",
        "不満",
    ]


def test_a_survey_naming_a_field_no_page_has_is_refused(tmp_path: Path):
    text = (Path(__file__).parents[2] / "forms" / "surveys" / "shimin_anketo.yaml").read_text(encoding="utf-8")
    (tmp_path / "shimin_anketo.yaml").write_text(text.replace("field: q3", "field: q33"), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="q33"):
        load_survey("shimin_anketo", tmp_path)


def test_tasks_are_found_by_name_and_say_whether_they_need_a_target():
    tasks = known_tasks()
    assert tasks["haisha"] is True and tasks["survey"] is False
    catalog = task_catalog()
    assert catalog.by_form["keitax_haisha"] == "haisha" and catalog.by_form["shimin_ict"] == "survey"


ROBOT = """\
version: 1
targets:
  keitax: {{name: 軽自動車税システム, adapter: keitax, base_url: "http://127.0.0.1:9", login: rpa01, password_env: X_PW}}
robots:
  - id: anketo
    name: 集計ロボット
    section: 企画課
    {lines}
    inbox: inbox/anketo
    baseline_minutes: 5
"""


def _validate(lines: str):
    return parse_config(ROBOT.format(lines=lines), tasks=task_catalog())


def test_validate_takes_a_survey_robot_without_a_target_and_explains_the_mistakes():
    cfg = _validate("task: survey\n    form: shimin_ict")
    robot = cfg.robots[0]
    assert robot.target is None and task_for(robot).needs_target is False
    assert _validate("form: shimin_ict").robots[0].task is None  # the task follows from the form
    with pytest.raises(ConfigError) as err:
        _validate("task: survey\n    form: shimin_ict\n    target: keitax")
    assert "基幹システムに入力しません（daiko の中で完結します）。'target' を消してください" in str(err.value)
    with pytest.raises(ConfigError) as err:
        _validate("task: haisha\n    form: keitax_haisha")
    assert "基幹システムに入力します（処理 haisha）" in str(err.value) and "（keitax）" in str(err.value)
    with pytest.raises(ConfigError) as err:
        _validate("task: anketo\n    form: shimin_ict")
    assert "ロボットの処理 'anketo' はありません" in str(err.value) and "survey (基幹システムなし)" in str(err.value)


# -- rules --------------------------------------------------------------------------------------------


def _mark(value, *, decision="accept", scores=None, form="shimin_ict_p1", page=1):
    return {"type": "choice", "value": value, "decision": decision, "scores": scores, "form": form, "page": page}


def test_rules_make_over_limit_invalid_or_send_it_to_review_as_the_survey_says():
    ict = load_survey("shimin_ict")
    on = {"1": 0.2, "2": 0.2, "3": 0.0, "4": 0.0, "5": 0.0}
    # 問2 (単一回答): two marks → 無効 (survey default) → 無回答, no review
    checked = check_response(ict, {"q2": _mark(["1", "2"], decision="review", scores=on)})
    assert checked.fields["q2"]["value"] is None and checked.invalid == {"q2": "over_limit"} and not checked.review
    # 問6 「3つまで」 with four: this question says review
    four = {k: (0.2 if k in "1234" else 0.0) for k in "12345678"}
    checked = check_response(ict, {"q6": _mark(list("1234"), decision="review", scores=four, form="shimin_ict_p2")})
    assert checked.review == ["q6"] and "「3つまで」の設問に4つ印があります" in checked.fields["q6"]["reason"]
    # a smudge (score between off and on) → review, whatever the count
    unsure = {"1": 0.2, "2": 0.03, "3": 0.0, "4": 0.0, "5": 0.0}
    assert check_response(ict, {"q2": _mark(["1"], decision="review", scores=unsure)}).review == ["q2"]
    # once a person has checked the field, their answer stands
    assert check_response(ict, {"q6": _mark(["1", "2", "3"], form="shimin_ict_p2")}, reviewed={"q6"}).review == []


def test_rules_for_ranks_and_conditions():
    ict = load_survey("shimin_ict")
    ranks = {f"q5_r{i}": _mark(k, form="shimin_ict_p2", page=2) for i, k in enumerate(["1", "3", "1", None, None], 1)}
    checked = check_response(ict, ranks)
    assert checked.review == ["q5_r1", "q5_r3"] and "1位・3位" in checked.fields["q5_r3"]["reason"]
    # after 「わからない」 the same choice again is not a clash (the later ranks are not asked)
    ranks = {f"q5_r{i}": _mark(k, form="shimin_ict_p2", page=2) for i, k in enumerate(["6", "1", "1", None, None], 1)}
    assert check_response(ict, ranks).review == []
    # 問4 answered by someone who said 3 in 問3: 無効 (left out), no review
    checked = check_response(ict, {"q3": _mark("3"), "q4": _mark(["1"])})
    assert checked.review == [] and checked.fields["q4"]["value"] == ["1"]


# -- rounding and denominators --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "base", "shown"),
    [
        (1, 400, "0.3"),
        (3, 400, "0.8"),
        (1, 8, "12.5"),
        (857, 2000, "42.9"),
        (2, 3, "66.7"),
        (1, 3, "33.3"),
        (0, 5, "0.0"),
    ],
)
def test_percentages_round_half_up_at_the_second_decimal(count, base, shown):
    assert str(percent(count, base)) == shown  # 1/400 = 0.25 % → 0.3 (banker's rounding would say 0.2)


def test_multi_select_is_over_respondents_and_ranks_after_dont_know_leave_the_base():
    ict = load_survey("shimin_ict")

    def resp(key, **answers):
        return Response(key, "paper", answers=answers, pages={1, 2})

    people = [
        resp("1", q3="1", q4=["1", "2"], q5_r1="6", q5_r2=None),
        resp("2", q3="2", q4=["1"], q5_r1="1", q5_r2="2"),
        resp("3", q3="4", q4=["2"], q5_r1="2", q5_r2=None),  # 問4 answered though not asked: left out
        resp("4", q3=None, q5_r1=None),
    ]
    tally = build_tally(ict, people)
    q4 = tally.question("q4").tables[0]
    assert q4.base == 2 and q4.row("1").count == 2 and q4.row("1").percent == Decimal("100.0")
    assert q4.row("2").percent == Decimal("50.0") and tally.question("q4").excluded == 1
    rank1, rank2 = tally.question("q5").tables[:2]
    assert rank1.base == 4 and rank1.row("6").count == 1
    assert rank2.base == 3 and rank2.row(None).count == 2  # respondent 1 said わからない: not asked 2位
    assert tally.return_rate == Decimal("0.2")  # 4 / 2,000


# -- masking and the web export ------------------------------------------------------------------------


def test_personal_data_in_comments_is_masked_and_counted():
    m = mask_personal("私は佐藤 花子です。飯能市双柳1番地の1、０９０－１２３４－５６７８ taro@example.jp")
    assert "佐藤" not in m.text and "090" not in m.text and "双柳1" not in m.text and "@" not in m.text
    assert dict(m.counts) == {"氏名": 1, "住所": 1, "電話番号": 1, "メールアドレス": 1}
    assert mask_personal("市のホームページが見づらいです").counts == {}


def test_web_export_rows_become_items_in_either_encoding(tmp_path: Path):
    survey = load_survey("shimin_anketo")
    people = [make_respondent(survey, n) for n in range(1, 41)]
    for encoding in ("cp932", "utf-8-sig"):
        path = write_web_csv(survey, people, tmp_path / f"web_{encoding}.csv", encoding=encoding)
        drafts = read_web_csv(survey, path)
        assert len(drafts) == 40 and drafts[0].reference == "0001"
        assert drafts[0].fields["q3"]["value"] == (people[0].written["q3"] or "").split(",")
    bad = tmp_path / "other.csv"
    bad.write_text("氏名,住所\n山田,飯能\n", encoding="utf-8")
    with pytest.raises(ValueError, match="電子申請 CSV ではないようです"):
        read_web_csv(survey, bad)


def test_the_one_page_survey_runs_on_web_answers_alone(tmp_path: Path):
    """No scans, no browser: a CSV of 60 answers → 60 responses; 問2 asked only of 問1 = 利用している."""
    from daiko.ledger import Ledger
    from daiko.robots.runner import run_robot
    from daiko.robots.survey.store import load_responses

    from .conftest import final_answers, survey_config

    survey = load_survey("shimin_anketo")
    cfg = survey_config(tmp_path, "shimin_anketo")
    people = [make_respondent(survey, n) for n in range(1, 61)]
    write_web_csv(survey, people, cfg.data_dir / "inbox" / "anketo" / "web.csv")
    summary = run_robot(cfg, "anketo", settle_seconds=0)
    assert summary.done + summary.review == 60
    tally = build_tally(survey, load_responses(Ledger(cfg.ledger_url), "shimin_anketo"))
    assert tally.returned == summary.done and tally.by_method()["web"] == summary.done
    counted = {r.key for r in tally.responses}
    users = sum(1 for p in people if p.sheet_no in counted and final_answers(survey, p)["q1"] == ["1"])
    assert tally.question("q2").tables[0].base == users
