"""Synthetic Japanese text images and "scans", for tests and measurements of this layer.

Real scans of citizens' papers cannot leave the hall, so accuracy and speed are measured on
images we draw ourselves: Noto Sans/Serif CJK for print, 瀬戸フォント for handwriting-style
entries, then degraded like a cheap office scanner (tilt, grey paper, noise, blur, JPEG).
Deterministic given a seed, so a measurement can be rerun and compared.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

__all__ = [
    "FONTS",
    "SAMPLE_LINES",
    "available_fonts",
    "degrade",
    "random_field_values",
    "render_line",
    "render_page",
]

# name -> (path, face index in the collection). Debian packages fonts-noto-cjk and fonts-seto.
FONTS: dict[str, tuple[str, int]] = {
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),  # 0 = JP face
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 0),
    "seto": ("/usr/share/fonts/truetype/seto/setofont.ttf", 0),  # handwriting style
}

# Field values of the kinds daiko's forms hold.
SAMPLE_LINES = [
    "山田 太郎",
    "ヤマダ タロウ",
    "令和6年4月1日",
    "所沢 480 あ 12-34",
    "0123456789",
    "飯能市双柳1番地の1",
    "090-1234-5678",
    "昭和58年12月25日",
    "軽自動車税 廃車申告書",
    "スズキ ケイコ",
]


_SURNAMES = [
    ("山田", "ヤマダ"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("渡辺", "ワタナベ"),
    ("伊藤", "イトウ"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
]
_GIVEN = [
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("恵子", "ケイコ"),
    ("健一", "ケンイチ"),
    ("美咲", "ミサキ"),
    ("翔太", "ショウタ"),
    ("陽菜", "ヒナ"),
    ("大輔", "ダイスケ"),
    ("由美", "ユミ"),
    ("直樹", "ナオキ"),
]
_PLACES = ["所沢", "飯能", "川越", "八王子", "多摩", "品川", "練馬", "相模", "岐阜", "栃木"]
_TOWNS = ["双柳", "本町", "緑町", "栄町", "東町", "中央", "旭町", "桜台", "南町", "西町"]
_KANA = "あいうえかきくけこさすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるれろわを"
_ERAS = [("令和", 7), ("平成", 31), ("昭和", 64)]


def random_field_values(n: int, *, seed: int = 0) -> list[str]:
    """``n`` plausible field values (names, kana names, era dates, plates, phones, addresses, digits)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = i % 7
        if kind == 0:
            s, g = _SURNAMES[rng.integers(10)], _GIVEN[rng.integers(10)]
            out.append(f"{s[0]} {g[0]}")
        elif kind == 1:
            s, g = _SURNAMES[rng.integers(10)], _GIVEN[rng.integers(10)]
            out.append(f"{s[1]} {g[1]}")
        elif kind == 2:
            era, last = _ERAS[rng.integers(3)]
            out.append(f"{era}{rng.integers(1, last)}年{rng.integers(1, 13)}月{rng.integers(1, 29)}日")
        elif kind == 3:
            out.append(
                f"{_PLACES[rng.integers(10)]} {rng.integers(100, 999)} {_KANA[rng.integers(len(_KANA))]} "
                f"{rng.integers(10, 99)}-{rng.integers(10, 99)}"
            )
        elif kind == 4:
            out.append(f"0{rng.integers(70, 90)}-{rng.integers(1000, 9999)}-{rng.integers(1000, 9999)}")
        elif kind == 5:
            out.append(
                f"{_PLACES[rng.integers(10)]}市{_TOWNS[rng.integers(10)]}{rng.integers(1, 30)}番地の{rng.integers(1, 9)}"
            )
        else:
            out.append("".join(str(d) for d in rng.integers(0, 10, rng.integers(4, 12))))
    return out


def available_fonts() -> dict[str, tuple[str, int]]:
    """The FONTS that are installed on this machine."""
    return {k: v for k, v in FONTS.items() if Path(v[0]).is_file()}


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = FONTS[name]
    return ImageFont.truetype(path, size, index=index)


def render_line(
    text: str, *, font: str = "sans", size: int = 36, pad: int = 12, ink: int = 0, paper: int = 255
) -> np.ndarray:
    """One line of text, tightly cropped with ``pad`` px of paper round it: H×W×3 uint8 RGB."""
    f = _font(font, size)
    x0, y0, x1, y1 = f.getbbox(text)
    w, h = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    im = PILImage.new("RGB", (max(w, 8), max(h, 8)), (paper,) * 3)
    ImageDraw.Draw(im).text((pad - x0, pad - y0), text, font=f, fill=(ink,) * 3)
    return np.asarray(im).copy()


@dataclass(frozen=True)
class SyntheticPage:
    image: np.ndarray
    lines: list[str]
    boxes: list[tuple[int, int, int, int]]  # (x0, y0, x1, y1) of each line's ink


def render_page(
    lines: list[str],
    *,
    size: tuple[int, int] = (1654, 2339),  # A4 at 200 dpi
    font: str | list[str] = "sans",
    font_size: int = 40,
    left: int = 160,
    top: int = 200,
    line_gap: int = 100,
    rulings: bool = False,
) -> SyntheticPage:
    """A white page with one text line per entry (cycling through ``font`` if a list)."""
    im = PILImage.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(im)
    fonts = [font] if isinstance(font, str) else list(font)
    boxes = []
    for i, text in enumerate(lines):
        f = _font(fonts[i % len(fonts)], font_size)
        y = top + i * line_gap
        draw.text((left, y), text, font=f, fill=(0, 0, 0))
        x0, y0, x1, y1 = draw.textbbox((left, y), text, font=f)
        boxes.append((int(x0), int(y0), int(x1), int(y1)))
        if rulings:
            draw.line([(left - 20, y1 + 14), (size[0] - left + 20, y1 + 14)], fill=(0, 0, 0), width=2)
    return SyntheticPage(np.asarray(im).copy(), list(lines), boxes)


def degrade(
    img: np.ndarray,
    *,
    seed: int = 0,
    angle: float = 0.0,
    paper: int = 232,
    ink: int = 50,
    noise: float = 8.0,
    blur: float = 0.7,
    specks: float = 0.0005,
    jpeg_quality: int | None = 45,
) -> np.ndarray:
    """Make a clean rendering look scanned: tilt, grey paper, faded ink, noise, blur, specks, JPEG."""
    rng = np.random.default_rng(seed)
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    out = ink + (paper - ink) * grey  # map black→ink, white→paper
    if angle:
        h, w = out.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=float(paper))
    if blur:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    if noise:
        out = out + rng.normal(0, noise, out.shape)
    if specks:
        n = int(out.size * specks)
        ys, xs = rng.integers(0, out.shape[0], n), rng.integers(0, out.shape[1], n)
        out[ys, xs] = rng.choice([0.0, 255.0], n)
    out8 = np.clip(out, 0, 255).astype(np.uint8)
    if jpeg_quality:
        buf = io.BytesIO()
        PILImage.fromarray(out8, "L").save(buf, "JPEG", quality=int(jpeg_quality))
        out8 = np.asarray(PILImage.open(io.BytesIO(buf.getvalue())).convert("L"))
    return cv2.cvtColor(out8, cv2.COLOR_GRAY2RGB)
