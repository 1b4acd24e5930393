"""Scanned files → page images, with a specific, staff-readable error for every bad input.

Scanners and staff produce PDFs (multi-page), TIFFs (multi-page, fax-style 1-bit), JPEGs from
cameras and PNGs. Anything else that lands in the inbox — a Word file renamed .pdf, a half-copied
file, a password-protected PDF, a 20,000 px photo — must become an ``ImageInputError`` that says
in Japanese what the member of staff should do, with an English detail for the logs, and must
never crash the batch or exhaust memory. The file type is decided from its first bytes, not
its name.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageOps

from daiko.ocr.arrays import to_grey
from daiko.ocr.base import Image

__all__ = [
    "DEFAULT_DPI",
    "MAX_DECODE_PIXELS",
    "MAX_SIDE",
    "DamagedFileError",
    "EmptyFileError",
    "FileMissingError",
    "ImageInputError",
    "ImageTooLargeError",
    "ImageTooSmallError",
    "NoPagesError",
    "Page",
    "PasswordProtectedError",
    "UnsupportedFormatError",
    "detect_format",
    "is_blank",
    "iter_pages",
    "load_pages",
    "load_pages_tolerant",
]

DEFAULT_DPI = 200
# A4 at 600 dpi is 4,961×7,016 px (35 Mpx). Anything with a longer side is shrunk to this.
MAX_SIDE = 7100
# Refuse to decode more than this many pixels (≈ 300 MB as RGB); JPEGs above it are decoded
# at a reduced scale instead (the JPEG decoder can do that without the full-size bitmap).
MAX_DECODE_PIXELS = 100_000_000
MIN_SIDE = 32
SUPPORTED_FORMATS = ("pdf", "tiff", "jpeg", "png", "bmp")


# ---- errors --------------------------------------------------------------------------------


class ImageInputError(Exception):
    """A file (or one page of it) that cannot be read. ``message_ja`` is for staff, ``message_en`` for logs.

    ``kind`` is a stable code for reports and tests; ``path`` and ``page`` (1-based) locate it.
    """

    kind = "unreadable"

    def __init__(
        self, message_ja: str, message_en: str = "", *, path: str | Path | None = None, page: int | None = None
    ) -> None:
        self.message_ja = message_ja
        self.message_en = message_en
        self.path = Path(path) if path is not None else None
        self.page = page
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path.name}: " if self.page is None else f"{self.path.name} p.{self.page}: "
        tail = f" [{self.message_en}]" if self.message_en else ""
        return f"{where}{self.message_ja}{tail}"


class FileMissingError(ImageInputError):
    kind = "missing"


class EmptyFileError(ImageInputError):
    kind = "empty"


class UnsupportedFormatError(ImageInputError):
    kind = "unsupported"


class DamagedFileError(ImageInputError):
    kind = "damaged"


class PasswordProtectedError(ImageInputError):
    kind = "password"


class ImageTooLargeError(ImageInputError):
    kind = "too_large"


class ImageTooSmallError(ImageInputError):
    kind = "too_small"


class NoPagesError(ImageInputError):
    kind = "no_pages"


_RESCAN = "スキャナーの設定（PDF・TIFF・JPEG・PNG、200〜300dpi）を確認して再スキャンしてください。"


# ---- pages -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Page:
    """One page image: ``image`` is H×W×3 uint8 RGB.

    ``index`` is 0-based within the file. ``dpi`` is the resolution of ``image`` if known (PDFs:
    the render dpi; images: their header's dpi times ``scale``). ``scale`` < 1 means the file was
    larger than ``MAX_SIDE`` and has been shrunk by that factor.
    """

    image: np.ndarray = field(repr=False)
    source: Path
    index: int
    dpi: float | None = None
    scale: float = 1.0

    @property
    def number(self) -> int:
        """1-based page number, as staff count."""
        return self.index + 1

    @property
    def label(self) -> str:
        return f"{self.source.name} p.{self.number}"

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.image.shape[1]), int(self.image.shape[0])


def load_pages(path: str | Path, *, dpi: int = DEFAULT_DPI) -> list[Page]:
    """Every page of a PDF/TIFF/JPEG/PNG file; raises the first ``ImageInputError`` met."""
    return list(iter_pages(path, dpi=dpi))


def iter_pages(path: str | Path, *, dpi: int = DEFAULT_DPI) -> Iterator[Page]:
    """Pages one at a time (a 100-page PDF never sits in memory at once); raises on the first bad page."""
    for item in _iter_results(Path(path), dpi):
        if isinstance(item, ImageInputError):
            raise item
        yield item


def load_pages_tolerant(path: str | Path, *, dpi: int = DEFAULT_DPI) -> tuple[list[Page], list[ImageInputError]]:
    """The readable pages, plus one error per unreadable page (or one for the whole file).

    For batches: a damaged page 7 should not lose pages 1-6 and 8-20.
    """
    pages: list[Page] = []
    errors: list[ImageInputError] = []
    for item in _iter_results(Path(path), dpi):
        (errors if isinstance(item, ImageInputError) else pages).append(item)  # type: ignore[arg-type]
    return pages, errors


# ---- format sniffing -------------------------------------------------------------------------


def detect_format(head: bytes) -> str:
    """Name the file type from its first bytes: one of SUPPORTED_FORMATS, or a hint such as 'office'."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if b"%PDF-" in head[:1024]:  # the spec tolerates junk before the header
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "office"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypavif"):
        return "heic"
    if head.startswith((b"GIF87a", b"GIF89a")) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        return "other_image"
    return "unknown"


_FORMAT_HINTS_JA = {
    "office": "Word・Excel などの文書ファイルのようです。",
    "heic": "iPhone などの HEIC 形式の写真のようです。",
    "other_image": "GIF・WebP 形式の画像には対応していません。",
    "unknown": "画像でも PDF でもないファイルのようです。",
}


def _iter_results(path: Path, dpi: int) -> Iterator[Page | ImageInputError]:
    if not 50 <= dpi <= 600:
        raise ValueError(f"dpi must be 50-600, got {dpi}")
    try:
        if not path.exists():
            yield FileMissingError(
                "ファイルが見つかりません。移動・削除されていないか確認してください。",
                f"file not found: {path}",
                path=path,
            )
            return
        if not path.is_file():
            yield FileMissingError(
                "ファイルではなくフォルダーです。読み取るファイルを指定してください。", f"not a file: {path}", path=path
            )
            return
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        yield FileMissingError(
            "ファイルを開けません（アクセス権や共有フォルダーの接続を確認してください）。",
            f"cannot open: {exc}",
            path=path,
        )
        return
    if size == 0:
        yield EmptyFileError(
            "ファイルの中身が空です（0バイト）。スキャンやコピーが途中で止まった可能性があります。もう一度保存してください。",
            "zero-byte file",
            path=path,
        )
        return
    fmt = detect_format(head)
    if fmt not in SUPPORTED_FORMATS:
        hint = _FORMAT_HINTS_JA.get(fmt, _FORMAT_HINTS_JA["unknown"])
        yield UnsupportedFormatError(
            f"{hint}読み取れるのは PDF・TIFF・JPEG・PNG です。PDF か画像で保存し直してください。",
            f"unsupported content type {fmt!r} (suffix {path.suffix!r}, first bytes {head[:8]!r})",
            path=path,
        )
        return
    try:
        if fmt == "pdf":
            yield from _pdf_pages(path, dpi)
        else:
            yield from _raster_pages(path, fmt)
    except ImageInputError as exc:  # defensive: helpers yield errors, but never let one escape raw
        yield exc
    except MemoryError:
        yield ImageTooLargeError(
            "画像が大きすぎてメモリーに収まりません。300dpi 以下で再スキャンしてください。",
            "MemoryError while decoding",
            path=path,
        )
    except Exception as exc:  # a decoder bug must not stop the batch
        yield DamagedFileError(
            "ファイルが壊れているため読み取れません。" + _RESCAN,
            f"unexpected {type(exc).__name__}: {exc}",
            path=path,
        )


# ---- PDF -----------------------------------------------------------------------------------------


def _pdf_pages(path: Path, dpi: int) -> Iterator[Page | ImageInputError]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == 4:  # FPDF_ERR_PASSWORD
            yield PasswordProtectedError(
                "PDFにパスワードが設定されているため読み取れません。パスワードを外して再スキャンしてください。",
                f"PDF is encrypted (pdfium FPDF_ERR_PASSWORD): {exc}",
                path=path,
            )
        elif code == 5:  # FPDF_ERR_SECURITY
            yield PasswordProtectedError(
                "PDFに対応していない保護（セキュリティ）が設定されているため読み取れません。保護を外して保存し直してください。",
                f"unsupported PDF security handler (FPDF_ERR_SECURITY): {exc}",
                path=path,
            )
        else:
            yield DamagedFileError(
                "PDFファイルが壊れているか、途中で切れているため読み取れません。" + _RESCAN,
                f"pdfium cannot open (err_code={code}): {exc}",
                path=path,
            )
        return
    try:
        n = len(pdf)
        if n == 0:
            yield NoPagesError("PDFにページがありません。" + _RESCAN, "PDF has 0 pages", path=path)
            return
        with contextlib.suppress(Exception):
            pdf.init_forms()  # draw filled-in form fields (電子申請 printouts) as well
        for i in range(n):
            yield _render_pdf_page(pdf, i, path, dpi)
    finally:
        pdf.close()


def _render_pdf_page(pdf: object, i: int, path: Path, dpi: int) -> Page | ImageInputError:
    import pypdfium2 as pdfium

    try:
        page = pdf[i]  # type: ignore[index]
        try:
            w_pt, h_pt = page.get_size()
            if w_pt <= 0 or h_pt <= 0:
                raise pdfium.PdfiumError("page has no area")
            # Poster-sized pages: lower the dpi so the bitmap stays within limits.
            eff_dpi = float(dpi)
            px = (w_pt * eff_dpi / 72) * (h_pt * eff_dpi / 72)
            if px > MAX_DECODE_PIXELS or max(w_pt, h_pt) * eff_dpi / 72 > MAX_SIDE:
                eff_dpi = min(eff_dpi * (MAX_DECODE_PIXELS / px) ** 0.5, MAX_SIDE * 72 / max(w_pt, h_pt))
            if min(w_pt, h_pt) * eff_dpi / 72 < MIN_SIDE:
                return ImageTooSmallError(
                    "ページが小さすぎて読み取れません。" + _RESCAN,
                    f"page is {w_pt:.0f}×{h_pt:.0f} pt",
                    path=path,
                    page=i + 1,
                )
            bitmap = page.render(scale=eff_dpi / 72, rev_byteorder=True, may_draw_forms=True)
            try:
                arr = np.array(bitmap.to_numpy(), copy=True)
            finally:
                bitmap.close()
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        return DamagedFileError(
            "このページは壊れているため読み取れません。" + _RESCAN,
            f"pdfium render failed: {exc}",
            path=path,
            page=i + 1,
        )
    if arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, :3]
    elif arr.ndim == 2:
        arr = cv2.cvtColor(arr, cv2.COLOR_GRAY2RGB)
    return Page(np.ascontiguousarray(arr), path, i, eff_dpi, eff_dpi / dpi)


# ---- TIFF / JPEG / PNG / BMP -------------------------------------------------------------------


def _raster_pages(path: Path, fmt: str) -> Iterator[Page | ImageInputError]:
    try:
        with warnings.catch_warnings():
            # We apply our own, lower limit; Pillow's bomb warning and EXIF complaints are only noise.
            warnings.simplefilter("ignore")
            im = PILImage.open(path)
    except PILImage.DecompressionBombError as exc:
        yield _too_large(path, None, str(exc))
        return
    except Exception as exc:
        yield DamagedFileError(
            "画像ファイルが壊れているか、途中で切れているため読み取れません。" + _RESCAN,
            f"Pillow cannot open {fmt}: {type(exc).__name__}: {exc}",
            path=path,
        )
        return
    with im:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                n: int | None = int(getattr(im, "n_frames", 1) or 1)
        except Exception:  # a broken IFD chain in a TIFF: walk the frames until one fails
            n = None
        i = 0
        while n is None or i < n:
            if i:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        im.seek(i)
                except EOFError:
                    if n is None:
                        return
                    yield _damaged_frame(path, i, "seek failed: EOFError")
                    return
                except Exception as exc:
                    yield _damaged_frame(path, i, f"seek failed: {type(exc).__name__}: {exc}")
                    return
            yield _raster_frame(im, i, path, fmt, multi=n != 1)
            i += 1


def _damaged_frame(path: Path, i: int, detail: str, *, multi: bool = True) -> DamagedFileError:
    return DamagedFileError(
        ("このページ" if multi else "画像ファイル") + "が壊れているか、途中で切れているため読み取れません。" + _RESCAN,
        detail,
        path=path,
        page=i + 1 if multi else None,
    )


def _too_large(path: Path, page: int | None, detail: str) -> ImageTooLargeError:
    return ImageTooLargeError(
        "画像が大きすぎるため読み取れません（解像度が高すぎます）。200〜300dpi で再スキャンしてください。",
        detail,
        path=path,
        page=page,
    )


def _raster_frame(im: PILImage.Image, i: int, path: Path, fmt: str, *, multi: bool) -> Page | ImageInputError:
    """Decode the current frame of ``im`` (already seeked to ``i``) into a Page, or say why not."""
    page_no = i + 1 if multi else None
    try:
        w, h = orig_w, orig_h = im.size
        if w * h > MAX_DECODE_PIXELS:
            if fmt == "jpeg":
                # Decode at 1/2, 1/4 or 1/8 scale straight from the DCT data: the full bitmap never exists.
                im.draft("L" if im.mode in ("L", "1") else "RGB", _fit(w, h, MAX_SIDE))
                w, h = im.size
            if w * h > MAX_DECODE_PIXELS:
                return _too_large(path, page_no, f"{orig_w}×{orig_h} px > {MAX_DECODE_PIXELS} px")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im.load()
            frame = _to_rgb_image(im)
            frame = ImageOps.exif_transpose(frame) or frame
    except PILImage.DecompressionBombError as exc:
        return _too_large(path, page_no, str(exc))
    except MemoryError:
        return _too_large(path, page_no, "MemoryError while decoding")
    except Exception as exc:
        return _damaged_frame(path, i, f"decode failed: {type(exc).__name__}: {exc}", multi=multi)
    if max(frame.size) > MAX_SIDE:
        frame = frame.resize(_fit(*frame.size, MAX_SIDE), PILImage.Resampling.LANCZOS, reducing_gap=2.0)
    # exif_transpose may swap width and height, so compare long sides.
    scale = max(frame.size) / max(orig_w, orig_h) if max(frame.size) != max(orig_w, orig_h) else 1.0
    if min(frame.size) < MIN_SIDE:
        return ImageTooSmallError(
            f"画像が小さすぎて読み取れません（{frame.size[0]}×{frame.size[1]}ピクセル）。" + _RESCAN,
            f"image is {frame.size[0]}×{frame.size[1]} px, need ≥ {MIN_SIDE}",
            path=path,
            page=page_no,
        )
    arr = np.ascontiguousarray(np.asarray(frame, dtype=np.uint8))
    if _all_black(arr):
        # libtiff fills the missing part of a cut-off strip with zeros instead of failing.
        return DamagedFileError(
            "ページ全体が黒くなっていて読み取れません（ファイルの破損か、スキャンの失敗です）。" + _RESCAN,
            "frame decodes to a uniformly black image (truncated data or failed exposure)",
            path=path,
            page=page_no,
        )
    dpi = _header_dpi(im)
    return Page(arr, path, i, dpi * scale if dpi else None, scale)


def _all_black(arr: np.ndarray) -> bool:
    sample = arr[:: max(1, arr.shape[0] // 200), :: max(1, arr.shape[1] // 200)]
    return float(sample.mean()) < 8.0 and float(sample.std()) < 4.0


def _fit(w: int, h: int, side: int) -> tuple[int, int]:
    r = min(1.0, side / max(w, h))
    return max(1, round(w * r)), max(1, round(h * r))


def _header_dpi(im: PILImage.Image) -> float | None:
    dpi = im.info.get("dpi")
    try:
        x = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        return None
    return x if 50 <= x <= 2400 else None


def _to_rgb_image(im: PILImage.Image) -> PILImage.Image:
    """Any Pillow mode → RGB on white paper (16-bit scans scaled, transparency flattened)."""
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(im, dtype=np.float32)
        lo, hi = float(arr.min()), float(arr.max())
        arr = (arr - lo) * (255.0 / (hi - lo)) if hi > lo else np.full_like(arr, 255.0)
        return PILImage.fromarray(arr.astype(np.uint8), "L").convert("RGB")
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        return PILImage.alpha_composite(white, rgba).convert("RGB")
    if mode == "RGB":
        return im.copy()
    return im.convert("RGB")


# ---- blank detection ---------------------------------------------------------------------------


def is_blank(img: Image, *, margin: float = 0.03, ink_delta: int = 30, work_side: int = 1200) -> bool:
    """True if the image holds no marks: nothing darker than the paper bigger than a speck.

    Used for the empty backs of duplex scans and for empty field crops (which then skip the
    recogniser). ``margin`` (fraction of the short side) is ignored round the edge, where scanner
    shadows live; near-full-length lines along the edges (a cell's own ruling left in a crop,
    a scanner edge) do not count as marks. A pixel is ink if it is darker than the paper by
    ``ink_delta`` or by 4× the paper's own noise, whichever is more — so grainy grey paper is
    not taken for writing, while faint pencil on clean paper still is.
    """
    grey = to_grey(img)
    h, w = grey.shape
    m = round(min(h, w) * margin)
    if m and h > 2 * m and w > 2 * m:
        grey = grey[m : h - m, m : w - m]
    if grey.size == 0 or min(grey.shape) < 3:
        return True
    if max(grey.shape) > work_side:
        f = work_side / max(grey.shape)
        grey = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    grey = cv2.medianBlur(grey, 3)  # isolated specks and JPEG sparkle go; strokes stay
    # Noise = local standard deviation in the flattest fifth of the image (bare paper, or the
    # inside of thick strokes): unlike a global spread, it is not inflated when text fills a tight
    # crop. Paper = the bright end, which is paper as long as paper covers a fifth of the image.
    g = grey.astype(np.float32)
    mean = cv2.boxFilter(g, -1, (5, 5))
    local_sd = np.sqrt(np.maximum(cv2.boxFilter(g * g, -1, (5, 5)) - mean * mean, 0.0))
    step = max(1, grey.size // 100_000)
    noise = 1.15 * float(np.percentile(local_sd.reshape(-1)[::step], 20))
    paper = float(np.percentile(grey.reshape(-1)[::step], 90)) - noise
    threshold = paper - max(float(ink_delta), 4.0 * noise)
    if float(grey.min()) >= threshold:
        return True
    ink = (grey < threshold).astype(np.uint8)
    gh, gw = grey.shape
    # Ruling lines near the edge (a cell's own border, a scanner edge) are not marks: clear rows or
    # columns that are ≥ 90 % ink within the outer 15 % of the image. A centred 一 survives.
    edge_r, edge_c = max(1, round(gh * 0.15)), max(1, round(gw * 0.15))
    full_rows = ink.mean(axis=1) >= 0.9
    full_rows[edge_r : gh - edge_r] = False
    full_cols = ink.mean(axis=0) >= 0.9
    full_cols[edge_c : gw - edge_c] = False
    ink[full_rows, :] = 0
    ink[:, full_cols] = 0
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    # A mark is at least 0.4 % of the long side (pages) and, in a line-shaped crop, 10 % of its height.
    min_size = max(3.0, 0.004 * max(gh, gw), 0.1 * min(gh, gw) if min(gh, gw) <= 300 else 0.0)
    for k in range(1, n):
        cw, ch = int(stats[k, cv2.CC_STAT_WIDTH]), int(stats[k, cv2.CC_STAT_HEIGHT])
        if max(cw, ch) < min_size:
            continue  # a speck of dust or scanner noise
        # A long, thin (≤ 4 px on average) line in the outer quarter: a slightly tilted ruling.
        thickness = int(stats[k, cv2.CC_STAT_AREA]) / max(cw, ch)
        cx = stats[k, cv2.CC_STAT_LEFT] + cw / 2
        cy = stats[k, cv2.CC_STAT_TOP] + ch / 2
        if thickness <= 4 and cw >= 0.6 * gw and not 0.25 * gh <= cy <= 0.75 * gh:
            continue
        if thickness <= 4 and ch >= 0.6 * gh and not 0.25 * gw <= cx <= 0.75 * gw:
            continue
        return False
    return True
