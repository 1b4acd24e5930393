"""bench/ocr.py reports on pages no tuning run reads unless told otherwise, and says which split."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _levers(tmp_path: Path, *records: dict) -> subprocess.CompletedProcess:
    """``bench/levers.py`` run on a dump of ``records``, as a person runs it."""
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in records), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "levers.py"), str(dump)], capture_output=True, text=True, timeout=120
    )


def test_the_default_split_is_the_held_back_one_and_the_report_says_so(tmp_path: Path):
    out = tmp_path / "figures.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ocr.py"), "--pages", "1", "--engines", "no-such-engine",
         "--workers", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert (figures["split"], figures["seed_base"]) == ("heldout", 900_000)  # not the tuned seeds
    assert "split heldout (seeds 900000–900000)" in " ".join(run.stdout.split())


def test_levers_help_prints_its_usage_rather_than_reading_a_file_called_help():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "levers.py"), "--help"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "--against older.jsonl" in run.stdout and "Traceback" not in run.stderr


def test_levers_compares_two_dumps_of_the_same_pages_without_printing_values(tmp_path: Path):
    """forms/README's same-page figures (fields released, pages gained) come from this command."""

    def dump(path: Path, decision: str, straight: bool) -> Path:
        base = {"engine": "rapidocr", "split": "heldout", "seed": 900001, "form": "keitax_haisha",
                "kind": "printed", "template": "a"}  # fmt: skip
        field = {**base, "field": "reference", "type": "code", "decision": decision, "doubt": None,
                 "reason": None, "confirmed_by": None, "confidence": 0.99, "weakest": 0.9, "chars": None,
                 "pred": "R07-12345", "truth": "R07-12345", "exact": True}  # fmt: skip
        page = {"record": "page", **base, "straight": straight, "seconds": 1.0, "rss_mb": 500}
        path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (field, page)), encoding="utf-8")
        return path

    old, new = dump(tmp_path / "old.jsonl", "review", False), dump(tmp_path / "new.jsonl", "accept", True)
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "levers.py"), str(new), "--against", str(old)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "review→accept right: 1" in run.stdout and "pages now straight-through: 1" in run.stdout
    assert "900001 reference: review→accept (right)" in run.stdout
    assert "R07-12345" not in run.stdout  # seeds and field names, never values


def test_levers_counts_a_dump_with_free_text_and_each_rounds_rules(tmp_path: Path):
    """A dump holding a free text stopped the command at round 14's count (its endings had become one
    pattern per lost kana); round 19's rules are counted by the words of their reasons."""
    base = {"engine": "rapidocr", "split": "heldout", "seed": 917520, "form": "keitax_haisha", "kind": "printed",
            "template": "a", "doubt": "invalid", "confirmed_by": None, "confidence": 0.99, "weakest": 0.9,
            "chars": None, "decision": "review", "exact": True}  # fmt: skip
    text = {
        **base,
        "field": "reason_note",
        "type": "text",
        "reason": None,
        "pred": "見てくださ",
        "truth": "見てください",
    }
    date = {**base, "field": "declared_on", "type": "wareki_date", "pred": "2024-01-10", "truth": "2024-01-10",
            "reason": "「月」の文字が「川」と読めています。原本と見比べてください"}  # fmt: skip
    code = {**base, "field": "owner_postal_code", "type": "postal_code", "doubt": "faint", "pred": "357-0041",
            "truth": None, "exact": False, "reason": "薄い記入があるため確認してください。住所の町名の郵便番号（日本郵便のデータ）を入れてあります。原本と見比べてください"}  # fmt: skip
    page = {"record": "page", **base, "straight": False, "seconds": 1.0, "rss_mb": 500}
    run = _levers(tmp_path, text, date, code, page)
    assert run.returncode == 0, run.stderr
    assert "free text, a request cut short at its last kana: 1" in run.stdout
    assert "月 read as another character: 1 values (1 right)" in run.stdout
    assert "郵便番号 from the address's 町名, its box held as faint: 1 (0 right" in run.stdout  # round19_reads


def test_levers_counts_round_20s_rules_by_their_reasons(tmp_path: Path):
    from daiko.forms.stamp import STAMP_CONFIRMED_JA

    base = {"engine": "rapidocr", "split": "heldout", "seed": 919482, "form": "keitax_haisha", "kind": "handwriting",
            "template": "a", "doubt": None, "confidence": 0.96, "weakest": 0.9, "chars": None, "reason": None,
            "decision": "accept", "exact": True}  # fmt: skip
    date = {**base, "field": "declared_on", "type": "wareki_date", "pred": "2024-07-15", "truth": "2024-07-15",
            "confirmed_by": STAMP_CONFIRMED_JA}  # fmt: skip
    text = {**base, "field": "reason_note", "type": "text", "pred": "家族のソコン", "truth": "家族のパソコン",
            "confirmed_by": None, "exact": False}  # fmt: skip
    from daiko.forms.fieldtypes.address import BUILDING_FILLED_JA

    address = {**base, "field": "owner_address", "type": "address", "decision": "review", "doubt": "invalid",
               "pred": "飯能市稲荷町9番13号パレス仲町102", "truth": "飯能市稲荷町9番13号パレス仲町102",
               "confirmed_by": None, "reason": BUILDING_FILLED_JA.format("レス", "パレス")}  # fmt: skip
    from daiko.forms.stamp import STAMP_DIGIT_SHORT_JA

    short = {**date, "seed": 919700, "decision": "review", "doubt": "disagree", "confirmed_by": None,
             "pred": "2024-05-01", "truth": "2024-05-14", "exact": False,
             "reason": STAMP_DIGIT_SHORT_JA.format(stamp="令和6年5月14日")}  # fmt: skip
    page = {"record": "page", **base, "straight": True, "seconds": 1.0, "rss_mb": 500}
    run = _levers(tmp_path, date, text, address, short, page)
    assert run.returncode == 0, run.stderr
    assert "申告日 accepted, the 受付印 giving the same day: 1 (1 right, 1 accepted, 0 of them wrong)" in run.stdout
    assert "free text, a katakana run one kana short of a word: 1 (0 right, 1 accepted, 1 of them wrong)" in run.stdout
    assert "住所, a building word cut short filled in: 1 (1 right, 0 accepted, 0 of them wrong)" in run.stdout
    assert "申告日 held, a digit short of the 受付印's: 1 (0 right, 0 accepted, 0 of them wrong)" in run.stdout


def test_levers_counts_round_21s_rules_by_their_reasons(tmp_path: Path):
    from daiko.forms.fieldtypes.base import SPECK_JA
    from daiko.forms.reader import NAME_UNKNOWN_JA
    from daiko.forms.stamp import STAMP_OFFERED_JA

    base = {"engine": "rapidocr", "split": "heldout", "seed": 920238, "form": "keitax_haisha", "kind": "handwriting",
            "template": "b", "confidence": 0.5, "weakest": 0.3, "chars": None, "decision": "review",
            "confirmed_by": None}  # fmt: skip
    date = {**base, "field": "declared_on", "type": "wareki_date", "doubt": "invalid", "pred": "2024-05-02",
            "truth": "2024-05-02", "exact": True,
            "reason": "日付として読めません。" + STAMP_OFFERED_JA.format(stamp="令和6年5月2日")}  # fmt: skip
    name = {**base, "field": "owner_name", "type": "kanji_name", "doubt": "disagree", "pred": "佐々木\u3000優子",
            "truth": "佐々木\u3000優子", "exact": True, "reason": NAME_UNKNOWN_JA.format("佐木", "ササキ")}  # fmt: skip
    text = {**base, "form": "shimin_anketo", "field": "q2_other", "type": "text", "doubt": "invalid",
            "pred": "図書食の端末", "truth": "図書館の端末", "exact": False, "reason": SPECK_JA,
            "chars": [["図", 1.0, True], ["書", 1.0, True], ["食", 0.98, True], ["'", 0.73, True]]}  # fmt: skip
    run = _levers(tmp_path, date, name, text)
    assert run.returncode == 0, run.stderr
    assert "申告日 with no date read, shown as the 受付印's day: 1 (1 right, 0 accepted" in run.stdout
    assert "氏名 no dictionary knows, a character off its フリガナ's name: 1 (1 right" in run.stdout
    assert "free text, a mark between Japanese characters as a speck: 1 (0 right" in run.stdout


def test_calibration_leaves_to_the_kyujitai_floor_what_it_holds_anyway(tmp_path: Path):
    """加藤　惠子 at 0.7371 (a 旧字体 the 氏名's floor sends to review) had set every kanji's bar in a
    氏名 to 0.7376; fields the floor holds are no longer the thresholds' to stop."""

    def rec(name: str, chars: list, exact: bool) -> str:
        return json.dumps({"engine": "rapidocr", "split": "calib", "seed": 30001, "form": "keitax_haisha",
                           "kind": "handwriting", "field": "owner_name", "type": "kanji_name", "doubt": None,
                           "confidence": 0.95, "chars": chars, "exact": exact, "pred": name})  # fmt: skip

    right = [rec("山田　花子", [["山", 1.0, True], ["田", 0.72, True], ["花", 1.0, True], ["子", 1.0, True]], True)]
    wrong = rec("加藤　惠子", [["加", 1.0, True], ["藤", 1.0, True], ["惠", 0.7371, True], ["子", 1.0, True]], False)
    dump = tmp_path / "calib.jsonl"
    dump.write_text("\n".join(right * 40 + [wrong]) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "calibrate.py"), str(dump)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if "kanji_name" in x)
    assert "chars {} — 0/40 to review, 0 wrong accepted" in line  # not {'kanji': 0.7376} holding 山田


def test_calibration_spends_the_budget_where_stopping_a_wrong_value_costs_most(tmp_path: Path):
    """The budget is the issue's — 0.05 % of all fields — not one per type: with 2,002 fields one
    wrong value may pass, and it is the one whose stopping would send 100 right values to review."""

    def rec(ftype: str, score: float, exact: bool) -> str:
        # A 車台番号 begins with a letter: one read with a digit first is its type's floor's (ChassisNo.floors).
        first = "A" if ftype == "chassis_no" else "1"
        return json.dumps({"engine": "rapidocr", "split": "calib", "seed": 30001, "form": "keitax_haisha",
                           "kind": "printed", "field": ftype, "type": ftype, "doubt": None, "confidence": score,
                           "chars": [[first, score, True], ["2", score, True]], "exact": exact,
                           "pred": first + "2"})  # fmt: skip

    lines = [rec("code", 0.95, True)] * 100 + [rec("code", 0.99, True)] * 900 + [rec("code", 0.96, False)]
    lines += [rec("chassis_no", 0.99, True)] * 1000 + [rec("chassis_no", 0.86, False)]
    dump = tmp_path / "calib.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "calibrate.py"), str(dump)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    fitted = {x.split()[1]: x for x in run.stdout.splitlines() if x.startswith("rapidocr")}
    assert "0/1001 to review, 1 wrong accepted" in fitted["code"]  # left: stopping it costs 100
    assert "1/1001 to review, 0 wrong accepted" in fitted["chassis_no"]  # stopped for nothing


def test_rss_reads_kept_pages_with_an_engine_and_its_options(tmp_path: Path):
    """bench/rss.py: the peak of reading kept bench pages, per engine setting (how paddleocr's kernel
    cache was measured); an option's value is passed as robots.yaml's ocr options are."""
    from bench.ocr import _make_one

    for i in range(2):
        _make_one((i, "keitax_haisha", "printed", "a", str(tmp_path), 10_000, False))
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "rss.py"), str(tmp_path), "--pages", "2", "--every", "1",
         "--engine", "rapidocr", "--opt", "threads=1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = [ln for ln in run.stdout.splitlines() if "peak RSS" in ln]
    assert [ln.split(":")[0] for ln in lines] == ["1 pages", "2 pages"] and all(" MB, " in ln for ln in lines)


def test_levers_counts_the_empties_round_22_lets_stand_beside_a_read_put_right(tmp_path: Path):
    from daiko.forms.reader import EMPTY_REQUIRED_LOST_JA

    base = {"engine": "rapidocr", "split": "heldout", "seed": 922114, "form": "keitax_haisha", "kind": "handwriting",
            "template": "a", "confirmed_by": None, "confidence": None, "weakest": None, "chars": None}  # fmt: skip
    address = {**base, "field": "owner_address", "type": "address", "decision": "review", "doubt": "invalid",
               "weakest": 0.2869, "raw": "埼玉県飯能市大字青木422香地4", "pred": "埼玉県飯能市大字青木422番地4",
               "truth": "埼玉県飯能市大字青木422番地4", "exact": True, "reason": "「香地」を「番地」と読みました。"}  # fmt: skip
    empties = [{**base, "field": name, "type": t, "decision": "review", "doubt": "empty", "pred": None, "truth": None,
                "exact": True, "reason": EMPTY_REQUIRED_LOST_JA}
               for name, t in (("mynumber", "mynumber"), ("reason_note", "text"))]  # fmt: skip
    garbled = {**address, "seed": 922046, "raw": "的前市程町27亩18号开二1二中山20。", "weakest": 0.2091,
               "pred": "的前市程町27亩18号开二1二中山20。", "exact": False}  # fmt: skip
    beside = {**empties[1], "seed": 922046}
    date = {**base, "seed": 923254, "field": "deregistered_on", "type": "wareki_date", "decision": "review",
            "doubt": "invalid", "raw": "R5/1.1/19", "pred": "2023-11-19", "truth": "2023-11-19", "exact": True,
            "reason": "数字の間の点は汚れとみなして除きました。原本と見比べてください"}  # fmt: skip
    run = _levers(tmp_path, address, *empties, garbled, beside, date)
    assert run.returncode == 0, run.stderr
    assert "empty beside a required read its type made a value of (stands): 2 (2 right" in run.stdout
    assert "date with slashes, a dot between digits as a speck: 1 (1 right" in run.stdout


def test_rules_counts_the_long_strokes_left_as_writing_without_printing_values(tmp_path: Path):
    """Held-back page 922415 (3月28日 in a thick pen): the 8's sides are long runs the reader now leaves."""
    from bench.ocr import _make_one

    item = _make_one((22415, "shimin_anketo", "handwriting", "b", str(tmp_path), 900000, True))
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "rules.py"), str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert "1 pages registered" in run.stdout
    assert f"{Path(item['path']).name} answered_on:" in run.stdout
    assert "令和" not in run.stdout and "2025" not in run.stdout  # file and field names only


def test_levers_counts_round_23s_rules_on_a_dump_of_older_code(tmp_path: Path):
    """Held-back pages 924103, 923983, 924218 and 924482 as round 22's code read them: what round 23 would hold."""
    base = {"engine": "rapidocr", "split": "heldout", "form": "shimin_anketo", "kind": "handwriting",
            "template": "b", "confirmed_by": None, "confidence": 0.999, "weakest": 0.99, "chars": None,
            "doubt": None, "reason": None, "decision": "accept"}  # fmt: skip
    colon = {**base, "seed": 924103, "field": "comment", "type": "text", "raw": "市のホームページが見づらいです:",
             "pred": "市のホームページが見づらいです:", "truth": "市のホームページが見づらいです", "exact": False}  # fmt: skip
    ha = {**colon, "seed": 923983, "raw": "防災メールを充実させてはしい", "pred": "防災メールを充実させてはしい",
          "truth": "防災メールを充実させてほしい"}  # fmt: skip
    slash = {**base, "seed": 924218, "form": "keitax_haisha", "field": "owner_address", "type": "address",
             "decision": "review", "doubt": "disagree", "raw": "埼玉県飯能市/八幡町4番8号",
             "pred": "埼玉県飯能市/八幡町4番8号", "truth": "埼玉県飯能市八幡町4番8号", "exact": False}  # fmt: skip
    date = {**slash, "seed": 924482, "field": "declared_on", "type": "wareki_date", "decision": "accept",
            "doubt": None, "raw": "令和6年3月31", "pred": "2024-03-31", "truth": "2024-03-03"}  # fmt: skip
    run = _levers(tmp_path, colon, ha, slash, date)
    assert run.returncode == 0, run.stderr
    assert "a mark after its last Japanese character: 1 (0 right, 1 accepted, 1 of them wrong)" in run.stdout
    assert "は/ほ the sentence wants the other of: 1 (0 right, 1 accepted, 1 of them wrong)" in run.stdout
    assert "a slash beside a name's character: 1 (0 right, 0 accepted" in run.stdout
    assert "a day ending in 1 where no 日 was read: 1 (0 right, 1 accepted, 1 of them wrong)" in run.stdout
    assert "ホームページ" not in run.stdout and "八幡町" not in run.stdout  # counts, never values


def test_marks_reports_per_field_the_reads_a_mark_changed_and_names_accept_none(tmp_path: Path):
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "marks.py"), "--values", "1", "--forms", "keitax_haisha"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "marks put into right reads:" in run.stdout
    lines = dict(ln.strip().split(": ", 1) for ln in run.stdout.splitlines()[1:])
    assert set(lines) >= {"keitax_haisha/owner_name", "keitax_haisha/owner_address", "keitax_haisha/plate"}
    # round 23: a 中黒 not between katakana, a ー beside a kanji — no mark makes a 氏名 accepted changed
    assert lines["keitax_haisha/owner_name"].startswith("0 of ")
    assert lines["keitax_haisha/plate"].startswith("0 of ")


def test_levers_counts_round_24s_rules_on_a_dump_of_older_code(tmp_path: Path):
    """Held-back pages 926639, 926534 and 927215 as round 23's code read them: what round 24 would hold."""
    base = {"engine": "rapidocr", "split": "heldout", "kind": "handwriting", "template": "b", "confirmed_by": None,
            "doubt": None, "reason": None, "decision": "accept", "confidence": 0.999, "weakest": 0.99}  # fmt: skip
    code = {**base, "seed": 926639, "form": "shimin_anketo", "field": "sheet_no", "type": "code", "raw": "1085",
            "pred": "1085", "truth": "1688", "exact": False,
            "chars": [["1", 1.0, True], ["0", 0.74, True], ["8", 1.0, True], ["5", 0.82, True]]}  # fmt: skip
    dereg = {**base, "seed": 926534, "form": "keitax_haisha", "field": "deregistered_on", "type": "wareki_date",
             "raw": "R6/1/12", "pred": "2024-01-12", "truth": "2024-11-12", "exact": False, "chars": None}  # fmt: skip
    declared = {**dereg, "field": "declared_on", "raw": "R6/11/27", "pred": "2024-11-27", "truth": "2024-11-27",
                "exact": True}  # fmt: skip
    text = {**code, "seed": 927215, "field": "q2_other", "type": "text", "raw": "家族のパンコン", "pred": "家族のパンコン",
            "truth": "家族のパソコン", "chars": None}  # fmt: skip
    run = _levers(tmp_path, code, dereg, declared, text)
    assert run.returncode == 0, run.stderr
    assert "code, more than 1 character under 0.9: 1 (0 right, 1 accepted, 1 of them wrong)" in run.stdout
    assert "廃車年月日 more than 60 days before its 申告日: 1 (0 right, 1 accepted, 1 of them wrong)" in run.stdout
    assert "a katakana run several words are a kana away from, one a shape twin's: 1 (0 right, 1 accepted" in run.stdout
    assert "1085" not in run.stdout and "2024-01-12" not in run.stdout and "パンコン" not in run.stdout


def test_levers_counts_round_25s_rule_on_a_dump_of_older_code_and_of_newer(tmp_path: Path):
    """Held-back page 929597 as round 24's code read it (1600 read 1000, accepted), and as round 25's
    (held: the second recogniser read otherwise); a code read sure in every digit is not counted."""
    base = {"engine": "rapidocr", "split": "heldout", "kind": "printed", "template": "b", "confirmed_by": None,
            "doubt": None, "reason": None, "decision": "accept", "confidence": 0.91, "weakest": 0.78,
            "form": "shimin_anketo", "field": "sheet_no", "type": "code", "raw": "1000", "pred": "1000",
            "truth": "1600", "exact": False,
            "chars": [["1", 1.0, True], ["0", 0.78, True], ["0", 1.0, True], ["0", 1.0, True]]}  # fmt: skip
    held = {**base, "seed": 929598, "decision": "review", "doubt": "disagree",
            "reason": "2つ目の読み取り（別の認識モデル）と一致しません。読み取りに自信のない文字があります: 2文字目「0」。"}  # fmt: skip
    sure = {**base, "seed": 929599, "pred": "1600", "exact": True, "chars": [[c, 0.99, True] for c in "1600"]}
    run = _levers(tmp_path, {**base, "seed": 929597}, held, sure)
    assert run.returncode == 0, run.stderr
    assert (
        "accepted with a character under its bar (confirmed, or to be asked): 1 (0 right, 1 accepted, 1 of them wrong)"
        in run.stdout
    )
    assert "held: the second recogniser reads otherwise: 1 (0 right, 0 accepted, 0 of them wrong)" in run.stdout
    assert "1000" not in run.stdout


def test_levers_counts_round_27s_reads_and_plates_read_wrong_by_the_kana_written(tmp_path: Path):
    """The figures round 27's comments cite: a one-kanji 姓 the dictionary lacks (page 933314), a 車台番号
    with a mark for its hyphen, and handwritten plates read wrong by their kana — ぬ against the rest."""
    base = {"engine": "rapidocr", "split": "heldout", "kind": "handwriting", "template": "a", "confirmed_by": None,
            "doubt": None, "reason": None, "decision": "accept", "confidence": 0.99, "weakest": 0.99,
            "form": "keitax_haisha", "chars": None}  # fmt: skip
    name = {**base, "seed": 933314, "field": "owner_name", "type": "kanji_name", "raw": "佐\u3000進",
            "pred": "佐\u3000進", "truth": "佐藤\u3000進", "exact": False}  # fmt: skip
    chassis = {**base, "seed": 929400, "field": "chassis_no", "type": "chassis_no", "raw": "HA36S:675571",
               "pred": None, "truth": "HA36S-675571", "exact": False, "decision": "review", "doubt": "invalid"}  # fmt: skip
    plates = [{**base, "seed": 930000 + i, "field": "plate", "type": "plate", "raw": "x", "pred": None,
               "truth": t, "exact": ok} for i, (t, ok) in enumerate(
                   [("所沢 580 ぬ 10-70", False), ("飯能市 ぬ 2168", True), ("大宮 480 あ 94-12", True)])]  # fmt: skip
    run = _levers(tmp_path, name, chassis, *plates)
    assert run.returncode == 0, run.stderr
    assert (
        "a 姓 of one kanji the dictionary does not file as one: 1 (0 right, 1 accepted, 1 of them wrong)" in run.stdout
    )
    assert "車台番号 with a mark in its hyphen's place: 1 (0 right, 0 accepted, 0 of them wrong)" in run.stdout
    assert "written with ぬ: 2, 1 read wrong; with another kana: 1, 0 read wrong" in run.stdout
    assert "佐" not in run.stdout.split("round 27")[1] and "675571" not in run.stdout


def test_levers_counts_round_28s_reads(tmp_path: Path):
    """The figures round 28's comments cite: a date with a number lost (page 931415), a kana 名 one 濁点
    from a known name (page 929726) — and a date whose + the type reads as a 4 is not the rule's case."""
    base = {"engine": "rapidocr", "split": "heldout", "kind": "handwriting", "template": "a", "confirmed_by": None,
            "doubt": None, "reason": None, "decision": "review", "confidence": 0.99, "weakest": 0.99, "chars": None}  # fmt: skip
    dates = [{**base, "seed": 931415, "form": "shimin_anketo", "field": "answered_on", "type": "wareki_date",
              "raw": "P7..22", "pred": "2025-02-02", "truth": "2025-03-22", "exact": False},
             {**base, "seed": 932460, "form": "keitax_haisha", "field": "declared_on", "type": "wareki_date",
              "raw": "R6/+/25", "pred": "2024-04-25", "truth": "2024-04-25", "exact": True}]  # fmt: skip
    name = {**base, "seed": 929726, "form": "keitax_haisha", "field": "owner_name", "type": "kanji_name",
            "raw": "木村\u3000みとり", "pred": "木村\u3000みとり", "truth": "木村\u3000みどり", "exact": False,
            "decision": "accept"}  # fmt: skip
    run = _levers(tmp_path, *dates, name)
    assert run.returncode == 0, run.stderr
    assert "a date with its year or a number lost, shown empty (a 受付印 may fill it): 1 (0 right" in run.stdout
    assert "one 濁点 from a name the dictionary knows: 1 (0 right, 1 accepted, 1 of them wrong)" in run.stdout


HAISHA_FIELDS = ("reference", "declared_on", "owner_postal_code", "owner_phone", "owner_address", "owner_kana",
                 "owner_name", "car_name", "chassis_no", "reason_note")  # fmt: skip


def _pages_dump(seed0: int, n: int, straight: int, wrong_pages: int = 0, register: int | None = None) -> list[dict]:
    """``n`` handwritten 廃車 pages of ten fields, ``straight`` of them straight-through (``register`` with
    the robot's register check; as many where not given); each of the first ``wrong_pages`` pages has
    all ten fields read wrong and held (a scan that lost the pen)."""
    register = straight if register is None else register
    out = []
    for i in range(n):
        base = {"engine": "rapidocr", "split": "heldout", "seed": seed0 + i, "form": "keitax_haisha",
                "kind": "handwriting", "template": "a"}  # fmt: skip
        lost = i < wrong_pages
        for f in HAISHA_FIELDS:
            out.append({**base, "field": f, "type": "text", "decision": "review" if lost else "accept",
                        "doubt": None, "reason": None, "confirmed_by": None, "confidence": 0.99, "weakest": 0.9,
                        "chars": None, "pred": "x", "truth": "y" if lost else "x", "exact": not lost})  # fmt: skip
        out.append({"record": "page", **base, "straight": i >= n - straight, "straight_register": i >= n - register,
                    "seconds": 1.0, "rss_mb": 500})  # fmt: skip
    return out


def test_levers_gives_each_goal_figure_with_its_interval_and_calls_it_only_when_the_draw_can_tell(tmp_path: Path):
    """Straight-through 76.7 % of 150 handwritten pages (a real draw's) is over the 75 % goal, but another
    draw of that size at the same code may land at 70: the report says so instead of ticking it."""
    run = _levers(tmp_path, *_pages_dump(900_000, 150, 115))
    assert run.returncode == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if "straight-through 廃車申告書 handwriting" in x)
    assert "76.7 % of 150 pages [69.3–82.7] undecided" in line
    assert "review handwriting (≤10): 0.00 %" in run.stdout and "] met" in run.stdout
    # Pooling draws (several dumps) narrows it: four such draws show a share of 76.7 % over 75 %.
    dumps = [x for k in range(4) for x in _pages_dump(900_000 + 1000 * k, 150, 115)]
    pooled = _levers(tmp_path, *dumps)
    assert "76.7 % of 600 pages [73.1–79.9] undecided" in pooled.stdout
    many = _levers(tmp_path, *[x for k in range(4) for x in _pages_dump(900_000 + 1000 * k, 150, 140)])
    assert "93.3 % of 600 pages [91.0–95.1] met" in many.stdout


def test_levers_gives_straight_through_with_the_register_check_beside_the_readers_own(tmp_path: Path):
    """What staff see: a plate held for its kana that the vehicle's record holds exactly is released by
    the robot. Pooled, the reader alone may leave the goal undecided where the robot's figure meets it."""
    dumps = [x for k in range(5) for x in _pages_dump(900_000 + 1000 * k, 150, 114, register=123)]
    run = _levers(tmp_path, *dumps)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    at = next(i for i, x in enumerate(lines) if "straight-through 廃車申告書 handwriting" in x)
    assert "76.0 % of 750 pages" in lines[at] and lines[at].endswith("undecided")
    assert lines[at + 1].strip() == "with the robot's register check: 82.0 % [79.1–84.6] met"


def test_a_field_share_is_as_uncertain_as_its_pages_not_its_fields():
    """Fields of one page fail together (a lost pen takes all of them): the interval is the pages'.
    12 of 150 pages fully wrong is 92 % exact of 1,500 fields; a binomial over the fields would say
    ±1.4 points, the pages say ±4.4."""
    from bench.intervals import by_pages, wilson

    pages = [(0, 10)] * 12 + [(10, 10)] * 138
    lo, hi = by_pages(pages)
    blo, bhi = wilson(1380, 1500)
    assert round(lo, 1) == 87.6 and round(hi, 1) == 96.4
    assert (hi - lo) > 2.5 * (bhi - blo)
    # The spread is between pages: pages that all read alike leave nothing to spread.
    assert by_pages([(9, 10)] * 150) == (90.0, 90.0)
