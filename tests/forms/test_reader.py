"""End to end with the real OCR engine: synthetic scans read, every field right or sent to review.

"Never silently wrong": an accepted field must equal the ground truth. Fields that are wrong
must be under review. A handful of pages only (the benchmark, bench/ocr.py, does the volume).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pytest

from daiko.forms import BlankPageError, FormResult, PageError, UnknownFormError, read_file, read_form
from daiko.forms.definition import load_definition
from daiko.forms.fieldtypes.mynumber import MASKED, check_digit
from daiko.forms.synth import ScanParams, make_page, save_pages
from daiko.forms.synth.fakes import Fake
from daiko.ocr.base import OcrEngine, TextLine


def predicted(field) -> str | None:
    """A field's value in ground-truth terms (option keys comma-joined; 個人番号 valid/invalid)."""
    if field.type == "mynumber":
        if field.value is None:
            return None
        return "valid" if field.decision == "accept" else "invalid"
    if isinstance(field.value, list):
        return ",".join(field.value)
    return field.value


def assert_never_wrong_and_accepted(result: FormResult, truth: dict, min_exact: float) -> None:
    wrong_accepted, exact = [], 0
    for f in result.fields:
        ok = predicted(f) == truth[f.name]
        exact += ok
        if f.decision == "accept" and not ok:
            wrong_accepted.append((f.name, f.value, truth[f.name], f.confidence))
        if f.decision == "review":
            assert f.reason, f.name
    assert not wrong_accepted, wrong_accepted
    assert exact / len(result.fields) >= min_exact, [(f.name, f.value, truth[f.name], f.reason) for f in result.fields]


# The one place the reader runs detection: the 受付印's box and 2 mm round it (forms/stamp.py).
STAMP_CROP_PX = 300


class CountingEngine(OcrEngine):
    """The real engine, counting calls (the reader must batch all fields into one recognize call)."""

    name = "counting"

    def __init__(self, inner: OcrEngine):
        self.inner = inner
        self.recognize_calls = 0
        self.crops = 0
        self.detections = 0

    def recognize(self, crops: Sequence[np.ndarray]) -> list[TextLine]:
        self.recognize_calls += 1
        self.crops += len(crops)
        return self.inner.recognize(crops)

    def read_page(self, page):
        raise AssertionError("the reader must not run the engine's page pipeline")

    def detect(self, page):
        assert max(page.shape[:2]) <= STAMP_CROP_PX, "the reader must not run detection on whole pages"
        self.detections += 1
        return self.inner.detect(page)


@pytest.mark.parametrize(
    ("form", "seed", "kind", "min_exact"),
    [
        ("keitax_haisha", 0, "printed", 0.9),
        ("keitax_haisha", 3, "handwriting", 0.8),
        ("shimin_anketo", 0, "printed", 0.9),
        ("shimin_anketo", 1, "handwriting", 0.8),
    ],
)
def test_synthetic_page_matches_ground_truth_or_is_flagged(engine, page_of, form, seed, kind, min_exact):
    page = page_of(form, seed, kind)
    counting = CountingEngine(engine)
    result = read_form(page.image, None, counting)
    assert result.form == form
    assert result.identity_score >= 0.8
    # Title + every text field in one batch; the 受付印's box (where the form has one) detected, and
    # its date line read, in one more.
    assert counting.detections <= 1
    assert 1 <= counting.recognize_calls <= 1 + counting.detections
    assert_never_wrong_and_accepted(result, page.truth, min_exact)
    json.loads(result.to_json())  # serialisable


def test_upside_down_rough_scan_with_explicit_form(engine):
    params = ScanParams(dpi=240, angle=-2.2, upside_down=True, shift_mm=(2, -3), blur=0.7, noise=4, jpeg_quality=55)
    page = make_page("keitax_haisha", 7, "printed", scan_params=params)
    result = read_form(page.image, "keitax_haisha", engine)
    assert abs(abs(result.alignment["rotation"]) - 180) < 5
    assert_never_wrong_and_accepted(result, page.truth, 0.85)


def test_values_for_the_robot(engine, page_of):
    page = page_of("keitax_haisha", 0, "printed")
    values = read_form(page.image, "keitax_haisha", engine).values(accepted_only=True)
    names = ("reference", "plate", "deregistered_on", "reason", "declared_on", "chassis_no")
    checked = [name for name in names if name in values]
    # A clean printed page: the robot's key fields are accepted, so this compares something.
    assert {"reference", "plate"} <= set(checked) and len(checked) >= 4, checked
    for name in checked:
        assert values[name] == page.truth[name]
    assert values.get("reason") in {None, "scrap", "transfer", "theft", "moved", "other"}


class OneDoubtfulCharacter(CountingEngine):
    """The real engine's reads, with one character per line made doubtful (score 0.5, mean kept high)."""

    def recognize(self, crops: Sequence[np.ndarray]) -> list[TextLine]:
        lines = super().recognize(crops)
        return [TextLine(ln.text, ln.confidence, ln.box, (*ln.char_confidences[:-1], 0.5)) if ln.text else ln
                for ln in lines]  # fmt: skip


def address_def():
    return load_definition("keitax_haisha").field("owner_address")


def test_one_doubtful_character_sends_the_field_to_review_despite_a_high_line_score(engine, page_of):
    page = page_of("keitax_haisha", 0, "printed")
    sure = read_form(page.image, "keitax_haisha", engine)
    doubtful = read_form(page.image, "keitax_haisha", OneDoubtfulCharacter(engine))
    address = doubtful.field("owner_address")
    assert sure.field("owner_address").decision == "accept"
    assert address.decision == "review" and "自信のない文字" in address.reason and address.weakest == 0.5
    # Said in words a clerk acts on (issue 15): which character, never "（0.90 < 0.90）".
    last = address.raw.replace(" ", "").replace("\u3000", "")[-1]
    assert f"文字目「{last}」" in address.reason and "<" not in address.reason and "0." not in address.reason
    assert address.confidence >= load_definition("keitax_haisha").threshold(address_def())  # mean alone: accept
    # The 個人番号 is decided by its check digit, not by its weakest digit (char threshold 0 in the YAML).
    assert doubtful.field("mynumber").decision == sure.field("mynumber").decision


def test_pale_writing_is_never_accepted_as_an_empty_field(engine):
    """Bench page 50006: フリガナ written so lightly that the page's ink threshold saw nothing."""
    page = make_page("keitax_haisha", seed=50006, kind="handwriting", severity="normal")
    assert page.truth["owner_kana"]
    kana = read_form(page.image, "keitax_haisha", engine).field("owner_kana")
    assert kana.decision == "review" and kana.value  # read from the darkened zone, and shown to a person
    assert kana.reason


class DustyScanner(CountingEngine):
    """The real engine's reads with a speck read as '.' after every line, and one more crop of dust."""

    def recognize(self, crops: Sequence[np.ndarray]) -> list[TextLine]:
        return [TextLine(ln.text + ".", ln.confidence, ln.box, (*ln.char_confidences, 0.99)) if ln.text else ln
                for ln in super().recognize(crops)]  # fmt: skip


def test_specks_read_as_dots_do_not_change_values(engine, page_of):
    page = page_of("keitax_haisha", 0, "printed")
    clean = read_form(page.image, "keitax_haisha", engine)
    dusty = read_form(page.image, "keitax_haisha", DustyScanner(engine))
    for a, b in zip(clean.fields, dusty.fields, strict=True):
        assert (a.name, a.value, a.decision) == (b.name, b.value, b.decision)


class DropsFirstCharacter(CountingEngine):
    """The real engine's reads with the first character of every line dropped, as it does with a
    softly written one (図書館の端末 → 書館の端末 at 0.999)."""

    def recognize(self, crops: Sequence[np.ndarray]) -> list[TextLine]:
        return [TextLine(ln.text[1:], ln.confidence, ln.box, ln.char_confidences[1:], ln.char_x[1:])
                if len(ln.text) > 3 and not ln.text[0].isspace() else ln
                for ln in super().recognize(crops)]  # fmt: skip


def test_a_dropped_first_character_is_noticed_from_the_ink_before_it(engine, page_of):
    page = page_of("keitax_haisha", 0, "printed")
    result = read_form(page.image, "keitax_haisha", DropsFirstCharacter(engine))
    address, chassis = result.field("owner_address"), result.field("chassis_no")
    # 飯能市… read as 能市…: the reference data knows no such 市 (issue 13) — review either way.
    assert address.decision == "review" and (
        "先頭の文字を読み落とした" in address.reason or "市区町村" in address.reason
    )
    assert chassis.value != page.truth["chassis_no"]  # still a valid-looking 車台番号 …
    assert chassis.decision == "review" and "先頭の文字を読み落とした" in chassis.reason  # … but the ink says
    wrong_accepted = [f.name for f in result.fields if f.accepted and f.type != "mynumber" and f.value not in
                      (None, page.truth[f.name]) and not isinstance(f.value, list | bool)]  # fmt: skip
    assert not wrong_accepted


def test_mynumber_never_leaves_in_clear(engine, capsys):
    from daiko.log import logger

    first = "35204617280"
    number = first + str(check_digit(first))
    page = make_page("keitax_haisha", 11, "printed", values={"mynumber": Fake(number, "valid")},
                     scan_params=ScanParams(dpi=200))  # fmt: skip
    seen: list[str] = []
    sink = logger.add(lambda m: seen.append(str(m)), level="DEBUG")
    try:
        result = read_form(page.image, "keitax_haisha", engine)
    finally:
        logger.remove(sink)
    field = result.field("mynumber")
    assert field.value == MASKED and field.raw is None
    assert field.decision in ("accept", "review")
    dumped = result.to_json()
    for text in (dumped, *seen, capsys.readouterr().err):
        assert number not in text and number[:8] not in text


def test_required_fields_left_empty_go_to_review(engine):
    page = make_page("keitax_haisha", 12, "printed", values={"plate": Fake(None, None), "chassis_no": Fake(None, None)},
                     scan_params=ScanParams(dpi=200))  # fmt: skip
    result = read_form(page.image, "keitax_haisha", engine)
    for name in ("plate", "chassis_no"):
        f = result.field(name)
        assert f.value is None and f.decision == "review" and "記入がありません" in f.reason


def test_two_ticks_in_a_one_of_field_go_to_review(engine):
    page = make_page("keitax_haisha", 13, "handwriting", values={"reason": Fake("scrap,theft", None)},
                     scan_params=ScanParams(dpi=200))  # fmt: skip
    f = read_form(page.image, "keitax_haisha", engine).field("reason")
    assert f.decision == "review" and "1つだけ" in f.reason


def test_blank_page(engine):
    rng = np.random.default_rng(1)
    blank = np.clip(rng.normal(242, 3, (2339, 1654, 3)), 0, 255).astype(np.uint8)
    with pytest.raises(BlankPageError) as err:
        read_form(blank, None, engine)
    assert "白紙" in err.value.message_ja


def test_unknown_page_is_refused(engine):
    from PIL import Image, ImageDraw

    from daiko.forms.fonts import font

    img = Image.new("RGB", (1654, 2339), "white")
    draw = ImageDraw.Draw(img)
    draw.text((200, 200), "住民票の写し等交付請求書", font=font("serif-bold", 60), fill="black")
    for y in range(400, 1800, 120):
        draw.rectangle([150, y, 1500, y + 90], outline="black", width=3)
    with pytest.raises(UnknownFormError) as err:
        read_form(np.asarray(img), None, engine)
    assert "様式" in err.value.message_ja


def test_another_form_than_the_one_asked_for(engine, page_of):
    page = page_of("shimin_anketo", 0, "printed")
    with pytest.raises(UnknownFormError) as err:
        read_form(page.image, "keitax_haisha", engine)
    assert "市民アンケート" in err.value.message_ja


def test_same_layout_wrong_title_is_refused(engine, page_of):
    from daiko.forms.align import align

    page = page_of("keitax_haisha", 0, "printed")
    form = load_definition("keitax_haisha")
    img = page.image.copy()
    # Paint over the title where the scan put it (through the alignment), leaving another text.
    inv = np.linalg.inv(align(img, form).homography)
    x0, y0, x1, y1 = form.identity.zone.px()
    import cv2

    quad = cv2.perspectiveTransform(np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]], np.float64), inv)
    cv2.fillPoly(img, [quad[0].astype(np.int32)], (245, 245, 245))
    with pytest.raises(UnknownFormError) as err:
        read_form(img, None, engine)
    assert "表題" in err.value.message_ja


def test_read_file_keeps_going_past_bad_pages(engine, page_of, tmp_path):
    good = page_of("keitax_haisha", 0, "printed")
    blank = np.full_like(good.image, 240)
    path = save_pages(
        [good.image, blank, page_of("shimin_anketo", 0, "printed").image], tmp_path / "batch.pdf", dpi=200
    )
    results = read_file(path, None, engine)
    assert [type(r).__name__ for r in results] == ["FormResult", "PageError", "FormResult"]
    assert [r.page for r in results] == [1, 2, 3]
    assert results[1].kind == "blank_page" and results[0].source == "batch.pdf"
    assert results[2].form == "shimin_anketo"
    json.dumps([r.to_dict() for r in results], ensure_ascii=False)


@pytest.mark.parametrize(
    ("name", "content"),
    [("broken.pdf", b"%PDF-1.4\n garbage"), ("empty.jpg", b""), ("word.pdf", b"PK\x03\x04 not a pdf")],
)
def test_bad_files_become_page_errors(engine, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    results = read_file(path, None, engine)
    assert len(results) == 1 and isinstance(results[0], PageError)
    assert results[0].message_ja and results[0].kind != "internal"


def test_missing_file_and_unknown_form_name(engine, tmp_path):
    [missing] = read_file(tmp_path / "nope.pdf", None, engine)
    assert isinstance(missing, PageError) and missing.kind == "missing"
    [wrong] = read_file(tmp_path / "nope.pdf", "no_such_form", engine)
    assert wrong.kind == "definition" and "定義がありません" in wrong.message_ja


def test_doubtful_characters_are_named_by_position_and_a_mynumber_digit_never_by_value():
    from daiko.forms.reader import weak_characters_reason

    assert (
        weak_characters_reason([(3, "郎")])
        == "読み取りに自信のない文字があります: 3文字目「郎」。原本と見比べてください"
    )
    many = weak_characters_reason([(1, "a"), (2, "b"), (4, "c"), (5, "d"), (9, "e")])
    assert "1文字目「a」、2文字目「b」、4文字目「c」、ほか2文字" in many
    secret = weak_characters_reason([(7, "5")], sensitive=True)
    assert "7桁目" in secret and "5" not in secret.replace("7桁目", "")
