"""Conversions between the array layouts that meet in this layer.

daiko passes images as RGB (H×W×3) or greyscale (H×W) uint8 arrays (see ``base.Image``);
OpenCV and the ONNX models behind rapidocr want BGR. Doing the conversion in one place keeps
a silent red/blue swap — which costs a few points of accuracy, not a crash — out of the engines.
"""

from __future__ import annotations

import cv2
import numpy as np

from daiko.ocr.base import Image


def check_image(img: object, what: str = "image") -> np.ndarray:
    """Return ``img`` as a uint8 array of shape H×W or H×W×{1,3,4}; raise TypeError/ValueError otherwise.

    Wrong shapes are programming errors (not bad scans), so they raise plain Python errors.
    """
    if not isinstance(img, np.ndarray):
        raise TypeError(f"{what} must be a numpy array, got {type(img).__name__}")
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (1, 3, 4)):
        raise ValueError(f"{what} must be H×W or H×W×3 (RGB), got shape {img.shape}")
    if img.dtype != np.uint8:
        if img.dtype == bool:
            return np.where(img, 255, 0).astype(np.uint8)
        if np.issubdtype(img.dtype, np.floating) and img.size and float(np.nanmax(img)) <= 1.0:
            return np.clip(np.nan_to_num(img) * 255.0, 0, 255).astype(np.uint8)
        return np.clip(img, 0, 255).astype(np.uint8)
    return img


def to_grey(img: Image) -> np.ndarray:
    """H×W uint8 greyscale from any accepted layout (RGB assumed for 3 channels)."""
    img = check_image(img)
    if img.ndim == 2:
        return img
    if img.shape[2] == 1:
        return img[:, :, 0]
    if img.shape[2] == 4:
        img = flatten_alpha(img)
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)


def to_rgb(img: Image) -> np.ndarray:
    """H×W×3 uint8 RGB from any accepted layout; transparent pixels become white paper."""
    img = check_image(img)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    if img.shape[2] == 1:
        return cv2.cvtColor(img[:, :, 0], cv2.COLOR_GRAY2RGB)
    if img.shape[2] == 4:
        return flatten_alpha(img)
    return img


def to_bgr(img: Image) -> np.ndarray:
    """H×W×3 uint8 BGR (what OpenCV and the rapidocr models expect), contiguous."""
    return np.ascontiguousarray(to_rgb(img)[:, :, ::-1])


def flatten_alpha(rgba: np.ndarray) -> np.ndarray:
    """Composite RGBA onto white: a transparent PNG background is paper, not black ink."""
    rgb = rgba[:, :, :3].astype(np.float32)
    alpha = rgba[:, :, 3:4].astype(np.float32) / 255.0
    return (rgb * alpha + 255.0 * (1.0 - alpha)).round().astype(np.uint8)


MAX_LINE_ASPECT = 24  # width/height; field crops measured on the bench set: median 3.7, max 12.8


def quad_box(quad: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of a detector's quadrilateral (4×2 points), clipped to the image."""
    q = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
    xs, ys = q[:, 0], q[:, 1]
    x0 = int(max(0, np.floor(xs.min())))
    y0 = int(max(0, np.floor(ys.min())))
    x1 = int(min(width, np.ceil(xs.max())))
    y1 = int(min(height, np.ceil(ys.max())))
    return x0, y0, x1, y1


def bound_aspect(bgr: np.ndarray, paper: tuple[int, int, int] | int = 255) -> np.ndarray:
    """Pad a very flat crop with paper above and below so width/height ≤ ``MAX_LINE_ASPECT``.

    Recognisers scale every crop to a fixed height (48 px): a 4 px sliver 900 px wide (a stray rule
    left in a zone) becomes 11,000 px wide and took 0.9 GB for one batch. Padding bounds the
    memory whatever reaches the engine; real text lines are narrower than this and unchanged.
    """
    h, w = bgr.shape[:2]
    if w <= h * MAX_LINE_ASPECT:
        return bgr
    extra = -(-w // MAX_LINE_ASPECT) - h
    top = extra // 2
    value = [int(v) for v in paper] if isinstance(paper, tuple | list) else int(paper)
    return cv2.copyMakeBorder(bgr, top, extra - top, 0, 0, cv2.BORDER_CONSTANT, value=value)
