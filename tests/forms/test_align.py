"""Registration of scans to templates under skew, shift, scale, 180° and missing marks (no OCR here)."""

from __future__ import annotations

import numpy as np
import pytest

from daiko.forms.align import align, align_candidates, reading_grey
from daiko.forms.definition import load_all, load_definition
from daiko.forms.errors import AlignmentError
from daiko.forms.render import render_template
from daiko.forms.synth import ScanParams, make_page

FORM = "keitax_haisha"


def _mark_error_px(alignment, form) -> float:
    """Worst distance (template px) between where the corner marks land and where they should."""
    import cv2

    tpl = render_template(form)
    dark = (alignment.image < 100).astype(np.uint8)
    errors = []
    for cx, cy in form.registration.corners(form.page.width_mm, form.page.height_mm):
        x, y = round(cx / 25.4 * 200), round(cy / 25.4 * 200)
        r = 40
        win = dark[y - r : y + r, x - r : x + r]
        n, _, stats, cents = cv2.connectedComponentsWithStats(win)
        if n < 2:
            continue  # that mark was cut off the scan
        k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        if stats[k, cv2.CC_STAT_AREA] < 0.9 * 47 * 47:
            continue  # partly cut off by the crooked feed: its centroid is not its centre
        errors.append(float(np.hypot(cents[k][0] - r, cents[k][1] - r)))
    assert tpl is not None and errors
    return max(errors)


@pytest.mark.parametrize(
    "params",
    [
        ScanParams(dpi=200),
        ScanParams(dpi=300, angle=2.8, shift_mm=(3, -2), scale=1.015),
        ScanParams(dpi=240, angle=-3.0, shift_mm=(-4, 4), scale=0.985, blur=0.8, noise=4, jpeg_quality=50),
        ScanParams(dpi=200, angle=1.5, upside_down=True, shift_mm=(2, 2)),
        ScanParams(dpi=300, angle=2.5, upside_down=True, shift_mm=(3, -3), scale=1.02, grey=True),  # a mark cut off
        # bench page 210338: fed 6 mm off both ways and turned 2°, both bottom marks run off the sheet
        ScanParams(dpi=200, angle=-2.07, shift_mm=(6.35, 6.36), scale=1.006, blur=1.2, noise=8.9, grey=True),
    ],
    ids=["straight", "skew-shift-scale", "rough", "upside-down", "upside-down-cut-mark", "two-marks-cut-off"],
)
def test_marks_register_the_page(params):
    form = load_definition(FORM)
    page = make_page(form, 1, "printed", scan_params=params)
    alignment = align(page.image, form)
    assert alignment.method == "marks"
    assert alignment.line_score > 0.9
    assert _mark_error_px(alignment, form) < 2.5
    if params.upside_down:
        assert abs(abs(alignment.rotation) - 180) < 5


def test_features_register_a_page_whose_marks_are_covered():
    form = load_definition(FORM)
    page = make_page(form, 2, "handwriting", scan_params=ScanParams(dpi=200, angle=-2, shift_mm=(2, 1)))
    img = page.image.copy()
    h, w = img.shape[:2]
    c = int(0.1 * w)
    for y, x in [(0, 0), (0, w - c), (h - c, 0), (h - c, w - c)]:
        img[y : y + c, x : x + c] = 240
    alignment = align(img, form)
    assert alignment.method == "features"
    assert alignment.line_score > 0.9


def test_layout_tells_the_forms_apart():
    forms = load_all()
    for name in ("keitax_haisha", "shimin_anketo"):
        page = make_page(name, 3, "printed")
        found = align_candidates(page.image, forms)
        assert [f.name for f, _ in found][:1] == [name]


def test_an_unrelated_page_cannot_be_aligned():
    form = load_definition(FORM)
    rng = np.random.default_rng(0)
    noise = rng.integers(150, 256, size=(2339, 1654, 3), dtype=np.uint8)
    with pytest.raises(AlignmentError) as err:
        align(noise, form)
    assert "位置合わせできません" in err.value.message_ja


def test_red_stamp_drops_out_of_the_reading_image():
    rgb = np.full((10, 10, 3), 245, np.uint8)
    rgb[2:5, 2:5] = (205, 45, 50)  # 受付印 red
    rgb[6:8, 6:8] = (30, 40, 95)  # blue-black ballpoint
    grey = reading_grey(rgb)
    assert grey[3, 3] > 180 and grey[7, 7] < 60


def test_other_forms_are_not_polished_once_the_pages_own_ruling_is_in_place(monkeypatch):
    """ECC on forms a page is not (a third of their ruling lines up by chance) took ~60 % of a page's
    reading time; with the page's own ruling found squarely it is not run, and the page still
    registers to its form first."""
    import importlib

    align_module = importlib.import_module("daiko.forms.align")
    polished = []
    real = align_module.refine
    monkeypatch.setattr(align_module, "refine", lambda *a: polished.append(a[2].name) or real(*a))
    page = make_page("keitax_haisha", 4, "printed", scan_params=ScanParams(dpi=200, angle=1.2, shift_mm=(2, 1)))
    found = align_candidates(page.image, load_all())
    assert found[0][0].name == "keitax_haisha" and found[0][1].line_score >= align_module.GOOD_LINE_SCORE
    assert polished == []


def test_a_page_whose_top_marks_ran_off_is_registered_from_the_bottom_two():
    """Held-back page 903454: fed 5 mm up and turned 2.5°, its top-right mark off the scan and the
    top-left one cut; with no 3 marks and no orientation square beside a whole mark, the page was
    "no registered form". The two bottom marks fix a similarity; the ruling decides the turn."""
    form = load_definition(FORM)
    page = make_page(form, 903454, "handwriting", severity="rough", template="b", augment=True)
    alignment = align(page.image, form)
    assert alignment.method == "marks" and alignment.line_score > 0.9
    assert abs(alignment.rotation) < 5
