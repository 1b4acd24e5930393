"""bench/ocr.py's straight-through "with the register": the robot's own register check, on the page
as read, against a register holding the page's vehicle — releasing only what the robot releases."""

from __future__ import annotations

import pytest

from bench.ocr import identity_refuses, lookup_misses, register_stops, released_by_register
from daiko.forms.definition import load_definition
from daiko.forms.reader import _decide_text
from daiko.forms.result import FieldResult, FormResult
from daiko.ocr.base import TextLine

TRUTH = {
    "reference": "R07-83809", "declared_on": "2024-07-23", "owner_postal_code": "357-0045",
    "owner_phone": "042-975-8416", "owner_address": "飯能市大字笠縫630番地3", "owner_kana": "ムラカミ\u3000タカシ",
    "owner_name": "村上\u3000隆", "mynumber": None, "plate": "飯能市 ひ 5941", "car_name": None,
    "chassis_no": "SA39J-392528", "deregistered_on": "2024-07-03", "reason": "scrap", "reason_note": None,
    "plate_return": "returned",
}  # fmt: skip


def page(read: dict[str, tuple[str, dict[int, float]]]) -> FormResult:
    """The 廃車申告書 as read: every field accepted as the truth, but those in ``read`` (text, the
    per-character scores that differ from 1.0) decided by the reader from that line."""
    form = load_definition("keitax_haisha")
    fields = []
    for name, value in TRUTH.items():
        fdef = form.field(name)
        if name in read:
            text, scores = read[name]
            confs = tuple(scores.get(i, 1.0) for i in range(len(text)))
            line = TextLine(text, sum(confs) / len(confs), char_confidences=confs)
            fields.append(_decide_text(form, fdef, line, "rapidocr"))
            continue
        fields.append(FieldResult(name=name, label_ja=fdef.label_ja, type=fdef.type, value=value, raw=value,
                                  confidence=1.0 if value else None, decision="accept", reason=None,
                                  box=(0, 0, 1, 1), weakest=1.0 if value else None))  # fmt: skip
    return FormResult(form="keitax_haisha", title_ja="軽自動車税（種別割）廃車申告書", fields=fields)


UNSURE_KANA = {"plate": ("飯能市ひ5941", {3: 0.4})}


def test_an_unsure_plate_the_vehicles_record_holds_with_the_sure_chassis_number_is_released():
    result = page(UNSURE_KANA)
    assert [f.name for f in result.fields if f.decision == "review"] == ["plate"]
    assert released_by_register("keitax_haisha", result, TRUTH)


@pytest.mark.parametrize(
    ("read", "why"),
    [
        ({"plate": ("飯能市ひ5947", {3: 0.4})}, "the plate read finds another vehicle, or none"),
        ({**UNSURE_KANA, "chassis_no": ("SA39J-392528", {8: 0.3})}, "no sure 車台番号 proves the record"),
        ({**UNSURE_KANA, "declared_on": ("令和6年7月23日", {7: 0.3})}, "a date: the register holds none"),
    ],
)
def test_what_the_register_cannot_prove_stays_held(read, why):
    result = page(read)
    assert any(f.decision == "review" for f in result.fields)
    assert not released_by_register("keitax_haisha", result, TRUTH), why


def test_a_sure_owner_the_register_contradicts_releases_nothing():
    result = page(UNSURE_KANA)
    other = {**TRUTH, "owner_name": "川口\u3000花子"}  # the vehicle is registered to someone else
    assert not released_by_register("keitax_haisha", result, other)


def test_the_survey_is_not_keyed_and_nothing_is_released():
    assert not released_by_register("shimin_anketo", page(UNSURE_KANA), TRUTH)


# ---- wrong values the look-up stops before anything is keyed -----------------------------------------


def test_a_plate_accepted_wrong_finds_no_vehicle_so_nothing_of_the_page_is_keyed():
    """Held-back page 914202: 飯能市 き 6024 read さ at 0.74 and accepted. The wrong value counts as
    wrong-but-accepted; "of them keyed" leaves it out, as the robot's look-up misses the vehicle."""
    result = page({"plate": ("飯能市さ5941", {3: 0.99})})
    assert result.field("plate").decision == "accept" and result.field("plate").value == "飯能市 さ 5941"
    assert lookup_misses("keitax_haisha", result, TRUTH)


@pytest.mark.parametrize(
    "read",
    [
        {},
        {"declared_on": ("令和6年7月28日", {})},  # wrong, but the look-up finds the vehicle: it is keyed
        {"plate": ("飯能市ひ5941", {3: 0.4})},  # unsure: a person, not a miss
        {"plate": ("飯能市さ5941", {3: 0.4})},  # wrong but held: a person puts it right, then it is found
    ],
)
def test_a_page_whose_plate_and_chassis_number_are_right_is_found(read):
    assert not lookup_misses("keitax_haisha", page(read), TRUTH)


# ---- wrong values the identity check stops before anything is keyed -----------------------------------


def test_an_owner_accepted_wrong_fails_the_identity_check_so_nothing_of_the_page_is_keyed():
    """Held-back page 915758: 山田　浩二 read 山田　告二 at 0.998 and accepted, counted as keyed; the
    robot compares the owner with the vehicle's record before 登録 and stops there."""
    result = page({"owner_name": ("村上\u3000陸", {})})
    assert result.field("owner_name").decision == "accept"
    assert not lookup_misses("keitax_haisha", result, TRUTH)
    assert identity_refuses("keitax_haisha", result, TRUTH)


@pytest.mark.parametrize(
    "read",
    [
        {},
        {"declared_on": ("令和6年7月28日", {})},  # wrong, but not a field the check compares: keyed
        {"owner_name": ("村上\u3000陸", {3: 0.3})},  # wrong but held: a person puts it right first
    ],
)
def test_a_page_whose_compared_fields_are_right_or_held_passes_the_identity_check(read):
    assert not identity_refuses("keitax_haisha", page(read), TRUTH)


@pytest.mark.parametrize(
    ("read", "stops"),
    [({}, False), ({"plate": ("飯能市さ5941", {3: 0.99})}, True), ({"owner_name": ("村上\u3000陸", {})}, True)],
)
def test_the_bench_counts_a_page_stopped_by_either_the_look_up_or_the_identity_check(read, stops):
    assert register_stops("keitax_haisha", page(read), TRUTH) is stops
