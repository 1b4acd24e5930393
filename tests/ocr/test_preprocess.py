"""Preprocessing: orientation and tilt are recovered, and each step earns its place."""

from __future__ import annotations

import numpy as np
import pytest

from daiko.ocr import preprocess as pp
from daiko.ocr.synthetic import degrade, render_line, render_page

LINES = ["山田 太郎", "令和6年4月1日", "所沢 480 あ 12-34", "090-1234-5678", "ヤマダ タロウ"]


@pytest.fixture(scope="module")
def page():
    return render_page(
        LINES, size=(1240, 900), font=["sans", "seto"], font_size=34, top=100, line_gap=130, rulings=True
    )


@pytest.mark.parametrize("angle", [-4.5, -1.2, 0.7, 3.0])
def test_estimate_skew_within_a_fifth_of_a_degree(page, angle):
    scan = degrade(page.image, angle=angle, seed=5)
    assert pp.estimate_skew(scan) == pytest.approx(angle, abs=0.2)


def test_deskew_makes_fixed_zones_readable_again(engine, norm, page):
    """The measured reason deskew is on: zones cut at template coordinates miss tilted text."""
    scan = degrade(page.image, angle=4.0, seed=6)
    zones = [(x0 - 24, y0 - 14, x1 + 24, y1 + 14) for x0, y0, x1, y1 in page.boxes]

    def read(img):
        got = engine.recognize([img[y0:y1, x0:x1] for x0, y0, x1, y1 in zones])
        return sum(norm(g.text) == norm(t) for g, t in zip(got, LINES, strict=True))

    straight = pp.deskew(scan)
    assert abs(pp.estimate_skew(straight)) <= 0.2
    assert read(straight) >= len(LINES) - 1 > read(scan)


def test_deskew_leaves_straight_pages_alone(page):
    assert pp.deskew(page.image) is page.image
    assert pp.deskew(page.image, angle=0.05) is page.image


@pytest.fixture(scope="module")
def small_page():
    return render_page(LINES[:4], size=(900, 560), font=["sans", "seto"], font_size=30, top=60, line_gap=110)


@pytest.mark.parametrize("turned", [0, 90, 180, 270])
def test_orientation_is_detected_and_fixed(engine, small_page, turned):
    scan = pp.rotate_right_angle(degrade(small_page.image, seed=turned), turned)
    assert pp.detect_orientation(scan, engine) == turned
    upright = pp.fix_orientation(scan, engine)
    assert upright.shape == small_page.image.shape
    assert pp.detect_orientation(upright, engine) == 0


def test_orientation_of_a_blank_page_is_zero(engine):
    assert pp.detect_orientation(np.full((600, 400, 3), 255, np.uint8), engine) == 0


def test_rotate_right_angle_round_trips():
    img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    for deg in (90, 180, 270, -90):
        assert np.array_equal(pp.rotate_right_angle(pp.rotate_right_angle(img, deg), -deg), img)
    assert pp.rotate_right_angle(img, 90).shape == (3, 2, 3)
    with pytest.raises(ValueError):
        pp.rotate_right_angle(img, 45)


def test_normalize_contrast_stretches_a_faint_scan():
    faint = degrade(render_line("令和6年4月1日"), paper=200, ink=150, noise=0, jpeg_quality=None, specks=0)
    out = pp.normalize_contrast(faint)
    assert int(out.min()) <= 10 and int(out.max()) >= 245
    flat = np.full((50, 50, 3), 128, np.uint8)
    assert pp.normalize_contrast(flat) is flat  # nothing to stretch


def test_denoise_removes_specks():
    clean = np.full((100, 100), 230, np.uint8)
    noisy = clean.copy()
    rng = np.random.default_rng(0)
    noisy[rng.integers(0, 100, 300), rng.integers(0, 100, 300)] = 0
    assert np.count_nonzero(pp.denoise(noisy) < 128) < np.count_nonzero(noisy < 128) // 10


def test_prepare_page_defaults_follow_the_measurement(engine, norm, small_page):
    assert pp.PAGE_STEPS_ON == {"orientation": True, "deskew": True, "contrast": False, "denoise": False}
    scan = pp.rotate_right_angle(degrade(small_page.image, angle=-2.0, seed=9), 180)
    ready = pp.prepare_page(scan, engine)
    assert abs(pp.estimate_skew(ready)) <= 0.2
    found = {norm(x.text) for x in engine.read_page(ready)}
    assert sum(norm(t) in found for t in small_page.lines) >= len(small_page.lines) - 1
