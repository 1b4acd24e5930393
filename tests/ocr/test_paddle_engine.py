"""Where the optional PaddleOCR engine is not installed it must fail with an error that says what to do;
its model folders are checked before anything loads (tests/ocr/test_paddle_real.py: the engine at work)."""

from __future__ import annotations

import importlib.util

import pytest

from daiko.ocr.base import OcrError
from daiko.ocr.engines import get_engine
from daiko.ocr.engines.paddle import PaddleOcrEngine, check_model_dirs

absent_only = pytest.mark.skipif(
    importlib.util.find_spec("paddleocr") is not None, reason="paddleocr is installed; these test its absence"
)


@absent_only
def test_not_installed_and_no_models_names_both_fixes():
    with pytest.raises(OcrError) as err:
        get_engine("paddleocr")
    msg = str(err.value)
    assert "paddleocr" in msg and "pip install" in msg and "paddlepaddle==3.2.2" in msg
    assert "paddle_model_dir" in msg and "PP-OCRv5_mobile_rec" in msg
    assert "rapidocr" in msg  # the way back to the default


@absent_only
def test_not_installed_with_models_given_names_the_install(tmp_path):
    with pytest.raises(OcrError) as err:
        PaddleOcrEngine(paddle_model_dir=tmp_path)
    msg = str(err.value)
    assert "not installed" in msg and "make setup-paddle" in msg
    assert "paddle_model_dir` is not set" not in msg


def test_model_folder_checks(tmp_path):
    det, rec = tmp_path / "PP-OCRv5_mobile_det", tmp_path / "PP-OCRv5_mobile_rec"
    with pytest.raises(OcrError, match="does not exist"):
        check_model_dirs(det, rec)
    for d in (det, rec):
        d.mkdir()
    with pytest.raises(OcrError, match=r"lacks inference\.yml"):
        check_model_dirs(det, rec)
    for d in (det, rec):
        for f in ("inference.yml", "inference.pdiparams", "inference.json"):
            (d / f).write_text("PostProcess:\n  character_dict:\n  - 的\n", encoding="utf-8")
    with pytest.raises(OcrError, match="no あアー"):
        check_model_dirs(det, rec)
    (rec / "inference.yml").write_text("PostProcess:\n  character_dict:\n  - あ\n  - ア\n  - ー\n", encoding="utf-8")
    check_model_dirs(det, rec)  # now acceptable
