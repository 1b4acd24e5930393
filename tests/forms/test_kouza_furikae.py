"""The 市税等口座振替依頼書: its field types, the 全銀 reference data, the bank/branch check across
fields, and the real OCR reading synthetic printed and handwriting-style scans."""

from __future__ import annotations

import pytest

from daiko.forms import read_form, zengin
from daiko.forms.definition import FormDefinition, load_definition
from daiko.forms.errors import FormDefinitionError
from daiko.forms.fieldtypes import get_type
from daiko.forms.render import render_template
from daiko.forms.synth import make_page
from daiko.forms.synth.fakes import LOCAL_BANKS, Fake

FORM = "kouza_furikae"


def test_the_form_loads_renders_and_names_its_check():
    form = load_definition(FORM)
    assert form.title_ja == "市税等口座振替依頼書" and form.seal_zone is not None
    assert [c.kind for c in form.checks] == ["bank_branch"]
    assert {f.name: f.cells for f in form.fields if f.cells} == {
        "atena_no": 10,
        "bank_code": 4,
        "branch_code": 3,
        "account_no": 7,
    }
    assert form.field("taxes").select == "many" and [o.key for o in form.field("deposit_type").options] == [
        "futsu",
        "toza",
    ]
    assert render_template(form, 100).shape == (1169, 827)


def test_a_check_must_name_fields_the_form_has_and_roles_it_knows():
    data = load_definition(FORM).model_dump()
    data["checks"] = [{"kind": "bank_branch", "fields": {"bank_code": "bank_code", "branch_code": "no_such_field"}}]
    with pytest.raises(ValueError, match="no_such_field"):
        FormDefinition.model_validate(data)
    data["checks"] = [{"kind": "bank_branch", "fields": {"bank_code": "bank_code", "colour": "name"}}]
    with pytest.raises(ValueError, match="unknown"):
        FormDefinition.model_validate(data)
    data["checks"] = [{"kind": "horoscope", "fields": {}}]
    with pytest.raises(ValueError, match="bank_branch"):
        FormDefinition.model_validate(data)
    with pytest.raises(FormDefinitionError):
        load_definition("no_such_form")


@pytest.mark.parametrize(
    ("type_name", "raw", "value", "reason"),
    [
        ("bank_code", "０１７", "017", "4桁ではありません"),
        ("bank_code", "0999", "0999", "存在しません"),
        ("bank_code", "1253", "1253", None),
        ("branch_code", "O16", "016", None),
        ("account_number", "123456", "123456", "7桁ではありません"),
        ("account_number", "1234-567", "1234567", None),
        ("account_kana", "はやし　みさき", "ハヤシ\u3000ミサキ", None),
        ("account_kana", "マッダ　キョウコ", "マツダ\u3000キヨウコ", None),  # the 全銀 form: no small kana
        ("account_kana", "(カ)ダイコウ", "（カ）ダイコウ", None),
        ("account_kana", "林　美咲", "林\u3000美咲", "使えない文字"),
        ("wareki_month", "令和８年６月から", "2026-06", None),
        ("wareki_month", "R8.1", "2026-01", None),
        ("wareki_month", "8年13月", None, "月が正しくありません"),
        ("wareki_month", "令和1年4月", None, "期間外"),
    ],
)
def test_field_types_of_the_account(type_name, raw, value, reason):
    rules = {"default_era": "令和"} if type_name == "wareki_month" else {}
    check = get_type(type_name, rules).check(raw)
    assert check.value == value
    assert check.ok == (reason is None)
    if reason:
        assert reason in check.reason


def test_a_month_outside_the_forms_range_is_named_in_wareki_for_staff():
    """The reason staff read names the limit as the paper does (令和元年5月), not as ISO (2019-05)."""
    month = get_type("wareki_month", {"default_era": "令和", "min": "2019-05", "max": "2030-03"})
    assert month.check("平成31年4月").reason == "令和元年5月より前の年月です"
    assert month.check("令和12年4月").reason == "令和12年3月より後の年月です"


def test_reference_data_is_offline_and_matches_names_as_people_write_them():
    assert zengin.bank("0017").name == "埼玉りそな" and zengin.branch("0017", "494").name == "飯能"
    assert zengin.bank("0999") is None and zengin.branch("0017", "999") is None
    assert zengin.same_bank("埼玉りそな銀行", "0017") and zengin.same_bank("飯能信用金庫", "1253")
    assert zengin.same_bank("JAいるま野", "4735") and zengin.same_bank("いるま野農業協同組合", "4735")
    assert not zengin.same_bank("武蔵野銀行", "0017")
    assert zengin.same_branch("飯能支店", "0133", "016") and not zengin.same_branch("入間支店", "0133", "016")
    # The synthetic forms use real institutions, written the way the check understands.
    for code, names, branches in LOCAL_BANKS:
        assert all(zengin.same_bank(n, code) for n in names), code
        assert all(zengin.same_branch(b, code, c) for c, b in branches), code


def _fields(result):
    return {f.name: f for f in result.fields}


def _predicted(f):
    return ",".join(f.value) if isinstance(f.value, list) else f.value


@pytest.mark.parametrize(("seed", "kind", "min_exact"), [(2, "printed", 0.93), (7, "handwriting", 0.85)])
def test_synthetic_scans_are_read_right_or_sent_to_review(engine, seed, kind, min_exact):
    page = make_page(FORM, seed, kind)
    result = read_form(page.image, None, engine)  # classified among every bundled form
    assert result.form == FORM
    fields = _fields(result)
    wrong_accepted = [(n, _predicted(f), page.truth[n]) for n, f in fields.items()
                      if f.decision == "accept" and _predicted(f) != page.truth[n]]  # fmt: skip
    assert not wrong_accepted
    exact = sum(_predicted(f) == page.truth[n] for n, f in fields.items()) / len(fields)
    assert exact >= min_exact, [(n, _predicted(f), page.truth[n], f.reason) for n, f in fields.items()]
    assert all(f.reason for f in fields.values() if f.decision == "review")


CHECK_WORDS = ("一致しません", "にありません", "存在しません")


def _read_bank_fields(engine, seed: int, values: dict[str, str]):
    # A careful scan: the point here is the check across fields, not the recogniser's doubts.
    page = make_page(FORM, seed, "printed", severity="clean", values={k: Fake(v, v) for k, v in values.items()})
    return _fields(read_form(page.image, FORM, engine))


@pytest.mark.parametrize(
    ("changes", "review", "words"),
    [
        # A 金融機関コード that does not exist (e.g. OCR or the writer got a digit wrong).
        ({"bank_code": "0999"}, {"bank_code"}, "存在しません"),
        # A 支店コード that the coded bank does not have.
        ({"branch_code": "999"}, {"bank_code", "branch_code"}, "支店コード 999 は 武蔵野 にありません"),
        # Codes that exist, but are not the bank written beside them.
        ({"bank_name": "埼玉りそな銀行"}, {"bank_code", "bank_name"}, "一致しません"),
        ({"branch_name": "入間支店"}, {"branch_code", "branch_name"}, "一致しません"),
    ],
)
def test_bank_and_branch_that_do_not_exist_or_do_not_match_go_to_review(engine, changes, review, words):
    values = {"bank_code": "0133", "branch_code": "016", "bank_name": "武蔵野銀行", "branch_name": "飯能支店"}
    values.update(changes)
    fields = _read_bank_fields(engine, 11, values)
    for name in values:
        assert fields[name].value == values[name], (name, fields[name].raw)  # read right, never "corrected"
    for name in review:
        assert fields[name].decision == "review" and words in fields[name].reason, (name, fields[name].reason)
    for name in set(values) - review:  # the fields that agree are not blamed
        assert not any(w in (fields[name].reason or "") for w in CHECK_WORDS), (name, fields[name].reason)


def test_a_matching_bank_and_branch_raise_no_finding(engine):
    values = {"bank_code": "1253", "branch_code": "011", "bank_name": "飯能信用金庫", "branch_name": "東飯能支店"}
    fields = _read_bank_fields(engine, 12, values)
    for name, value in values.items():
        assert fields[name].value == value, (name, fields[name].raw)
        assert not any(w in (fields[name].reason or "") for w in CHECK_WORDS), (name, fields[name].reason)
    assert fields["bank_code"].decision == fields["branch_code"].decision == "accept"
