"""The default engine: rapidocr 3.10.0 on ONNX Runtime with the PP-OCRv6 small models from its wheel.

Why this engine, and the traps it hides, are measured in /work/shared/ocr-options.md:
- only the 3.10.0 wheel's own models are used; every model path is passed explicitly and the
  downloader is disabled while models load, so a missing file is an ``OcrError`` with a fix,
  never a request to the internet (the hall's OCR segment is offline);
- the recognition dictionary must hold kana (あ, ア, ー) — the PP-OCRv6 *tiny* and older
  PP-OCRv4 dictionaries do not, and silently read Japanese as Chinese-only garbage;
- rapidocr's ``use_det/use_cls/use_rec`` flags stick between calls, so every call passes all three;
- the detector's default ``limit_side_len=736, limit_type=min`` blows a thin line up to
  ~5,800×736 px; 64 keeps small inputs near their own size;
- ONNX Runtime threads are capped (2 by default) so OCR shares a 2-core PC with the robots.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from daiko.ocr.arrays import bound_aspect, check_image, quad_box, to_bgr
from daiko.ocr.base import Image, OcrEngine, OcrError, TextLine
from daiko.ocr.ctc import FoldingDecoder
from daiko.ocr.images import is_blank

__all__ = ["MODEL_FILES", "REQUIRED_CHARS", "RapidOcrEngine", "bundled_model_dir"]

RAPIDOCR_VERSION = "3.10.0"
MODEL_FILES = {
    "det": "PP-OCRv6_det_small.onnx",
    "rec": "PP-OCRv6_rec_small.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
# A dictionary without these reads Japanese as Chinese-only: fail at start-up, not on the forms.
REQUIRED_CHARS = "あアー"
_INSTALL_HINT = (
    "Reinstall the pinned wheel inside the venv: `pip install --force-reinstall rapidocr==3.10.0` "
    "(from the offline wheelhouse; see requirements.lock)."
)


def bundled_model_dir() -> Path:
    """Where the rapidocr wheel keeps its models (site-packages/rapidocr/models)."""
    try:
        import rapidocr
    except ImportError as exc:  # pragma: no cover - the venv always has it
        raise OcrError(f"rapidocr is not installed ({exc}). {_INSTALL_HINT}") from exc
    return Path(rapidocr.__file__).resolve().parent / "models"


class _DownloadBlockedError(Exception):
    pass


@contextlib.contextmanager
def _downloads_blocked() -> Iterator[None]:
    """Make rapidocr's downloader raise instead of fetching (models, dictionaries) while we load."""
    from rapidocr.utils.download_file import DownloadFile

    original = DownloadFile.__dict__["run"]

    def refuse(cls: Any, params: Any) -> None:
        raise _DownloadBlockedError(getattr(params, "file_url", "?"))

    DownloadFile.run = classmethod(refuse)  # type: ignore[method-assign]
    try:
        yield
    finally:
        DownloadFile.run = original  # type: ignore[method-assign]


def _default_threads(cpu_count: int | None = None) -> int:
    """ONNX Runtime threads: DAIKO_OCR_THREADS, else the cores but never more than 2 (a robot PC
    shares its CPU with Chromium and the console). ``cpu_count`` defaults to this machine's."""
    env = os.environ.get("DAIKO_OCR_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    cores = os.cpu_count() if cpu_count is None else cpu_count
    return max(1, min(2, cores or 1))


def _char_x(word_info: Any, crop_w: int, pad: int) -> tuple[float, ...]:
    """Centres of the written characters as fractions of the crop's width, from CTC columns.

    ``line_txt_len`` is how many CTC columns this image's own width spans (the batch is padded
    to its widest member); a character sits at its column's centre.
    """
    cols = [c for group in (getattr(word_info, "word_cols", None) or []) for c in group]
    total = float(getattr(word_info, "line_txt_len", 0.0) or 0.0)
    if not cols or total <= 0 or crop_w <= 0:
        return ()
    padded_w = crop_w + 2 * pad
    return tuple(min(1.0, max(0.0, ((c + 0.5) / total * padded_w - pad) / crop_w)) for c in cols)


class RapidOcrEngine(OcrEngine):
    """rapidocr 3.10.0 + PP-OCRv6 small (det, rec) and the mobile 0/180° line classifier, on CPU.

    Build it through ``daiko.ocr.engines.get_engine()`` so the models load once per process.
    Calls are serialised with a lock: rapidocr keeps per-call flags on the shared object.
    """

    name = "rapidocr"

    def __init__(
        self,
        *,
        threads: int | None = None,
        det_limit_side_len: int = 64,
        det_max_side_len: int = 1600,
        min_line_score: float = 0.5,
        rec_batch_size: int = 8,
        crop_padding: float = 0.15,
        use_cls: bool = False,
        model_dir: str | Path | None = None,
        rec_model_path: str | Path | None = None,
        rec_keys_path: str | Path | None = None,
    ) -> None:
        """
        threads: ONNX Runtime intra-op threads (default 2, or $DAIKO_OCR_THREADS).
        det_limit_side_len: detector upscales only inputs whose short side is below this.
        det_max_side_len: pages are shrunk to this long side before detection. 1600 rather than
            rapidocr's 2000: on A4 pages at 200 dpi with 24-36 px text it read the same lines
            (47-49 of 54) in 1.4 s instead of 2.2-2.7 s, peaking at ~650 MB instead of ~900 MB.
        min_line_score: read_page drops lines the recogniser scores below this.
        rec_batch_size: crops per ONNX run in ``recognize`` (sorted by width first).
        crop_padding: margin of paper colour added round each crop, as a fraction of its height:
            the recogniser was trained on lines with some margin; measured neutral to slightly
            better on tight crops (``measure_preprocess``).
        use_cls: in ``read_page``, let the 0/180° line classifier flip lines (page orientation
            is better fixed once, see ``daiko.ocr.preprocess.fix_orientation``).
        model_dir: folder holding the files in ``MODEL_FILES`` (default: the rapidocr wheel's).
        rec_model_path, rec_keys_path: another recognition model (ONNX) and its dictionary in place
            of the wheel's PP-OCRv6 one (the second-opinion engine, ``ppocrv5``).
        """
        self.rec_model_path = Path(rec_model_path) if rec_model_path else None
        self.rec_keys_path = Path(rec_keys_path) if rec_keys_path else None
        self.threads = threads or _default_threads()
        self.min_line_score = float(min_line_score)
        self.rec_batch_size = max(1, int(rec_batch_size))
        self.crop_padding = max(0.0, float(crop_padding))
        self.use_cls = bool(use_cls)
        self.model_dir = Path(model_dir) if model_dir else bundled_model_dir()
        self._lock = threading.Lock()
        self._ocr = self._load(det_limit_side_len, det_max_side_len)

    # ---- start-up -------------------------------------------------------------------------

    def _model_paths(self) -> dict[str, Path]:
        paths = {task: self.model_dir / fname for task, fname in MODEL_FILES.items()}
        missing = [str(p) for p in paths.values() if not p.is_file() or p.stat().st_size == 0]
        if missing:
            raise OcrError(
                "rapidocr model files are missing: "
                + ", ".join(missing)
                + f". daiko uses only the models bundled in the rapidocr=={RAPIDOCR_VERSION} wheel and never "
                f"downloads. {_INSTALL_HINT}"
            )
        return paths

    def _load(self, det_limit_side_len: int, det_max_side_len: int) -> Any:
        try:
            import onnxruntime  # noqa: F401
            from rapidocr import RapidOCR
            from rapidocr._version import __version__ as installed
        except ImportError as exc:
            raise OcrError(
                f"The OCR backend cannot be imported ({exc}). Install `rapidocr==3.10.0` and `onnxruntime` "
                "from the offline wheelhouse (make setup)."
            ) from exc
        if installed != RAPIDOCR_VERSION:
            raise OcrError(
                f"rapidocr {installed} is installed but daiko is pinned to {RAPIDOCR_VERSION}: other "
                f"versions expect different models and would try to download them. {_INSTALL_HINT}"
            )
        paths = self._model_paths()
        params = {
            # Not "warning": a box with nothing to detect (a 受付印's box left unstamped) is an outcome
            # the caller handles, and rapidocr's warning for it went to every robot's console.
            "Global.log_level": "error",
            "Global.max_side_len": int(det_max_side_len),
            "Det.model_path": str(paths["det"]),
            "Det.limit_side_len": int(det_limit_side_len),
            "Det.limit_type": "min",
            "Cls.model_path": str(paths["cls"]),
            "Rec.model_path": str(self.rec_model_path or paths["rec"]),
            "Rec.rec_batch_num": self.rec_batch_size,
            "Global.text_score": self.min_line_score,
            "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        if self.rec_keys_path:
            params["Rec.rec_keys_path"] = str(self.rec_keys_path)
        try:
            with _downloads_blocked():
                ocr = RapidOCR(params=params)
                # rapidocr loads lazily; load everything now, while downloads are blocked.
                ocr._load_det_model()
                ocr._load_cls_model()
                rec = ocr._load_rec_model()
        except _DownloadBlockedError as exc:
            raise OcrError(
                f"rapidocr wanted to download {exc} — the installed models are not the ones daiko expects "
                f"(a recognition model without a built-in dictionary?). {_INSTALL_HINT}"
            ) from exc
        except OcrError:
            raise
        except Exception as exc:
            raise OcrError(f"rapidocr failed to load its models from {self.model_dir}: {exc}. {_INSTALL_HINT}") from exc
        charset = set(getattr(rec.postprocess_op, "character", None) or [])
        lacking = [c for c in REQUIRED_CHARS if c not in charset]
        if lacking:
            raise OcrError(
                f"The recognition model {paths['rec'].name} has no {''.join(lacking)} in its dictionary "
                f"({len(charset)} characters): it cannot read Japanese kana. Use the PP-OCRv6 *small* model "
                f"shipped with rapidocr=={RAPIDOCR_VERSION} (not tiny, not PP-OCRv4). {_INSTALL_HINT}"
            )
        self.charset_size = len(charset)
        # Width variants (1/１, -/－, ｶ/カ) scored as one character; runners-up kept per character.
        rec.postprocess_op = FoldingDecoder(rec.postprocess_op)
        return ocr

    # ---- recognition only -----------------------------------------------------------------

    def recognize(self, crops: Sequence[Image]) -> list[TextLine]:
        """Read each crop as one text line (no detection), batched; one ``TextLine`` per crop, in order.

        A crop with no marks (``images.is_blank``) or smaller than 4 px gives ``TextLine("", 0.0)``
        without reaching the model: "nothing written", as distinct from a low-confidence read.
        Crops should be horizontal lines of text (vertical writing is not supported).
        """
        results: list[TextLine] = [TextLine("", 0.0)] * len(crops)
        todo_idx: list[int] = []
        todo_imgs: list[np.ndarray] = []
        widths: list[tuple[int, int]] = []  # (crop width, left padding added)
        for i, crop in enumerate(crops):
            crop = check_image(crop, f"crop {i}")
            if crop.shape[0] < 4 or crop.shape[1] < 4 or is_blank(crop, margin=0.0):
                continue
            todo_idx.append(i)
            padded = self._pad(to_bgr(crop))
            todo_imgs.append(padded)
            widths.append((crop.shape[1], (padded.shape[1] - crop.shape[1]) // 2))
        if not todo_imgs:
            return results
        from rapidocr.ch_ppocr_rec import TextRecInput

        with self._lock:
            # return_word_box: the per-character scores come with it (its boxes are not used)
            out = self._ocr.text_rec(TextRecInput(img=todo_imgs, return_word_box=True))
        words = out.word_results if out.word_results and len(out.word_results) == len(todo_idx) else None
        for k, (i, text, score) in enumerate(zip(todo_idx, out.txts, out.scores, strict=True)):
            confs = tuple(float(c) for c in (getattr(words[k], "confs", None) or ())) if words else ()
            xs = _char_x(words[k], *widths[k]) if words and text else ()
            alts = tuple(getattr(words[k], "alternatives", ()) or ()) if words and text else ()
            if len(alts) != len(text):
                alts = ()
            results[i] = TextLine(str(text), float(score), None, confs if text else (), xs, alts)
        return results

    def _pad(self, bgr: np.ndarray) -> np.ndarray:
        # Pad with the crop's own paper colour (its bright border pixels), not pure white.
        border = np.concatenate([bgr[0], bgr[-1], bgr[:, 0], bgr[:, -1]])
        paper = tuple(int(v) for v in np.percentile(border, 90, axis=0).astype(np.uint8))
        pad = round(bgr.shape[0] * self.crop_padding)
        if pad > 0:
            bgr = cv2.copyMakeBorder(bgr, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=list(paper))
        return bound_aspect(bgr, paper)

    # ---- detection (+ recognition) --------------------------------------------------------

    def read_page(self, page: Image) -> list[TextLine]:
        """Detect and read every text line on the page; boxes in page pixels, top-to-bottom order."""
        bgr = to_bgr(page)
        h, w = bgr.shape[:2]
        with self._lock:
            res = self._ocr(bgr, use_det=True, use_cls=self.use_cls, use_rec=True)
        if getattr(res, "boxes", None) is None or getattr(res, "txts", None) is None or len(res.boxes) == 0:
            return []
        return [
            TextLine(str(t), float(s), quad_box(np.asarray(q), w, h))
            for q, t, s in zip(res.boxes, res.txts, res.scores, strict=True)
        ]

    def detect(self, page: Image) -> list[tuple[int, int, int, int]]:
        """Text-line boxes only (no recognition): cheaper when only layout is needed."""
        return [quad_box(q, *page.shape[1::-1]) for q in self.detect_quads(page)]

    def detect_quads(self, page: Image) -> list[np.ndarray]:
        """Text-line quadrilaterals (4×2 float arrays, clockwise from top-left), for skew estimates."""
        bgr = to_bgr(page)
        with self._lock:
            res = self._ocr(bgr, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(res, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        return [np.asarray(q, dtype=np.float32) for q in boxes]
