"""Font files for the printed form (Noto CJK: 明朝 and ゴシック like real municipal forms) and for
handwriting-style synthetic values (Klee One, 瀬戸フォント). Debian packages; nothing is downloaded.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

from daiko.forms.errors import FormError

_NOTO = Path("/usr/share/fonts/opentype/noto")
_TT = Path("/usr/share/fonts/truetype")

# name → (file, face index inside a .ttc, Debian package)
FONTS: dict[str, tuple[Path, int, str]] = {
    "serif": (_NOTO / "NotoSerifCJK-Regular.ttc", 0, "fonts-noto-cjk"),
    "serif-bold": (_NOTO / "NotoSerifCJK-Bold.ttc", 0, "fonts-noto-cjk-extra"),
    "sans": (_NOTO / "NotoSansCJK-Regular.ttc", 0, "fonts-noto-cjk"),
    "sans-bold": (_NOTO / "NotoSansCJK-Bold.ttc", 0, "fonts-noto-cjk-extra"),
    "mono": (_NOTO / "NotoSansCJK-Regular.ttc", 5, "fonts-noto-cjk"),  # Noto Sans Mono CJK JP
    "klee": (_TT / "klee/KleeOne-Regular.ttf", 0, "fonts-klee"),
    "klee-semibold": (_TT / "klee/KleeOne-SemiBold.ttf", 0, "fonts-klee"),
    "seto": (_TT / "seto/setofont.ttf", 0, "fonts-seto"),
}
HANDWRITING_FONTS = ("klee", "klee-semibold", "seto")
PRINT_FONTS = ("sans", "serif", "mono")


@functools.cache
def font(name: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A loaded font at ``size_px`` pixels (em size); FormError says which package to install."""
    try:
        path, index, package = FONTS[name]
    except KeyError:
        raise ValueError(f"unknown font '{name}'; known: {', '.join(FONTS)}") from None
    if not path.is_file():
        raise FormError(f"フォント {path.name} がありません（apt-get install {package}）", str(path))
    return ImageFont.truetype(str(path), max(1, int(size_px)), index=index)


def available_handwriting_fonts() -> list[str]:
    return [n for n in HANDWRITING_FONTS if FONTS[n][0].is_file()]
