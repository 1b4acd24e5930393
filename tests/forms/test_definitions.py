"""Form definitions: the bundled YAML loads, is consistent, and renders as a real-looking form."""

from __future__ import annotations

import numpy as np
import pytest

from daiko.forms.definition import (
    TEMPLATE_DPI,
    FormDefinition,
    form_names,
    load_all,
    load_definition,
    load_definition_file,
)
from daiko.forms.errors import FormDefinitionError
from daiko.forms.render import render_template, save_template

REASON_KEYS = {"scrap", "transfer", "theft", "moved", "other"}  # robots.adapters.base.REASONS


def test_bundled_forms():
    assert {"keitax_haisha", "shimin_anketo"} <= set(form_names())
    for form in load_all():
        assert form.fields and form.identity.title


def test_keitax_haisha_has_what_the_robot_needs():
    form = load_definition("keitax_haisha")
    names = {f.name for f in form.fields}
    assert {"reference", "plate", "deregistered_on", "reason", "declared_on", "chassis_no"} <= names
    assert {"owner_address", "owner_name", "owner_kana", "owner_phone", "mynumber", "car_name"} <= names
    reason = form.field("reason")
    assert {o.key for o in reason.options} == REASON_KEYS
    assert reason.select == "one" and reason.required
    assert form.field("mynumber").cells == 12
    for f in form.fields:
        if f.kind == "text":
            assert 0.5 <= form.threshold(f) <= 1.0


def test_survey_limits():
    form = load_definition("shimin_anketo")
    q3 = form.field("q3")
    assert q3.select == "many" and q3.max_marks == 3
    assert q3.field_type().check("1,2,3,4").ok is False


@pytest.mark.parametrize("name", ["keitax_haisha", "shimin_anketo"])
def test_render_looks_like_a_printed_form(name, tmp_path):
    form = load_definition(name)
    img = render_template(form)
    w, h = form.page.px(TEMPLATE_DPI)
    assert img.shape == (h, w) and img.dtype == np.uint8
    ink = (img < 128).mean()
    assert 0.01 < ink < 0.2  # ruled lines and text, but mostly paper
    # Registration marks are solid in all four corners.
    s = round(4 / 25.4 * TEMPLATE_DPI)
    for cx, cy in form.registration.corners(form.page.width_mm, form.page.height_mm):
        x, y = round(cx / 25.4 * TEMPLATE_DPI), round(cy / 25.4 * TEMPLATE_DPI)
        assert (img[y - s // 2 : y + s // 2, x - s // 2 : x + s // 2] < 50).all()
    # Value zones are empty inside (no printed text where people write).
    for f in form.fields:
        if f.zone is not None:
            x0, y0, x1, y1 = f.zone.inset(1.0).px()
            inside = img[y0:y1, x0:x1]
            if f.cells:
                continue
            assert (inside < 128).mean() < 0.01, f.name
    assert render_template(form) is render_template(form)  # cached
    save_template(form, str(tmp_path / "blank.pdf"), dpi=150)
    assert (tmp_path / "blank.pdf").read_bytes().startswith(b"%PDF")


def _minimal(**over):
    data = {
        "name": "test_form",
        "title_ja": "テスト様式",
        "identity": {"title": "テスト様式", "zone": [30, 19, 150, 12]},
        "fields": [{"name": "when", "label_ja": "日付", "type": "wareki_date", "zone": [20, 40, 60, 10]}],
    }
    data.update(over)
    return data


def test_px_units_are_converted_to_mm():
    px = FormDefinition.model_validate(
        _minimal(
            units="px",
            identity={"title": "テスト", "zone": [236, 150, 1181, 94]},
            fields=[{"name": "when", "label_ja": "日付", "type": "wareki_date", "zone": [157, 315, 472, 79]}],
        )
    )
    assert px.units == "mm"
    assert px.fields[0].zone.x == pytest.approx(20, abs=0.1)
    assert px.fields[0].zone.px() == (157, 315, 629, 394)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fields": [{"name": "x", "label_ja": "x", "type": "fax", "zone": [1, 1, 5, 5]}]}, "unknown type"),
        ({"fields": [{"name": "x", "label_ja": "x", "type": "phone"}]}, "needs a zone"),
        ({"fields": [{"name": "x", "label_ja": "x", "type": "phone", "zone": [200, 1, 50, 5]}]}, "outside the page"),
        (
            {"fields": [{"name": "x", "label_ja": "x", "type": "phone", "zone": [1, 1, 5, 5], "requried": True}]},
            "requried",
        ),
        ({"fields": [{"name": "x", "label_ja": "x", "type": "choice"}]}, "without options"),
        (
            {"fields": [{"name": "x", "label_ja": "x", "type": "phone", "zone": [1, 1, 5, 5], "rules": {"foo": 1}}]},
            "foo",
        ),
        ({"thresholds": {"fax": 0.9}}, "unknown field types"),
        ({"thresholds": {"phone": 1.5}}, "between 0 and 1"),
        ({"char_thresholds": {"fax": 0.9}}, "char_thresholds for unknown field types"),
        ({"char_thresholds": {"text": -0.1}}, "between 0 and 1"),
        ({"marks": {"on": 0.02, "off": 0.05}}, "below 'on'"),
    ],
)
def test_bad_definitions_say_what_is_wrong(change, message):
    with pytest.raises(ValueError, match=message):
        FormDefinition.model_validate(_minimal(**change))


def test_definition_files_are_checked(tmp_path):
    bad = tmp_path / "other_name.yaml"
    import json

    bad.write_text(json.dumps(_minimal()), encoding="utf-8")  # JSON is YAML
    with pytest.raises(FormDefinitionError, match="name"):
        load_definition_file(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="読み込めません"):
        load_definition_file(broken)
    with pytest.raises(FormDefinitionError, match="定義がありません"):
        load_definition("no_such_form")
